import Foundation

/// How sure a rule or figure is.
public enum Confidence: String, Sendable, CaseIterable {
  /// Stated by an official or primary source.
  case high
  /// A secondary source, or simple checked arithmetic on stated numbers.
  case medium
  /// Inferred.
  case low
}

/// A figure with the source it came from.
public struct SourcedAmount: Equatable, Sendable {
  /// The amount in euros.
  public var amount: Money
  /// Where it comes from (a publication, a seed letter, or the arithmetic that derives it).
  public var source: String
  /// How sure it is.
  public var confidence: Confidence

  /// A sourced amount.
  public init(amount: Money, source: String, confidence: Confidence) {
    self.amount = amount
    self.source = source
    self.confidence = confidence
  }
}

/// The three moments at which the ministry sets a year's macrobudget (voorlopig in September of the year before, nader voorlopig in spring, definitief in September).
public enum MacrobudgetPhase: String, Sendable, CaseIterable {
  /// September of the year before, from the MEV.
  case voorlopig
  /// Spring of the year itself.
  case naderVoorlopig
  /// September of the year itself, including wage and price indexation; never recalculated.
  case definitief
}

/// The national macrobudget of one year, per phase where known (EUR).
public struct Macrobudget: Equatable, Sendable {
  /// Voorlopig (provisional) amount.
  public var voorlopig: SourcedAmount?
  /// Nader voorlopig (revised provisional) amount.
  public var naderVoorlopig: SourcedAmount?
  /// Definitief (final) amount.
  public var definitief: SourcedAmount?
  /// The amount actually distributed over municipalities (macrobudget minus what was withheld),
  /// where a source states it.
  public var distributed: SourcedAmount?

  /// An empty macrobudget entry.
  public init(
    voorlopig: SourcedAmount? = nil, naderVoorlopig: SourcedAmount? = nil,
    definitief: SourcedAmount? = nil, distributed: SourcedAmount? = nil
  ) {
    self.voorlopig = voorlopig
    self.naderVoorlopig = naderVoorlopig
    self.definitief = definitief
    self.distributed = distributed
  }

  /// The amount of one phase.
  public func amount(_ phase: MacrobudgetPhase) -> SourcedAmount? {
    switch phase {
    case .voorlopig: voorlopig
    case .naderVoorlopig: naderVoorlopig
    case .definitief: definitief
    }
  }

  /// The latest known amount: definitief, else nader voorlopig, else voorlopig, with its phase.
  public var latest: (phase: MacrobudgetPhase, amount: SourcedAmount)? {
    if let d = definitief { return (.definitief, d) }
    if let n = naderVoorlopig { return (.naderVoorlopig, n) }
    if let v = voorlopig { return (.voorlopig, v) }
    return nil
  }
}

/// The amount withheld from a year's macrobudget to pay the vangnet (or, before, the IAU/MAU)
/// over an earlier deficit year (from 2017 the vangnet over year t is charged to the macrobudget of t + 2).
public struct Reservation: Equatable, Sendable {
  /// The amount withheld (EUR).
  public var amount: SourcedAmount
  /// The deficit year whose compensation it pays, where known.
  public var forDeficitYear: Int?
  /// A short description.
  public var description: String?

  /// A reservation.
  public init(amount: SourcedAmount, forDeficitYear: Int?, description: String? = nil) {
    self.amount = amount
    self.forDeficitYear = forDeficitYear
    self.description = description
  }
}

/// The national outcome of a year, where published (EUR).
public struct NationalOutcome: Equatable, Sendable {
  /// National costs (art. 69 spending).
  public var costs: Money?
  /// National revenues (recoveries).
  public var revenues: Money?
  /// Budget minus costs plus revenues.
  public var balance: Money?
  /// The macro shortfall as the sources state it.
  public var shortfall: Money?
  /// Where it comes from.
  public var source: String
  /// How sure it is.
  public var confidence: Confidence

  /// A national outcome.
  public init(
    costs: Money?, revenues: Money?, balance: Money?, shortfall: Money?, source: String,
    confidence: Confidence
  ) {
    self.costs = costs
    self.revenues = revenues
    self.balance = balance
    self.shortfall = shortfall
    self.source = source
    self.confidence = confidence
  }
}

