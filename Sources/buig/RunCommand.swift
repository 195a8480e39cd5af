import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// Output formats of `buig run`.
enum RunFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
  case csv
  /// An Excel workbook (needs `--output`).
  case xlsx
}

extension Quantity: ExpressibleByArgument {
  /// A yearly quantity by its name (`netBurden`, `result`, ...).
  public init?(argument: String) {
    guard let q = Quantity(rawValue: argument), Quantity.yearly.contains(q) else { return nil }
    self = q
  }

  /// The names a yearly quantity option takes.
  public static var allValueStrings: [String] { yearly.map(\.rawValue) }
}

/// A scenario read from a file or from the embedded set.
struct LoadedScenario {
  var scenario: Scenario
  var origin: String
  var bytes: [UInt8]
}

/// The embedded scenario a FILE argument names: `NAME` or `embedded:NAME` when no file of that
/// name exists (nor a request's inline file, `InlineFiles`) and buig ships a scenario `NAME`
/// (`buig example` lists them); otherwise `nil`, and FILE is read as a file.
func embeddedName(_ file: String) -> String? {
  if file.hasPrefix("embedded:") { return String(file.dropFirst("embedded:".count)) }
  guard !file.contains("/"), InlineFiles.files[file] == nil,
    !FileManager.default.fileExists(atPath: file), EmbeddedScenarios.names().contains(file)
  else { return nil }
  return file
}

/// Reads a scenario file (or the embedded default when `file` is nil; or an embedded scenario
/// by name, `embeddedName(_:)`), or fails with every
/// problem, one per line, prefixed by the file name. `edits` (`--set`, see `SetOptions`) are made
/// to the file's JSON document first; the scenario's bytes and hash are then the edited
/// document's, and `scenario.edits` records them. With `expectSHA256` (`--expect-sha256`),
/// bytes whose SHA-256 differs are refused before they are read as a scenario.
func loadScenario(
  _ file: String?, command: String, rules: RuleTable, edits: [ScenarioEdit] = [],
  expectSHA256: String? = nil
) throws -> LoadedScenario {
  var bytes: [UInt8]
  let origin: String
  if let file, let name = embeddedName(file), let b = EmbeddedScenarios.bytes(name) {
    bytes = b
    origin = "embedded:\(name)"
  } else if let file {
    bytes = try readFile(file, command: command)
    origin = file
    if let expectSHA256, SHA256.hex(bytes) != expectSHA256.lowercased() {
      throw InputFailure(
        command: command,
        [
          "\(file): expected the scenario with SHA-256 \(expectSHA256.lowercased()) (--expect-sha256), found SHA-256 \(SHA256.hex(bytes)): the file changed since the run was planned; restore it, or plan again (buig plan) to run the new one"
        ])
    }
  } else {
    guard let b = EmbeddedScenarios.bytes(EmbeddedScenarios.defaultName) else {
      throw InputFailure(
        command: command, ["the embedded default scenario is missing: reinstall buig"])
    }
    bytes = b
    origin = "embedded:\(EmbeddedScenarios.defaultName)"
  }
  bytes = try applyEdits(edits, to: bytes, origin: origin, command: command)
  do {
    var scenario = try Scenario.decode(bytes, origin: origin, rules: rules)
    scenario.edits = edits.map(\.text)
    return LoadedScenario(scenario: scenario, origin: origin, bytes: bytes)
  } catch {
    throw InputFailure(command: command, located(error, in: editedOrigin(origin, edits)))
  }
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then a rename), so
/// that a reader never sees half a file; or to standard output when `path` is nil.
func write(_ text: String, to path: String?, command: String) throws {
  guard let path else {
    emit(text)
    return
  }
  try writeData(Data(text.utf8), to: path, command: command)
}

/// Fails (exit 1) unless `path` can be written: its folder exists and is writable, and it is
/// not a folder itself. Called before any long computation, so that a run is not lost at the
/// end for want of a place to put it.
func checkWritable(_ path: String, command: String) throws {
  let url = URL(fileURLWithPath: path)
  let folder = url.deletingLastPathComponent().path
  var isFolder: ObjCBool = false
  let problem: String?
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
    problem = "it is a folder"
  } else if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
    || !isFolder.boolValue
  {
    problem = "its folder \(folder) does not exist"
  } else if access(folder, W_OK) != 0 {
    problem = "its folder \(folder) is not writable"
  } else {
    problem = nil
  }
  if let problem {
    throw InputFailure(
      command: command,
      ["\(path): expected a writable file path, found that it cannot be written (\(problem))"])
  }
}

