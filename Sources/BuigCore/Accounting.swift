/// One year's accounting, with and without the package, in the number type of the computation.
///
/// B budget, U⁰ spending without the package, Y the package's quantified yield (all EUR):
/// U = U⁰ − Y, R = B − U, C = the year's vangnet compensation for deficit −R (with the prior
/// results of the same run), N = −(R + C); R⁰, C⁰, N⁰ the same with U⁰. The package's effect
/// after the vangnet is (R + C) − (R⁰ + C⁰) = N⁰ − N.
public struct YearAccount<T: RuleScalar>: Sendable {
  /// Budget B.
  public var budget: T
  /// Spending without the package U⁰.
  public var baselineSpending: T
  /// Spending with the package U = U⁰ − Y.
  public var spending: T
  /// Result R = B − U.
  public var result: T
  /// Compensation C.
  public var compensation: T
  /// Net burden N = −(R + C).
  public var netBurden: T
  /// Result without the package R⁰ = B − U⁰.
  public var baselineResult: T
  /// Compensation without the package C⁰.
  public var baselineCompensation: T
  /// Net burden without the package N⁰ = −(R⁰ + C⁰).
  public var baselineNetBurden: T
  /// Whether the MAU covers the year, with and without the package (a block of the run, one
  /// granted before, or a new request).
  public var mauCovered = (with: false, without: false)

  /// An account from its figures.
  @inlinable
  public init(
    budget: T, baselineSpending: T, spending: T, result: T, compensation: T, netBurden: T,
    baselineResult: T, baselineCompensation: T, baselineNetBurden: T
  ) {
    self.budget = budget
    self.baselineSpending = baselineSpending
    self.spending = spending
    self.result = result
    self.compensation = compensation
    self.netBurden = netBurden
    self.baselineResult = baselineResult
    self.baselineCompensation = baselineCompensation
    self.baselineNetBurden = baselineNetBurden
  }

  /// The package's effect on the net burden after the vangnet: (R + C) − (R⁰ + C⁰), positive
  /// when the burden falls.
  @inlinable
  public var packageAfterVangnet: T {
    (result + compensation) - (baselineResult + baselineCompensation)
  }

  /// An intervention's share of `packageAfterVangnet`, in proportion to its yield among the
  /// package's quantified yields: after · y / Σy, and 0 when Σy = 0.
  @inlinable
  public func shareAfterVangnet(yield y: T, of total: T) -> T {
    Self.share(packageAfterVangnet, yield: y, of: total)
  }

  /// The share of an effect `after` that falls to a yield y among quantified yields summing to
  /// `total`: after · y / total, and 0 when total = 0.
  @inlinable
  public static func share(_ after: T, yield y: T, of total: T) -> T {
    total == .zero ? .zero : after * y / total
  }
}

/// The accounting of a horizon: the vangnet rule of each year and the results of the years
/// before it, so that a multi-year condition sees the results of the same run (the projection's
/// own, or one Monte Carlo path's) and, before the horizon, the results the scenario gives.
///
/// The one implementation of R, C and N that the projection (`Decimal`, exact) and every Monte
/// Carlo path (`Double`) use.
public struct YearAccounting<T: RuleScalar>: Sendable {
  /// The horizon, ascending and consecutive.
  public let years: [Int]
  /// The vangnet rule of each year of the horizon, `nil` when the table has none (C = 0).
  public let schedules: [VangnetSchedule<T>?]
  /// How many years before a year any condition looks back.
  public let lookback: Int
  /// Results of the `lookback` years before the horizon (oldest first), `nil` when not given.
  @usableFromInline let before: [T?]
  /// Budgets of the same years, `nil` when not given.
  @usableFromInline let beforeBudgets: [T?]
  /// Per year of the horizon: whether its rule judges prior budgets, and whether it has an
  /// MAU (read per path without copying the schedule).
  @usableFromInline let needsBudgets: [Bool]
  @usableFromInline let hasMAU: [Bool]

  /// The accounting of a horizon with its years' schedules and the results (and budgets) given
  /// for years before it.
  public init(
    years: [Int], schedules: [VangnetSchedule<T>?], priorResults: [Int: T],
    priorBudgets: [Int: T] = [:]
  ) {
    precondition(years.count == schedules.count, "one schedule (or nil) per year")
    self.years = years
    self.schedules = schedules
    let l = schedules.map { max($0?.priorYearsNeeded ?? 0, $0?.priorYearsJudged ?? 0) }.max() ?? 0
    lookback = l
    let first = years.first ?? 0
    before = ((first - l)..<first).map { priorResults[$0] }
    beforeBudgets = ((first - l)..<first).map { priorBudgets[$0] }
    needsBudgets = schedules.map { $0?.needsPriorBudgets ?? false }
    hasMAU = schedules.map { $0?.mauIndex != nil }
  }

  /// The accounting of a horizon under a rule table, with the municipality's `context` (size,
  /// MAU, unlawful spending, budgets before the horizon).
  public init(
    years: [Int], rules: RuleTable, priorResults: [Int: T],
    context: VangnetContext = VangnetContext()
  ) {
    self.init(
      years: years,
      schedules: years.map { y in
        rules.years[y]?.vangnet.map { VangnetSchedule<T>($0, year: y, context: context) }
      },
      priorResults: priorResults,
      priorBudgets: context.priorBudgets.mapValues { T(rule: $0.euros) })
  }

