import Foundation
import CBLAS

/// What the linked OpenBLAS is and how it runs: recorded in outputs and benchmark reports,
/// because results (their last bits) and speed (up to 4×) depend on the CPU kernel it picked.
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
  /// batches in parallel itself: two BLAS threads inside one small product are slower than one.
  public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

extension BLASInfo {
  /// The core type OpenBLAS should use on this CPU when it fell back to the generic `Prescott`
  /// kernel (Debian's OpenBLAS 0.3.21 predates some CPUs, and its dgemm then runs 4.6× slower):
  /// `SkylakeX` with AVX-512, `Haswell` with AVX2 and FMA; `nil` when the choice is fine,
  /// already set by the user (or by a restart: `BUIG_BLAS_REEXEC`), or the CPU flags are
  /// unknown. The executable restarts itself with it; the library never does.
  public static func betterCoreType(environment: [String: String], cpuinfo: String?) -> String? {
    guard environment["OPENBLAS_CORETYPE"] == nil, environment["BUIG_BLAS_REEXEC"] == nil,
      coreName == "Prescott",
      let cpuinfo,
      let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return nil }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    if flags.contains("avx512f") { return "SkylakeX" }
    if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
    return nil
  }
}
