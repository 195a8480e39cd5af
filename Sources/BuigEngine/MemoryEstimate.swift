import BuigCore

/// The memory a Monte Carlo run needs, estimated from its paths and series before anything is
/// allocated, so that a run that cannot fit is refused instead of aborting halfway.
///
/// A run holds one `Double` (8 bytes) per path and series (`PathValues`); its statistics then
/// work on copies of single series, one per worker thread (`OrderStatistics`), and on a few
/// per-path totals over the horizon (`HorizonStatistics`). So the bytes are
///
///     base + 8 · paths · (series + threads + horizonColumns)
///
/// with `horizonColumns` = 4 (the cumulative net burden, a package total, a buffer and the
/// payback years) and `base` = 64 MiB for the program itself.
/// A `--precision` run appends round after round: joining two rounds holds the old and the new
/// storage at once, so its series count double.
public enum MemoryEstimate {
  /// The program's own memory (bytes): code, the rule table, the scenario, buffers.
  public static let base = 64 * 1024 * 1024

  /// Per-path arrays of the horizon statistics (`HorizonStatistics`), in series.
  public static let horizonColumns = 4

  /// The bytes a run of `paths` paths over `series` series needs with `threads` workers;
  /// `copies` is 2 for a run that appends rounds (`--precision`), 1 otherwise. Computed in
  /// `Double` so that no product of large counts overflows.
  public static func bytes(paths: Int, series: Int, threads: Int, copies: Int = 1) -> Double {
    Double(base)
      + 8 * Double(paths) * Double(copies * series + threads + horizonColumns)
  }

  /// `bytes(paths:series:threads:copies:)` for a run of `layout`.
  public static func bytes(paths: Int, layout: SeriesLayout, threads: Int, copies: Int = 1)
    -> Double
  {
    bytes(paths: paths, series: layout.count, threads: threads, copies: copies)
  }

  /// The most paths that fit in `available` bytes: the inverse of
  /// `bytes(paths:series:threads:copies:)`, rounded down; 0 when not even the base fits.
  public static func maxPaths(available: Double, series: Int, threads: Int, copies: Int = 1)
    -> Int
  {
    let perPath = 8 * Double(copies * series + threads + horizonColumns)
    let room = available - Double(base)
    guard room > 0 else { return 0 }
    return Int(min(room / perPath, Double(Int.max / 2)))
  }
}
