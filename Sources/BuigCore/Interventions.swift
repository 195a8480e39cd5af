import Foundation

/// What one intervention does in one year: its cost, the reduction of BUIG spending it yields,
/// and the households it keeps off benefit (annual average).
public struct InterventionYear: Equatable, Sendable {
  /// Cost in euros (paid outside the BUIG budget).
  public var cost: Money
  /// Reduction of BUIG spending in euros; `nil` for a p.m. item (a yield that is not
  /// quantified), which is never counted as zero.
  public var yield: Money?
  /// Households off benefit because of the intervention (annual average); zero when the
  /// intervention does not say.
  public var caseloadEffect: Decimal

  /// A year's effect.
  public init(cost: Money, yield: Money?, caseloadEffect: Decimal = 0) {
    self.cost = cost
    self.yield = yield
    self.caseloadEffect = caseloadEffect
  }
}

/// Costs and yields per year as a council letter states them.
public struct ScheduleIntervention: Equatable, Sendable {
  /// Cost by year (EUR).
  public var costs: [Int: Money]
  /// Yield by year (EUR); `nil` for a p.m. item.
  public var yields: [Int: Money]?
  /// Households off benefit by year, when the source says.
  public var caseloadEffects: [Int: Decimal]
  /// Structural: after the last stated year, the last stated cost and yield continue each
  /// year. Incidental: only the stated years count.
  public var structural: Bool
  /// Named parts of the cost (for example the three measures behind one yield line); their
  /// sum per year must equal `costs`.
  public var costComponents: [(name: String, costs: [Int: Money])]

  /// A schedule.
  public init(
    costs: [Int: Money], yields: [Int: Money]?, caseloadEffects: [Int: Decimal] = [:],
    structural: Bool, costComponents: [(name: String, costs: [Int: Money])] = []
  ) {
    self.costs = costs
    self.yields = yields
    self.caseloadEffects = caseloadEffects
    self.structural = structural
    self.costComponents = costComponents
  }

  /// Equality of the stated figures (components compared by name and amounts).
  public static func == (a: ScheduleIntervention, b: ScheduleIntervention) -> Bool {
    a.costs == b.costs && a.yields == b.yields && a.caseloadEffects == b.caseloadEffects
      && a.structural == b.structural
      && a.costComponents.map(\.name) == b.costComponents.map(\.name)
      && a.costComponents.map(\.costs) == b.costComponents.map(\.costs)
  }

  private static func value<T>(_ map: [Int: T], _ year: Int, structural: Bool, zero: T) -> T {
    if let v = map[year] { return v }
    guard structural, let last = map.keys.max(), year > last else { return zero }
    return map[last]!
  }

  /// The year's cost, yield (nil for p.m.) and caseload effect.
  public func effect(in year: Int) -> InterventionYear {
    InterventionYear(
      cost: Self.value(costs, year, structural: structural, zero: .zero),
      yield: yields.map { Self.value($0, year, structural: structural, zero: .zero) },
      caseloadEffect: Self.value(caseloadEffects, year, structural: structural, zero: 0))
  }
}

/// A payment that follows a success with a probability and a delay: the second voucher of
/// EUR 1,500 on a follow-up contract, the premie op werk's EUR 900 after 6 months.
public struct FollowUpPayment: Equatable, Sendable {
  /// Amount per payment (EUR).
  public var amount: Money
  /// Probability that a success leads to the payment (for example 52/113 for the premie).
  public var probability: Decimal
  /// Months between the success and the payment (0 to 12).
  public var delayMonths: Decimal

  /// A follow-up payment.
  public init(amount: Money, probability: Decimal, delayMonths: Decimal) {
    self.amount = amount
    self.probability = probability
    self.delayMonths = delayMonths
  }
}

