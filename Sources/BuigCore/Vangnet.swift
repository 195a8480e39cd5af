import Foundation

/// Arithmetic the compensation rules need, so that one implementation serves the exact
/// deterministic layer (`Decimal`) and the Monte Carlo engine (`Double`).
public protocol RuleScalar: Comparable, Sendable {
  /// Zero.
  static var zero: Self { get }
  /// Sum.
  static func + (a: Self, b: Self) -> Self
  /// Difference.
  static func - (a: Self, b: Self) -> Self
  /// Product.
  static func * (a: Self, b: Self) -> Self
  /// Quotient.
  static func / (a: Self, b: Self) -> Self
  /// Negation.
  static prefix func - (x: Self) -> Self
  /// Converts an exact rule parameter (a fraction or rate).
  init(rule: Decimal)
}

extension Decimal: RuleScalar {
  /// The value itself.
  public init(rule: Decimal) { self = rule }
}

extension Double: RuleScalar {
  /// The nearest `Double`.
  public init(rule: Decimal) { self = rule.doubleValue }
}

/// A regime's bands in the number type of the computation, ready to apply many times.
public struct BandSchedule<T: RuleScalar>: Sendable {
  /// Entry threshold (fraction of the budget).
  public let entry: T
  /// Band edges and rates: (from, to or nil for open, rate).
  public let bands: [(from: T, to: T?, rate: T)]

  /// The schedule of a regime.
  public init(_ regime: VangnetRegime) {
    entry = T(rule: regime.entry)
    bands = regime.bands.map { (T(rule: $0.from), $0.to.map { T(rule: $0) }, T(rule: $0.rate)) }
  }

  /// The compensation of the bands for deficit `deficit` on budget `budget`, before any
  /// condition: zero unless deficit > entry · budget; else
  /// Σ rate · clamp(deficit − from · budget, 0, (to − from) · budget).
  ///
  /// - Complexity: O(number of bands).
  @inlinable
  public func compensation(deficit: T, budget: T) -> T {
    guard deficit > entry * budget else { return .zero }
    var total = T.zero
    for b in bands {
      let lower = b.from * budget
      guard deficit > lower else { break }
      let upper = b.to.map { $0 * budget }
      let inBand = upper.map { deficit < $0 ? deficit - lower : $0 - lower } ?? (deficit - lower)
      total = total + b.rate * inBand
    }
    return total
  }

  /// The part of the deficit inside each band and the compensation it earns.
  public func breakdown(deficit: T, budget: T) -> [(inBand: T, compensation: T)] {
    let entered = deficit > entry * budget
    return bands.map { b in
      let lower = b.from * budget
      guard deficit > lower else { return (.zero, .zero) }
      let upper = b.to.map { $0 * budget }
      let inBand = upper.map { deficit < $0 ? deficit - lower : $0 - lower } ?? (deficit - lower)
      return (inBand, entered ? b.rate * inBand : .zero)
    }
  }
}

/// A multi-year condition in the number type of the computation.
public enum ConditionSchedule<T: RuleScalar>: Sendable {
  /// −(R_{t−k} + … + R_t) > threshold · B_t.
  case cumulative(threshold: T)
  /// A deficit (R < 0) in each of `years` years ending `lag` years before the year.
  case consecutive(years: Int, lag: Int)
  /// −R_r ≥ θ_r · B_r in at least `required` of the prior years (θ oldest first).
  case shares(required: Int, thresholds: [T])

  /// The condition of a rule for deficit year `year` (the year fixes a `deficitShares`
  /// condition's reference thresholds).
  public init(_ c: MultiYearCondition, year: Int) {
    switch c {
    case .cumulative(_, let t, _): self = .cumulative(threshold: T(rule: t))
    case .consecutiveDeficits(let n, let lag, _): self = .consecutive(years: n, lag: lag)
    case .deficitShares(let n, let m, _, _, _):
      self = .shares(
        required: m, thresholds: ((year - n)..<year).map { T(rule: c.threshold(of: $0)!.value) })
    }
  }

  /// Whether the condition holds for the year's result and budget and the prior results and
  /// budgets (oldest first; exactly the number the condition needs).
  @inlinable
  public func met(result: T, budget: T, priors: ArraySlice<T>, priorBudgets: ArraySlice<T>) -> Bool
  {
    switch self {
    case .cumulative(let threshold):
      var cumulative = result
      for p in priors { cumulative = cumulative + p }
      return T.zero - cumulative > threshold * budget
    case .consecutive(let n, let lag):
      let count = priors.count + 1
      for i in (count - lag - n)..<(count - lag) {
        let r = i < priors.count ? priors[priors.startIndex + i] : result
        if !(r < T.zero) { return false }
      }
      return true
    case .shares(let m, let thresholds):
      var count = 0
      for i in thresholds.indices
      where T.zero - priors[priors.startIndex + i]
        >= thresholds[i] * priorBudgets[priorBudgets.startIndex + i]
      {
        count += 1
      }
      return count >= m
    }
  }
}