/// One band of a compensation scheme: the part of the deficit between `from` and `to` (fractions
/// of the budget) is compensated at `rate`.
public struct Band: Equatable, Sendable {
  /// Lower edge as a fraction of the budget (0.075 for 7.5%).
  public var from: Decimal
  /// Upper edge as a fraction of the budget; `nil` for an open top band.
  public var to: Decimal?
  /// Share of the deficit inside the band that is compensated (0.5 for 50%).
  public var rate: Decimal
  /// How sure this band is, when it differs from the regime's confidence.
  public var confidence: Confidence?
  /// A remark on the band (for example how it was reconstructed).
  public var note: String?

  /// A band.
  public init(
    from: Decimal, to: Decimal?, rate: Decimal, confidence: Confidence? = nil, note: String? = nil
  ) {
    self.from = from
    self.to = to
    self.rate = rate
    self.confidence = confidence
    self.note = note
  }

  /// `7.5%-12.5% at 50%`, `above 12.5% at 100%`.
  public var label: String {
    let rateText = "\(Percent.text(rate)) compensated"
    if let to {
      return "\(Percent.text(from))-\(Percent.text(to)) (\(rateText))"
    }
    return "above \(Percent.text(from)) (\(rateText))"
  }
}

/// A condition over several years that a municipality must meet to be compensated.
public enum MultiYearCondition: Equatable, Sendable {
  /// The results of the `priorYears` years before and of the year itself add up to a deficit
  /// above `threshold` × the year's budget: −(R_{t−k} + … + R_t) > threshold · B_t.
  case cumulative(priorYears: Int, threshold: Decimal, note: String?)
  /// A deficit in each of `years` consecutive years ending `lag` years before the year itself
  /// (the MAU's reference period: for 2013 the years 2010-2012, so `years` 3 and `lag` 1).
  case consecutiveDeficits(years: Int, lag: Int, note: String?)
  /// In at least `required` of the `years` years just before the deficit year, net costs
  /// exceeded the budget by at least a threshold: −R_r ≥ θ_r · B_r, with θ_r from `thresholds`
  /// for reference year r and `otherYears` for a year the table gives none. The MAU's
  /// reference test (Besluit WWB 2007 art. 10a(1)c: 2.5% plus a percentage set per year by the
  /// Regeling WWB art. 15a(6), in each of the three years) and the 2025 uitgebreid vangnet's
  /// (at least 5% in at least two of 2022-2024).
  case deficitShares(
    years: Int, required: Int, thresholds: [Int: Decimal], otherYears: Decimal, note: String?)

  /// How many prior years' results the condition needs.
  public var priorYearsNeeded: Int {
    switch self {
    case .cumulative(let k, _, _): k
    case .consecutiveDeficits(let n, let lag, _): n + lag - 1
    case .deficitShares(let n, _, _, _, _): n
    }
  }

  /// Whether the condition judges deficits as shares of each prior year's own budget (so that
  /// the prior budgets are needed as well as the prior results).
  public var needsPriorBudgets: Bool {
    if case .deficitShares = self { return true }
    return false
  }

  /// The threshold θ_r of reference year r for a `deficitShares` condition, and whether the
  /// table states it (`false`: the `otherYears` minimum is used); `nil` for other kinds.
  public func threshold(of r: Int) -> (value: Decimal, stated: Bool)? {
    guard case .deficitShares(_, _, let t, let other, _) = self else { return nil }
    return t[r].map { ($0, true) } ?? (other, false)
  }

  /// A remark on the condition.
  public var note: String? {
    switch self {
    case .cumulative(_, _, let n), .consecutiveDeficits(_, _, let n),
      .deficitShares(_, _, _, _, let n):
      n
    }
  }

  /// The condition in words, for a given deficit year.
  public func text(year: Int) -> String {
    switch self {
    case .cumulative(let k, let threshold, _):
      let first = year - k
      return "the results \(first)-\(year) together are a deficit above "
        + "\(Percent.text(threshold)) of the \(year) budget"
    case .consecutiveDeficits(let n, let lag, _):
      return "a deficit in each of \(year - lag - n + 1)-\(year - lag)"
    case .deficitShares(let n, let m, _, _, _):
      let refs = ((year - n)..<year).map { r in
        "\(r) \(Percent.text(threshold(of: r)!.value))"
      }
      let share = m == n ? "in each of" : "in at least \(m) of"
      return "net costs above the budget by at least the reference threshold \(share) "
        + "\(year - n)-\(year - 1) (\(refs.joined(separator: ", ")))"
    }
  }
}