/// An intervention described by how it works: who takes part, how many succeed, what a
/// success saves and for how long.
///
/// For each intake year y (every year of `activeYears`), I = `intake` participants start and stay
/// in the programme at most `programmeYears` = K years. A share q = `successRate` of them leaves
/// benefit during the programme, evenly spread: I·q/K gross successes in each programme year
/// k = 0…K−1, with I·(1 − q·k/K) participants still in the programme that year. Of the gross
/// successes, a share `deadweight` would have left anyway, so the net successes are
/// s = I·q/K·(1 − deadweight).
///
/// Households kept off benefit by the successes of year x, in year x + j: s·τ for j = 0 (τ =
/// `exitTiming`, 0.5 when exits are spread over the year) and s·ρ^j for j ≥ 1 (ρ = `retention`,
/// the share still off benefit a year later; 1 for a structural effect). Yield = households
/// off benefit × `savingPerSuccess` (EUR per household per year).
///
/// Costs: `fixedPerYear` in each active year; `perParticipant` × participants in programme;
/// `perSuccess` × gross successes; each follow-up: amount × probability × gross successes, of
/// which a share 1 − delay/12 falls in the year of the success (exits spread evenly over the
/// year) and the rest in the next year.
public struct MechanisticIntervention: Equatable, Sendable {
  /// The years in which participants start.
  public var activeYears: [Int]
  /// Participants starting per active year.
  public var intake: Decimal
  /// Years a participant stays in the programme at most (≥ 1).
  public var programmeYears: Int
  /// Share of participants who leave benefit during the programme (0…1).
  public var successRate: Decimal
  /// Share of successes that would have happened anyway (0…1).
  public var deadweight: Decimal
  /// Share of a full year's saving realised in the year of exit (0…1).
  public var exitTiming: Decimal
  /// Benefit avoided per success per year (EUR), part-time earnings already counted.
  public var savingPerSuccess: Money
  /// Share of those off benefit who are still off benefit a year later (0…1).
  public var retention: Decimal
  /// Fixed cost per active year (EUR): coaches, a project team.
  public var fixedPerYear: Money
  /// Cost per participant per programme year (EUR).
  public var perParticipant: Money
  /// Cost per gross success (EUR): a voucher, a premium paid at once.
  public var perSuccess: Money
  /// Conditional payments after a success.
  public var followUps: [FollowUpPayment]

  /// A mechanistic intervention.
  public init(
    activeYears: [Int], intake: Decimal, programmeYears: Int, successRate: Decimal,
    deadweight: Decimal, exitTiming: Decimal, savingPerSuccess: Money, retention: Decimal,
    fixedPerYear: Money, perParticipant: Money, perSuccess: Money, followUps: [FollowUpPayment]
  ) {
    self.activeYears = activeYears
    self.intake = intake
    self.programmeYears = programmeYears
    self.successRate = successRate
    self.deadweight = deadweight
    self.exitTiming = exitTiming
    self.savingPerSuccess = savingPerSuccess
    self.retention = retention
    self.fixedPerYear = fixedPerYear
    self.perParticipant = perParticipant
    self.perSuccess = perSuccess
    self.followUps = followUps
  }

  /// Gross successes in calendar year `year` (exits during that year, deadweight included).
  public func grossSuccesses(in year: Int) -> Decimal { values.grossSuccesses(in: year) { _ in 1 } }

  /// Participants in the programme in `year`: Σ over intake years y ≤ year < y + K of
  /// I·(1 − q·(year − y)/K).
  public func participants(in year: Int) -> Decimal { values.participants(in: year) }

  /// Households off benefit in `year` because of the intervention (annual average).
  public func householdsOffBenefit(in year: Int) -> Decimal {
    values.householdsOff(in: year) { _ in 1 }
  }

  /// The year's cost, yield and caseload effect.
  public func effect(in year: Int) -> InterventionYear {
    let e = values.effect(in: year) { _ in 1 }
    return InterventionYear(
      cost: Money(e.cost), yield: Money(e.yield), caseloadEffect: e.households)
  }

  /// The figures as exact decimals.
  public var values: MechanisticValues<Decimal> { MechanisticValues(self) }
}

