import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// The `buig` command: the BUIG budget, the vangnet and the interventions of a municipality.
///
/// Exit codes: 0 success; 1 invalid input (the message says what is wrong and how to fix it);
/// 2 usage error (unknown option, missing argument).
@main
struct Buig: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "buig",
    abstract: "Simulate a municipality's BUIG (bijstand) budget, the vangnet and interventions.",
    discussion: """
      With no subcommand, buig runs the embedded default scenario: Groningen's extra measures \
      of 2018 against its BUIG deficit (seed 003), as a meerjarenbeeld 2018-2021.

      Exit codes: 0 success, 1 invalid input, 2 usage error (buig check: 1 a value moved, 2 a usage \
      or input error and no value moved).
      """,
    version: BuigVersion.current,
    subcommands: [
      RunCommand.self, ValidateCommand.self, ExampleCommand.self, CompareCommand.self,
      CheckCommand.self, ReserveCommand.self, SwitchingCommand.self, SensitivityCommand.self,
      ReportCommand.self,
      MergeCommand.self, PlanCommand.self, ServeCommand.self, CalibrateCommand.self,
      VangnetCommand.self, RulesCommand.self, PositionCommand.self,
    ],
    defaultSubcommand: RunCommand.self
  )

  static func main() {
    restartWithBetterBLASKernelIfNeeded()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let failure as InputFailure {
      FileHandle.standardError.write(Data(failure.message.utf8))
      Foundation.exit(failure.exitCode)
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)
    } catch {
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if code == .success {
        print(message)
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((message + "\n").utf8))
      Foundation.exit(2)
    }
  }
}

/// Invalid input: the message is printed as is and the exit code is 1 (2 for `buig check`,
/// where 1 means a regression).
struct InputFailure: Error {
  var message: String
  var exitCode: Int32 = 1
  /// The problems, one a line, without the `buig COMMAND: error: ` prefix (what `buig serve`
  /// returns as a request's problems).
  var lines: [String]

  init(command: String, _ lines: [String]) {
    message = lines.map { "buig \(command): error: \($0)\n" }.joined()
    self.lines = lines
  }

  init(rawMessage: String) {
    message = rawMessage
    lines = rawMessage.split(separator: "\n").map { line in
      line.range(of: ": error: ").map { String(line[$0.upperBound...]) } ?? String(line)
    }
  }

  init(command: String, issues: InputIssues) {
    self.init(command: command, issues.issues.map(\.description))
  }
}

/// Output formats.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
}

/// Options shared by the commands that use the rule table.
struct RuleOptions: ParsableArguments {
  @Option(
    name: .customLong("rules"),
    help: ArgumentHelp(
      "A rule file whose years replace the built-in ones, section by section.",
      valueName: "FILE"))
  var rulesFile: String?

  /// The bytes of the override file, when one is given.
  func overrideBytes(command: String) throws -> [UInt8]? {
    guard let path = rulesFile else { return nil }
    return try readFile(path, command: command)
  }

  /// The built-in table with the file's overrides applied.
  func table(command: String) throws -> RuleTable {
    let builtIn: RuleTable
    do {
      builtIn = try RuleTable.builtIn()
    } catch {
      throw InputFailure(command: command, issues: error)
    }
    guard let path = rulesFile else { return builtIn }
    let bytes = try readFile(path, command: command)
    do {
      return builtIn.merging(try RuleTable.decode(bytes, origin: path))
    } catch {
      throw InputFailure(command: command, located(error, in: path))
    }
  }
}

/// The lines of input problems found in the file `origin`, each prefixed with the file's name,
/// except a problem of the whole file (a syntax error), whose path already is the file.
func located(_ issues: InputIssues, in origin: String) -> [String] {
  issues.issues.map { $0.path == origin ? $0.description : "\(origin): \($0)" }
}

/// Reads a whole file, or fails with a message for people. A file larger than `maximumBytes`
/// (by default the JSON reader's limit; `nil` for the partial results of `buig merge`) is
/// refused before it is read.
func readFile(
  _ path: String, command: String, maximumBytes: Int? = JSONParser.maximumBytes
) throws -> [UInt8] {
  if let inline = InlineFiles.files[path] { return inline }
  if let maximumBytes,
    let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
    size > maximumBytes
  {
    throw InputFailure(
      command: command,
      [
        "\(path): expected a JSON file of at most \(maximumBytes) bytes (16 MiB), found \(size) bytes: is it the right file?"
      ])
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    var isDir: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    let why = !exists ? "no such file" : isDir.boolValue ? "it is a folder" : "it cannot be read"
    throw InputFailure(command: command, ["\(path): expected a readable file, found that \(why)"])
  }
  return Array(data)
}

/// Parses an amount in euros written with plain digits and an optional decimal point
/// (`6284800`, `6284800.50`, and with `allowNegative` also `-330000`).
func parseAmount(_ text: String, option: String, allowNegative: Bool) -> Result<Money, InputIssue> {
  let t = text.trimmingCharacters(in: .whitespaces)
  var body = Substring(t)
  var negative = false
  if body.hasPrefix("-") {
    negative = true
    body = body.dropFirst()
  }
  let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
  let digitsOK =
    !body.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }
  guard digitsOK, parts[0].count <= 15, parts.count < 2 || parts[1].count <= 2,
    let d = Decimal(string: String(body), locale: Locale(identifier: "en_US_POSIX"))
  else {
    var hint =
      "write plain digits with an optional decimal point and at most two decimals, e.g. 6284800 or 6284800.50"
    if t.contains(",") { hint += " (no thousands separators or decimal commas)" }
    return .failure(
      InputIssue(path: option, expected: "an amount in euros", found: "\"\(text)\"", hint: hint))
  }
  if negative && !allowNegative {
    return .failure(
      InputIssue(
        path: option, expected: "a positive amount in euros", found: "\"\(text)\"",
        hint: "a budget or spending cannot be negative"))
  }
  return .success(Money(negative ? -d : d))
}

/// Writes text to standard output.
func emit(_ text: String) {
  FileHandle.standardOutput.write(Data(text.utf8))
}

/// Files that a `buig serve` request carries in its body (an inline scenario, named
/// `request`), which `readFile(_:command:maximumBytes:)` returns instead of reading the disk
/// while a command runs for that request. Bound per task and thread (`withValue`), so that
/// requests served at once never see each other's files; empty outside a request.
enum InlineFiles {
  /// The name → bytes of the current request's files.
  @TaskLocal static var files: [String: [UInt8]] = [:]
}
