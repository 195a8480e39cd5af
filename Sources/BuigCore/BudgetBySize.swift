import Foundation

/// Which budget basis (budgetgrondslag) the law sets for a municipality of a given size.
public enum SizeBasisKind: String, Sendable, CaseIterable {
  /// Historic costs only: G = BL (Besluit WWB 2007 art. 5 before 2015: 25,000 inhabitants or
  /// fewer; art. 3 from 2015: 15,000 or fewer).
  case historic
  /// A mix: G = m · O + (1 − m) · BL with m = (inhabitants − lower bound) / (upper bound − lower
  /// bound) (art. 6 before 2015, art. 4 from 2015).
  case mixed
  /// The objective model only: G = O (art. 7 before 2015, art. 5 from 2015: 40,000 or more).
  case objective
}

/// The weights of the transition (art. 8a from 2015): B = historicWeight · BL + basisWeight · G
/// for a municipality above the historic bound.
public struct SizeBasisPhaseIn: Equatable, Sendable {
  /// The weight of the historic budget BL (fraction; 0.5 in 2015 and 2016, 0.25 in 2017).
  public var historicWeight: Decimal
  /// The weight of the budget by the basis G (fraction; 0.5 in 2015 and 2016, 0.75 in 2017).
  public var basisWeight: Decimal

  /// Weights of a transition year.
  public init(historicWeight: Decimal, basisWeight: Decimal) {
    self.historicWeight = historicWeight
    self.basisWeight = basisWeight
  }
}

/// The ex-ante cap on the herverdeeleffect of the Besluit WWB 2007, bijlage B (before 2015).
///
/// The limit is 5% for an effect below 5%, 5% plus half the excess over 5% for an effect from 5%
/// to 10%, and 7.5% above 10%; the difference between the historic and the objective share may
/// not exceed the limit × the objective share. SZW applies it with an algorithm over all
/// municipalities at once, so the engine holds it as data and says where it is not applied.
public struct HerverdeeleffectCap: Equatable, Sendable {
  /// Below this effect (fraction of the objective share) the limit is `lower` (0.05).
  public var lower: Decimal
  /// Above this effect the limit is `maximum` (0.10).
  public var upper: Decimal
  /// The highest limit (0.075).
  public var maximum: Decimal
  /// Whether the engine applies it (it does not: the algorithm runs over all municipalities).
  public var applied: Bool
  /// Where the cap is written.
  public var source: String
  /// A remark, for example why it is not applied.
  public var note: String?

  /// A cap.
  public init(
    lower: Decimal, upper: Decimal, maximum: Decimal, applied: Bool, source: String,
    note: String? = nil
  ) {
    self.lower = lower
    self.upper = upper
    self.maximum = maximum
    self.applied = applied
    self.source = source
    self.note = note
  }

  /// The limit (fraction of the objective share) for an effect e (fraction, absolute): `lower`
  /// for e < lower, lower + (e − lower)/2 up to `upper`, `maximum` above.
  public func limit(effect e: Decimal) -> Decimal {
    let a = abs(e)
    if a < lower { return lower }
    if a > upper { return maximum }
    return lower + (a - lower) / 2
  }
}

/// The budget bases by size of one period of the law: the inhabitant bounds, the transition
/// weights by year and the herverdeeleffect cap where the law has one.
public struct SizeBasisPeriod: Equatable, Sendable {
  /// The first budget year the period applies to.
  public var fromYear: Int
  /// The last budget year, `nil` when open.
  public var toYear: Int?
  /// A municipality with this many inhabitants or fewer has the historic basis (25,000 before
  /// 2015, 15,000 from 2015).
  public var historicUpTo: Int
  /// A municipality with this many inhabitants or more has the objective basis (40,000).
  public var objectiveFrom: Int
  /// The transition weights by year (art. 8a: 2015-2017).
  public var phaseIn: [Int: SizeBasisPhaseIn]
  /// The herverdeeleffect cap of the period, if any.
  public var cap: HerverdeeleffectCap?
  /// Where the period's rules are written.
  public var source: String
  /// How sure they are.
  public var confidence: Confidence
  /// Remarks.
  public var notes: [String]

