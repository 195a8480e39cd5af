/// Where each Monte Carlo series sits: maps (quantity, intervention, year) to a column of the
/// path values. The engine's path evaluator writes through it and every reader (statistics,
/// goldens, renderers, comparisons) reads through it, so no code depends on the order.
///
/// Order: for each quantity of `Quantity.yearly`, one column per year; then, for each
/// intervention whose yield is quantified, one column per year of each quantity of
/// `Quantity.perIntervention` (`.yield`, `.effectAfterVangnet`, `.cost`). A p.m. intervention
/// has no columns (its cost is fixed in advance).
public struct SeriesLayout: Equatable, Sendable {
  /// The horizon.
  public let years: [Int]
  /// The interventions' ids, in scenario order.
  public let interventions: [String]
  /// The first column of each intervention, `nil` for p.m.
  @usableFromInline let interventionBase: [Int?]
  /// Number of columns.
  public let count: Int

  /// The layout of a horizon and a package; `quantified[i]` says whether intervention i has a
  /// quantified yield.
  public init(years: [Int], interventions: [String], quantified: [Bool]) {
    precondition(interventions.count == quantified.count, "one flag per intervention")
    self.years = years
    self.interventions = interventions
    var next = Quantity.yearly.count * years.count
    var bases: [Int?] = []
    for q in quantified {
      bases.append(q ? next : nil)
      if q { next += Quantity.perIntervention.count * years.count }
    }
    interventionBase = bases
    count = next
  }

  /// The layout of a projection's horizon and package.
  public init(_ input: ProjectionInput) {
    self.init(
      years: input.years, interventions: input.interventions.map(\.id),
      quantified: input.interventions.map { !$0.isPM })
  }

  /// The column of a quantity in the year at offset `k` of the horizon, for intervention `i`
  /// when the quantity belongs to one; `nil` for a p.m. intervention and for `.total`, which
  /// is derived from two series (`PathValues.values`).
  ///
  /// - Complexity: O(1).
  @inlinable
  public func column(_ q: Quantity, yearIndex k: Int, intervention i: Int? = nil) -> Int? {
    switch q {
    case .yield, .effectAfterVangnet, .cost:
      guard let i, let base = interventionBase[i] else { return nil }
      let offset = q == .yield ? 0 : q == .effectAfterVangnet ? 1 : 2
      return base + offset * years.count + k
    case .total:
      return nil
    default:
      precondition(i == nil, "\(q) is not a quantity of one intervention")
      return Quantity.yearly.firstIndex(of: q)! * years.count + k
    }
  }

  /// The column of a quantity in `year`, for intervention `i` when the quantity belongs to one;
  /// `nil` for a year outside the horizon or a p.m. intervention.
  public func column(_ q: Quantity, year: Int, intervention i: Int? = nil) -> Int? {
    guard let k = years.firstIndex(of: year) else { return nil }
    return column(q, yearIndex: k, intervention: i)
  }

  /// Whether intervention i has columns (its yield is quantified).
  public func hasColumns(intervention i: Int) -> Bool { interventionBase[i] != nil }

  /// The columns' names as partial result files record them (`netBurden/2018`,
  /// `yield:vouchers/2019`), so that `buig merge` can tell that shards share one layout.
  public var names: [String] {
    var out: [String] = []
    for q in Quantity.yearly { for y in years { out.append("\(q.rawValue)/\(y)") } }
    for (i, id) in interventions.enumerated() where interventionBase[i] != nil {
      for q in Quantity.perIntervention {
        for y in years { out.append("\(q.rawValue):\(id)/\(y)") }
      }
    }
    return out
  }
}