  /// The results of one run so far, with and without the package: the scenario's results
  /// before the horizon, then each booked year's. Reused from path to path: booking the years
  /// in order overwrites what a previous path left.
  public struct Ledger: Sendable {
    /// R per year, from `lookback` years before the horizon.
    @usableFromInline var with: [T]
    /// R⁰ per year, likewise.
    @usableFromInline var without: [T]
    /// B per year, likewise.
    @usableFromInline var budgets: [T]
    /// The last year an MAU block of this run covers, with and without the package.
    @usableFromInline var mauUntil: (with: Int, without: Int)
  }

  /// A ledger holding the results before the horizon.
  public func ledger() -> Ledger {
    let pre = before.map { $0 ?? .zero }
    let rest = [T](repeating: .zero, count: years.count)
    return Ledger(
      with: pre + rest, without: pre + rest,
      budgets: beforeBudgets.map { $0 ?? .zero } + rest, mauUntil: (Int.min, Int.min))
  }

  /// The results of the years that the condition of year offset k needs (oldest first), or
  /// `nil` when one of them is before the horizon and not given (the condition is then taken
  /// as met, as the rules say for unknown results).
  @inlinable
  func priors(_ k: Int, _ needed: Int, _ results: [T]) -> ArraySlice<T>? {
    guard needed > 0 else { return nil }
    let end = lookback + k
    var i = end - needed
    let budgets = needsBudgets[k]
    while i < lookback {
      if before[i] == nil || (budgets && beforeBudgets[i] == nil) { return nil }
      i += 1
    }
    return results[(end - needed)..<end]
  }

  /// The prior results and budgets that every condition of year offset k reads, a regime
  /// whose rate is unknown included, when all of them are known; else those `book` uses.
  public func judgedPriors(_ k: Int, in ledger: Ledger, withPackage: Bool) -> (
    results: [T], budgets: [T]?
  )? {
    guard let s = schedules[k] else { return nil }
    let end = lookback + k
    for n in [max(s.priorYearsJudged, s.priorYearsNeeded), s.priorYearsNeeded] where n > 0 {
      guard let r = priors(k, n, withPackage ? ledger.with : ledger.without) else { continue }
      let budgetsKnown = ((end - n)..<end).allSatisfy { $0 >= lookback || beforeBudgets[$0] != nil }
      if budgetsKnown { return (Array(r), Array(ledger.budgets[(end - n)..<end])) }
      if n == s.priorYearsNeeded && !s.needsPriorBudgets { return (Array(r), nil) }
    }
    return nil
  }

  /// Books the year at offset k of the horizon: R, C and N with and without the package, from
  /// B, U⁰ and the package's quantified yield Y, with the results booked before in `ledger`.
  /// Years must be booked in order.
  ///
  /// - Complexity: O(regimes × (bands + prior years)); no allocation.
  @inlinable
  public func book(
    _ k: Int, budget: T, baselineSpending: T, yield: T, in ledger: inout Ledger
  ) -> YearAccount<T> {
    book(
      k, budget: budget, spending: baselineSpending - yield, baselineSpending: baselineSpending,
      in: &ledger)
  }

  /// Books the year at offset k from its spending with and without the package (U and U⁰):
  /// the one booking `book(_:budget:baselineSpending:yield:in:)` and `bookRealised` share.
  @inlinable
  public func book(
    _ k: Int, budget: T, spending: T, baselineSpending: T, in ledger: inout Ledger
  ) -> YearAccount<T> {
    let result = budget - spending
    let result0 = budget - baselineSpending
    var c = T.zero
    var c0 = T.zero
    var covered = (with: false, without: false)
    if k == 0 { ledger.mauUntil = (Int.min, Int.min) }
    // In place (`schedules[k]?.…`), so that the schedule is not copied per path.
    if let n = schedules[k]?.priorYearsNeeded {
      let year = years[k]
      let pw = priors(k, n, ledger.with)
      let p0 = priors(k, n, ledger.without)
      let pb = priors(k, n, ledger.budgets)
      if hasMAU[k] {
        covered.with =
          schedules[k]?.mauCovers(
            year: year, until: &ledger.mauUntil.with, priors: pw, priorBudgets: pb) ?? false
        covered.without =
          schedules[k]?.mauCovers(
            year: year, until: &ledger.mauUntil.without, priors: p0, priorBudgets: pb) ?? false
      }
      c =
        schedules[k]?.compensation(
          deficit: -result, budget: budget, priors: pw, priorBudgets: pb, mauCovered: covered.with)
        ?? .zero
      c0 =
        schedules[k]?.compensation(
          deficit: -result0, budget: budget, priors: p0, priorBudgets: pb,
          mauCovered: covered.without) ?? .zero
    }
    ledger.with[lookback + k] = result
    ledger.without[lookback + k] = result0
    ledger.budgets[lookback + k] = budget
    var account = YearAccount(
      budget: budget, baselineSpending: baselineSpending, spending: spending, result: result,
      compensation: c, netBurden: -(result + c), baselineResult: result0,
      baselineCompensation: c0, baselineNetBurden: -(result0 + c0))
    account.mauCovered = covered
    return account
  }
}