/// One regime of a year's schedule, ready to apply.
public struct RegimeSchedule<T: RuleScalar>: Sendable {
  /// The bands (for the MAU: with the chosen own contribution).
  public let bands: BandSchedule<T>
  /// The multi-year condition, if any.
  public let condition: ConditionSchedule<T>?
  /// How many prior results the condition needs.
  public let priorYears: Int
  /// Whether the regime can pay here: its rate is known and the municipality has the size it
  /// requires (a size it needs but that is not known counts as not).
  public let pays: Bool
  /// Whether this is the MAU (paid in the years its block covers, not by its condition).
  public let isMAU: Bool
  /// The MAU's floor f: it pays at least deficit − f · budget.
  public let floor: T?
}

/// A year's vangnet rule in the number type of the computation: the one implementation of the
/// compensation that both the exact layer (`Decimal`) and the Monte Carlo engine (`Double`) use.
public struct VangnetSchedule<T: RuleScalar>: Sendable {
  /// Each regime's bands and condition.
  public let regimes: [RegimeSchedule<T>]
  /// The most prior results the condition of a regime that can pay needs.
  public let priorYearsNeeded: Int
  /// The most prior results any condition reads (a regime whose rate is unknown may look
  /// further back; it is judged when that many are given).
  public let priorYearsJudged: Int
  /// Whether the condition of a regime that can pay judges prior deficits as shares of their
  /// own budgets.
  public let needsPriorBudgets: Bool
  /// The first regime's entry threshold (fraction of the budget).
  public let entry: T
  /// The MAU regime's index, when the year has one.
  public let mauIndex: Int?
  /// How many years a granted MAU covers.
  public let mauBlockYears: Int
  /// Whether the year lies in an MAU block granted before (an input).
  public let mauGranted: Bool
  /// The unlawful or uncertain spending D' deducted from the costs (0 when the rule does not
  /// deduct it or none is given), EUR.
  public let unlawful: T

  /// The schedule of `rule` for deficit year `year`, with the municipality's `context` (its
  /// size, MAU own contribution and granted years, unlawful spending).
  public init(_ rule: VangnetRule, year: Int, context: VangnetContext = VangnetContext()) {
    var mau: Int?
    var block = 0
    regimes = rule.regimes.enumerated().map { i, r0 in
      var r = r0
      if let terms = r.mau {
        mau = i
        block = terms.blockYears
        r = r.withOwnRisk(context.mauOwnRisk ?? terms.ownRiskOptions[0])
      }
      let sized = r.moreThanInhabitants.map { limit in (context.inhabitants ?? 0) > limit } ?? true
      return RegimeSchedule(
        bands: BandSchedule<T>(r),
        condition: r.condition.map { ConditionSchedule<T>($0, year: year) },
        priorYears: r.condition?.priorYearsNeeded ?? 0, pays: sized && r.compensationKnown,
        isMAU: r.mau != nil, floor: r.mau.map { T(rule: $0.atLeastAbove) })
    }
    let known = rule.regimes.filter(\.compensationKnown)
    priorYearsNeeded = known.compactMap(\.condition).map(\.priorYearsNeeded).max() ?? 0
    priorYearsJudged = rule.regimes.compactMap(\.condition).map(\.priorYearsNeeded).max() ?? 0
    needsPriorBudgets = known.contains { $0.condition?.needsPriorBudgets ?? false }
    entry = T(rule: rule.regimes[0].entry)
    mauIndex = mau
    mauBlockYears = block
    mauGranted = context.mauGrantedYears.contains(year)
    unlawful =
      rule.deductsUnlawfulSpending != nil
      ? T(rule: context.unlawfulSpending[year]?.euros ?? 0) : .zero
  }

  /// The deficit the rule judges: D − D' (the costs less unlawful spending, minus the budget).
  @inlinable
  public func assessed(_ deficit: T) -> T { deficit - unlawful }

  /// The compensation of regime i for a judged deficit: its bands, and for the MAU at least
  /// deficit − floor · budget (never below 0).
  @inlinable
  func raw(_ i: Int, deficit: T, budget: T) -> T {
    var v = regimes[i].bands.compensation(deficit: deficit, budget: budget)
    if let f = regimes[i].floor {
      let atLeast = deficit - f * budget
      if atLeast > v { v = atLeast }
    }
    return v
  }

