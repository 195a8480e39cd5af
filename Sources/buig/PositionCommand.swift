import ArgumentParser
import BuigCore
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig position`: one year's budget position, its vangnet and the causes of its deficit.
struct PositionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "position",
    abstract: "Show a budget position: vangnet, net burden and the causes of the deficit.",
    discussion: """
      Without FILE, the built-in position (Groningen 2018, seed 003) is shown. The file's \
      format (name, year, budget, spending, priorResults, attribution): \
      docs/position-format.md, with a JSON Schema in docs/position.schema.json; the built-in \
      position, Sources/BuigScenario/Resources/groningen-2018-position.json, is an example.
      """)

  @Argument(help: ArgumentHelp("A position file (JSON).", valueName: "FILE"))
  var file: String?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @OptionGroup var rules: RuleOptions

  func run() throws {
    let table = try rules.table(command: "position")
    let position: Position
    do {
      if let file {
        if !FileManager.default.fileExists(atPath: file) && !file.contains("/")
          && !file.contains(".")
        {
          throw ValidationError(
            "'\(file)' is neither a command nor a file; see buig --help."
          )
        }
        position = try Position.decode(
          try readFile(file, command: "position"), origin: file, rules: table)
      } else {
        position = try Position.groningen2018(rules: table)
      }
    } catch let e as InputIssues {
      throw InputFailure(
        command: "position", e.issues.map { (file.map { "\($0): " } ?? "") + $0.description })
    }
    let report: PositionReport
    do {
      report = try position.evaluate(rules: table)
    } catch {
      throw InputFailure(command: "position", [error.description])
    }
    switch format {
    case .json: emit(JSONWriter.write(PositionRender.json(report)))
    case .table: emit(PositionRender.table(report))
    }
  }
}
