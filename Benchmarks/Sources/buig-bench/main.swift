// buig-bench: the benchmark suite of buig. Every contender runs once per round, in a fixed order
// (A B C … A B C …), so that the noisy machine's slow and fast spells hit all of them alike;
// figures are medians over rounds, and ratios are medians of ratios taken within a round.
//
//   buig-bench [--smoke] [--reps N] [--root DIR] [--out FILE] [--python PYTHON]
//              [--only limits,kernels,numpy,e2e,serve] [--thread-paths N] [--compare-paths N]
//              [--sensitivity-paths N] [--keep-scratch] [--wait-quiet SECONDS] [--numpy-tile N]
import BuigEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Command-line options.
struct Options {
  var smoke = false
  var reps = 5
  var root = ".."
  var out: String?
  var python = "python3"
  var only: Set<String> = ["limits", "kernels", "numpy", "e2e", "serve"]
  var threadPaths = 200_000
  var comparePaths = 100_000
  /// Rows N of `buig sensitivity` (N × (inputs + 2) paths): the scenario's own path count, which
  /// gives groningen-2018 intervals well under 0.1.
  var sensitivityPaths = 10_000
  var keepScratch = false
  /// The `buig` the end-to-end and serve groups run (`--buig`): the release build by default;
  /// `make bench-smoke` gives the debug build `make test` already made.
  var buig = ".build/release/buig"
  var waitQuiet = 0.0
  /// Paths per tile of the tiled NumPy peer; nil: the peer's own default (smoke: 128, so that
  /// the check covers several tiles, a partial last tile and both threads).
  var numpyTile: Int?

  static func parse(_ args: [String]) throws -> Options {
    var o = Options()
    var repsGiven = false
    var i = 1
    func value() throws -> String {
      i += 1
      guard i < args.count else { throw BenchFailure("\(args[i - 1]) needs a value") }
      return args[i]
    }
    while i < args.count {
      switch args[i] {
      case "--smoke": o.smoke = true
      case "--keep-scratch": o.keepScratch = true
      case "--wait-quiet":
        guard let x = Double(try value()), x >= 0 else {
          throw BenchFailure("--wait-quiet: seconds ≥ 0")
        }
        o.waitQuiet = x
      case "--reps":
        guard let n = Int(try value()), n > 0 else {
          throw BenchFailure("--reps: a positive integer")
        }
        o.reps = n
        repsGiven = true
      case "--numpy-tile":
        guard let n = Int(try value()), n > 0 else {
          throw BenchFailure("--numpy-tile: a positive integer")
        }
        o.numpyTile = n
      case "--root": o.root = try value()
      case "--buig": o.buig = try value()
      case "--out": o.out = try value()
      case "--python": o.python = try value()
      case "--only":
        o.only = Set(try value().split(separator: ",").map(String.init))
        let unknown = o.only.subtracting(["limits", "kernels", "numpy", "e2e", "serve"])
        guard unknown.isEmpty else {
          throw BenchFailure("--only: unknown group(s) \(unknown.sorted())")
        }
      case "--thread-paths":
        guard let n = Int(try value()), n > 0 else {
          throw BenchFailure("--thread-paths: a positive integer")
        }
        o.threadPaths = n
      case "--compare-paths":
        guard let n = Int(try value()), n > 1 else {
          throw BenchFailure("--compare-paths: an integer > 1")
        }
        o.comparePaths = n
      case "--sensitivity-paths":
        guard let n = Int(try value()), n > 1 else {
          throw BenchFailure("--sensitivity-paths: an integer > 1")
        }
        o.sensitivityPaths = n
      case "-h", "--help":
        print(
          """
          USAGE: buig-bench [--smoke] [--reps N] [--root DIR] [--out FILE] [--python PYTHON]
                            [--only limits,kernels,numpy,e2e,serve] [--thread-paths N] [--compare-paths N]
                            [--sensitivity-paths N] [--keep-scratch] [--wait-quiet SECONDS]
                            [--numpy-tile N] [--buig PATH]

          Runs buig's benchmark suite from the package root DIR (default ..) and writes the figures
          as JSON to FILE (default Benchmarks/results/latest.json; with --smoke, a scratch file).
          --smoke runs every benchmark once on tiny sizes, with every correctness check.
          --wait-quiet waits up to SECONDS, before the rounds, for other work on the machine to
          fall below a quarter of a core (measured over 5 s); the load is recorded either way.
          --numpy-tile sets the tiled NumPy peer's paths per tile (default: the peer's own,
          chosen by measurement; see Benchmarks/README.md).
          """)
        exit(0)
      default: throw BenchFailure("unknown argument \(args[i]) (see --help)")
      }
      i += 1
    }
    if o.smoke && !repsGiven { o.reps = 1 }
    if o.smoke {
      o.threadPaths = 2_000
      o.comparePaths = 1_000
      o.sensitivityPaths = 512
      if o.numpyTile == nil { o.numpyTile = 128 }
    }
    return o
  }
}

/// One measurement of a contender.
struct Sample {
  var seconds: Double
  var peakKiB: Int?
  var cpuSeconds: Double?
}

/// Something timed once per round.
final class Contender {
  let name: String
  let body: () throws -> Sample
  var series: Series
  var cpuSeconds: [Double] = []
  init(_ name: String, _ body: @escaping () throws -> Sample) {
    self.name = name
    self.body = body
    series = Series(name: name)
  }
  func runOnce() throws {
    let s = try body()
    series.seconds.append(s.seconds)
    if let p = s.peakKiB { series.peakKiB.append(p) }
    if let c = s.cpuSeconds { cpuSeconds.append(c) }
  }
}

func log(_ s: String) {
  FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}

func fmt(_ x: Double, _ digits: Int = 3) -> String {
  guard x.isFinite else { return "n/a" }
  return String(format: "%.\(digits)g", x)
}

// MARK: - Set-up

let options: Options
do {
  options = try Options.parse(CommandLine.arguments)
} catch {
  log("buig-bench: \(error)")
  exit(2)
}

// OpenBLAS picks its kernel when it loads: a fallback to the generic kernel is corrected before
// anything is measured, by setting the core type and starting again (a value set by the user is
// never overridden). Children get the environment as it was before.
if let core = Machine.betterCoreType() {
  setenv("OPENBLAS_CORETYPE", core, 1)
  setenv("BUIG_BENCH_CORETYPE_SET", "1", 1)
  execv("/proc/self/exe", CommandLine.unsafeArgv)
}
let childEnvironment: [String: String] = {
  var env = ProcessInfo.processInfo.environment
  if env["BUIG_BENCH_CORETYPE_SET"] != nil {
    env["OPENBLAS_CORETYPE"] = nil
    env["BUIG_BENCH_CORETYPE_SET"] = nil
  }
  return env
}()