/// Writes bytes to `path` atomically: into a temporary file beside it, named by the host and
/// the process so that two writers (a retried batch task on another node) never share one, then
/// renamed over `path`. A retried task that writes the same bytes leaves the same file.
func writeData(_ data: Data, to path: String, command: String) throws {
  let url = URL(fileURLWithPath: path)
  var host = [CChar](repeating: 0, count: 256)
  let hostName = gethostname(&host, host.count - 1) == 0 ? String(cString: host) : "host"
  let temp = url.deletingLastPathComponent().appendingPathComponent(
    ".\(url.lastPathComponent).\(hostName).\(getpid()).tmp")
  do {
    try data.write(to: temp)
    // rename(2) replaces the target atomically: a reader sees the old file or the new one.
    guard rename(temp.path, url.path) == 0 else {
      throw CocoaError(
        .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
  } catch {
    try? FileManager.default.removeItem(at: temp)
    throw InputFailure(
      command: command,
      [
        "\(path): expected a writable file path, found that it cannot be written (\(error.localizedDescription))"
      ])
  }
}

/// `buig run`: the meerjarenbeeld of a scenario, with its Monte Carlo distribution.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Run a scenario: the meerjarenbeeld, each intervention's cost and yield, and their distributions.",
    discussion: """
      Without FILE, the embedded default scenario (groningen-2018) runs. `buig example` lists \
      the embedded scenarios and prints one to start from. Same scenario and seed give the same \
      bytes, whatever the thread count or batch size.

      Shards: `buig run FILE --paths N --shard K/M --output part-K.bin` runs shard K of M and \
      writes a partial result; `buig merge part-*.bin` combines them into the output of one run.
      """)

  @Argument(help: ArgumentHelp("A scenario file (JSON).", valueName: "FILE"))
  var file: String?

  @OptionGroup var out: OutputOptions

  @OptionGroup var monteCarlo: MonteCarloArguments

  @Option(
    help: ArgumentHelp(
      "Run only shard K of M and write a partial result (needs --output).", valueName: "K/M"))
  var shard: String?

  @Option(
    name: .customLong("expect-sha256"),
    help: ArgumentHelp(
      "Refuse FILE unless its bytes have this SHA-256 (as sha256sum prints it): a planned task (buig plan) runs only the scenario it was planned for.",
      valueName: "HEX"))
  var expectSHA256: String?

  @Option(
    help: ArgumentHelp(
      "Run until the standard error of the mean net burden (or --precision-quantity) is below EUR in every year.",
      valueName: "EUR"))
  var precision: Double?

  @Option(name: .customLong("precision-quantity"), help: "The quantity --precision watches.")
  var precisionQuantity: Quantity?

  @Option(
    name: .customLong("max-paths"),
    help: ArgumentHelp(
      "The most paths --precision runs (default: \(Money.group(String(MonteCarlo.Precision.defaultMaxPaths)))); refused up front when they would not fit in memory.",
      valueName: "N"))
  var maxPaths: Int?

  @OptionGroup var discountOption: DiscountOption

  @OptionGroup var reserveOption: ReserveOption

  @OptionGroup var rules: RuleOptions

  @OptionGroup var setOptions: SetOptions

  func validate() throws {
    if shard != nil && out.output == nil {
      throw ValidationError("--shard needs --output for the partial result")
    }
    if shard != nil && precision != nil {
      throw ValidationError("--shard and --precision cannot be combined")
    }
    if shard != nil && (discountOption.discountRate != nil || reserveOption.reserve != nil) {
      throw ValidationError(
        "--discount-rate and --reserve apply to the merged output: give them to buig merge, not with --shard"
      )
    }
    if let precision, !(precision > 0) {
      throw ValidationError("--precision must be a positive amount in euros")
    }
    if precision == nil,
      let option = maxPaths.map({ _ in "--max-paths" })
        ?? precisionQuantity.map({ _ in "--precision-quantity" })
    {
      throw ValidationError("\(option) steers --precision; found no --precision")
    }
    if precision != nil, let paths = monteCarlo.paths {
      throw ValidationError(
        "--paths and --precision cannot be combined: --precision runs rounds of \(Money.group(String(MonteCarlo.Precision(quantity: .netBurden, target: 1).round))) paths until its target is met (at most --max-paths); found --paths \(paths)"
      )
    }
    if let hex = expectSHA256 {
      if file == nil {
        throw ValidationError("--expect-sha256 checks a scenario FILE; found none")
      }
      if hex.count != 64 || !hex.allSatisfy(\.isHexDigit) {
        throw ValidationError(
          "--expect-sha256: expected 64 hexadecimal digits (sha256sum FILE), found \"\(hex)\"")
      }
    }
    if let maxPaths, maxPaths < 2 {
      throw ValidationError("--max-paths: expected at least 2 paths, found \(maxPaths)")
    }
  }

  func parseShard() throws -> (Int, Int)? {
    guard let shard else { return nil }
    let parts = shard.split(separator: "/")
    guard parts.count == 2, let k = Int(parts[0]), let m = Int(parts[1]), m >= 1, k >= 1, k <= m
    else {
      throw ValidationError("--shard expects K/M with 1 ≤ K ≤ M, for example 2/4; found \(shard)")
    }
    return (k, m)
  }

  func run() throws {
    if let file, !FileManager.default.fileExists(atPath: file), !file.contains("/"),
      !file.contains("."), embeddedName(file) == nil, InlineFiles.files[file] == nil
    {
      throw ValidationError("'\(file)' is neither a command nor a file; see buig --help.")
    }
    try out.checkWritable(command: "run")
    let shardSpec = try parseShard()
    let loaded = try loadScenario(
      file, command: "run", rules: rules, set: setOptions, seed: monteCarlo.seed,
      expectSHA256: expectSHA256)
    let scenario = loaded.scenario
    let discount = try discountOption.discount(scenario.rules, command: "run")
    let projection = try loaded.projection(command: "run")
    let series = SeriesLayout(scenario.input).count
    if let precision {
      let rule = MonteCarlo.Precision(
        quantity: precisionQuantity ?? .netBurden, target: precision,
        maxPaths: maxPaths ?? MonteCarlo.Precision.defaultMaxPaths)
      try checkMemory(
        paths: rule.maxPaths, series: series, copies: 2,
        source: .option(
          maxPaths == nil
            ? "--precision (at most --max-paths \(Money.group(String(rule.maxPaths))) paths, the default)"
            : "--max-paths"), limit: monteCarlo.memory,
        threads: monteCarlo.threadsOption.count, canShard: false, command: "run")
      let info = try simulate(
        scenario, projection, monteCarlo.options(paths: rule.round), quiet: monteCarlo.quiet,
        precision: rule, discountRate: discount.rate, reserve: reserveOption.reserve(scenario),
        command: "run")
      try emitRun(
        scenario, projection, origin: loaded.origin, discount: discount, mc: info, out,
        command: "run")
      return
    }
    let paths = monteCarlo.paths ?? scenario.monteCarlo.paths
    try monteCarlo.checkUsed(paths: paths, command: "run")
    let source: PathsSource =
      monteCarlo.paths == nil ? .scenario(loaded.origin) : .option("--paths")
    guard paths > 0 else {
      if reserveOption.reserve != nil {
        throw InputFailure(
          command: "run",
          ["--reserve: expected Monte Carlo paths to test the reserve against, found --paths 0"])
      }
      try emitRun(
        scenario, projection, origin: loaded.origin, discount: discount, mc: nil, out,
        command: "run")
      return
    }
    guard let (k, m) = shardSpec else {
      try checkMemory(
        paths: paths, series: series, source: source, limit: monteCarlo.memory,
        threads: monteCarlo.threadsOption.count, canShard: true,
        command: "run")
      let info = try simulate(
        scenario, projection, monteCarlo.options(paths: paths), quiet: monteCarlo.quiet,
        discountRate: discount.rate, reserve: reserveOption.reserve(scenario), command: "run")
      try emitRun(
        scenario, projection, origin: loaded.origin, discount: discount, mc: info, out,
        command: "run")
      return
    }
    let range = PartialResult.range(shard: k, of: m, paths: paths)
    try checkMemory(
      paths: range.count, series: series, source: source, limit: monteCarlo.memory,
      threads: monteCarlo.threadsOption.count,
      canShard: true, command: "run")
    let mc = try makeEngine(scenario, projection: projection, seed: scenario.seed, command: "run")
    for w in warnings(of: mc, scenario) {
      FileHandle.standardError.write(Data("buig run: warning: \(w)\n".utf8))
    }
    var options = monteCarlo.options(paths: paths)
    options.firstPath = range.lowerBound
    options.paths = range.count
    let values = try runPaths(mc, options, quiet: monteCarlo.quiet, command: "run")
    let part = PartialResult(
      engineVersion: BuigVersion.current, scenarioSHA256: scenario.sha256,
      scenarioBytes: loaded.bytes,
      scenarioOrigin: loaded.origin, scenarioEdits: scenario.edits,
      rulesBytes: try rules.overrideBytes(command: "run"),
      seed: scenario.seed,
      kernel: options.kernel.rawValue, blasCore: BLASInfo.coreName, totalPaths: paths, shard: k,
      shards: m,
      values: values)
    try writeData(part.encoded(), to: out.output!, command: "run")
  }
}

