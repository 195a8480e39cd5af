import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig reserve`: the required reserve (weerstandsvermogen) of a scenario.
struct ReserveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reserve",
    abstract:
      "The required reserve: the net burden not exceeded with 75, 80, 90, 95 and 99% certainty.",
    discussion: """
      Per year and for the horizon's cumulative net burden, with 95% intervals, as the risk \
      paragraph (weerstandsvermogen) of a budget states it. The figures are those of buig run \
      with the same paths and seed (its years[].netBurden and horizon.netBurden quantiles).
      """)

  @Argument(
    help: ArgumentHelp(
      "A scenario file (JSON); the embedded default without it.", valueName: "FILE"))
  var file: String?

  @OptionGroup var out: OutputOptions

  @OptionGroup var monteCarlo: MonteCarloArguments

  @OptionGroup var reserveOption: ReserveOption

  @OptionGroup var rules: RuleOptions

  @OptionGroup var setOptions: SetOptions

  func run() throws {
    try out.checkWritable(command: "reserve")
    let loaded = try loadScenario(
      file, command: "reserve", rules: rules, set: setOptions, seed: monteCarlo.seed)
    let scenario = loaded.scenario
    let projection = try loaded.projection(command: "reserve")
    let paths = monteCarlo.paths ?? scenario.monteCarlo.paths
    guard paths >= 2 else {
      throw InputFailure(
        command: "reserve",
        [
          "--paths: expected at least 2 Monte Carlo paths (a reserve is read from their distribution), found \(paths)"
        ])
    }
    try checkMemory(
      paths: paths, series: SeriesLayout(scenario.input).count,
      source: monteCarlo.paths == nil ? .scenario(loaded.origin) : .option("--paths"),
      limit: monteCarlo.memory, canShard: false, command: "reserve")
    let info = try simulate(
      scenario, projection, monteCarlo.options(paths: paths), quiet: monteCarlo.quiet,
      discountRate: scenario.rules.discountRate?.rate ?? 0,
      reserve: reserveOption.reserve(scenario), command: "reserve")
    let identity = RunIdentity(scenario: scenario, origin: loaded.origin)
    let text: String
    switch out.format {
    case .xlsx:
      try writeWorkbook(
        try ReserveWorkbook.xlsx(projection, identity: identity, mc: info), out,
        command: "reserve")
      return
    case .table: text = ReserveRender.table(projection, identity: identity, mc: info)
    case .json:
      text = JSONWriter.write(ReserveRender.json(projection, identity: identity, mc: info))
    case .csv:
      text = ReserveRender.csv(projection, identity: identity, mc: info, dialect: out.dialect)
    }
    try write(text, to: out.output, command: "reserve")
  }
}
