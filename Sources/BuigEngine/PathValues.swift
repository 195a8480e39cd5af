import BuigCore

/// One value per path for each series, in path order: the raw material of every statistic.
/// Held in one flat array, series after series, so that a million paths cost one allocation and
/// no copy; series are found through the `SeriesLayout`.
public struct PathValues: Sendable {
  /// Where each series sits.
  public var layout: SeriesLayout
  /// The first path's index.
  public var firstPath: Int
  /// Number of paths.
  public var count: Int
  /// Series-major values: column c, path firstPath + p at `storage[c·count + p]`.
  public var storage: [Double]

  /// Values from their flat storage.
  public init(layout: SeriesLayout, firstPath: Int, count: Int, storage: [Double]) {
    precondition(
      storage.count == count * layout.count, "storage must hold count × layout.count values")
    self.layout = layout
    self.firstPath = firstPath
    self.count = count
    self.storage = storage
  }

  /// Number of series.
  public var seriesCount: Int { layout.count }

  /// Column c's values (a view into the storage; no copy).
  public func column(_ c: Int) -> ArraySlice<Double> { storage[(c * count)..<((c + 1) * count)] }

  /// The values of a quantity in a year (for intervention i when the quantity belongs to one),
  /// or `nil` when the layout has no such series (a year outside the horizon, a p.m. item).
  public func series(_ q: Quantity, year: Int, intervention i: Int? = nil) -> ArraySlice<Double>? {
    layout.column(q, year: year, intervention: i).map { column($0) }
  }

  /// The values of a municipality-wide quantity in a year, `.total` included (net burden +
  /// intervention cost per path); `nil` for a year outside the horizon.
  public func values(_ q: Quantity, year: Int) -> [Double]? {
    var sum: [Double]?
    for part in q.parts {
      guard let v = series(part, year: year) else { return nil }
      sum = sum.map { zip($0, v).map { $0 + $1 } } ?? Array(v)
    }
    return sum
  }

  /// All columns, as views, in layout order.
  public var columns: [ArraySlice<Double>] { (0..<layout.count).map { column($0) } }

  /// Appends the paths of `next`, which must start where these end.
  public mutating func append(_ next: PathValues) {
    precondition(next.firstPath == firstPath + count, "path ranges must follow each other")
    precondition(next.layout == layout, "the same layout")
    var joined: [Double] = []
    joined.reserveCapacity(storage.count + next.storage.count)
    for c in 0..<layout.count {
      joined += column(c)
      joined += next.column(c)
    }
    storage = joined
    count += next.count
  }
}