guard chdir(options.root) == 0 else {
  log("buig-bench: cannot enter the package root \(options.root)")
  exit(2)
}
let rootPath = FileManager.default.currentDirectoryPath
let scratch = NSTemporaryDirectory() + "buig-bench-\(getpid())"
try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
func removeScratch() {
  if options.keepScratch {
    log("scratch files kept in \(scratch)")
  } else {
    try? FileManager.default.removeItem(atPath: scratch)
  }
}

BLASInfo.setThreads(1)
let machine = Machine.current()
let workers = 2
log(
  "buig-bench\(options.smoke ? " (smoke)" : ""): \(machine.cores) cores, \(machine.cpuModel), "
    + "OpenBLAS core \(machine.blasCore), \(options.reps) round(s)")

func run() throws -> (json: JSON, summary: [String]) {
  var lines: [String] = []
  var contenders: [Contender] = []
  let smoke = options.smoke

  // Machine limits.
  var dgemm: DgemmLimit?
  var triad: TriadLimit?
  var limitContenders: [String: Contender] = [:]
  if options.only.contains("limits") {
    let d = DgemmLimit(n: smoke ? 256 : 2048)
    let t = TriadLimit(count: smoke ? 1 << 20 : 1 << 25, passes: smoke ? 2 : 5)
    let calls = smoke ? 1 : 3
    _ = d.time(threads: 2, calls: 1)  // warm-up: starts OpenBLAS's threads
    _ = d.time(threads: 1, calls: 1)
    _ = t.time(threads: 2)
    dgemm = d
    triad = t
    for (name, c) in [
      (
        "dgemm1", Contender("dgemm, 1 thread") { Sample(seconds: d.time(threads: 1, calls: calls)) }
      ),
      (
        "dgemm2",
        Contender("dgemm, 2 threads") { Sample(seconds: d.time(threads: 2, calls: calls)) }
      ),
      ("triad1", Contender("triad, 1 thread") { Sample(seconds: t.time(threads: 1)) }),
      ("triad2", Contender("triad, 2 threads") { Sample(seconds: t.time(threads: 2)) }),
    ] {
      limitContenders[name] = c
      contenders.append(c)
    }
  }

  // Flow kernels.
  struct KernelEntry {
    var kcase: KernelCase
    var blas: Contender
    var reference: Contender
    /// The tiled NumPy peer (the strongest) and the untiled one, by threads.
    var numpy: [Int: Contender]
    var numpyUntiled: [Int: Contender]
    var productOnly: Contender
    var probe: Contender
    var numpyReport: [Int: [String: Any]]
    var numpyUntiledReport: [Int: [String: Any]]
  }
  final class Box<T> {
    var value: T
    init(_ v: T) { value = v }
  }
  var kernelEntries: [Box<KernelEntry>] = []
  // The BLAS kernel on one worker against two: how far this machine's two cores scale a
  // perfectly parallel workload (context for the end-to-end thread scaling).
  var oneWorker: (kcase: KernelCase, one: Contender, two: Contender)?
  if options.only.contains("kernels") || options.only.contains("numpy") {
    let model = try defaultModel(root: rootPath)
    let years = smoke ? 2 : 10
    let sizes = smoke ? [300] : [10_000, 100_000]
    for s in [34, 36] {
      for b in sizes {
        let kc: KernelCase
        if s == 34 {
          kc = KernelCase(
            label: "default model", matrices: FlowKernel.Matrices(model), paths: b, years: years,
            work: -0.5...min(0.5, model.maxWorkScalar),
            ladder: -0.5...min(0.5, model.maxLadderScalar),
            seed: UInt64(1000 + b))
        } else {
          kc = KernelCase(
            label: "random \(s)-state chain", matrices: randomChain(states: s, seed: 36), paths: b,
            years: years, work: 0...1, ladder: 0...1, seed: UInt64(2000 + b))
        }
        guard kc.states == s else {
          throw BenchFailure("the default model has \(kc.states) states, not \(s)")
        }
        // Warm-up, and the results every later run is checked against.
        guard let expected = kc.run(kind: .blas, workers: workers, collect: true).output else {
          throw BenchFailure("no output")
        }
        let dir = scratch + "/peer-\(s)-\(b)"
        try kc.export(to: dir, output: expected)
        func check(_ out: KernelCase.Output?, _ what: String, _ tol: Double) throws {
          guard let out else { throw BenchFailure("no output from \(what)") }
          let worst = max(
            maxRelativeDifference(out.onBenefit, expected.onBenefit),
            maxRelativeDifference(out.priced, expected.priced),
            maxRelativeDifference(out.finalTotal, expected.finalTotal))
          guard worst <= tol else {
            throw BenchFailure(
              "S=\(s), B=\(b): \(what) differs from the BLAS kernel's first run by \(worst) relative (tolerance \(tol))"
            )
          }
        }
        let blas = Contender("BLAS kernel S=\(s) B=\(b)") {
          let r = kc.run(kind: .blas, workers: workers, collect: true)
          // One BLAS thread per worker and fixed tiles: bitwise repeatable.
          try check(r.output, "a repeat of the BLAS kernel", 0)
          return Sample(seconds: r.seconds)
        }
        let reference = Contender("reference kernel S=\(s) B=\(b)") {
          let r = kc.run(kind: .reference, workers: workers, collect: true)
          try check(r.output, "the reference kernel", 1e-9)
          return Sample(seconds: r.seconds)
        }
        let product = Contender("product only S=\(s) B=\(b)") {
          Sample(seconds: kc.runProductOnly(workers: workers))
        }
        let probe = Contender("combine probe S=\(s) B=\(b)") {
          let r = kc.runCombineProbe(workers: workers)
          // The same operations in the same order as the engine's kernel (the same bits when
          // both stay so; 1e-9 leaves room for a change of the engine's order of operations).
          try check(r.output, "the combine probe", 1e-9)
          return Sample(seconds: r.seconds)
        }
        let entry = Box(
          KernelEntry(
            kcase: kc, blas: blas, reference: reference, numpy: [:], numpyUntiled: [:],
            productOnly: product, probe: probe, numpyReport: [:], numpyUntiledReport: [:]))
        if options.only.contains("kernels") && s == 34 && b == sizes[0] {
          let one = Contender("BLAS kernel S=\(s) B=\(b), 1 worker") {
            let r = kc.run(kind: .blas, workers: 1, collect: true)
            try check(r.output, "the BLAS kernel on one worker", 0)
            return Sample(seconds: r.seconds)
          }
          oneWorker = (kc, one, blas)
          contenders.append(one)
        }
        if options.only.contains("kernels") {
          contenders.append(blas)
          contenders.append(reference)
          contenders.append(product)
          contenders.append(probe)
        }
        if options.only.contains("numpy") {
          if !options.only.contains("kernels") { contenders.append(blas) }
          for tiled in [true, false] {
            for threads in [1, 2] {
              let mode = tiled ? "tiled" : "untiled"
              var args = [
                options.python, "Benchmarks/peers/numpy_flows.py", "--dir", dir, "--mode", mode,
                "--threads", String(threads),
              ]
              if tiled, let tile = options.numpyTile { args += ["--tile", String(tile)] }
              let c = Contender("NumPy peer (\(mode)) S=\(s) B=\(b), \(threads) thread(s)") {
                var env = childEnvironment
                for k in [
                  "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                  "OPENBLAS_NUM_THREADS",
                ] {
                  env[k] = nil
                }
                env["OPENBLAS_NUM_THREADS"] = String(threads)
                let r = try spawnChecked(args, environment: env, scratch: scratch)
                guard let line = r.stdout.split(separator: "\n").last,
                  let obj = try JSONSerialization.jsonObject(with: Data(line.utf8))
                    as? [String: Any],
                  obj["ok"] as? Bool == true, let seconds = obj["seconds"] as? Double
                else {
                  throw BenchFailure(
                    "the NumPy peer (\(mode)) printed no result:\n\(r.stdout)\n\(r.stderr)")
                }
                if tiled {
                  entry.value.numpyReport[threads] = obj
                } else {
                  entry.value.numpyUntiledReport[threads] = obj
                }
                return Sample(seconds: seconds)
              }
              if tiled {
                entry.value.numpy[threads] = c
              } else {
                entry.value.numpyUntiled[threads] = c
              }
              contenders.append(c)
            }
          }
        }
        kernelEntries.append(entry)
        log("  set up S=\(s) B=\(b) (\(kc.label))")
      }
    }
  }

  // End to end, through the built executable.
  let buig = options.buig
  /// `buig run` on 2 threads and, timed in the same rounds right after it, the engine's BLAS
  /// flow kernel alone on the same paths and months.
  struct EndToEnd {
    var scenario: String
    var paths: Int
    var run: Contender
    var kernelCase: KernelCase
    var kernel: Contender
  }
  var e2e: [EndToEnd] = []
  var threadContenders: [Int: Contender] = [:]
  var compareContender: Contender?
  var compareArgs: [String] = []
  var sensitivityContender: Contender?
  var sensitivityArgs: [String] = []
  /// What the last `buig sensitivity` printed: its verdict and its widest interval.
  final class SensitivityOutcome {
    var converged: Bool?
    var pathsNeeded: Int?
    var evaluations: Int?
    var widest = Double.nan
  }
  let sensitivityOutcome = SensitivityOutcome()
  var reportContender: Contender?
  var reportArgs: [String] = []
  var calibrateContender: Contender?
  var calibrateArgs: [String] = []
  /// `buig run` with `flows.countNoise` on, beside the same run without it.
  var countNoise: (on: Contender, off: Contender, paths: Int, args: [String])?
  /// What the last `buig report --timings` said: the rendering's own seconds and the bytes.
  final class ReportOutcome {
    var renderSeconds: [Double] = []
    var bytes: Int?
  }
  let reportOutcome = ReportOutcome()
  var commands: Set<String> = []
  if options.only.contains("e2e") {
    guard FileManager.default.isExecutableFile(atPath: buig) else {
      throw BenchFailure(
        "\(buig) is missing: build it with `swift build -c release --product buig`")
    }
    let help = try spawnChecked([buig, "--help"], environment: childEnvironment, scratch: scratch)
      .stdout
    var inSub = false
    for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("SUBCOMMANDS:") {
        inSub = true
        continue
      }
      if inSub, line.hasPrefix("  "), !line.hasPrefix("   "),
        let word = line.split(separator: " ").first
      {
        commands.insert(String(word))
      }
    }
    guard commands.contains("run") else {
      throw BenchFailure("\(buig) has no `run` subcommand (rebuild it)")
    }
    let scenario = "scenarios/groningen-2018.json"
    func runCommand(_ args: [String]) -> () throws -> Sample {
      {
        let r = try spawnChecked(args, environment: childEnvironment, scratch: scratch)
        guard (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) is [String: Any] else {
          throw BenchFailure("`\(args.joined(separator: " "))` did not print a JSON object")
        }
        return Sample(seconds: r.seconds, peakKiB: r.peakKiB, cpuSeconds: r.cpuSeconds)
      }
    }
    // The kernel alone: the default model (the embedded default scenario's, 34 states) through
    // as many months as the scenario runs, tiles of 128 over 2 workers with one BLAS thread each.
    let years = try scenarioYears(path: scenario)
    let model = try defaultModel(root: rootPath)
    for paths in smoke ? [1_000, 2_000] : [10_000, 1_000_000] {
      let args = [
        buig, "run", scenario, "--paths", String(paths), "--threads", "2", "--quiet", "--format",
        "json",
      ]
      let c = Contender("buig run groningen-2018 --paths \(paths) --threads 2", runCommand(args))
      let kc = KernelCase(
        label: "default model", matrices: FlowKernel.Matrices(model), paths: paths, years: years,
        work: -0.5...min(0.5, model.maxWorkScalar),
        ladder: -0.5...min(0.5, model.maxLadderScalar), seed: UInt64(3000 + paths))
      _ = kc.run(kind: .blas, workers: workers, collect: false)  // warm-up
      let k = Contender("BLAS kernel alone, \(paths) paths, \(kc.months) months") {
        Sample(seconds: kc.run(kind: .blas, workers: workers, collect: false).seconds)
      }
      e2e.append(
        EndToEnd(scenario: "groningen-2018", paths: paths, run: c, kernelCase: kc, kernel: k))
      contenders.append(c)
      contenders.append(k)
    }
    if let plain = e2e.first {
      // The same run with each month's moves drawn as whole households.
      let args = [
        buig, "run", scenario, "--paths", String(plain.paths), "--threads", "2", "--quiet",
        "--format", "json", "--set", #"flows={"countNoise": true}"#,
      ]
      countNoise = (
        Contender("buig run --set flows.countNoise", runCommand(args)), plain.run, plain.paths, args
      )
      contenders.append(countNoise!.on)
    }
    for threads in [1, 2] {
      let args = [
        buig, "run", scenario, "--paths", String(options.threadPaths), "--threads", String(threads),
        "--quiet", "--format", "json",
      ]
      let c = Contender("buig run --threads \(threads)", runCommand(args))
      threadContenders[threads] = c
      contenders.append(c)
    }
    if commands.contains("compare") {
      compareArgs = [
        buig, "compare", scenario, "scenarios/groningen-2018-mechanistic.json", "--paths",
        String(options.comparePaths), "--quiet", "--format", "json",
      ]
      let c = Contender("buig compare", runCommand(compareArgs))
      compareContender = c
      contenders.append(c)
    }
    if commands.contains("sensitivity") {
      let args = [
        buig, "sensitivity", scenario, "--paths", String(options.sensitivityPaths), "--threads",
        "2", "--quiet", "--format", "json",
      ]
      sensitivityArgs = args
      let outcome = sensitivityOutcome
      let c = Contender("buig sensitivity") {
        let r = try spawnChecked(args, environment: childEnvironment, scratch: scratch)
        guard
          let j = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
          let sobol = j["sobol"] as? [[String: Any]], !sobol.isEmpty
        else {
          throw BenchFailure("`\(args.joined(separator: " "))` did not print its Sobol indices")
        }
        outcome.converged = j["converged"] as? Bool
        outcome.pathsNeeded = j["pathsNeeded"] as? Int
        outcome.evaluations = j["evaluations"] as? Int
        outcome.widest =
          sobol.flatMap { e in
            [("firstLow", "firstHigh"), ("totalLow", "totalHigh")].compactMap { lo, hi in
              guard let l = (e[lo] as? NSNumber)?.doubleValue,
                let h = (e[hi] as? NSNumber)?.doubleValue
              else { return nil }
              return h - l
            }
          }.max() ?? .nan
        return Sample(seconds: r.seconds, peakKiB: r.peakKiB, cpuSeconds: r.cpuSeconds)
      }
      sensitivityContender = c
      contenders.append(c)
    }
    if commands.contains("report") {
      let paths = smoke ? 2_000 : 1_000_000
      let args = [
        buig, "report", scenario, "--paths", String(paths), "--threads", "2", "--quiet",
        "--timings", "--output", scratch + "/report.html",
      ]
      reportArgs = args
      let outcome = reportOutcome
      let c = Contender("buig report") {
        let r = try spawnChecked(args, environment: childEnvironment, scratch: scratch)
        // "buig report: simulate 5.1 s, …, render 0.031 s, write 0.001 s; 123456 bytes"
        let parts = r.stderr.components(separatedBy: "render ")
        guard parts.count == 2, let render = Double(parts[1].prefix { $0 != " " }),
          let bytes = Int(
            r.stderr.components(separatedBy: "; ").last?.prefix { $0.isNumber } ?? "")
        else {
          throw BenchFailure("`\(args.joined(separator: " "))` did not print its timings")
        }
        outcome.renderSeconds.append(render)
        outcome.bytes = bytes
        return Sample(seconds: r.seconds, peakKiB: r.peakKiB, cpuSeconds: r.cpuSeconds)
      }
      reportContender = c
      contenders.append(c)
    }
    if commands.contains("calibrate") {
      // 120 simulated months (scenarios/data/), the fit of five levels with their covariance.
      let args = [
        buig, "calibrate", "scenarios/data/groningen-like-monthly.csv", "--scenario", scenario,
        "--output", scratch + "/fitted.json",
      ]
      calibrateArgs = args
      let c = Contender("buig calibrate") {
        let r = try spawnChecked(args, environment: childEnvironment, scratch: scratch)
        guard
          let data = FileManager.default.contents(atPath: scratch + "/fitted.json"),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          json["flows"] is [String: Any]
        else {
          throw BenchFailure("`\(args.joined(separator: " "))` wrote no fragment with flows")
        }
        return Sample(seconds: r.seconds, peakKiB: r.peakKiB, cpuSeconds: r.cpuSeconds)
      }
      calibrateContender = c
      contenders.append(c)
    }
    // Warm the file cache and check that every command works before timing anything.
    _ = try spawnChecked(
      [buig, "run", scenario, "--paths", "1000", "--quiet", "--format", "json"],
      environment: childEnvironment, scratch: scratch)
  }

  // MARK: - Rounds
  if options.waitQuiet > 0 {
    let deadline = now() + options.waitQuiet
    while true {
      let a = LoadMeter.read()
      usleep(5_000_000)
      let other = LoadMeter.read().since(a).other
      if other < 0.25 {
        log("  the machine is quiet (other work \(fmt(other, 2)) cores)")
        break
      }
      if now() > deadline {
        log("  the machine is still busy (other work \(fmt(other, 2)) cores): measuring anyway")
        break
      }
      log("  waiting for the machine to be quiet (other work \(fmt(other, 2)) cores)")
    }
  }
  var roundLoads: [JSON] = []
  let suiteStart = LoadMeter.read()
  for round in 0..<options.reps {
    let start = LoadMeter.read()
    for c in contenders { try c.runOnce() }
    let end = LoadMeter.read()
    let load = end.since(start)
    roundLoads.append(
      .object([
        ("seconds", .num(end.wall - start.wall)), ("otherCores", .num(load.other)),
        ("stealCores", .num(load.steal)),
      ]))
    log(
      "  round \(round + 1)/\(options.reps): \(fmt(end.wall - start.wall)) s; other work on the machine "
        + "\(fmt(load.other, 2)) cores, steal \(fmt(load.steal, 2)) cores")
  }
  let suiteLoad = LoadMeter.read().since(suiteStart)

  // MARK: - Figures
  var limitsJSON: JSON = .null
  var peak2 = Double.nan
  var stream2 = Double.nan
  if let d = dgemm, let t = triad, let d1 = limitContenders["dgemm1"],
    let d2 = limitContenders["dgemm2"],
    let t1 = limitContenders["triad1"], let t2 = limitContenders["triad2"]
  {
    let peak1 = d.flops / d1.series.medianSeconds / 1e9
    peak2 = d.flops / d2.series.medianSeconds / 1e9
    let stream1 = t.bytes / t1.series.medianSeconds / 1e9
    stream2 = t.bytes / t2.series.medianSeconds / 1e9
    lines.append(
      "machine limits: dgemm \(fmt(peak2)) GFLOP/s on 2 threads, \(fmt(peak1)) on 1; triad \(fmt(stream2)) GB/s on 2 workers, \(fmt(stream1)) on 1"
    )
    limitsJSON = .object([
      ("dgemmPeakGflops", .num(peak2)), ("dgemmPeakGflops1Thread", .num(peak1)),
      ("streamGBs", .num(stream2)), ("streamGBs1Thread", .num(stream1)),
      ("dgemmN", .int(d.n)),
      (
        "dgemmNote",
        .string(
          "square row-major cblas_dgemm, 2n³ flops per call, threads set with openblas_set_num_threads; each round takes the fastest of \(smoke ? 1 : 3) back-to-back calls, the figure is the median over rounds; dgemmPeakGflops is 2 threads"
        )
      ),
      ("triadElements", .int(t.count)),
      (
        "streamNote",
        .string(
          "triad a = b + q·c over three arrays of \(t.count * 8 / 1_048_576) MiB each, 24 bytes per element (write-allocate not counted); each round takes the fastest of \(t.passes) passes, the figure is the median over rounds; streamGBs is 2 workers"
        )
      ),
    ])
  }

  var kernelsJSON: [JSON] = []
  var targetRows: [(String, Double, String, Bool?)] = []  // name, value, threshold text, met
  for box in kernelEntries {
    let e = box.value
    let kc = e.kcase
    let pm = kc.pathMonths
    let blasRate = pm / e.blas.series.medianSeconds
    let refRate =
      e.reference.series.seconds.isEmpty ? Double.nan : pm / e.reference.series.medianSeconds
    // The NumPy peer, tiled (the headline: the strongest) and untiled; each the better of 1 and
    // 2 threads.
    func rates(_ c: [Int: Contender]) -> (one: Double, two: Double, best: Double) {
      let r1 = c[1].map { pm / $0.series.medianSeconds } ?? .nan
      let r2 = c[2].map { pm / $0.series.medianSeconds } ?? .nan
      let best = max(r1.isNaN ? 0 : r1, r2.isNaN ? 0 : r2)
      return (r1, r2, best > 0 ? best : .nan)
    }
    /// Per round, the faster of the 1- and 2-thread runs.
    func bestSeconds(_ c: [Int: Contender]) -> [Double] {
      guard let a = c[1], let b = c[2] else { return [] }
      return zip(a.series.seconds, b.series.seconds).map { min($0, $1) }
    }
    let (np1, np2, numpyRate) = rates(e.numpy)
    let (npu1, npu2, numpyUntiledRate) = rates(e.numpyUntiled)
    let gflops = blasRate * kc.flopsPerPathMonth / 1e9
    let productRate =
      e.productOnly.series.seconds.isEmpty ? Double.nan : pm / e.productOnly.series.medianSeconds
    let productShare = pairedRatio(e.productOnly.series.seconds, e.blas.series.seconds)
    let intensity = kc.flopsPerPathMonth / (kc.memoryBytesPerPath / Double(kc.months))
    let bound = min(peak2, stream2 * intensity)
    // The roofline fraction round by round: the kernel's rate in a round against the limits
    // measured in that same round, so that a slow spell lowers both.
    var perRound: [Double] = []
    if let d = dgemm, let t = triad, let d2 = limitContenders["dgemm2"],
      let t2 = limitContenders["triad2"]
    {
      let rounds = min(
        d2.series.seconds.count, t2.series.seconds.count, e.blas.series.seconds.count)
      for r in 0..<rounds {
        let p = d.flops / d2.series.seconds[r] / 1e9
        let bw = t.bytes / t2.series.seconds[r] / 1e9
        let g = pm / e.blas.series.seconds[r] * kc.flopsPerPathMonth / 1e9
        perRound.append(g / min(p, bw * intensity))
      }
    }
    let pairedFraction = perRound.isEmpty ? Double.nan : median(perRound)
    var bestPeak = Double.nan
    if let d = dgemm, let d2 = limitContenders["dgemm2"], let fastest = d2.series.seconds.min() {
      bestPeak = d.flops / fastest / 1e9
    }
    let probeRate = e.probe.series.seconds.isEmpty ? Double.nan : pm / e.probe.series.medianSeconds
    let probeSpeedup = pairedRatio(e.blas.series.seconds, e.probe.series.seconds)
    let probeBoundFraction = probeRate * kc.flopsPerPathMonth / 1e9 / bound
    let streamingIntensity = kc.flopsPerPathMonth / Double(80 * kc.states)
    let streamingBound = min(peak2, stream2 * streamingIntensity)
    let vsRef = pairedRatio(e.reference.series.seconds, e.blas.series.seconds)
    let vsNumpy = pairedRatio(bestSeconds(e.numpy), e.blas.series.seconds)
    let vsNumpyUntiled = pairedRatio(bestSeconds(e.numpyUntiled), e.blas.series.seconds)
    let tiledOverUntiled = pairedRatio(bestSeconds(e.numpyUntiled), bestSeconds(e.numpy))
    var members: [(String, JSON)] = [
      ("states", .int(kc.states)), ("paths", .int(kc.paths)), ("months", .int(kc.months)),
      ("chain", .string(kc.label)),
      ("blas", .num(blasRate)), ("reference", .num(refRate)), ("numpy", .num(numpyRate)),
      ("rooflineFraction", .num(pairedFraction)),
      ("rooflineFractionPerRound", .array(perRound.map { .num($0) })),
      ("rooflineFractionOfMedianLimits", .num(gflops / bound)),
      ("rooflineFractionOfBestPeak", .num(gflops / min(bestPeak, stream2 * intensity))),
      ("blasGflops", .num(gflops)),
      ("flopsPerPathMonth", .num(kc.flopsPerPathMonth)),
      ("memoryBytesPerPathMonth", .num(kc.memoryBytesPerPath / Double(kc.months))),
      ("arithmeticIntensity", .num(intensity)),
      ("rooflineBoundGflops", .num(bound)),
      ("streamingRooflineBoundGflops", .num(streamingBound)),
      ("streamingRooflineFraction", .num(gflops / streamingBound)),
      ("speedupVsReference", .num(vsRef)),
      ("speedupVsNumpy", .num(vsNumpy)),
      ("productOnly", .num(productRate)),
      ("productOnlyGflops", .num(productRate * Double(6 * kc.states * kc.states) / 1e9)),
      ("productShareOfKernelTime", .num(productShare)),
      ("combineProbe", .num(probeRate)),
      ("combineProbeSpeedup", .num(probeSpeedup)),
      ("combineProbeRooflineFraction", .num(probeBoundFraction)),
      ("numpy1Thread", .num(np1)), ("numpy2Threads", .num(np2)),
      ("numpyTile", anyJSON((e.numpyReport[2] ?? e.numpyReport[1])?["tile"] ?? NSNull())),
      ("numpyUntiled", .num(numpyUntiledRate)),
      ("numpyUntiled1Thread", .num(npu1)), ("numpyUntiled2Threads", .num(npu2)),
      ("speedupVsNumpyUntiled", .num(vsNumpyUntiled)),
      ("numpyTiledOverUntiled", .num(tiledOverUntiled)),
      ("blasSeconds", .object(e.blas.series.json)),
    ]
    if !e.reference.series.seconds.isEmpty {
      members.append(("referenceSeconds", .object(e.reference.series.json)))
    }
    if let r = e.numpy[2]?.series ?? e.numpy[1]?.series, !r.seconds.isEmpty {
      members.append(("numpySeconds1Thread", e.numpy[1].map { .object($0.series.json) } ?? .null))
      members.append(("numpySeconds2Threads", e.numpy[2].map { .object($0.series.json) } ?? .null))
      if let rep = e.numpyReport[2] ?? e.numpyReport[1] {
        members.append(
          ("numpyMaxRelativeDifference", .num(rep["maxRelativeDifference"] as? Double)))
      }
    }
    if e.numpyUntiled[1] != nil || e.numpyUntiled[2] != nil {
      members.append(
        ("numpyUntiledSeconds1Thread", e.numpyUntiled[1].map { .object($0.series.json) } ?? .null))
      members.append(
        ("numpyUntiledSeconds2Threads", e.numpyUntiled[2].map { .object($0.series.json) } ?? .null))
      if let rep = e.numpyUntiledReport[2] ?? e.numpyUntiledReport[1] {
        members.append(
          ("numpyUntiledMaxRelativeDifference", .num(rep["maxRelativeDifference"] as? Double)))
      }
    }
    kernelsJSON.append(.object(members))
    lines.append(
      "flow kernel S=\(kc.states) B=\(kc.paths) \(kc.months) months (path-months/s): BLAS \(fmt(blasRate)) "
        + "(\(fmt(gflops)) GFLOP/s, \(fmt(pairedFraction, 2)) of roofline), reference \(fmt(refRate)) "
        + "(BLAS \(fmt(vsRef))x), NumPy tiled \(fmt(numpyRate)) (BLAS \(fmt(vsNumpy))x), "
        + "NumPy untiled \(fmt(numpyUntiledRate)) (BLAS \(fmt(vsNumpyUntiled))x), product alone \(fmt(productRate)), "
        + "combine probe \(fmt(probeRate)) (\(fmt(probeBoundFraction, 2)) of roofline)")
    if kc.states == 36 && kc.paths == 100_000 && !smoke {
      targetRows.append(
        (
          "BLAS kernel roofline fraction, S=36 B=\(kc.paths)", pairedFraction, "≥ 0.60",
          pairedFraction.isNaN ? nil : pairedFraction >= 0.6
        ))
      targetRows.append(
        (
          "BLAS kernel ÷ reference, S=36 B=\(kc.paths)", vsRef, "≥ 10",
          vsRef.isNaN ? nil : vsRef >= 10
        ))
      targetRows.append(
        (
          "BLAS kernel ÷ NumPy peer, S=36 B=\(kc.paths)", vsNumpy, "≥ 3",
          vsNumpy.isNaN ? nil : vsNumpy >= 3
        ))
    }
  }
  var numpyInfo: JSON = .null
  if let first = kernelEntries.first?.value,
    let rep = first.numpyReport[2] ?? first.numpyReport[1]
  {
    let untiled = first.numpyUntiledReport[2] ?? first.numpyUntiledReport[1]
    numpyInfo = .object([
      ("numpy", .string(rep["numpy"] as? String ?? "?")),
      ("blas", anyJSON(rep["blas"] ?? NSNull())),
      ("blasOneThreadPerWorker", anyJSON(first.numpyReport[2]?["blas"] ?? NSNull())),
      ("tolerance", anyJSON(rep["tolerance"] ?? NSNull())),
      ("tile", anyJSON(rep["tile"] ?? NSNull())),
      ("layout", anyJSON(rep["layout"] ?? NSNull())),
      (
        "tileChoice",
        .string(
          options.numpyTile.map { "given to the peer with --numpy-tile \($0)" }
            ?? "the peer's DEFAULT_TILE, the best of a sweep of 256..16384 paths per tile at S = 34 and 36, B = 10,000 and 100,000, on 1 and 2 threads (Benchmarks/README.md)"
        )
      ),
      (
        "method",
        .string(
          "tiled (the numpy figure): paths in tiles, each tile through all months while its arrays sit in the cache; the tile's stocks X as S×T (a path per column), one matmul of [A | Δw | Δl]ᵀ (3S×S) by X into a preallocated 3S×T array (out=), then broadcast multiplies and adds with out= into preallocated tile arrays; with 2 threads, tiles handed out from a shared counter to 2 Python threads with one BLAS thread each (NumPy releases the GIL), as the Swift kernel's workers do; timed inside the peer, loading and allocation excluded; numpy is the better of 1 and 2 threads"
        )
      ),
      (
        "untiledMethod",
        .string(
          "untiled (the numpyUntiled figures): month by month over all paths: one matmul of X (B×S) by [A | Δw | Δl] into a preallocated B×3S array (out=), then broadcast multiplies and adds into preallocated arrays; 1 or 2 BLAS threads"
        )
      ),
      ("untiledBlas", anyJSON(untiled?["blas"] ?? NSNull())),
    ])
  }

  var e2eJSON: [JSON] = []
  for entry in e2e {
    let (scenario, paths, c, kc, k) = (
      entry.scenario, entry.paths, entry.run, entry.kernelCase, entry.kernel
    )
    let seconds = c.series.medianSeconds
    let peak = c.series.medianPeakMiB ?? .nan
    let kernelSeconds = k.series.medianSeconds
    let kernelRatio = pairedRatio(c.series.seconds, k.series.seconds)
    lines.append(
      "buig run \(scenario) --paths \(paths) --threads 2: \(fmt(seconds)) s, peak \(fmt(peak)) MiB; "
        + "kernel alone (\(kc.months) months) \(fmt(kernelSeconds)) s, run ÷ kernel \(fmt(kernelRatio))"
    )
    e2eJSON.append(
      .object(
        [
          ("scenario", .string(scenario)), ("paths", .int(paths)), ("threads", .int(2)),
          ("seconds", .num(seconds)), ("peakMiB", .num(peak)),
          ("cpuSeconds", .num(c.cpuSeconds.isEmpty ? nil : median(c.cpuSeconds))),
          ("kernelSeconds", .num(kernelSeconds)),
          ("kernelRatio", .num(kernelRatio)),
          ("kernelMonths", .int(kc.months)), ("kernelStates", .int(kc.states)),
          ("kernelPerRound", .array(k.series.seconds.map { .num($0) })),
          (
            "kernelRatioPerRound",
            .array(zip(c.series.seconds, k.series.seconds).map { .num($0 / $1) })
          ),
          (
            "kernelNote",
            .string(
              "kernelSeconds: the engine's BLAS FlowKernel alone (capacity \(kernelTile)) on the default \(kc.states)-state model, the same \(paths) paths through the same \(kc.months) months (12 × the scenario's \(kc.years) years), tiles of \(kernelTile) handed out from a shared counter to \(workers) workers with one BLAS thread each, fixed random per-path inputs, no output kept; timed in the same rounds, right after the run; kernelRatio is the median of per-round seconds ÷ kernelSeconds"
            )
          ),
          (
            "command",
            .string(
              "buig run scenarios/\(scenario).json --paths \(paths) --threads 2 --quiet --format json"
            )
          ),
        ] + c.series.json))
    if smoke { continue }
    if paths == 10_000 {
      targetRows.append(("groningen-2018, 10,000 paths, wall s", seconds, "< 1", seconds < 1))
    }
    if paths == 1_000_000 {
      targetRows.append(("groningen-2018, 1,000,000 paths, wall s", seconds, "< 30", seconds < 30))
      targetRows.append(("groningen-2018, 1,000,000 paths, peak MiB", peak, "< 1024", peak < 1024))
    }
  }
  var threadJSON: JSON = .null
  var kernelScalingJSON: JSON = .null
  if let (kc, one, two) = oneWorker {
    let speedup = pairedRatio(one.series.seconds, two.series.seconds)
    kernelScalingJSON = .object([
      ("states", .int(kc.states)), ("paths", .int(kc.paths)), ("months", .int(kc.months)),
      ("seconds1Worker", .num(one.series.medianSeconds)),
      ("seconds2Workers", .num(two.series.medianSeconds)),
      ("speedup", .num(speedup)),
      (
        "note",
        .string(
          "the BLAS flow kernel alone, 1 worker against 2 (one BLAS thread each): how far the machine's two cores scale a perfectly parallel load"
        )
      ),
    ])
    lines.append("BLAS kernel S=\(kc.states) B=\(kc.paths): 2 workers ÷ 1 worker = \(fmt(speedup))")
  }
  if let c1 = threadContenders[1], let c2 = threadContenders[2] {
    let speedup = pairedRatio(c1.series.seconds, c2.series.seconds)
    lines.append(
      "buig run --paths \(options.threadPaths): 1 thread \(fmt(c1.series.medianSeconds)) s, 2 threads \(fmt(c2.series.medianSeconds)) s, speedup \(fmt(speedup))"
    )
    threadJSON = .object([
      ("kernelOnly", kernelScalingJSON),
      ("scenario", .string("groningen-2018")), ("paths", .int(options.threadPaths)),
      ("seconds1Thread", .num(c1.series.medianSeconds)),
      ("seconds2Threads", .num(c2.series.medianSeconds)),
      ("speedup", .num(speedup)),
      ("speedupPerRound", .array(zip(c1.series.seconds, c2.series.seconds).map { .num($0 / $1) })),
      ("peakMiB1Thread", .num(c1.series.medianPeakMiB)),
      ("peakMiB2Threads", .num(c2.series.medianPeakMiB)),
      ("cpuSeconds1Thread", .num(c1.cpuSeconds.isEmpty ? nil : median(c1.cpuSeconds))),
      ("cpuSeconds2Threads", .num(c2.cpuSeconds.isEmpty ? nil : median(c2.cpuSeconds))),
      (
        "note",
        .string(
          "whole process (start, set-up, output included); speedup is the median of per-round ratios"
        )
      ),
    ])
    if !smoke {
      targetRows.append(("buig run, 2 threads ÷ 1 thread", speedup, "≥ 1.7", speedup >= 1.7))
    }
  }
  var compareJSON: JSON = .null
  if options.only.contains("e2e") {
    if let c = compareContender {
      lines.append(
        "buig compare --paths \(options.comparePaths): \(fmt(c.series.medianSeconds)) s, peak \(fmt(c.series.medianPeakMiB ?? .nan)) MiB"
      )
      compareJSON = .object(
        [
          ("available", .bool(true)), ("base", .string("groningen-2018")),
          ("variant", .string("groningen-2018-mechanistic")), ("paths", .int(options.comparePaths)),
          ("seconds", .num(c.series.medianSeconds)), ("peakMiB", .num(c.series.medianPeakMiB)),
          ("command", .string(compareArgs.dropFirst().joined(separator: " "))),
        ] + c.series.json)
    } else {
      compareJSON = .object([
        ("available", .bool(false)),
        ("reason", .string("`buig compare` does not exist in this build")),
      ])
    }
  }

  var sensitivityJSON: JSON = .null
  if options.only.contains("e2e") {
    if let c = sensitivityContender {
      let seconds = c.series.medianSeconds
      let o = sensitivityOutcome
      lines.append(
        "buig sensitivity --paths \(options.sensitivityPaths) (\(o.evaluations.map(String.init) ?? "?") paths): \(fmt(seconds)) s, peak \(fmt(c.series.medianPeakMiB ?? .nan)) MiB; converged \(o.converged.map { String($0) } ?? "?"), widest interval \(fmt(o.widest, 4))"
      )
      sensitivityJSON = .object(
        [
          ("available", .bool(true)), ("scenario", .string("groningen-2018")),
          ("rows", .int(options.sensitivityPaths)),
          ("evaluations", o.evaluations.map { .int($0) } ?? .null),
          ("threads", .int(2)), ("seconds", .num(seconds)),
          ("peakMiB", .num(c.series.medianPeakMiB)),
          ("cpuSeconds", .num(c.cpuSeconds.isEmpty ? nil : median(c.cpuSeconds))),
          ("converged", o.converged.map { .bool($0) } ?? .null),
          ("pathsNeeded", o.pathsNeeded.map { .int($0) } ?? .null),
          ("widestInterval", .num(o.widest)),
          ("command", .string(sensitivityArgs.dropFirst().joined(separator: " "))),
          (
            "note",
            .string(
              "the tornado and the Sobol indices of the 2018 net burden: rows × (inputs + 2) paths of the Saltelli design plus 2 × inputs + 1 for the tornado, and 500 bootstrap resamples; whole process; converged and widestInterval from the last round's output"
            )
          ),
        ] + c.series.json)
      if !smoke {
        targetRows.append(
          (
            "buig sensitivity groningen-2018, \(options.sensitivityPaths) rows, wall s", seconds,
            "< 10", seconds < 10
          ))
        targetRows.append(
          (
            "buig sensitivity groningen-2018, widest Sobol interval", o.widest, "< 0.1",
            o.widest < 0.1
          ))
      }
    } else {
      sensitivityJSON = .object([
        ("available", .bool(false)),
        ("reason", .string("`buig sensitivity` does not exist in this build")),
      ])
    }
  }

  var reportJSON: JSON = .null
  if options.only.contains("e2e") {
    if let c = reportContender {
      let render = reportOutcome.renderSeconds.isEmpty ? .nan : median(reportOutcome.renderSeconds)
      let bytes = reportOutcome.bytes ?? -1
      lines.append(
        "buig report --paths \(smoke ? 2_000 : 1_000_000): \(fmt(c.series.medianSeconds)) s in all, rendering \(fmt(render, 4)) s, \(bytes) bytes, peak \(fmt(c.series.medianPeakMiB ?? .nan)) MiB"
      )
      reportJSON = .object(
        [
          ("available", .bool(true)), ("scenario", .string("groningen-2018")),
          ("paths", .int(smoke ? 2_000 : 1_000_000)), ("seconds", .num(c.series.medianSeconds)),
          ("renderSeconds", .num(render)), ("bytes", .int(bytes)),
          ("peakMiB", .num(c.series.medianPeakMiB)),
          ("command", .string(reportArgs.dropFirst().joined(separator: " "))),
          (
            "note",
            .string(
              "whole process; renderSeconds: the report's own rendering (HTML and SVG from the figures), from --timings, beyond the runs it needs (simulation, sensitivity, switching values)"
            )
          ),
        ] + c.series.json)
      if !smoke {
        targetRows.append(
          ("buig report, 1,000,000 paths, rendering s", render, "< 2", render < 2))
        targetRows.append(
          ("buig report, 1,000,000 paths, size MB", Double(bytes) / 1e6, "< 2", bytes < 2_000_000))
      }
    } else {
      reportJSON = .object([
        ("available", .bool(false)),
        ("reason", .string("`buig report` does not exist in this build")),
      ])
    }
  }

  var countNoiseJSON: JSON = .null
  if let c = countNoise {
    let on = c.on.series.medianSeconds
    let off = c.off.series.medianSeconds
    lines.append(
      "buig run --paths \(c.paths) with count noise: \(fmt(on)) s against \(fmt(off)) s without (\(fmt(on / off, 2))×)"
    )
    countNoiseJSON = .object(
      [
        ("paths", .int(c.paths)), ("seconds", .num(on)), ("secondsWithout", .num(off)),
        ("ratio", .num(on / off)), ("peakMiB", .num(c.on.series.medianPeakMiB)),
        ("command", .string(c.args.dropFirst().joined(separator: " "))),
        (
          "note",
          .string(
            "whole process, the same rounds as the run without count noise: binomial moves per state and destination and Poisson inflow per path and month instead of one dgemm per tile-month"
          )
        ),
      ] + c.on.series.json)
  }

  var calibrateJSON: JSON = .null
  if let c = calibrateContender {
    let seconds = c.series.medianSeconds
    lines.append(
      "buig calibrate (120 months): \(fmt(seconds)) s, peak \(fmt(c.series.medianPeakMiB ?? .nan)) MiB")
    calibrateJSON = .object(
      [
        ("available", .bool(true)), ("periods", .int(120)), ("seconds", .num(seconds)),
        ("peakMiB", .num(c.series.medianPeakMiB)),
        ("command", .string(calibrateArgs.dropFirst().joined(separator: " "))),
        ("note", .string("whole process: reading the CSV and the scenario, the fit, its covariance, the fragment")),
      ] + c.series.json)
    if !smoke {
      targetRows.append(("buig calibrate, 120 monthly periods, wall s", seconds, "< 2", seconds < 2))
    }
  }

  // buig serve's latency: after the rounds, as a distribution of its own requests.
  var serveJSON: JSON = .null
  if options.only.contains("serve") {
    let buig = options.buig
    log("buig serve: POST /api/run latency")
    let s = try serveLatency(
      buig: buig, paths: smoke ? 1_000 : 10_000,
      requests: smoke ? (one: 4, fourEach: 2) : (one: 60, fourEach: 20), cliRuns: smoke ? 2 : 20,
      environment: childEnvironment, scratch: scratch)
    serveJSON = s.json
    lines += s.lines
    if !smoke { targetRows += s.targets }
  }

  for row in targetRows {
    let verdict = row.3.map { $0 ? "met" : "NOT met" } ?? "not measured"
    lines.append("target: \(row.0) = \(fmt(row.1)) (\(row.2)): \(verdict)")
  }
  if case .null = threadJSON, case .object = kernelScalingJSON {
    threadJSON = .object([("kernelOnly", kernelScalingJSON)])
  }
  let targets: [JSON] = targetRows.map { row in
    .object([
      ("target", .string(row.0)), ("value", .num(row.1)), ("threshold", .string(row.2)),
      ("met", row.3.map { .bool($0) } ?? .null),
    ])
  }
  // What was measured: the engine's commit and whether its sources differ from it.
  func output(_ argv: [String]) -> String? {
    guard let r = try? spawnDirect(argv, environment: childEnvironment, scratch: scratch),
      r.status == 0
    else { return nil }
    return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }
  let commit = output(["git", "rev-parse", "HEAD"])
  let modified = output(["git", "status", "--porcelain", "--", "Sources", "Package.swift"]).map {
    !$0.isEmpty
  }
  let version =
    FileManager.default.isExecutableFile(atPath: buig) ? output([buig, "--version"]) : nil
  let engineJSON: JSON = .object([
    ("commit", commit.map { .string($0) } ?? .null),
    ("sourcesModifiedSinceCommit", modified.map { .bool($0) } ?? .null),
    ("buigVersion", version.map { .string($0) } ?? .null),
  ])
  let json: JSON = .object([
    ("machine", machine.json),
    ("engine", engineJSON),
    (
      "suite",
      .object([
        ("smoke", .bool(smoke)), ("rounds", .int(options.reps)), ("workers", .int(workers)),
        ("tile", .int(kernelTile)),
        (
          "method",
          .string(
            "every contender once per round in a fixed order; figures are medians over rounds; speedups are medians of per-round ratios"
          )
        ),
        ("otherCores", .num(suiteLoad.other)), ("stealCores", .num(suiteLoad.steal)),
        (
          "loadNote",
          .string(
            "otherCores: CPU time of other processes on the machine during the rounds (from /proc/stat, less this run's own), in cores; stealCores: time the hypervisor gave to other guests"
          )
        ),
        ("roundsDetail", .array(roundLoads)),
      ])
    ),
    ("limits", limitsJSON),
    ("kernels", .array(kernelsJSON)),
    ("numpyPeer", numpyInfo),
    ("endToEnd", .array(e2eJSON)),
    ("threadScaling", threadJSON),
    ("compare", compareJSON),
    ("sensitivity", sensitivityJSON),
    ("report", reportJSON),
    ("serve", serveJSON),
    ("calibrate", calibrateJSON),
    ("countNoise", countNoiseJSON),
    ("targets", .array(targets)),
  ])
  return (json, lines)
}

do {
  let result = try run()
  let text = result.json.text()
  let out =
    options.out ?? (options.smoke ? scratch + "/smoke.json" : "Benchmarks/results/latest.json")
  if !options.smoke || options.out != nil {
    try FileManager.default.createDirectory(
      atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: out, atomically: true, encoding: .utf8)
    log("wrote \(out)")
  }
  print(
    "buig benchmarks\(options.smoke ? " (smoke: tiny sizes, figures not meaningful)" : ""), \(machine.date), "
      + "\(machine.cpuModel), \(machine.cores) cores, OpenBLAS core \(machine.blasCore), \(options.reps) round(s)"
  )
  for line in result.summary { print("  " + line) }
  removeScratch()
} catch {
  log("buig-bench: FAILED: \(error)")
  removeScratch()
  exit(1)
}
