import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a finished child process did.
struct ChildResult {
  /// The exit code, or 128 + the signal number when a signal ended it.
  var status: Int32
  /// Wall seconds from just before the start to just after the child was reaped.
  var seconds: Double
  /// The child's own peak resident memory (KiB), from `wait4`'s resource usage.
  var peakKiB: Int
  /// User + system CPU seconds of the child.
  var cpuSeconds: Double
  /// What it wrote on standard output and standard error.
  var stdout: String
  var stderr: String
}

/// A failure of the benchmark run itself.
struct BenchFailure: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}

/// Monotonic seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// The launcher built beside this executable (`buig-bench-launch`, see its main.c).
let launcherPath: String = {
  let exe =
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments[0]
  return ((exe as NSString).deletingLastPathComponent as NSString)
    .appendingPathComponent("buig-bench-launch")
}()

/// Runs `argv` (found on PATH) in the current directory with `environment` (the harness's own
/// when nil), its output going to files under `scratch`, through `buig-bench-launch`, which
/// forks it from a small process and reports its wall time, CPU time and its own peak memory
/// (`wait4`). Spawned straight from the harness, a child's peak memory would start from the
/// harness's resident size.
func spawn(_ argv: [String], environment: [String: String]? = nil, scratch: String) throws
  -> ChildResult
{
  let reportPath = scratch + "/child.report"
  try? FileManager.default.removeItem(atPath: reportPath)
  let launched = try spawnDirect(
    [launcherPath, reportPath] + argv, environment: environment, scratch: scratch)
  guard launched.status == 0,
    let report = try? String(contentsOfFile: reportPath, encoding: .utf8)
  else {
    throw BenchFailure("the launcher failed for \(argv.joined(separator: " ")): \(launched.stderr)")
  }
  let f = report.split(separator: " ").map {
    String($0).trimmingCharacters(in: .whitespacesAndNewlines)
  }
  guard f.count == 5, let code = Int32(f[0]), let wall = Double(f[1]), let user = Double(f[2]),
    let sys = Double(f[3]), let peak = Int(f[4])
  else { throw BenchFailure("unreadable launcher report: \(report)") }
  return ChildResult(
    status: code, seconds: wall, peakKiB: peak, cpuSeconds: user + sys, stdout: launched.stdout,
    stderr: launched.stderr)
}

/// Runs `argv` with `posix_spawnp` and waits for it; `peakKiB` is not meaningful (see `spawn`).
func spawnDirect(_ argv: [String], environment: [String: String]?, scratch: String) throws
  -> ChildResult
{
  let outPath = scratch + "/child.stdout"
  let errPath = scratch + "/child.stderr"
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  defer { for p in cArgs { free(p) } }
  let env = environment ?? ProcessInfo.processInfo.environment
  let cEnv: [UnsafeMutablePointer<CChar>?] =
    env.sorted { $0.key < $1.key }.map {
      strdup("\($0.key)=\($0.value)")
    } + [nil]
  defer { for p in cEnv { free(p) } }
  var pid: pid_t = 0
  let start = now()
  let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
  guard rc == 0 else {
    throw BenchFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
  }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 {
    guard errno == EINTR else { throw BenchFailure("wait4 failed for \(argv[0])") }
  }
  let seconds = now() - start
  let termSignal = status & 0x7f
  let code = termSignal == 0 ? (status >> 8) & 0xff : 128 + termSignal
  let cpu =
    Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
    + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
  let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
  let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
  return ChildResult(
    status: code, seconds: seconds, peakKiB: Int(usage.ru_maxrss), cpuSeconds: cpu, stdout: out,
    stderr: err)
}

/// Runs `argv` and throws unless it exits with 0.
func spawnChecked(_ argv: [String], environment: [String: String]? = nil, scratch: String) throws
  -> ChildResult
{
  let r = try spawn(argv, environment: environment, scratch: scratch)
  guard r.status == 0 else {
    throw BenchFailure(
      "`\(argv.joined(separator: " "))` exited with \(r.status):\n\(r.stderr.suffix(2000))")
  }
  return r
}
