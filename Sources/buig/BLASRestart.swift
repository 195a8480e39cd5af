import BuigEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Restarts the process with `OPENBLAS_CORETYPE` set when `BLASInfo.betterCoreType` names one:
/// OpenBLAS picks its kernel when the library loads, so the variable must be set before the
/// process starts. A value the user set is never overridden; the restart happens at most once
/// (`BUIG_BLAS_REEXEC`). When `execv` fails, the run goes on with the slower kernel.
func restartWithBetterBLASKernelIfNeeded() {
  #if canImport(Glibc)
    let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    guard
      let core = BLASInfo.betterCoreType(
        environment: ProcessInfo.processInfo.environment, cpuinfo: cpuinfo)
    else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv("BUIG_BLAS_REEXEC", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
  #endif
}