/// A condition that cannot be computed from the figures (an assessment by the
/// Toetsingscommissie) and is therefore taken as met and named next to the result.
public struct AssessedCondition: Equatable, Sendable {
  /// The condition applies only to municipalities with more than this many inhabitants
  /// (`nil`: to all).
  public var aboveInhabitants: Int?
  /// The condition in words, with its legal source.
  public var text: String

  /// A condition.
  public init(aboveInhabitants: Int?, text: String) {
    self.aboveInhabitants = aboveInhabitants
    self.text = text
  }
}

/// The terms of a meerjarige aanvullende uitkering (MAU, Besluit WWB 2007 art. 10a-10c, until
/// 2014): granted for the request year and the years after it (a block), it pays
/// max(A − (1 + o) · B, A − (1 + f) · B, 0) in each year of the block, with A the net costs,
/// B the budget, o the own contribution the Toetsingscommissie sets (2.5%, 5% or 7.5% by the
/// size of the verdeelstoornis) and f the IAU's threshold (art. 10c(4): never less than the IAU).
public struct MAUTerms: Equatable, Sendable {
  /// The own contributions the commission can set, as fractions of the budget, ascending.
  public var ownRiskOptions: [Decimal]
  /// How many years a granted MAU covers, the request year included.
  public var blockYears: Int
  /// The floor: the MAU pays at least the costs above (1 + atLeastAbove) · B.
  public var atLeastAbove: Decimal

  /// Terms.
  public init(ownRiskOptions: [Decimal], blockYears: Int, atLeastAbove: Decimal) {
    self.ownRiskOptions = ownRiskOptions
    self.blockYears = blockYears
    self.atLeastAbove = atLeastAbove
  }
}

/// One compensation regime: an entry threshold, bands and an optional multi-year condition.
///
/// Compensation C for a deficit D on a budget B (d = D/B): zero unless d > `entry` and the
/// condition holds; otherwise C = Σ_bands rate · clamp(D − from·B, 0, (to − from)·B).
public struct VangnetRegime: Equatable, Sendable {
  /// `vangnet`, `IAU`, `MAU`.
  public var name: String
  /// What the regime is, in words.
  public var description: String
  /// Entry threshold as a fraction of the budget: compensation only when d > entry.
  public var entry: Decimal
  /// Bands from 0 upwards, contiguous, the last one open.
  public var bands: [Band]
  /// The multi-year condition, if any.
  public var condition: MultiYearCondition?
  /// Where the regime comes from.
  public var source: String
  /// How sure it is.
  public var confidence: Confidence
  /// Caveats a user must see next to a result computed with this regime.
  public var notes: [String]
  /// The regime applies only to municipalities with more than this many inhabitants (the MAU:
  /// 25,000); `nil` for all.
  public var moreThanInhabitants: Int?
  /// Conditions the figures cannot decide, taken as met and named (the IAU's labour-market
  /// test).
  public var assessed: [AssessedCondition] = []
  /// The MAU's terms, for a regime granted in blocks with a chosen own contribution.
  public var mau: MAUTerms?
  /// `false` when the regime's rate is not known (the 2025 uitgebreid vangnet's 5%-7.5% part):
  /// its entry and condition are judged and named, but it pays nothing here.
  public var compensationKnown = true
  /// An alternative entry: a deficit above this amount per inhabitant (EUR) also enters (the
  /// 2016 rule's EUR 30); `nil` when there is none.
  public var perInhabitantEntry: Money?

  /// This regime with the MAU's own contribution `o` applied: bands 0 up to o at 0%, above o at
  /// 100%, and entry o. A regime without MAU terms is returned as it is.
  public func withOwnRisk(_ o: Decimal) -> VangnetRegime {
    guard mau != nil else { return self }
    var r = self
    r.entry = o
    r.bands = [Band(from: 0, to: o, rate: 0), Band(from: o, to: nil, rate: 1)]
    return r
  }

  /// A regime.
  public init(
    name: String, description: String, entry: Decimal, bands: [Band],
    condition: MultiYearCondition?, source: String, confidence: Confidence, notes: [String] = []
  ) {
    self.name = name
    self.description = description
    self.entry = entry
    self.bands = bands
    self.condition = condition
    self.source = source
    self.confidence = confidence
    self.notes = notes
  }
}

