import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// Monte Carlo options shared by `run` and `compare`.
struct MonteCarloArguments: ParsableArguments {
  @Option(
    help:
      "Number of Monte Carlo paths (default: the scenario's monteCarlo.paths; 0: expected values only)."
  )
  var paths: Int?

  @OptionGroup var seedOption: SeedOption

  @OptionGroup var threadsOption: ThreadsOption

  /// The seed given, if any.
  var seed: UInt64? { seedOption.seed }

  @Option(
    name: .customLong("batch-size"),
    help:
      "Paths per unit of work, a multiple of 128 (default 1024); the results do not depend on it.")
  var batchSize: Int?

  @Option(help: "The caseload kernel: blas or reference (default: blas).")
  var kernel: KernelChoice?

  @Flag(help: "No progress bar.")
  var quiet = false

  @OptionGroup var memory: MemoryLimitOption

  func validate() throws {
    if let paths, paths < 0 { throw ValidationError("--paths must be 0 or more") }
    if let batchSize, batchSize < 1 || batchSize % MonteCarlo.tile != 0 {
      throw ValidationError("--batch-size must be a positive multiple of \(MonteCarlo.tile)")
    }
  }

  /// A usage error when options that only steer Monte Carlo paths are given for a run without
  /// paths (they would change nothing, and an option must never be ignored silently).
  func checkUsed(paths n: Int, command: String) throws {
    guard n == 0 else { return }
    let given = [
      ("--threads", threadsOption.threads != nil), ("--batch-size", batchSize != nil),
      ("--kernel", kernel != nil), ("--memory-limit", memory.memoryLimit != nil),
    ].filter(\.1).map(\.0)
    if !given.isEmpty {
      var failure = InputFailure(
        command: command,
        [
          "\(given.joined(separator: ", ")) \(given.count == 1 ? "steers" : "steer") Monte Carlo paths; found --paths 0 (expected values only)"
        ])
      failure.exitCode = 2
      throw failure
    }
  }

  func options(paths n: Int) -> MonteCarloOptions {
    MonteCarloOptions(
      paths: n, threads: threadsOption.count,
      batchSize: batchSize ?? 1024,
      kernel: (kernel ?? .blas).kind)
  }
}

extension CSVDialect: ExpressibleByArgument {}

/// Reads a seed option: a whole number in `Seed.range`, the range scenario files and goldens
/// accept, so that a seed given here can be written to either.
func parseSeed(_ text: String) throws -> UInt64 {
  guard let v = UInt64(text), let seed = Seed.checked(v) else {
    throw ValidationError(
      "--seed: expected a whole number from \(Seed.range.lowerBound) to \(Money.group(String(Seed.range.upperBound))), found \(text)"
    )
  }
  return seed
}

/// `--seed`, shared by `run`, `compare` and `check`.
struct SeedOption: ParsableArguments {
  @Option(
    help: "The random seed, 0 to 2,147,483,647 (default: the scenario's, or the golden's).",
    transform: parseSeed)
  var seed: UInt64?
}

/// `--threads`, shared by `run`, `compare` and `check`.
struct ThreadsOption: ParsableArguments {
  @Option(help: "Worker threads (default: the number of cores); the results do not depend on it.")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  /// The threads to use.
  var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// Output options shared by `run`, `merge` and `compare`.
struct OutputOptions: ParsableArguments {
  @Option(help: "Output format: table, json, csv or xlsx (xlsx needs --output).")
  var format: RunFormat = .table

  @Option(
    help: ArgumentHelp(
      "Write the output to this file (atomically) instead of standard output.", valueName: "PATH"))
  var output: String?

  @Option(
    name: .customLong("csv-dialect"),
    help: "CSV dialect (with --format csv): comma, or excel-nl (semicolon, decimal comma, BOM).")
  var csvDialect: CSVDialect?

  func validate() throws {
    if csvDialect != nil && format != .csv {
      throw ValidationError("--csv-dialect applies to --format csv only; found --format \(format)")
    }
    if format == .xlsx {
      guard let output, output != "-" else {
        throw ValidationError(
          "--format xlsx writes a binary workbook: give --output PATH (a file), not standard output"
        )
      }
      var info = stat()
      if stat(output, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR {
        throw ValidationError(
          "--format xlsx writes a binary workbook: give --output PATH (a file), not a terminal or device (\(output))"
        )
      }
    }
  }

  /// The CSV dialect (comma when not given).
  var dialect: CSVDialect { csvDialect ?? .comma }

  /// Fails (exit 1) when `--output` cannot be written (`checkWritable(_:command:)`), so that a
  /// run is refused before it simulates rather than after.
  func checkWritable(command: String) throws {
    guard let output, output != "-" else { return }
    try buig.checkWritable(output, command: command)
  }
}

/// `--kernel` values.
enum KernelChoice: String, ExpressibleByArgument, CaseIterable {
  case blas
  case reference
  var kind: KernelKind { self == .blas ? .blas : .reference }
}

/// A progress bar on standard error, for runs longer than a second, only on a terminal.
final class ProgressBar: @unchecked Sendable {
  let total: Int
  let enabled: Bool
  let start = Date()
  let lock = NSLock()
  var lastPrint = Date.distantPast
  var printed = false

