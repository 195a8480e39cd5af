import ArgumentParser
import BuigCheck
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig check`: benchmark scenarios as regression tests.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run every scenario of a folder and compare its outputs with committed goldens.",
    discussion: """
      Deterministic values may move by --abs-tol euros (0.5); Monte Carlo statistics by --se-tol \
      standard errors of the difference (4), combining both runs' se. Exit codes: 0 all hold, \
      1 a value moved (a regression, also when other scenarios had input errors), 2 a usage or \
      input error and no value moved (an invalid scenario, a missing golden or goldens folder, a \
      dangling link). --update rewrites the goldens (atomically) and prints what changed.
      """)

  @Argument(help: ArgumentHelp("The folder of scenarios (default: scenarios).", valueName: "DIR"))
  var directory: String = "scenarios"

  @Option(
    help: ArgumentHelp("The folder of goldens (default: goldens beside DIR).", valueName: "DIR"))
  var golden: String?

  @Option(help: ArgumentHelp("Also write a JUnit XML report to this file.", valueName: "PATH"))
  var junit: String?

  @Flag(help: "Rewrite the goldens from this run.")
  var update = false

  @Option(
    help: ArgumentHelp("Check only this scenario (file name without .json).", valueName: "NAME"))
  var only: String?

  @Option(help: "Paths for new goldens (default 2048); existing goldens keep their own.")
  var paths: Int?

  /// `--seed`: run with this seed instead of each golden's, to see that a seed change stays
  /// within tolerance.
  @OptionGroup var seedOption: SeedOption

  @Option(name: .customLong("abs-tol"), help: "Tolerance of deterministic values (EUR).")
  var absoluteTolerance: Double = 0.5

  @Option(name: .customLong("se-tol"), help: "Tolerance of Monte Carlo values (standard errors).")
  var seTolerance: Double = 4

  @OptionGroup var threadsOption: ThreadsOption

  @OptionGroup var rules: RuleOptions

  func validate() throws {
    if let paths, paths < 0 { throw ValidationError("--paths must be 0 or more") }
    if update && junit != nil {
      throw ValidationError(
        "--junit reports a check; found --update, which writes goldens and checks nothing")
    }
    if absoluteTolerance < 0 || seTolerance < 0 {
      throw ValidationError("tolerances cannot be negative")
    }
  }

  func run() throws {
    do {
      try check()
    } catch var failure as InputFailure {
      // In `check`, 1 means a regression: every input or usage problem exits with 2.
      failure.exitCode = 2
      throw failure
    }
  }

  func check() throws {
    if let junit { try checkWritable(junit, command: "check") }
    let table = try rules.table(command: "check")
    guard isFolder(directory) else {
      throw InputFailure(
        command: "check",
        ["\(directory): expected a folder of scenarios, found \(found(directory))"])
    }
    // Beside DIR, lexically: scenarios -> goldens, a/b/scenarios -> a/b/goldens.
    let parent = (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) as NSString
    let goldenDir =
      golden ?? (parent.deletingLastPathComponent as NSString).appendingPathComponent("goldens")
    let files = (try FileManager.default.contentsOfDirectory(atPath: directory)).filter {
      $0.hasSuffix(".json")
    }.sorted()
      .filter { only == nil || $0 == only! + ".json" }
    if let only, files.isEmpty {
      throw InputFailure(command: "check", ["no scenario \"\(only)\" in \(directory)"])
    }
    // One error for a goldens folder that is not there, rather than one per scenario.
    if !update && !isFolder(goldenDir) {
      throw InputFailure(
        command: "check",
        [
          "\(goldenDir): expected a folder of goldens, found \(found(goldenDir)); give --golden DIR, or run buig check --update to create it"
        ])
    }
    var checks: [ScenarioCheck] = []
    var inputErrors = false
    for file in files {
      let name = String(file.dropLast(5))
      let path = (directory as NSString).appendingPathComponent(file)
      let goldenPath = (goldenDir as NSString).appendingPathComponent(file)
      do {
        checks.append(
          try checkScenario(name: name, path: path, goldenPath: goldenPath, rules: table))
      } catch let failure as InputFailure {
        inputErrors = true
        checks.append(
          ScenarioCheck(
            scenario: name, result: nil, changedScenario: nil, paths: 0,
            error: failure.message.trimmingCharacters(in: .newlines)))
      }
    }
    if !update {
      emit(CheckRender.text(checks))
      if let junit { try write(CheckRender.junit(checks), to: junit, command: "check") }
    }
    // A value that moved decides the exit code: input errors elsewhere never hide a regression.
    if !update && checks.contains(where: \.regressed) { throw ExitCode(1) }
    if inputErrors { throw ExitCode(2) }
  }

  func checkScenario(name: String, path: String, goldenPath: String, rules table: RuleTable) throws
    -> ScenarioCheck
  {
    if !FileManager.default.fileExists(atPath: path) {
      throw InputFailure(command: "check", ["\(path): expected a scenario, found \(found(path))"])
    }
    var loaded = try loadScenario(path, command: "check", rules: table)
    var old: Golden?
    if isDanglingLink(goldenPath) && !update {
      throw InputFailure(
        command: "check", ["\(goldenPath): expected a golden, found \(found(goldenPath))"])
    }
    if let bytes = FileManager.default.contents(atPath: goldenPath) {
      do {
        old = try Golden.decode(Array(bytes), origin: goldenPath)
      } catch {
        throw InputFailure(command: "check", located(error, in: goldenPath))
      }
    } else if !update {
      throw InputFailure(
        command: "check",
        ["\(goldenPath): no golden for \(name); run buig check --update to create it"])
    }
    let runSeed = seedOption.seed ?? old?.seed ?? loaded.scenario.seed
    loaded.scenario.seed = runSeed
    let n = old?.paths ?? paths ?? 2_048
    let projection: Projection
    do {
      projection = try loaded.scenario.project()
    } catch {
      throw InputFailure(command: "check", ["\(path): \(error.description)"])
    }
    var summary: MonteCarloSummary?
    if n > 0 {
      let mc = try makeEngine(
        loaded.scenario, projection: projection, seed: runSeed, command: "check")
      let options = MonteCarloOptions(
        paths: n, threads: threadsOption.count)
      do {
        summary = MonteCarloSummary(
          mc, try mc.run(options),
          netBurdenLimit: loaded.scenario.monteCarlo.netBurdenLimit?.doubleValue,
          discountRate: loaded.scenario.rules.discountRate?.rate.doubleValue ?? 0)
      } catch {
        throw InputFailure(command: "check", [error.description])
      }
    }
    let values = Golden.values(projection: projection, summary: summary)
    let fresh = Golden(
      scenario: name, scenarioSHA256: loaded.scenario.sha256, seed: runSeed, paths: n,
      engineVersion: BuigVersion.current,
      blasCore: BLASInfo.coreName, values: values)
    let tolerance = Tolerance(absolute: absoluteTolerance, standardErrors: seTolerance)
    if update {
      if let old {
        let r = CheckResult(golden: old, new: values, tolerance: tolerance)
        for m in r.moved { emit("  " + CheckRender.line(name, m) + "\n") }
        emit(
          "updated \(goldenPath): \(r.moved.count) of \(r.compared.count) values moved beyond tolerance\n"
        )
      } else {
        emit("created \(goldenPath): \(values.count) values, \(n) paths\n")
      }
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: goldenPath).deletingLastPathComponent().path,
        withIntermediateDirectories: true)
      try write(JSONWriter.write(fresh.json()), to: goldenPath, command: "check")
      return ScenarioCheck(
        scenario: name, result: CheckResult(golden: fresh, new: values, tolerance: tolerance),
        changedScenario: nil, paths: n, error: nil)
    }
    let result = CheckResult(golden: old!, new: values, tolerance: tolerance)
    let changed =
      old!.scenarioSHA256 != fresh.scenarioSHA256
      ? (old!.scenarioSHA256, fresh.scenarioSHA256) : nil
    return ScenarioCheck(
      scenario: name, result: result, changedScenario: changed, paths: n, error: nil)
  }
}

/// Whether `path` is a folder, or a link that leads to one.
private func isFolder(_ path: String) -> Bool {
  var isDir: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
}

/// Whether `path` is a symbolic link whose target does not exist.
private func isDanglingLink(_ path: String) -> Bool {
  (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    && !FileManager.default.fileExists(atPath: path)
}

/// What lies at `path`, for an error message: "nothing", "a file", "a folder" or "a dangling
/// link to TARGET (which does not exist)".
private func found(_ path: String) -> String {
  if isDanglingLink(path) {
    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
    return "a dangling link to \(target) (which does not exist)"
  }
  var isDir: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return "nothing" }
  return isDir.boolValue ? "a folder" : "a file"
}
