/// Where each Monte Carlo series sits: maps (quantity, intervention, year) to a column of the
/// path values. The engine's path evaluator writes through it and every reader (statistics,
/// goldens, renderers, comparisons) reads through it, so no code depends on the order.
///
/// Order: for each quantity of `Quantity.yearly`, one column per year; then, for each
/// intervention whose yield is quantified, one column per year of `.yield` and of
/// `.effectAfterVangnet`, and of `.cost` when its cost varies from path to path (a mechanistic
/// intervention's, which follows its successes). A p.m. intervention has no columns, and a cost
/// fixed in advance none either: it is the projection's in every path.
public struct SeriesLayout: Equatable, Sendable {
  /// The horizon.
  public let years: [Int]
  /// The interventions' ids, in scenario order.
  public let interventions: [String]
  /// The first column of each intervention, `nil` for p.m.
  @usableFromInline let interventionBase: [Int?]
  /// Whether each intervention's cost has columns (it varies from path to path).
  @usableFromInline let costColumns: [Bool]
  /// Number of columns.
  public let count: Int

  /// The layout of a horizon and a package; `quantified[i]` says whether intervention i has a
  /// quantified yield, `variableCost[i]` whether its cost varies from path to path.
  public init(years: [Int], interventions: [String], quantified: [Bool], variableCost: [Bool]) {
    precondition(
      interventions.count == quantified.count && quantified.count == variableCost.count,
      "one flag per intervention")
    self.years = years
    self.interventions = interventions
    var next = Quantity.yearly.count * years.count
    var bases: [Int?] = []
    for (q, c) in zip(quantified, variableCost) {
      bases.append(q ? next : nil)
      if q { next += (c ? 3 : 2) * years.count }
    }
    interventionBase = bases
    costColumns = zip(quantified, variableCost).map { $0 && $1 }
    count = next
  }

  /// The layout of a projection's horizon and package: a mechanistic intervention's cost varies
  /// with its successes; a schedule's or a screening's is fixed in advance.
  public init(_ input: ProjectionInput) {
    self.init(
      years: input.years, interventions: input.interventions.map(\.id),
      quantified: input.interventions.map { !$0.isPM },
      variableCost: input.interventions.map {
        if case .mechanistic = $0.kind { true } else { false }
      })
  }

  /// The column of a quantity in the year at offset `k` of the horizon, for intervention `i`
  /// when the quantity belongs to one; `nil` for a p.m. intervention, for a cost fixed in
  /// advance, and for `.total`, which is derived from two series (`PathValues.values`).
  ///
  /// - Complexity: O(1).
  @inlinable
  public func column(_ q: Quantity, yearIndex k: Int, intervention i: Int? = nil) -> Int? {
    switch q {
    case .yield, .effectAfterVangnet, .cost:
      guard let i, let base = interventionBase[i], q != .cost || costColumns[i] else { return nil }
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
      for q in Quantity.perIntervention where q != .cost || costColumns[i] {
        for y in years { out.append("\(q.rawValue):\(id)/\(y)") }
      }
    }
    return out
  }
}