  init(total: Int, quiet: Bool) {
    self.total = total
    enabled = !quiet && isatty(2) != 0
  }

  func update(_ done: Int) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastPrint) > 0.2 else { return }
    lastPrint = now
    printed = true
    let pct = total > 0 ? min(100, done * 100 / total) : 0
    let width = 30
    let bar =
      String(repeating: "#", count: pct * width / 100)
      + String(repeating: ".", count: width - pct * width / 100)
    FileHandle.standardError.write(Data("\r  [\(bar)] \(pct)%  \(done) paths".utf8))
  }

  func finish() {
    guard enabled, printed else { return }
    FileHandle.standardError.write(Data("\r\(String(repeating: " ", count: 60))\r".utf8))
  }
}

/// Builds the Monte Carlo engine for a scenario, or fails with a message for people.
func makeEngine(_ s: Scenario, projection: Projection, seed: UInt64, command: String) throws
  -> MonteCarlo
{
  do {
    return try MonteCarlo(
      input: s.input, projection: projection, rules: s.rules, spec: s.stochastic, seed: seed)
  } catch {
    throw InputFailure(command: command, [error.description])
  }
}

/// Runs paths with a progress bar on standard error, or fails with a message for people;
/// with `precision`, until the standard error is below its target, saying on standard error
/// (unless `quiet`) after the first round how many paths it projects to need, and at the end
/// when `--max-paths` stopped it short of its target.
func runPaths(
  _ mc: MonteCarlo, _ options: MonteCarloOptions, precision: MonteCarlo.Precision? = nil,
  quiet: Bool, command: String
) throws -> PathValues {
  let bar = ProgressBar(total: precision?.maxPaths ?? options.paths, quiet: quiet)
  defer { bar.finish() }
  do throws(MonteCarloError) {
    if let precision {
      func say(_ text: String) {
        guard !quiet else { return }
        bar.finish()
        FileHandle.standardError.write(Data("buig \(command): --precision: \(text)\n".utf8))
      }
      let euros = { (v: Double) in Money.group(String(Int(v.rounded()))) }
      var last = (paths: 0, se: 0.0)
      let values = try mc.run(
        until: precision, options: options, progress: { bar.update($0) },
        round: { paths, se in
          if last.paths == 0 && se >= precision.target {
            let need = MonteCarlo.Precision.projectedPaths(
              paths: paths, se: se, target: precision.target, round: precision.round)
            say(
              "after \(Money.group(String(paths))) paths the largest standard error of \(precision.quantity) is EUR \(euros(se)); EUR \(euros(precision.target)) projects to about \(Money.group(String(need))) paths"
                + (need > precision.maxPaths
                  ? ", more than --max-paths \(Money.group(String(precision.maxPaths))): the run stops there"
                  : " (at most --max-paths \(Money.group(String(precision.maxPaths))))"))
          }
          last = (paths, se)
        })
      if last.se >= precision.target {
        say(
          "warning: stopped at --max-paths \(Money.group(String(values.count))) with a standard error of EUR \(euros(last.se)), above the target EUR \(euros(precision.target))"
        )
      }
      return values
    }
    return try mc.run(options, progress: { bar.update($0) })
  } catch {
    throw InputFailure(command: command, [error.description])
  }
}

/// Runs a scenario's Monte Carlo paths with the command's options and summarizes them: the
/// engine set-up, its warnings (printed on standard error and recorded), the paths, the
/// statistics per year and over the horizon (net present values at `discountRate`, a fraction
/// a year).
func simulate(
  _ scenario: Scenario, _ projection: Projection, _ options: MonteCarloOptions, quiet: Bool,
  precision: MonteCarlo.Precision? = nil, discountRate: Decimal, reserve: Double?,
  command: String
) throws -> MonteCarloInfo {
  let mc = try makeEngine(scenario, projection: projection, seed: scenario.seed, command: command)
  let notes = warnings(of: mc, scenario)
  for w in notes {
    FileHandle.standardError.write(Data("buig \(command): warning: \(w)\n".utf8))
  }
  let values = try runPaths(mc, options, precision: precision, quiet: quiet, command: command)
  return MonteCarloInfo(
    engine: mc,
    summary: MonteCarloSummary(
      mc, values, netBurdenLimit: scenario.monteCarlo.netBurdenLimit?.doubleValue,
      discountRate: discountRate.doubleValue, reserve: reserve),
    kernel: options.kernel, blasCore: BLASInfo.coreName, warnings: notes)
}