  /// Each regime's compensation before its condition, and whether its condition holds (`nil`
  /// when it has none or the prior results are not known; the MAU's is `mauCovered`).
  public func outcomes(
    deficit: T, budget: T, priors: ArraySlice<T>?, priorBudgets: ArraySlice<T>?, mauCovered: Bool
  ) -> [(raw: T, met: Bool?)] {
    let d = assessed(deficit)
    let result = T.zero - d
    return regimes.indices.map { i in
      let r = regimes[i]
      let raw = r.pays ? raw(i, deficit: d, budget: budget) : .zero
      if r.isMAU { return (raw, mauCovered) }
      guard let c = r.condition, let priors, priors.count >= r.priorYears else { return (raw, nil) }
      if case .shares = c, priorBudgets.map({ $0.count < r.priorYears }) ?? true {
        return (raw, nil)
      }
      let pb = priorBudgets?.suffix(r.priorYears) ?? priors.suffix(r.priorYears)
      return (
        raw,
        c.met(result: result, budget: budget, priors: priors.suffix(r.priorYears), priorBudgets: pb)
      )
    }
  }

  /// Whether the MAU's reference condition holds on the prior results and budgets (`nil` when
  /// they are not known; `false` when the year has no MAU or the municipality is too small).
  public func mauEligible(priors: ArraySlice<T>?, priorBudgets: ArraySlice<T>?) -> Bool? {
    guard let i = mauIndex, regimes[i].pays else { return false }
    guard let c = regimes[i].condition else { return true }
    let n = regimes[i].priorYears
    guard let priors, let priorBudgets, priors.count >= n, priorBudgets.count >= n else {
      return nil
    }
    return c.met(
      result: .zero, budget: .zero, priors: priors.suffix(n), priorBudgets: priorBudgets.suffix(n))
  }

  /// Whether the MAU covers `year`: a block granted before (an input), a block of this run
  /// that reaches the year (`until`, the last year covered so far), or a new request that meets
  /// the reference condition (unknown prior results: taken as met), which starts a block and
  /// moves `until`. Always `false` without an MAU or for a municipality too small for it.
  @inlinable
  public func mauCovers(
    year: Int, until: inout Int, priors: ArraySlice<T>?, priorBudgets: ArraySlice<T>?
  ) -> Bool {
    guard let i = mauIndex, regimes[i].pays else { return false }
    if mauGranted || year <= until { return true }
    guard mauEligible(priors: priors, priorBudgets: priorBudgets) ?? true else { return false }
    until = year + mauBlockYears - 1
    return true
  }

  /// C = the largest compensation among the regimes that pay and whose condition holds (a
  /// condition whose prior results are not known is taken as met; the MAU pays when it covers
  /// the year). `priors` are the results of the years before, oldest first, at least
  /// `priorYearsNeeded` of them, and `priorBudgets` their budgets.
  ///
  /// - Complexity: O(regimes × (bands + prior years)); no allocation.
  @inlinable
  public func compensation(
    deficit: T, budget: T, priors: ArraySlice<T>?, priorBudgets: ArraySlice<T>? = nil,
    mauCovered: Bool = false
  ) -> T {
    var best = T.zero
    let d = assessed(deficit)
    let result = T.zero - d
    // By index, so that no regime (and its bands) is copied per call.
    for i in regimes.indices where regimes[i].pays {
      if regimes[i].isMAU {
        if !mauCovered { continue }
      } else if let priors, regimes[i].condition != nil {
        let n = regimes[i].priorYears
        let pb = priorBudgets?.suffix(n) ?? priors.suffix(n)
        if !regimes[i].condition!.met(
          result: result, budget: budget, priors: priors.suffix(n), priorBudgets: pb)
        {
          continue
        }
      }
      let v = raw(i, deficit: d, budget: budget)
      if v > best { best = v }
    }
    return best
  }
}

/// What a municipality asks about one deficit year.
public struct VangnetQuestion: Equatable, Sendable {
  /// The deficit year.
  public var year: Int
  /// The municipality's definitive BUIG budget of the year (EUR).
  public var budget: Money
  /// Eligible net spending of the year (EUR).
  public var spending: Money
  /// The results (budget − spending; negative for a deficit) of the years before, oldest
  /// first, as many as the year's multi-year condition needs; `nil` when not known, in which
  /// case a condition is taken as met and named in the answer.
  public var priorResults: [Money]?
  /// The budgets of the same prior years (oldest first), for conditions judged on shares of
  /// each year's budget (the MAU's reference years, the 2025 uitgebreid vangnet).
  public var priorBudgets: [Money]?
  /// The municipality's size, MAU own contribution and granted years, unlawful spending.
  public var context: VangnetContext
  /// Whether the MAU covers the year, when a run's accounting has decided it (a block of the
  /// same run); `nil`: judged here from `context` and the prior results.
  public var mauCovered: Bool?

