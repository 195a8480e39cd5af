import BuigCore

extension MonteCarlo {
  /// The precision rule of `--precision`: run rounds of `round` paths until the standard error
  /// of the mean of `quantity` is below `target` (EUR) in every year, or `maxPaths` are done.
  /// Rounds are fixed path ranges, so the stopping point, and every number, is reproducible.
  public struct Precision: Sendable {
    /// The quantity whose standard error is watched (a yearly quantity).
    public var quantity: Quantity
    /// The target standard error (EUR).
    public var target: Double
    /// Paths per round (a multiple of the tile).
    public var round: Int
    /// The most paths to run.
    public var maxPaths: Int

    /// A precision rule.
    public init(
      quantity: Quantity, target: Double, round: Int = 10_240, maxPaths: Int = 10_240_000
    ) {
      precondition(!quantity.isPerIntervention, "a yearly quantity")
      self.quantity = quantity
      self.target = target
      self.round = round
      self.maxPaths = maxPaths
    }
  }

  /// Runs until `precision` holds (see `Precision`); returns all paths run.
  public func run(
    until precision: Precision, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(MonteCarloError) -> PathValues {
    var all: PathValues?
    while true {
      var o = options
      o.firstPath = all.map { $0.firstPath + $0.count } ?? options.firstPath
      o.paths = precision.round
      let done = all?.count ?? 0
      let next = try run(o) { progress?(done + $0) }
      if all == nil { all = next } else { all!.append(next) }
      let values = all!
      let worst =
        years.compactMap { y in
          values.series(precision.quantity, year: y).map { Moments($0).se }
        }
        .max() ?? 0
      if worst < precision.target || values.count >= precision.maxPaths { return values }
    }
  }
}