/// Warnings to print and record: calibration problems, a repaired correlation matrix, and
/// uncertain inputs whose distribution does not fit their target
/// (`MonteCarloSpec.implausibleUncertainty(_:)`).
func warnings(of mc: MonteCarlo, _ scenario: Scenario) -> [String] {
  var w = mc.calibration.warnings + scenario.stochastic.implausibleUncertainty(scenario.input)
  if let r = mc.correlation?.repair {
    w.append(
      "correlation.matrix is not positive definite; the nearest valid matrix is used (largest change of an entry \(MonteCarloInfo.fixed(r.maxChange, 4)), Frobenius norm of the change \(MonteCarloInfo.fixed(r.frobenius, 4)))"
    )
  }
  return w
}

/// `buig merge`: the output of a run from its shards.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract:
      "Combine the shards of a run (buig run --shard K/M) into the output of the whole run.",
    discussion: "The output is byte-identical to one run of all paths.")

  @Argument(help: ArgumentHelp("Partial results written by buig run --shard.", valueName: "PARTS"))
  var parts: [String]

  @OptionGroup var out: OutputOptions

  @OptionGroup var discountOption: DiscountOption

  @OptionGroup var reserveOption: ReserveOption

  func validate() throws {
    if parts.isEmpty { throw ValidationError("give the partial results to merge") }
  }

  func run() throws {
    try out.checkWritable(command: "merge")
    var decoded: [PartialResult] = []
    for p in parts {
      let bytes = try readFile(p, command: "merge", maximumBytes: nil)
      do {
        decoded.append(try PartialResult.decode(Data(bytes), name: p))
      } catch {
        throw InputFailure(command: "merge", [error.description])
      }
    }
    let merged: PartialResult
    do {
      merged = try PartialResult.merge(decoded)
    } catch {
      throw InputFailure(command: "merge", [error.description])
    }
    var rules: RuleTable
    do {
      rules = try RuleTable.builtIn()
      if let r = merged.rulesBytes {
        rules = rules.merging(try RuleTable.decode(r, origin: "rules"))
      }
    } catch {
      throw InputFailure(command: "merge", issues: error)
    }
    let scenario: Scenario
    do {
      scenario = try Scenario.decode(
        merged.scenarioBytes, origin: merged.scenarioOrigin, rules: rules)
    } catch {
      throw InputFailure(command: "merge", located(error, in: merged.scenarioOrigin))
    }
    let projection: Projection
    do {
      projection = try scenario.project()
    } catch {
      throw InputFailure(command: "merge", [error.description])
    }
    let mc = try makeEngine(scenario, projection: projection, seed: merged.seed, command: "merge")
    var s = scenario
    s.seed = merged.seed
    s.edits = merged.scenarioEdits
    let discount = try discountOption.discount(s.rules, command: "merge")
    let values: PathValues
    do {
      values = try merged.values(layout: mc.layout)
    } catch {
      throw InputFailure(command: "merge", [error.description])
    }
    let info = MonteCarloInfo(
      engine: mc,
      summary: MonteCarloSummary(
        mc, values, netBurdenLimit: s.monteCarlo.netBurdenLimit?.doubleValue,
        discountRate: discount.rate.doubleValue, reserve: reserveOption.reserve(s)),
      kernel: KernelKind(rawValue: merged.kernel) ?? .blas, blasCore: merged.blasCore,
      warnings: warnings(of: mc, s))
    try emitRun(
      s, projection, origin: merged.scenarioOrigin, discount: discount, mc: info, out,
      command: "merge")
  }
}

/// Renders a run in a format and writes it.
func emitRun(
  _ s: Scenario, _ p: Projection, origin: String, discount: DiscountSetting, mc: MonteCarloInfo?,
  _ out: OutputOptions, command: String
) throws {
  let identity = RunIdentity(scenario: s, origin: origin)
  let text: String
  switch out.format {
  case .xlsx:
    try writeWorkbook(
      try RunWorkbook.xlsx(s, p, identity: identity, discount: discount, mc: mc), out,
      command: command)
    return
  case .table: text = RunRender.table(s, p, identity: identity, discount: discount, mc: mc)
  case .json:
    text = JSONWriter.write(RunRender.json(s, p, identity: identity, discount: discount, mc: mc))
  case .csv:
    text = RunRender.csv(
      s, p, identity: identity, discount: discount, mc: mc, dialect: out.dialect)
  }
  try write(text, to: out.output, command: command)
}

/// Writes a workbook's bytes to `--output` (validated to be given for xlsx), or fails with a
/// message for people when the workbook cannot be built.
func writeWorkbook(_ bytes: @autoclosure () throws -> Data, _ out: OutputOptions, command: String)
  throws
{
  let data: Data
  do {
    data = try bytes()
  } catch {
    throw InputFailure(command: command, ["\(error)"])
  }
  try writeData(data, to: out.output!, command: command)
}