  /// A question.
  public init(
    year: Int, budget: Money, spending: Money, priorResults: [Money]? = nil,
    priorBudgets: [Money]? = nil, context: VangnetContext = VangnetContext(),
    mauCovered: Bool? = nil
  ) {
    self.year = year
    self.budget = budget
    self.spending = spending
    self.priorResults = priorResults
    self.priorBudgets = priorBudgets
    self.context = context
    self.mauCovered = mauCovered
  }
}

/// How the MAU was judged for a year.
public struct MAUOutcome: Equatable, Sendable {
  /// Whether the MAU covers the year.
  public var covered: Bool
  /// Why, in words: a block granted before, a block of the same run, the reference years met
  /// or not (with their figures), or taken as met.
  public var basis: String
  /// The own contribution applied (fraction of the budget).
  public var ownRisk: Decimal
  /// Whether that own contribution is the rule's lowest, taken because none was given.
  public var ownRiskAssumed: Bool
  /// The compensation at each own contribution the commission can set, lowest first.
  public var range: [(ownRisk: Decimal, compensation: Money)]

  /// Equal when every part is.
  public static func == (a: MAUOutcome, b: MAUOutcome) -> Bool {
    a.covered == b.covered && a.basis == b.basis && a.ownRisk == b.ownRisk
      && a.ownRiskAssumed == b.ownRiskAssumed && a.range.map(\.ownRisk) == b.range.map(\.ownRisk)
      && a.range.map(\.compensation) == b.range.map(\.compensation)
  }
}

/// A multi-year condition as checked against given prior results.
public struct ConditionCheck: Equatable, Sendable {
  /// The regime whose condition this is.
  public var regime: String
  /// The condition in words.
  public var text: String
  /// Whether it holds.
  public var met: Bool
  /// The numbers it was judged on, in words.
  public var detail: String
}

/// A multi-year condition that was taken as met because the results it needs were not given;
/// the caller says how to give them (a command-line option, a scenario field).
public struct AssumedCondition: Equatable, Sendable {
  /// The regime whose condition it is (`regular`, `IAU`, `MAU`).
  public var regime: String
  /// The condition in words, with its years.
  public var condition: String
  /// Whether it is an assessment the figures cannot decide (no prior result would check it).
  public var assessed = false

  /// An assumed condition.
  public init(regime: String, condition: String, assessed: Bool = false) {
    self.regime = regime
    self.condition = condition
    self.assessed = assessed
  }
}

/// One band of the applied regime with the part of the deficit in it and its compensation.
public struct BandAmount: Equatable, Sendable {
  /// The band.
  public var band: Band
  /// The part of the deficit inside the band (EUR).
  public var deficitInBand: Money
  /// The compensation earned in the band (EUR).
  public var compensation: Money
}

/// The vangnet answer for one year: D = U − B, d = D / B, compensation C by the year's rule, own
/// risk D − C (for a deficit).
public struct VangnetAnswer: Equatable, Sendable {
  /// The deficit year.
  public var year: Int
  /// Budget B (EUR).
  public var budget: Money
  /// Spending U (EUR).
  public var spending: Money
  /// Deficit D = U − B (EUR); negative for a surplus.
  public var deficit: Money
  /// d = D / B as a fraction; negative for a surplus.
  public var deficitRatio: Decimal
  /// Compensation C (EUR), zero for a surplus.
  public var compensation: Money
  /// Own risk max(D, 0) − C (EUR): the part of the deficit the municipality bears itself.
  public var ownRisk: Money
  /// The regime whose compensation applies (the most favourable that applies), or the year's
  /// first regime when none applies.
  public var regime: VangnetRegime
  /// The band of `regime` that d falls in; `nil` for a surplus.
  public var band: Band?
  /// The part of the deficit in each band of `regime`, and what it earns.
  public var bandBreakdown: [BandAmount]
  /// Conditions that were not checked (their prior results were not given) but taken as met.
  public var conditionsAssumed: [AssumedCondition]
  /// Conditions that were checked against given prior results.
  public var conditionsChecked: [ConditionCheck]
  /// Why no compensation is paid, when none is paid for a deficit.
  public var reasonForNone: String?
  /// Caveats of the rule applied (its notes, uncertain bands, confidence).
  public var caveats: [String]
  /// The MAU's judgement, in a year whose rule has one.
  public var mau: MAUOutcome? = nil
  /// Whether every regime of the year's rule has a known rate; `false` (the 2025 uitgebreid
  /// vangnet) means the compensation may be too low, and a caveat says why.
  public var ratesKnown = true
  /// The unlawful or uncertain spending deducted from the costs before the deficit is judged
  /// (EUR), when the rule deducts it and it was given.
  public var unlawfulSpending: Money? = nil
}

