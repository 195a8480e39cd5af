import CBLAS

/// What the linked OpenBLAS is and how it runs: recorded in outputs and benchmark reports,
/// because results and speed depend on the CPU kernel it picked (SWIFT.md §2).
public enum BLASInfo {
  /// The CPU kernel OpenBLAS chose at load time (`Zen`, `Haswell`, `SkylakeX`, `Prescott`, ...).
  public static var coreName: String {
    guard let p = openblas_get_corename() else { return "unknown" }
    return String(cString: p)
  }

  /// OpenBLAS's build configuration string (version and options).
  public static var configuration: String {
    guard let p = openblas_get_config() else { return "unknown" }
    return String(cString: p)
  }

  /// Sets the number of threads OpenBLAS uses inside one call. The engine sets 1 and runs path
  /// batches in parallel itself (SWIFT.md §3).
  public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}