  /// A period.
  public init(
    fromYear: Int, toYear: Int?, historicUpTo: Int, objectiveFrom: Int,
    phaseIn: [Int: SizeBasisPhaseIn] = [:], cap: HerverdeeleffectCap? = nil, source: String,
    confidence: Confidence, notes: [String] = []
  ) {
    self.fromYear = fromYear
    self.toYear = toYear
    self.historicUpTo = historicUpTo
    self.objectiveFrom = objectiveFrom
    self.phaseIn = phaseIn
    self.cap = cap
    self.source = source
    self.confidence = confidence
    self.notes = notes
  }

  /// Whether the period covers `year`.
  public func covers(_ year: Int) -> Bool {
    year >= fromYear && (toYear.map { year <= $0 } ?? true)
  }

  /// The basis and its weight m of the objective part for `inhabitants` n:
  /// historic (m = 0) when n ≤ historicUpTo; objective (m = 1) when n ≥ objectiveFrom; else
  /// mixed with m = (n − historicUpTo) / (objectiveFrom − historicUpTo) (fraction).
  public func kind(inhabitants n: Int) -> (kind: SizeBasisKind, m: Decimal) {
    if n <= historicUpTo { return (.historic, 0) }
    if n >= objectiveFrom { return (.objective, 1) }
    return (.mixed, Decimal(n - historicUpTo) / Decimal(objectiveFrom - historicUpTo))
  }

  /// `15,000`, `15,000-40,000`, `40,000` as the bounds of a basis, for outputs.
  public func boundsText(_ kind: SizeBasisKind) -> String {
    switch kind {
    case .historic: "\(Money.group(String(historicUpTo))) inhabitants or fewer"
    case .mixed:
      "more than \(Money.group(String(historicUpTo))) and fewer than "
        + "\(Money.group(String(objectiveFrom))) inhabitants"
    case .objective: "\(Money.group(String(objectiveFrom))) inhabitants or more"
    }
  }
}

/// The historic costs a budget by size needs: BL = costs(t−2) × (1 + household growth) × scale.
public struct HistoricCosts: Equatable, Sendable {
  /// The municipality's BUIG costs of the year two years before the budget year (EUR).
  public var costs: Money
  /// The growth of households (reference person aged 15-64) from 1 January of t−2 to 1 January
  /// of t−1 (fraction: 0.01 for 1%).
  public var householdGrowth: Decimal
  /// The factor that turns historic costs into budget (the distributed budget over the national
  /// historic costs); `nil` when not given, which counts 1 and says so.
  public var scale: Decimal?

  /// Historic costs.
  public init(costs: Money, householdGrowth: Decimal, scale: Decimal? = nil) {
    self.costs = costs
    self.householdGrowth = householdGrowth
    self.scale = scale
  }

  /// BL = costs × (1 + household growth) × scale (EUR).
  public var budget: Money { costs * ((1 + householdGrowth) * (scale ?? 1)) }
}

/// The inputs of a budget by size: the inhabitants decide the basis by the rule table; the
/// historic part needs `historic`, the objective part `objective`.
public struct SizeBasisInput: Equatable, Sendable {
  /// Inhabitants on 1 January of the year before the budget year (the law's peildatum).
  public var inhabitants: Int
  /// The historic costs, when given.
  public var historic: HistoricCosts?
  /// The objective budget O (EUR): objective volume × model price, or as SZW states it.
  public var objective: Money?

  /// An input.
  public init(inhabitants: Int, historic: HistoricCosts?, objective: Money?) {
    self.inhabitants = inhabitants
    self.historic = historic
    self.objective = objective
  }
}

/// How a budget by size was set: the basis, m, the transition weights and the parts.
public struct AppliedSizeBasis: Equatable, Sendable {
  /// The basis the inhabitants select.
  public var kind: SizeBasisKind
  /// The inhabitants used.
  public var inhabitants: Int
  /// The weight m of the objective part (fraction).
  public var m: Decimal
  /// The transition weights, in a transition year.
  public var phaseIn: SizeBasisPhaseIn?
  /// The historic budget BL (EUR), when known.
  public var historicBudget: Money?
  /// The objective budget O (EUR), when used.
  public var objectiveBudget: Money?
  /// The basis G = m · O + (1 − m) · BL (EUR).
  public var basis: Money
  /// The period of the rule table that applied.
  public var period: SizeBasisPeriod