/// Problems a vangnet question can have that no flag parser can see.
public enum VangnetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The rule table has no vangnet rule for the year.
  case noRule(year: Int, reason: String?, availableYears: [Int])
  /// The budget is not positive.
  case budgetNotPositive(Money)
  /// Spending is negative.
  case spendingNegative(Money)
  /// The number of prior results does not match the condition.
  case priorResultsCount(year: Int, needed: Int, given: Int, years: [Int])
  /// A regime depends on the number of inhabitants, which was not given.
  case inhabitantsNeeded(year: Int, regime: String, limit: Int)
  /// The prior budgets are needed (or do not match the prior results).
  case priorBudgetsNeeded(year: Int, years: [Int], given: Int?)
  /// The MAU own contribution is not one the rule allows.
  case ownRiskNotAnOption(found: Decimal, options: [Decimal])

  /// A message that says what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .noRule(let year, let reason, let years):
      return "there is no vangnet rule for \(year)"
        + (reason.map { ": \($0)" } ?? "") + ". Years with a rule: \(RuleTable.rangesText(years))."
    case .budgetNotPositive(let b):
      return "the budget must be a positive amount in euros, found \(b)"
    case .spendingNegative(let s):
      return "spending cannot be negative, found \(s)"
    case .priorResultsCount(let year, let needed, let given, let years):
      return "the multi-year condition of \(year) needs the results of \(needed) prior "
        + "year\(needed == 1 ? "" : "s") (\(years.map(String.init).joined(separator: ", ")), oldest "
        + "first, negative for a deficit), found \(given)"
    case .inhabitantsNeeded(let year, let regime, let limit):
      return "the \(year) \(regime) applies only to municipalities of more than "
        + "\(Money.group(String(limit))) inhabitants: "
        + "give the number of inhabitants (buig vangnet --inhabitants N; in a scenario, "
        + "municipality.inhabitants)"
    case .priorBudgetsNeeded(let year, let years, let given):
      return "the multi-year condition of \(year) judges each prior year's deficit as a share of "
        + "that year's budget: give the budgets of \(years.map(String.init).joined(separator: ", ")) "
        + "(oldest first) with the prior results, found "
        + (given.map { "\($0) budget\($0 == 1 ? "" : "s")" } ?? "none")
    case .ownRiskNotAnOption(let found, let options):
      return "the MAU own contribution must be one of "
        + options.map { Percent.text($0) }.joined(separator: ", ") + ", found "
        + Percent.text(found)
    }
  }
}

