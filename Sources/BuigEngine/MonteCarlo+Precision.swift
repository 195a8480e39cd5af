import BuigCore

extension MonteCarlo {
  /// The precision rule of `--precision`: run rounds of `round` paths until the standard error
  /// of the mean of `quantity` is below `target` (EUR) in every year, or `maxPaths` are done
  /// (the last round is cut short so that no more are run). Rounds are fixed path ranges, so
  /// the stopping point, and every number, is reproducible.
  public struct Precision: Sendable {
    /// The quantity whose standard error is watched (a yearly quantity).
    public var quantity: Quantity
    /// The target standard error (EUR).
    public var target: Double
    /// Paths per round (a multiple of the tile).
    public var round: Int
    /// The most paths to run.
    public var maxPaths: Int

    /// The paths run at most unless told otherwise (`--max-paths`).
    public static let defaultMaxPaths = 10_240_000

    /// The paths a standard error of `se` after `paths` paths projects to reach `target`: the
    /// standard error of a mean falls as 1/√n, so n = paths · (se / target)², rounded up to
    /// whole rounds of `round` (at least `paths`).
    public static func projectedPaths(paths: Int, se: Double, target: Double, round: Int) -> Int {
      guard se.isFinite, target > 0 else { return paths }
      let n = Double(paths) * (se / target) * (se / target)
      guard n < Double(Int.max / 4) else { return Int.max / 4 }
      let rounds = max(1, Int((n / Double(round)).rounded(.up)))
      return max(paths, rounds * round)
    }

    /// A precision rule.
    public init(
      quantity: Quantity, target: Double, round: Int = 10_240,
      maxPaths: Int = Precision.defaultMaxPaths
    ) {
      precondition(!quantity.isPerIntervention, "a yearly quantity")
      self.quantity = quantity
      self.target = target
      self.round = round
      self.maxPaths = maxPaths
    }
  }

  /// Runs until `precision` holds (see `Precision`); returns all paths run. After each round,
  /// `round` is told the paths done and the largest standard error over the years (EUR).
  public func run(
    until precision: Precision, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil,
    round: ((_ paths: Int, _ worstSE: Double) -> Void)? = nil
  ) throws(MonteCarloError) -> PathValues {
    var all: PathValues?
    while true {
      var o = options
      o.firstPath = all.map { $0.firstPath + $0.count } ?? options.firstPath
      let done = all?.count ?? 0
      o.paths = min(precision.round, max(1, precision.maxPaths - done))
      let next = try run(o) { progress?(done + $0) }
      if all == nil { all = next } else { all!.append(next) }
      let values = all!
      let worst =
        years.compactMap { y in
          values.series(precision.quantity, year: y).map { Moments($0).se }
        }
        .max() ?? 0
      round?(values.count, worst)
      if worst < precision.target || values.count >= precision.maxPaths { return values }
    }
  }
}