  /// The herverdeeleffect on the budget, B − BL (EUR): the objective share minus the historic
  /// share times the distributed budget (Besluit WWB 2007, bijlage B); `nil` without BL.
  public func herverdeeleffect(budget: Money) -> Money? {
    historicBudget.map { budget - $0 }
  }

  /// The basis in words: `mixed (20,000 inhabitants, m = 0.2): G = 0.2 × O + 0.8 × BL`.
  public var text: String {
    let n = Money.group(String(inhabitants))
    let mText = m.rounded(6).plainText
    var s: String
    switch kind {
    case .historic: s = "historic (\(n) inhabitants, m = 0): G = BL"
    case .mixed:
      s =
        "mixed (\(n) inhabitants, m = \(mText)): G = \(mText) × O + \((1 - m).rounded(6).plainText) × BL"
    case .objective: s = "objective (\(n) inhabitants, m = 1): G = O"
    }
    if let p = phaseIn {
      s +=
        "; transition: B = \(p.historicWeight.plainText) × BL + \(p.basisWeight.plainText) × G"
    }
    return s
  }
}

extension RuleTable {
  /// The period of the budget bases by size that covers `year`, if any.
  public func sizeBasisPeriod(year: Int) -> SizeBasisPeriod? {
    sizeBasisPeriods.first { $0.covers(year) }
  }

  /// The budget of a year by the municipality's size (Besluit WWB 2007 art. 4-8a).
  ///
  /// G = BL (historic), m · O + (1 − m) · BL (mixed) or O (objective), by the period's bounds; in
  /// a transition year a municipality above the historic bound gets B = w_h · BL + w_b · G,
  /// else B = G. BL = costs(t−2) × (1 + household growth) × scale. Amounts in EUR.
  func sizeBudget(year: Int, input: SizeBasisInput) throws(BudgetError) -> (
    budget: Money, applied: AppliedSizeBasis, assumptions: [String]
  ) {
    guard let period = sizeBasisPeriod(year: year) else {
      throw .noSizeBasis(year: year, periods: sizeBasisPeriods)
    }
    let (kind, m) = period.kind(inhabitants: input.inhabitants)
    let phaseIn = kind == .historic ? nil : period.phaseIn[year]
    let needsHistoric = kind != .objective || (phaseIn.map { $0.historicWeight != 0 } ?? false)
    let needsObjective = kind != .historic
    var missing: [String] = []
    if needsHistoric && input.historic == nil { missing.append("historic costs of \(year - 2)") }
    if needsObjective && input.objective == nil { missing.append("an objective budget") }
    if !missing.isEmpty {
      throw .sizeBasisInput(year: year, basis: kind, missing: missing)
    }
    let bl = input.historic?.budget
    let g: Money
    switch kind {
    case .historic: g = bl!
    case .mixed: g = input.objective! * m + bl! * (1 - m)
    case .objective: g = input.objective!
    }
    let b = phaseIn.map { bl! * $0.historicWeight + g * $0.basisWeight } ?? g
    var assumptions: [String] = []
    if let h = input.historic, h.scale == nil, needsHistoric {
      assumptions.append(
        "\(year): the historic costs count at their own scale (historicScale 1): the distributed "
          + "budget is taken equal to the national historic costs")
    }
    if let cap = period.cap, !cap.applied, kind != .historic {
      assumptions.append(
        "\(year): the herverdeeleffect cap is not applied" + (cap.note.map { ": \($0)" } ?? ""))
    }
    let applied = AppliedSizeBasis(
      kind: kind, inhabitants: input.inhabitants, m: m, phaseIn: phaseIn, historicBudget: bl,
      objectiveBudget: needsObjective ? input.objective : nil, basis: g, period: period)
    return (b, applied, assumptions)
  }
}