/// A mechanistic intervention's figures in the number type of the computation: the one
/// implementation of its formulas (see `MechanisticIntervention`) that the exact layer
/// (`Decimal`) and the Monte Carlo engine (`Double`, with drawn parameters) both use.
public struct MechanisticValues<T: RuleScalar>: Sendable {
  /// Intake years.
  public var activeYears: [Int]
  /// Programme length K (years).
  public var programmeYears: Int
  /// Participants per intake year I.
  public var intake: T
  /// Success rate q.
  public var successRate: T
  /// Deadweight.
  public var deadweight: T
  /// Exit timing τ.
  public var exitTiming: T
  /// Saving per success per year (EUR).
  public var saving: T
  /// Retention ρ per year.
  public var retention: T
  /// Fixed cost per active year (EUR).
  public var fixedPerYear: T
  /// Cost per participant per programme year (EUR).
  public var perParticipant: T
  /// Cost per gross success (EUR).
  public var perSuccess: T
  /// Follow-up payments: amount (EUR), probability, delay (months).
  public var followUps: [(amount: T, probability: T, delayMonths: T)]

  /// The figures of an intervention, converted.
  public init(_ m: MechanisticIntervention) {
    activeYears = m.activeYears
    programmeYears = m.programmeYears
    intake = T(rule: m.intake)
    successRate = T(rule: m.successRate)
    deadweight = T(rule: m.deadweight)
    exitTiming = T(rule: m.exitTiming)
    saving = T(rule: m.savingPerSuccess.euros)
    retention = T(rule: m.retention)
    fixedPerYear = T(rule: m.fixedPerYear.euros)
    perParticipant = T(rule: m.perParticipant.euros)
    perSuccess = T(rule: m.perSuccess.euros)
    followUps = m.followUps.map {
      (T(rule: $0.amount.euros), T(rule: $0.probability), T(rule: $0.delayMonths))
    }
  }

  /// Gross successes I·q/K for each intake year whose programme runs in `year`, times
  /// `factor(year)` (the economy's effect on exits; 1 in the deterministic layer).
  public func grossSuccesses(in year: Int, factor: (Int) -> T) -> T {
    var total = T.zero
    let k = T(rule: Decimal(programmeYears))
    for y in activeYears where year >= y && year < y + programmeYears {
      total = total + intake * successRate / k
    }
    return total * factor(year)
  }

  /// Participants in the programme in `year`.
  public func participants(in year: Int) -> T {
    var total = T.zero
    let k = T(rule: Decimal(programmeYears))
    let one = T(rule: 1)
    for y in activeYears where year >= y && year < y + programmeYears {
      total = total + intake * (one - successRate * T(rule: Decimal(year - y)) / k)
    }
    return total
  }

  /// Households off benefit in `year`: net successes of year x count τ in year x and ρ^j in
  /// year x + j.
  public func householdsOff(in year: Int, factor: (Int) -> T) -> T {
    guard let first = activeYears.min() else { return .zero }
    let one = T(rule: 1)
    var total = T.zero
    var x = first
    while x <= year {
      let s = grossSuccesses(in: x, factor: factor) * (one - deadweight)
      if s != .zero {
        var weight = exitTiming
        if year > x {
          weight = one
          for _ in 0..<(year - x) { weight = weight * retention }
        }
        total = total + s * weight
      }
      x += 1
    }
    return total
  }

  /// The year's cost, yield and households off benefit.
  public func effect(in year: Int, factor: (Int) -> T) -> (cost: T, yield: T, households: T) {
    var cost = T.zero
    if activeYears.contains(year) { cost = cost + fixedPerYear }
    cost = cost + perParticipant * participants(in: year)
    let g = grossSuccesses(in: year, factor: factor)
    let previous = grossSuccesses(in: year - 1, factor: factor)
    cost = cost + perSuccess * g
    let twelve = T(rule: 12)
    let one = T(rule: 1)
    for f in followUps {
      let sameYear = one - f.delayMonths / twelve
      cost = cost + f.amount * (f.probability * g * sameYear)
      cost = cost + f.amount * (f.probability * previous * (one - sameYear))
    }
    let off = householdsOff(in: year, factor: factor)
    return (cost, saving * off, off)
  }
}

