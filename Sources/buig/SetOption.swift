import ArgumentParser
import BuigCore
import BuigJSON
import BuigScenario

/// `--set PATH=VALUE`, for the commands that read a scenario: changes one field of the scenario
/// for this run (repeatable, applied in order).
///
/// A command reads it with `edits(command:)` before any long computation and passes the edits to
/// `loadScenario(_:command:rules:edits:)`, which applies them to the file's JSON document and
/// reads the result as it reads a file. The loaded scenario records them (`Scenario.edits`), and
/// every output built from `RunIdentity` shows them.
struct SetOptions: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Change one field of the scenario for this run: PATH=VALUE, with VALUE in JSON (repeatable, applied in order). Examples: interventions.werkfit.successRate=0.3, 'caseload.byYear[\"2024\"]=2100', 'interventions[0].yields=\"p.m.\"'.",
      valueName: "PATH=VALUE"))
  var set: [String] = []

  /// The edits in the order given; or an input failure (exit 1) with one line for each `--set`
  /// that is not `PATH=VALUE` with a well-formed path and a JSON value.
  func edits(command: String) throws -> [ScenarioEdit] {
    var edits: [ScenarioEdit] = []
    var problems: [String] = []
    for text in set {
      do {
        edits.append(try ScenarioEdit.parse(text))
      } catch {
        problems.append(error.description)
      }
    }
    if !problems.isEmpty { throw InputFailure(command: command, problems) }
    return edits
  }
}

/// The scenario document in `bytes` with `edits` made, written by `JSONWriter`: the bytes a
/// run reads, hashes and stores in a shard's partial result. Without edits, the file's bytes as
/// they are. Fails (exit 1) with the file's syntax error, or with one line per edit whose path
/// does not lead anywhere in the document, each prefixed by `origin`.
func applyEdits(_ edits: [ScenarioEdit], to bytes: [UInt8], origin: String, command: String)
  throws -> [UInt8]
{
  do {
    return try ScenarioEdit.apply(edits, toDocument: bytes, origin: origin)
  } catch {
    throw InputFailure(command: command, located(error, in: origin))
  }
}

/// How problems of a scenario read with edits name it: `FILE with --set`, so that a value that
/// came from the command line is not looked for in the file.
func editedOrigin(_ origin: String, _ edits: [ScenarioEdit]) -> String {
  edits.isEmpty ? origin : "\(origin) with --set"
}

/// A scenario as a command that runs it reads it: the file (or the embedded default) with the
/// `--set` edits made, under the rule options, with `--seed` when given.
func loadScenario(
  _ file: String?, command: String, rules: RuleOptions, set: SetOptions, seed: UInt64?,
  expectSHA256: String? = nil
) throws -> LoadedScenario {
  let edits = try set.edits(command: command)
  let table = try rules.table(command: command)
  var loaded = try loadScenario(
    file, command: command, rules: table, edits: edits, expectSHA256: expectSHA256)
  if let seed { loaded.scenario.seed = seed }
  return loaded
}

extension LoadedScenario {
  /// The scenario's deterministic meerjarenbeeld, or an input failure naming the file.
  func projection(command: String) throws -> Projection {
    do {
      return try scenario.project()
    } catch {
      throw InputFailure(command: command, ["\(origin): \(error.description)"])
    }
  }
}

/// `--format table|json` and `--output PATH`, for the commands that write no CSV.
struct TableOrJSONOutput: ParsableArguments {
  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(
    help: ArgumentHelp(
      "Write the output to this file (atomically) instead of standard output.", valueName: "PATH"))
  var output: String?
}
