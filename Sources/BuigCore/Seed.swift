/// The seed of a run's random streams: one range for scenario files, goldens, partial results
/// and every command-line option, so that a seed one accepts, all accept.
public enum Seed {
  /// 0 … 2,147,483,647 (2³¹ − 1): what a JSON number holds exactly in every reader a user may
  /// open an output with, and what the scenario format has always allowed.
  public static let range: ClosedRange<Int> = 0...2_147_483_647

  /// The seed of a scenario that gives none.
  public static let `default`: UInt64 = 1

  /// The seed when `value` is in `range`, else `nil`.
  public static func checked(_ value: UInt64) -> UInt64? {
    value <= UInt64(range.upperBound) ? value : nil
  }
}

/// The number of Monte Carlo paths a scenario (`monteCarlo.paths`, at least 1) and a golden (0:
/// expected values only) may name: one limit for both.
public enum PathCount {
  /// The most paths a file may name.
  public static let maximum = 100_000_000
}