/// The compensation rule of one deficit year: one or more regimes, of which the most favourable
/// one that applies is paid (before 2015 a municipality could qualify for IAU or MAU).
public struct VangnetRule: Equatable, Sendable {
  /// The regimes, in the order the table lists them.
  public var regimes: [VangnetRegime]
  /// Where the rule deducts unlawful or uncertain spending reported by the auditor from the
  /// costs before the deficit is computed (the 2019-2024 sheets' line D', "BADO-norm"), the
  /// source that says so; `nil` when it does not.
  public var deductsUnlawfulSpending: String?

  /// A rule.
  public init(regimes: [VangnetRegime], deductsUnlawfulSpending: String? = nil) {
    self.regimes = regimes
    self.deductsUnlawfulSpending = deductsUnlawfulSpending
  }
}

/// What the rules need to know about a municipality beyond one year's budget and spending:
/// its size, the MAU it was granted or would be set, the auditor's unlawful spending, and the
/// budgets of years before a horizon.
public struct VangnetContext: Equatable, Sendable {
  /// Number of inhabitants, where known.
  public var inhabitants: Int?
  /// The MAU own contribution as a fraction of the budget; `nil`: the lowest the rule allows,
  /// named as an assumption.
  public var mauOwnRisk: Decimal?
  /// Years covered by an MAU granted before (a block, or the art. 10e continuation into 2012).
  public var mauGrantedYears: Set<Int>
  /// Unlawful or uncertain spending per year (EUR), deducted where the rule says so.
  public var unlawfulSpending: [Int: Money]
  /// Budgets of years before a horizon (EUR), for conditions judged on shares of each year's
  /// budget.
  public var priorBudgets: [Int: Money]

  /// A context; every part is optional.
  public init(
    inhabitants: Int? = nil, mauOwnRisk: Decimal? = nil, mauGrantedYears: Set<Int> = [],
    unlawfulSpending: [Int: Money] = [:], priorBudgets: [Int: Money] = [:]
  ) {
    self.inhabitants = inhabitants
    self.mauOwnRisk = mauOwnRisk
    self.mauGrantedYears = mauGrantedYears
    self.unlawfulSpending = unlawfulSpending
    self.priorBudgets = priorBudgets
  }
}

/// Everything the rule table knows about one year.
public struct YearRule: Equatable, Sendable {
  /// The year.
  public var year: Int
  /// The macrobudget of the year, where known.
  public var macrobudget: Macrobudget?
  /// What was withheld from this year's macrobudget for an earlier year's vangnet.
  public var reservation: Reservation?
  /// The national outcome of the year, where published.
  public var nationalOutcome: NationalOutcome?
  /// An amount held back from the year's macrobudget for another purpose than the vangnet (the
  /// 2021 holdback for the uitgestelde uitkering): shown with its source, not subtracted from the
  /// distributed budget.
  public var holdback: Reservation?
  /// The compensation rule for a deficit in this year, where known.
  public var vangnet: VangnetRule?
  /// Remarks on the year.
  public var notes: [String]

  /// A year entry.
  public init(
    year: Int, macrobudget: Macrobudget? = nil, reservation: Reservation? = nil,
    nationalOutcome: NationalOutcome? = nil, vangnet: VangnetRule? = nil, notes: [String] = []
  ) {
    self.year = year
    self.macrobudget = macrobudget
    self.reservation = reservation
    self.nationalOutcome = nationalOutcome
    self.vangnet = vangnet
    self.notes = notes
  }

  /// The distributed budget D_t = M_t − V_t for a macrobudget phase (EUR), when the macrobudget
  /// of that phase is known; a year without a known reservation counts V_t = 0 and says so in
  /// `assumptions`.
  public func distributedBudget(phase: MacrobudgetPhase) -> (amount: Money, assumptions: [String])?
  {
    guard let m = macrobudget?.amount(phase) else { return nil }
    if let r = reservation {
      return (m.amount - r.amount.amount, [])
    }
    return (m.amount, ["no reservation is known for \(year): nothing withheld is assumed"])
  }
}

/// The discount rate for social cost-benefit analysis, with its source: the rate a net present
/// value is computed at unless the user gives one.
public struct DiscountRate: Equatable, Sendable {
  /// The rate as a fraction per year (0.0225 for 2.25%).
  public var rate: Decimal
  /// The first year it is in force.
  public var validFrom: Int?
  /// Where it is set.
  public var source: String
  /// What kind of rate it is, in words.
  public var note: String?