extension RuleTable {
  /// Answers a vangnet question by the rule of its year.
  ///
  /// For each regime of the year: compensation is zero unless d > entry and its multi-year
  /// condition holds (checked against `priorResults`, or taken as met and named when they are
  /// not given); otherwise the band formula of `BandSchedule.compensation`. The most favourable
  /// regime applies. Own risk = max(D, 0) − C.
  ///
  /// Source: the year's entry in the rule table (`Resources/rules.json`, with its sources).
  public func vangnet(_ q: VangnetQuestion) throws(VangnetError) -> VangnetAnswer {
    guard let rule = years[q.year]?.vangnet else {
      let reason = missing.first { $0.year == q.year && $0.part == "vangnet" }?.reason
      throw .noRule(year: q.year, reason: reason, availableYears: vangnetYears)
    }
    guard q.budget > .zero else { throw .budgetNotPositive(q.budget) }
    guard q.spending >= .zero else { throw .spendingNegative(q.spending) }
    try Self.check(rule, year: q.year, context: q.context)
    let schedule = VangnetSchedule<Decimal>(rule, year: q.year, context: q.context)
    let needed = schedule.priorYearsNeeded
    let most = max(needed, schedule.priorYearsJudged)
    let priorYears = Array((q.year - needed)..<q.year)
    if let priors = q.priorResults, most > 0, !(needed...most).contains(priors.count) {
      throw .priorResultsCount(
        year: q.year, needed: needed, given: priors.count, years: priorYears)
    }
    if let priors = q.priorResults, most > 0,
      (schedule.needsPriorBudgets || q.priorBudgets != nil) && q.priorBudgets?.count != priors.count
    {
      throw .priorBudgetsNeeded(
        year: q.year, years: Array((q.year - priors.count)..<q.year), given: q.priorBudgets?.count)
    }
    let deficit = q.spending - q.budget
    let unlawful = Money(schedule.unlawful)
    let judged = deficit - unlawful
    let ratio = judged.euros / q.budget.euros
    let result = q.budget - q.spending + unlawful
    let priors = q.priorResults?.map(\.euros)[...]
    let priorBudgets = q.priorBudgets?.map(\.euros)[...]
    // The MAU: as the run decided, else a block granted before or the reference years.
    let eligible = schedule.mauEligible(priors: priors, priorBudgets: priorBudgets)
    let covered =
      q.mauCovered
      ?? (schedule.mauIndex.map { schedule.regimes[$0].pays } ?? false
        && (schedule.mauGranted || (eligible ?? true)))
    var assumed: [AssumedCondition] = []
    var checked: [ConditionCheck] = []
    var best: (index: Int, compensation: Decimal)?
    var reasons: [String] = []
    var mauBasisText: String?
    var caveats: [String] = []
    let outcomes = schedule.outcomes(
      deficit: deficit.euros, budget: q.budget.euros, priors: priors, priorBudgets: priorBudgets,
      mauCovered: covered)
    let regimes = rule.regimes.map { $0.withOwnRisk(q.context.mauOwnRisk ?? $0.entry) }
    for (i, (regime, outcome)) in zip(regimes, outcomes).enumerated() {
      let scheduled = schedule.regimes[i]
      if let limit = regime.moreThanInhabitants, !scheduled.pays, deficit > .zero {
        reasons.append(
          "\(regime.name): only for municipalities of more than \(Money.group(String(limit))) "
            + "inhabitants (\(Money.group(String(q.context.inhabitants ?? 0))) given)")
        continue
      }
      if !regime.compensationKnown {
        caveats.append(
          Self.unknownRate(
            regime, year: q.year, ratio: ratio, met: outcome.met, priors: q.priorResults,
            budgets: q.priorBudgets))
        continue
      }
      if scheduled.isMAU {
        let (basis, check) = Self.mauBasis(
          regime, year: q.year, inhabitants: q.context.inhabitants, granted: schedule.mauGranted,
          runDecided: q.mauCovered,
          covered: covered, eligible: eligible, priors: q.priorResults, budgets: q.priorBudgets)
        mauBasisText = basis
        if let check { checked.append(check) }
        if eligible == nil && !schedule.mauGranted && q.mauCovered == nil, let c = regime.condition,
          deficit > .zero
        {
          assumed.append(AssumedCondition(regime: regime.name, condition: c.text(year: q.year)))
        }
        if !covered && deficit > .zero { reasons.append("\(regime.name): \(basis)") }
      } else if let c = regime.condition {
        if let met = outcome.met, let p = q.priorResults {
          let detail = Self.conditionDetail(
            c, year: q.year, result: result, priors: Array(p.suffix(c.priorYearsNeeded)),
            budget: q.budget)
          checked.append(
            ConditionCheck(
              regime: regime.name, text: c.text(year: q.year), met: met, detail: detail))
          if !met && outcome.raw > 0 {
            reasons.append("\(regime.name): the multi-year condition is not met (\(detail))")
          }
        } else if judged > .zero && ratio > regime.entry {
          assumed.append(AssumedCondition(regime: regime.name, condition: c.text(year: q.year)))
        }
      }
      let paid = outcome.met == false ? 0 : outcome.raw
      if judged > .zero && ratio <= regime.entry && !scheduled.isMAU {
        reasons.append(
          "\(regime.name): the deficit (\(Percent.text(ratio))) does not exceed the entry threshold of \(Percent.text(regime.entry))"
        )
      }
      if let perInhabitant = regime.perInhabitantEntry, judged > .zero, ratio <= regime.entry {
        if let n = q.context.inhabitants {
          let limit = perInhabitant * Decimal(n)
          if judged > limit {
            caveats.append(
              "The deficit (\(judged.groupedEuros)) is more than EUR \(perInhabitant.groupedEuros) per inhabitant "
                + "(EUR \(limit.groupedEuros) for \(Money.group(String(n))) inhabitants), so it enters the "
                + "\(q.year) \(regime.name) on that criterion; how compensation is computed for that "
                + "route was not found, and the bands (0 below \(Percent.text(regime.entry))) are applied."
            )
          }
        } else {
          caveats.append(
            "The \(q.year) \(regime.name) also enters a deficit above EUR \(perInhabitant.groupedEuros) per "
              + "inhabitant: not checked, since the number of inhabitants was not given.")
        }
      }
      if best == nil || paid > best!.compensation { best = (i, paid) }
    }
    let chosen = best ?? (0, 0)
    let applied = regimes[chosen.index]
    let compensation = Money(chosen.compensation)
    let schedule0 = BandSchedule<Decimal>(applied)
    let breakdown = zip(
      applied.bands, schedule0.breakdown(deficit: judged.euros, budget: q.budget.euros)
    ).map {
      BandAmount(
        band: $0, deficitInBand: Money($1.inBand),
        compensation: Money(compensation > .zero ? $1.compensation : 0))
    }
    let band: Band? =
      judged > .zero
      ? applied.bands.first { b in ratio > b.from && (b.to.map { ratio <= $0 } ?? true) } : nil
    caveats = applied.notes + caveats
    if applied.confidence != .high {
      caveats.append(
        "The \(q.year) \(applied.name) rule has \(applied.confidence.rawValue) confidence: \(applied.source)"
      )
    }
    for b in applied.bands where b.confidence != nil && b.confidence != .high {
      caveats.append(
        "Band \(b.label) has \(b.confidence!.rawValue) confidence"
          + (b.note.map { ": \($0)" } ?? "."))
    }
    if let c = applied.condition, let note = c.note { caveats.append(note) }
    if compensation > .zero {
      for a in applied.assessed
      where a.aboveInhabitants.map({ (q.context.inhabitants ?? Int.max) > $0 }) ?? true {
        assumed.append(AssumedCondition(regime: applied.name, condition: a.text, assessed: true))
      }
      if schedule.mauIndex != nil, applied.mau == nil, covered {
        caveats.append("The IAU is not granted in a year the MAU covers.")
      }
    }
    var mau: MAUOutcome?
    if let m = schedule.mauIndex, let terms = rule.regimes[m].mau {
      let own = q.context.mauOwnRisk ?? terms.ownRiskOptions[0]
      let range = terms.ownRiskOptions.map { o -> (Decimal, Money) in
        var ctx = q.context
        ctx.mauOwnRisk = o
        let s = VangnetSchedule<Decimal>(rule, year: q.year, context: ctx)
        return (
          o,
          Money(
            s.compensation(
              deficit: deficit.euros, budget: q.budget.euros, priors: priors,
              priorBudgets: priorBudgets, mauCovered: covered))
        )
      }
      // Judged in the loop above, unless the regime was passed over there (too small).
      let basis =
        mauBasisText
        ?? Self.mauBasis(
          regimes[m], year: q.year, inhabitants: q.context.inhabitants,
          granted: schedule.mauGranted, runDecided: q.mauCovered, covered: covered,
          eligible: eligible, priors: q.priorResults, budgets: q.priorBudgets
        ).0
      mau = MAUOutcome(
        covered: covered, basis: basis, ownRisk: own, ownRiskAssumed: q.context.mauOwnRisk == nil,
        range: covered ? range : [])
      if covered && q.context.mauOwnRisk == nil && judged > .zero {
        caveats.append(
          "The MAU own contribution is set by the Toetsingscommissie (\(terms.ownRiskOptions.map { Percent.text($0) }.joined(separator: ", ")) of the budget, by the size of the verdeelstoornis); "
            + "the lowest, \(Percent.text(own)), is assumed. At the others the compensation is "
            + range.dropFirst().map { "\($0.1.groupedEuros) (\(Percent.text($0.0)))" }.joined(
              separator: " and ") + ".")
      }
    }
    var answer = VangnetAnswer(
      year: q.year, budget: q.budget, spending: q.spending, deficit: deficit, deficitRatio: ratio,
      compensation: compensation, ownRisk: deficit.clampedAtZero - compensation, regime: applied,
      band: band, bandBreakdown: breakdown,
      conditionsAssumed: compensation > .zero
        ? assumed.filter { $0.regime == applied.name } : assumed,
      conditionsChecked: checked,
      reasonForNone: deficit > .zero && compensation == .zero
        ? reasons.joined(separator: "; ") : nil,
      caveats: caveats)
    answer.mau = mau
    answer.ratesKnown = rule.regimes.allSatisfy(\.compensationKnown)
    if rule.deductsUnlawfulSpending != nil {
      answer.unlawfulSpending = unlawful
    }
    return answer
  }