/// `buig validate`: check scenario files without running them.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check scenario files: one line per problem on standard error.",
    discussion: """
      Checks everything `buig run` checks before its first path: every field, the \
      meerjarenbeeld (a budget the rule table can set in every year) and the Monte Carlo set-up. \
      Exit code 0 when every file is valid, 1 otherwise.
      """)

  @Argument(help: ArgumentHelp("Scenario files (JSON).", valueName: "FILE"))
  var files: [String]

  @OptionGroup var rules: RuleOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one scenario file") }
  }

  func run() throws {
    let table = try rules.table(command: "validate")
    var problems: [String] = []
    for file in files {
      do {
        let loaded = try loadScenario(file, command: "validate", rules: table)
        // What `buig run` meets before its first path: the projection (already checked while
        // reading, with JSON paths) and the Monte Carlo set-up (the correlation matrix, the
        // flow model's expected durations).
        let projection = try loaded.projection(command: "validate")
        do {
          _ = try MonteCarlo(
            input: loaded.scenario.input, projection: projection, rules: loaded.scenario.rules,
            spec: loaded.scenario.stochastic, seed: loaded.scenario.seed)
        } catch {
          throw InputFailure(command: "validate", ["\(file): \(error.description)"])
        }
        emit(
          "\(file): valid (\(loaded.scenario.name), sha256 \(loaded.scenario.sha256.prefix(16)))\n")
      } catch let failure as InputFailure {
        problems.append(failure.message)
      }
    }
    if !problems.isEmpty { throw InputFailure(rawMessage: problems.joined()) }
  }
}

/// `buig example`: the embedded scenarios.
struct ExampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "example",
    abstract: "List the embedded scenarios, or print one to start from.",
    discussion: "Example: buig example groningen-2018 > my-scenario.json")

  @Argument(help: ArgumentHelp("The scenario to print.", valueName: "NAME"))
  var name: String?

  func run() throws {
    let names = EmbeddedScenarios.names()
    guard let name else {
      var lines: [String] = []
      for n in names {
        let title = EmbeddedScenarios.bytes(n).flatMap { try? JSONParser.parse($0) }.flatMap {
          if case .string(let t) = $0["title"] ?? .null { t } else { nil }
        }
        lines.append(n + (title.map { "\n    " + $0 } ?? ""))
      }
      emit(lines.joined(separator: "\n") + "\n")
      return
    }
    guard let bytes = EmbeddedScenarios.bytes(name) else {
      throw InputFailure(
        command: "example",
        ["no embedded scenario \"\(name)\"; the embedded ones: \(names.joined(separator: ", "))"])
    }
    FileHandle.standardOutput.write(Data(bytes))
  }
}
