import ArgumentParser
import BuigCore
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// Output formats of `buig run`.
enum RunFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
  case csv
}

/// A scenario read from a file or from the embedded set.
struct LoadedScenario {
  var scenario: Scenario
  var origin: String
}

/// Reads a scenario file (or the embedded default when `file` is nil), or fails with every
/// problem, one per line, prefixed by the file name.
func loadScenario(_ file: String?, command: String, rules: RuleTable) throws -> LoadedScenario {
  let bytes: [UInt8]
  let origin: String
  if let file {
    bytes = try readFile(file, command: command)
    origin = file
  } else {
    guard let b = EmbeddedScenarios.bytes(EmbeddedScenarios.defaultName) else {
      throw InputFailure(
        command: command, ["the embedded default scenario is missing: reinstall buig"])
    }
    bytes = b
    origin = "embedded:\(EmbeddedScenarios.defaultName)"
  }
  do {
    return LoadedScenario(
      scenario: try Scenario.decode(bytes, origin: origin, rules: rules), origin: origin)
  } catch {
    throw InputFailure(command: command, error.issues.map { "\(origin): \($0)" })
  }
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then a rename), so
/// that a reader never sees half a file; or to standard output when `path` is nil.
func write(_ text: String, to path: String?, command: String) throws {
  guard let path else {
    emit(text)
    return
  }
  let url = URL(fileURLWithPath: path)
  let temp = url.deletingLastPathComponent().appendingPathComponent(
    ".\(url.lastPathComponent).\(getpid()).tmp")
  do {
    try Data(text.utf8).write(to: temp)
    if FileManager.default.fileExists(atPath: url.path) {
      _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
    } else {
      try FileManager.default.moveItem(at: temp, to: url)
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

/// `buig run`: the meerjarenbeeld of a scenario.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a scenario: the meerjarenbeeld with each intervention's cost and yield.",
    discussion: """
      Without FILE, the embedded default scenario (groningen-2018) runs. `buig example` lists \
      the embedded scenarios and prints one to start from.
      """)

  @Argument(help: ArgumentHelp("A scenario file (JSON).", valueName: "FILE"))
  var file: String?

  @Option(help: "Output format: table, json or csv.")
  var format: RunFormat = .table

  @Option(
    help: ArgumentHelp(
      "Write the output to this file (atomically) instead of standard output.", valueName: "PATH"))
  var output: String?

  @OptionGroup var rules: RuleOptions

  func run() throws {
    if let file, !FileManager.default.fileExists(atPath: file), !file.contains("/"),
      !file.contains(".")
    {
      throw ValidationError("'\(file)' is neither a command nor a file; see buig --help.")
    }
    let table = try rules.table(command: "run")
    let loaded = try loadScenario(file, command: "run", rules: table)
    let projection: Projection
    do {
      projection = try loaded.scenario.project()
    } catch {
      throw InputFailure(command: "run", ["\(loaded.origin): \(error.description)"])
    }
    let identity = RunIdentity(scenario: loaded.scenario, origin: loaded.origin)
    let text: String
    switch format {
    case .table: text = RunRender.table(loaded.scenario, projection, identity: identity)
    case .json:
      text = JSONWriter.write(RunRender.json(loaded.scenario, projection, identity: identity))
    case .csv: text = RunRender.csv(loaded.scenario, projection, identity: identity)
    }
    try write(text, to: output, command: "run")
  }
}

/// `buig validate`: check scenario files without running them.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check scenario files: one line per problem on standard error.",
    discussion: "Exit code 0 when every file is valid, 1 otherwise.")

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