  /// Checks a context against a year's rule before anything is computed: the number of
  /// inhabitants where a regime needs it, an MAU own contribution the rule allows.
  public static func check(_ rule: VangnetRule, year: Int, context: VangnetContext)
    throws(VangnetError)
  {
    for r in rule.regimes {
      if let limit = r.moreThanInhabitants, context.inhabitants == nil {
        throw .inhabitantsNeeded(year: year, regime: r.name, limit: limit)
      }
      if let terms = r.mau, let o = context.mauOwnRisk, !terms.ownRiskOptions.contains(o) {
        throw .ownRiskNotAnOption(found: o, options: terms.ownRiskOptions)
      }
    }
  }

  /// The MAU's basis in words, and the reference check when it was made.
  static func mauBasis(
    _ regime: VangnetRegime, year: Int, inhabitants: Int?, granted: Bool, runDecided: Bool?,
    covered: Bool, eligible: Bool?, priors: [Money]?, budgets: [Money]?
  ) -> (String, ConditionCheck?) {
    if let limit = regime.moreThanInhabitants, (inhabitants ?? 0) <= limit {
      return (
        "not for a municipality of \(Money.group(String(inhabitants ?? 0))) inhabitants (only above \(Money.group(String(limit))))",
        nil
      )
    }
    if granted { return ("covered by an MAU granted before (given as input)", nil) }
    guard let c = regime.condition else { return (covered ? "covered" : "not covered", nil) }
    var check: ConditionCheck?
    var detail = ""
    if let priors, let budgets, eligible != nil {
      let n = c.priorYearsNeeded
      detail = zip(((year - n)..<year), zip(priors.suffix(n), budgets.suffix(n))).map { r, pb in
        let share = pb.1 > .zero ? (-pb.0).euros / pb.1.euros : 0
        let t = c.threshold(of: r)!
        return "\(r): \(Percent.text(share)) against \(Percent.text(t.value))"
          + (t.stated ? "" : " (the legal minimum; the year's percentage was not found)")
      }.joined(separator: "; ")
      check = ConditionCheck(
        regime: regime.name, text: c.text(year: year), met: eligible!, detail: detail)
    }
    if runDecided == true && eligible != true {
      return ("covered by an MAU block of this run, requested in an earlier year", check)
    }
    switch eligible {
    case true?: return ("the reference years meet the MAU threshold (\(detail))", check)
    case false?: return ("the reference years do not all meet the MAU threshold (\(detail))", check)
    case nil:
      return ("the reference years' results were not given; the condition is taken as met", check)
    }
  }

