import Foundation

/// A realised year: what the municipality's accounts (the jaarrekening, the SiSa statement)
/// say happened. Its figures are facts, not forecasts: every Monte Carlo path carries them as
/// they are, no modelled yield is subtracted from the spending (the spending already holds
/// whatever the interventions did), and its result feeds the vangnet's multi-year conditions
/// of the years after it. The realised years of a horizon are its first years; the forecast
/// (flows, uncertainty, the economy) starts after them.
public struct RealisedYear: Equatable, Sendable {
  /// The budget B as granted (EUR), whatever the scenario's budget basis says for the year.
  public var budget: Money
  /// Spending U with the interventions, as booked (EUR): the actual BUIG spending.
  public var spending: Money
  /// Households on benefit (annual average), with the interventions.
  public var caseload: Decimal
  /// Actual figures of interventions, by id, where known.
  public var interventions: [String: RealisedIntervention]
  /// Where the figures come from (the jaarrekening, a SiSa statement).
  public var source: String?

  /// A realised year from its facts.
  public init(
    budget: Money, spending: Money, caseload: Decimal,
    interventions: [String: RealisedIntervention] = [:], source: String? = nil
  ) {
    self.budget = budget
    self.spending = spending
    self.caseload = caseload
    self.interventions = interventions
    self.source = source
  }
}

/// One intervention's actual figures in a realised year, each `nil` where not known.
public struct RealisedIntervention: Equatable, Sendable {
  /// Actual cost (EUR); when `nil`, the intervention's own (modelled or scheduled) cost of the
  /// year stands, the same in every path.
  public var cost: Money?
  /// Actual yield (EUR): reported as the year's yield, never subtracted from the realised
  /// spending; when `nil`, the yield of the year is not known and shown as such (like p.m.).
  public var yield: Money?

  /// Actual figures.
  public init(cost: Money? = nil, yield: Money? = nil) {
    self.cost = cost
    self.yield = yield
  }
}

extension ProjectionInput {
  /// How many leading years of the horizon are realised (0 when none): the forecast starts at
  /// `years[realisedCount]`.
  public var realisedCount: Int {
    years.prefix { realised[$0] != nil }.count
  }

  /// Whether `year` is realised.
  public func isRealised(_ year: Int) -> Bool { realised[year] != nil }
}

extension YearAccounting {
  /// Books a realised year at offset k: U = the realised spending exactly, U⁰ = U + Y with Y
  /// the sum of the actual yields given (the spending without the package, as far as the
  /// actual yields say; U⁰ = U when none is given), R = B − U, R⁰ = B − U⁰, C and C⁰ by the
  /// year's vangnet rule with the results booked before, N = −(R + C). The same figures as
  /// `book` with spending U⁰ − Y, except that U is the fact itself (no rounding of
  /// (U + Y) − Y in `Double`), so that every path carries the fact exactly.
  ///
  /// - Complexity: O(regimes × (bands + prior years)); no allocation.
  @inlinable
  public func bookRealised(
    _ k: Int, budget: T, spending: T, actualYield: T, in ledger: inout Ledger
  ) -> YearAccount<T> {
    book(
      k, budget: budget, spending: spending, baselineSpending: spending + actualYield, in: &ledger)
  }
}
