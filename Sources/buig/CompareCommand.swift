import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig compare`: two scenarios on common random numbers.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare two packages: which is cheaper over the horizon, all in, and how sure that is.",
    discussion: """
      For each year and for the horizon: the net burden, the interventions' cost and their \
      total (what the municipality pays, all in), for base, variant and variant - base. Both \
      scenarios run with the same seed (--seed, or the base's), so path i of each shares the \
      economy and every uncertain input they have in common: the difference has far less noise \
      than two independent runs, and the output shows both standard errors. --paths 0 compares \
      the expected values only.

      --set changes both scenarios alike (each edit is made to both files, and its path must \
      hold in both): the two packages under the same changed circumstances.
      """)

  @Argument(help: ArgumentHelp("The base scenario.", valueName: "BASE"))
  var base: String

  @Argument(help: ArgumentHelp("The variant scenario.", valueName: "VARIANT"))
  var variant: String

  @OptionGroup var out: OutputOptions

  @OptionGroup var monteCarlo: MonteCarloArguments

  @OptionGroup var rules: RuleOptions

  @OptionGroup var setOptions: SetOptions

  func run() throws {
    try out.checkWritable(command: "compare")
    let edits = try setOptions.edits(command: "compare")
    let table = try rules.table(command: "compare")
    var a = try loadScenario(base, command: "compare", rules: table, edits: edits)
    var b = try loadScenario(variant, command: "compare", rules: table, edits: edits)
    let seed = monteCarlo.seed ?? a.scenario.seed
    a.scenario.seed = seed
    b.scenario.seed = seed
    guard a.scenario.input.years == b.scenario.input.years else {
      throw InputFailure(
        command: "compare",
        [Comparison.Problem.horizons(a.scenario.input.years, b.scenario.input.years).description])
    }
    func engine(_ l: LoadedScenario) throws -> MonteCarlo {
      try makeEngine(
        l.scenario, projection: try l.projection(command: "compare"), seed: seed,
        command: "compare")
    }
    let paths = monteCarlo.paths ?? a.scenario.monteCarlo.paths
    try monteCarlo.checkUsed(paths: paths, command: "compare")
    if paths == 1 {
      throw ValidationError(
        "--paths: expected 0 (expected values only) or at least 2 to compare distributions, found 1"
      )
    }
    if paths > 0 {
      // Both packages' paths are held at once.
      try checkMemory(
        paths: paths,
        series: SeriesLayout(a.scenario.input).count + SeriesLayout(b.scenario.input).count,
        source: monteCarlo.paths == nil ? .scenario(a.origin) : .option("--paths"),
        limit: monteCarlo.memory, canShard: false, command: "compare")
    }
    let ea = try engine(a)
    let eb = try engine(b)
    let options = monteCarlo.options(paths: paths)
    let c: Comparison
    if paths == 0 {
      c = Comparison(base: ea.projection, variant: eb.projection)
    } else {
      let bar = ProgressBar(total: 2 * paths, quiet: monteCarlo.quiet)
      do {
        c = try Comparison(base: ea, variant: eb, options: options) { bar.update($0) }
      } catch {
        bar.finish()
        throw InputFailure(command: "compare", [error.description])
      }
      bar.finish()
    }
    let ia = RunIdentity(scenario: a.scenario, origin: a.origin)
    let ib = RunIdentity(scenario: b.scenario, origin: b.origin)
    let text: String
    switch out.format {
    case .xlsx:
      try writeWorkbook(
        try ComparisonWorkbook.xlsx(
          c, base: ia, variant: ib, seed: seed, kernel: paths > 0 ? options.kernel : nil,
          blasCore: paths > 0 ? BLASInfo.coreName : nil), out, command: "compare")
      return
    case .json:
      text = JSONWriter.write(
        ComparisonRender.json(
          c, base: ia, variant: ib, seed: seed, kernel: paths > 0 ? options.kernel : nil,
          blasCore: paths > 0 ? BLASInfo.coreName : nil))
    case .csv:
      text = ComparisonRender.csv(c, base: ia, variant: ib, dialect: out.dialect)
    case .table:
      text = ComparisonRender.table(c, base: ia, variant: ib, seed: seed)
    }
    try write(text, to: out.output, command: "compare")
  }
}