  /// The caveat of a regime whose rate is not known: whether its entry and condition hold.
  static func unknownRate(
    _ regime: VangnetRegime, year: Int, ratio: Decimal, met: Bool?, priors: [Money]?,
    budgets: [Money]?
  ) -> String {
    let entered = ratio > regime.entry
    let condition = regime.condition.map { $0.text(year: year) } ?? "none"
    let head =
      "The \(year) \(regime.name) (entry above \(Percent.text(regime.entry)); condition: \(condition)) "
    let tail =
      "its rate for the part it adds was not found, so the compensation shown leaves it out and may be too low."
    if !entered {
      return head
        + "does not apply: the deficit (\(Percent.text(ratio))) does not exceed its entry; "
        + "its rate was not found either."
    }
    switch met {
    case true?:
      return head + "applies: the deficit exceeds its entry and its condition holds; " + tail
    case false?:
      return head + "does not apply: its condition does not hold; its rate was not found either."
    case nil:
      return head
        + "may apply: the deficit exceeds its entry, and its condition was not judged (give the prior results and budgets); "
        + tail
    }
  }

  /// The numbers a multi-year condition is judged on, in words; `priors` are the results before
  /// `year`, oldest first.
  static func conditionDetail(
    _ c: MultiYearCondition, year: Int, result: Money, priors: [Money], budget: Money
  ) -> String {
    switch c {
    case .cumulative(_, let threshold, _):
      let cumulative = priors.reduce(result, +)
      let limit = budget * threshold
      return
        "cumulative result \(cumulative.groupedEuros) against a limit of -\(limit.groupedEuros) (\(Percent.text(threshold)) of the budget)"
    case .consecutiveDeficits(let n, let lag, _):
      let all = priors + [result]
      let window = all[(all.count - lag - n)..<(all.count - lag)]
      let deficits = window.filter { $0 < .zero }.count
      return "\(deficits) of the \(n) years \(year - lag - n + 1)-\(year - lag) in deficit"
    case .deficitShares(let n, let m, _, _, _):
      return
        "at least \(m) of \(year - n)-\(year - 1) judged on each year's deficit as a share of its budget"
    }
  }
}