/// Screening op rechtmatigheid: a direct reduction of spending that ramps up and decays,
/// repeated every N years (seed 003: every 3 years, at most EUR 850,000).
///
/// A round started in year r saves, in year r + k: f·S for k = 0 (f = `firstYearFraction`),
/// S for k = 1, and S·max(0, 1 − d·(k − 1)) for k ≥ 2 (S = `peakSaving`, d = `decayPerYear`,
/// the share of the peak lost each year after the peak). Rounds add up. Each round costs
/// `costPerRound` in its start year.
public struct ScreeningIntervention: Equatable, Sendable {
  /// Year of the first round.
  public var firstYear: Int
  /// Years between rounds; `nil` for one round only.
  public var repeatEveryYears: Int?
  /// The saving in the year after a round (EUR).
  public var peakSaving: Money
  /// Share of the peak saved in the round's own year.
  public var firstYearFraction: Decimal
  /// Share of the peak lost each year after the peak year.
  public var decayPerYear: Decimal
  /// Cost of one round (EUR).
  public var costPerRound: Money

  /// A screening intervention.
  public init(
    firstYear: Int, repeatEveryYears: Int?, peakSaving: Money, firstYearFraction: Decimal,
    decayPerYear: Decimal, costPerRound: Money
  ) {
    self.firstYear = firstYear
    self.repeatEveryYears = repeatEveryYears
    self.peakSaving = peakSaving
    self.firstYearFraction = firstYearFraction
    self.decayPerYear = decayPerYear
    self.costPerRound = costPerRound
  }

  /// The start years of rounds up to `year`.
  public func rounds(through year: Int) -> [Int] {
    guard year >= firstYear else { return [] }
    guard let n = repeatEveryYears else { return [firstYear] }
    return Array(stride(from: firstYear, through: year, by: n))
  }

  /// The year's cost and saving.
  public func effect(in year: Int) -> InterventionYear {
    var saving = Money.zero
    for r in rounds(through: year) {
      let k = year - r
      let factor: Decimal =
        k == 0 ? firstYearFraction : k == 1 ? 1 : max(0, 1 - decayPerYear * Decimal(k - 1))
      saving += peakSaving * factor
    }
    let cost = rounds(through: year).contains(year) ? costPerRound : .zero
    return InterventionYear(cost: cost, yield: saving)
  }
}

/// One intervention of a package.
public struct Intervention: Equatable, Sendable {
  /// How the intervention is described.
  public enum Kind: Equatable, Sendable {
    /// Costs and yields as stated.
    case schedule(ScheduleIntervention)
    /// From participants, success, saving and retention.
    case mechanistic(MechanisticIntervention)
    /// Screening op rechtmatigheid.
    case screening(ScreeningIntervention)

    /// `schedule`, `mechanistic` or `screening`.
    public var name: String {
      switch self {
      case .schedule: "schedule"
      case .mechanistic: "mechanistic"
      case .screening: "screening"
      }
    }
  }

  /// A short identifier, unique in the scenario.
  public var id: String
  /// The name as the council letter writes it.
  public var name: String
  /// How it works.
  public var kind: Kind
  /// Where its figures come from.
  public var source: String?
  /// Assumptions and remarks.
  public var notes: [String]

  /// An intervention.
  public init(id: String, name: String, kind: Kind, source: String? = nil, notes: [String] = []) {
    self.id = id
    self.name = name
    self.kind = kind
    self.source = source
    self.notes = notes
  }

  /// Whether the yield is p.m. (not quantified).
  public var isPM: Bool {
    if case .schedule(let s) = kind { return s.yields == nil }
    return false
  }

  /// The year's cost, yield and caseload effect.
  public func effect(in year: Int) -> InterventionYear {
    switch kind {
    case .schedule(let s): s.effect(in: year)
    case .mechanistic(let m): m.effect(in: year)
    case .screening(let s): s.effect(in: year)
    }
  }
}