  /// A rate.
  public init(rate: Decimal, validFrom: Int? = nil, source: String, note: String? = nil) {
    self.rate = rate
    self.validFrom = validFrom
    self.source = source
    self.note = note
  }
}

/// A year (and part) the rule table leaves out, with the reason.
public struct MissingRule: Equatable, Sendable {
  /// The year.
  public var year: Int
  /// Which part is missing: `vangnet`, `reservation` or `macrobudget`.
  public var part: String
  /// Why it is missing.
  public var reason: String

  /// A missing entry.
  public init(year: Int, part: String, reason: String) {
    self.year = year
    self.part = part
    self.reason = reason
  }
}

/// The rules by year: the table that ships with the package (`RuleTable.builtIn`), possibly
/// with a caller's overrides applied (`merging(_:)`).
public struct RuleTable: Equatable, Sendable {
  /// The table's title.
  public var title: String
  /// The unit conventions, in words.
  public var units: String
  /// The confidence scale, in words.
  public var confidenceScale: String
  /// Entries by year.
  public var years: [Int: YearRule]
  /// Years or parts left out, with reasons.
  public var missing: [MissingRule]
  /// The discount rate for social cost-benefit analysis, when the table gives one.
  public var discountRate: DiscountRate?
  /// The budget bases by size of municipality, per period of the law, oldest first.
  public var sizeBasisPeriods: [SizeBasisPeriod]

  /// A table.
  public init(
    title: String, units: String, confidenceScale: String, years: [Int: YearRule],
    missing: [MissingRule], discountRate: DiscountRate? = nil,
    sizeBasisPeriods: [SizeBasisPeriod] = []
  ) {
    self.sizeBasisPeriods = sizeBasisPeriods
    self.title = title
    self.units = units
    self.confidenceScale = confidenceScale
    self.years = years
    self.missing = missing
    self.discountRate = discountRate
  }

  /// The years that have an entry, ascending.
  public var sortedYears: [Int] { years.keys.sorted() }

  /// The years that have a vangnet rule, ascending.
  public var vangnetYears: [Int] { years.values.filter { $0.vangnet != nil }.map(\.year).sorted() }

  /// Years as compact ranges: `2012-2014, 2016-2025`.
  public static func rangesText(_ years: [Int]) -> String {
    var parts: [String] = []
    var i = 0
    let y = years.sorted()
    while i < y.count {
      var j = i
      while j + 1 < y.count && y[j + 1] == y[j] + 1 { j += 1 }
      parts.append(i == j ? "\(y[i])" : "\(y[i])-\(y[j])")
      i = j + 1
    }
    return parts.joined(separator: ", ")
  }

  /// This table with `overrides` applied section by section: for each year in `overrides`, every
  /// section it gives (macrobudget, reservation, national outcome, vangnet) replaces the same
  /// section here; sections it leaves out stay. Years only in `overrides` are added. Budget
  /// bases by size given in `overrides` replace all periods here.
  public func merging(_ overrides: RuleTable) -> RuleTable {
    var out = self
    if let d = overrides.discountRate { out.discountRate = d }
    if !overrides.sizeBasisPeriods.isEmpty { out.sizeBasisPeriods = overrides.sizeBasisPeriods }
    for (year, o) in overrides.years {
      var base = out.years[year] ?? YearRule(year: year)
      if let m = o.macrobudget { base.macrobudget = m }
      if let r = o.reservation { base.reservation = r }
      if let n = o.nationalOutcome { base.nationalOutcome = n }
      if let h = o.holdback { base.holdback = h }
      if let v = o.vangnet { base.vangnet = v }
      base.notes += o.notes.filter { !base.notes.contains($0) }
      out.years[year] = base
      // A section given fills what was missing, unless the overrides themselves still list
      // that part as missing (a partial macrobudget, say).
      out.missing.removeAll { m in
        m.year == year && !overrides.missing.contains(m)
          && ((m.part == "vangnet" && o.vangnet != nil)
            || (m.part == "reservation" && o.reservation != nil)
            || (m.part == "macrobudget" && o.macrobudget != nil))
      }
    }
    return out
  }
}

/// Percentages as people write them.
public enum Percent {
  /// A fraction as a percentage text: 0.075 → `7.5%`, 0.05 → `5%`.
  public static func text(_ fraction: Decimal, decimals: Int = 2) -> String {
    let p = (fraction * 100).rounded(decimals)
    return p.plainText + "%"
  }
}
