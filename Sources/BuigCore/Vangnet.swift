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

  /// The condition of a rule.
  public init(_ c: MultiYearCondition) {
    switch c {
    case .cumulative(_, let t, _): self = .cumulative(threshold: T(rule: t))
    case .consecutiveDeficits(let n, let lag, _): self = .consecutive(years: n, lag: lag)
    }
  }

  /// Whether the condition holds for the year's result and budget and the prior results
  /// (oldest first; exactly the number the condition needs).
  @inlinable
  public func met(result: T, budget: T, priors: ArraySlice<T>) -> Bool {
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
    }
  }
}

/// A year's vangnet rule in the number type of the computation: the one implementation of the
/// compensation that both the exact layer (`Decimal`) and the Monte Carlo engine (`Double`) use.
public struct VangnetSchedule<T: RuleScalar>: Sendable {
  /// Each regime's bands and condition.
  public let regimes: [(bands: BandSchedule<T>, condition: ConditionSchedule<T>?, priorYears: Int)]
  /// The most prior results any condition needs.
  public let priorYearsNeeded: Int
  /// The first regime's entry threshold (fraction of the budget).
  public let entry: T

  /// The schedule of a rule.
  public init(_ rule: VangnetRule) {
    regimes = rule.regimes.map { r in
      (
        BandSchedule<T>(r), r.condition.map { ConditionSchedule<T>($0) },
        r.condition?.priorYearsNeeded ?? 0
      )
    }
    priorYearsNeeded = rule.regimes.compactMap(\.condition).map(\.priorYearsNeeded).max() ?? 0
    entry = T(rule: rule.regimes[0].entry)
  }

  /// Each regime's compensation before its condition, and whether its condition holds (`nil`
  /// when it has none or the prior results are not known).
  public func outcomes(deficit: T, budget: T, priors: ArraySlice<T>?) -> [(raw: T, met: Bool?)] {
    let result = T.zero - deficit
    return regimes.map { r in
      let raw = r.bands.compensation(deficit: deficit, budget: budget)
      guard let c = r.condition, let priors else { return (raw, nil) }
      return (raw, c.met(result: result, budget: budget, priors: priors.suffix(r.priorYears)))
    }
  }

  /// C = the largest compensation among the regimes whose condition holds (a condition whose
  /// prior results are not known is taken as met). `priors` are the results of the years
  /// before, oldest first, at least `priorYearsNeeded` of them.
  ///
  /// - Complexity: O(regimes × (bands + prior years)); no allocation.
  @inlinable
  public func compensation(deficit: T, budget: T, priors: ArraySlice<T>?) -> T {
    var best = T.zero
    let result = T.zero - deficit
    // By index, so that no regime (and its bands) is copied per call.
    for i in regimes.indices {
      if let priors, regimes[i].condition != nil,
        !regimes[i].condition!.met(
          result: result, budget: budget, priors: priors.suffix(regimes[i].priorYears))
      {
        continue
      }
      let v = regimes[i].bands.compensation(deficit: deficit, budget: budget)
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

  /// A question.
  public init(year: Int, budget: Money, spending: Money, priorResults: [Money]? = nil) {
    self.year = year
    self.budget = budget
    self.spending = spending
    self.priorResults = priorResults
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

  /// An assumed condition.
  public init(regime: String, condition: String) {
    self.regime = regime
    self.condition = condition
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
    let deficit = q.spending - q.budget
    let ratio = deficit.euros / q.budget.euros
    let needed = rule.regimes.compactMap(\.condition).map(\.priorYearsNeeded).max() ?? 0
    if let priors = q.priorResults, needed > 0, priors.count != needed {
      throw .priorResultsCount(
        year: q.year, needed: needed, given: priors.count, years: Array((q.year - needed)..<q.year))
    }
    let result = q.budget - q.spending
    var assumed: [AssumedCondition] = []
    var checked: [ConditionCheck] = []
    var best: (regime: VangnetRegime, compensation: Decimal)?
    var reasons: [String] = []
    let outcomes = VangnetSchedule<Decimal>(rule).outcomes(
      deficit: deficit.euros, budget: q.budget.euros, priors: q.priorResults?.map(\.euros)[...])
    for (regime, outcome) in zip(rule.regimes, outcomes) {
      if let c = regime.condition {
        if let met = outcome.met, let priors = q.priorResults {
          let detail = Self.conditionDetail(
            c, year: q.year, result: result, priors: Array(priors.suffix(c.priorYearsNeeded)),
            budget: q.budget)
          checked.append(
            ConditionCheck(
              regime: regime.name, text: c.text(year: q.year), met: met, detail: detail))
          if !met && outcome.raw > 0 {
            reasons.append("\(regime.name): the multi-year condition is not met (\(detail))")
          }
        } else if deficit > .zero && ratio > regime.entry {
          assumed.append(AssumedCondition(regime: regime.name, condition: c.text(year: q.year)))
        }
      }
      let paid = outcome.met == false ? 0 : outcome.raw
      if deficit > .zero && ratio <= regime.entry {
        reasons.append(
          "\(regime.name): the deficit (\(Percent.text(ratio))) does not exceed the entry threshold of \(Percent.text(regime.entry))"
        )
      }
      if best == nil || paid > best!.compensation { best = (regime, paid) }
    }
    let applied = best!.regime
    let compensation = Money(best!.compensation)
    let schedule = BandSchedule<Decimal>(applied)
    let breakdown = zip(
      applied.bands, schedule.breakdown(deficit: deficit.euros, budget: q.budget.euros)
    ).map {
      BandAmount(
        band: $0, deficitInBand: Money($1.inBand),
        compensation: Money(compensation > .zero ? $1.compensation : 0))
    }
    let band: Band? =
      deficit > .zero
      ? applied.bands.first { b in ratio > b.from && (b.to.map { ratio <= $0 } ?? true) } : nil
    var caveats = applied.notes
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
    return VangnetAnswer(
      year: q.year, budget: q.budget, spending: q.spending, deficit: deficit, deficitRatio: ratio,
      compensation: compensation, ownRisk: deficit.clampedAtZero - compensation, regime: applied,
      band: band, bandBreakdown: breakdown,
      conditionsAssumed: compensation > .zero
        ? assumed.filter { $0.regime == applied.name } : assumed,
      conditionsChecked: checked,
      reasonForNone: deficit > .zero && compensation == .zero
        ? reasons.joined(separator: "; ") : nil,
      caveats: caveats)
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
    }
  }
}
