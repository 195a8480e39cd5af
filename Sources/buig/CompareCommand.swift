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
      "Compare two scenarios on the same random numbers: the distribution of variant - base per year.",
    discussion: """
      Both scenarios run with the same seed (--seed, or the base's), so path i of each shares the \\
      economy and every uncertain input they have in common: the difference has far less noise \\
      than two independent runs, and the output shows both standard errors.

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

  func validate() throws {
    if out.format == .csv {
      throw ValidationError("buig compare writes table or json; found --format csv")
    }
  }

  func run() throws {
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
      let p: Projection
      do {
        p = try l.scenario.project()
      } catch {
        throw InputFailure(command: "compare", ["\(l.origin): \(error.description)"])
      }
      return try makeEngine(l.scenario, projection: p, seed: seed, command: "compare")
    }
    let ea = try engine(a)
    let eb = try engine(b)
    let paths = monteCarlo.paths ?? a.scenario.monteCarlo.paths
    guard paths > 1 else {
      throw ValidationError("--paths must be at least 2 to compare distributions")
    }
    let options = monteCarlo.options(paths: paths)
    let bar = ProgressBar(total: 2 * paths, quiet: monteCarlo.quiet)
    let c: Comparison
    do {
      c = try Comparison(base: ea, variant: eb, options: options) { bar.update($0) }
    } catch {
      bar.finish()
      throw InputFailure(command: "compare", [error.description])
    }
    bar.finish()
    let ia = RunIdentity(scenario: a.scenario, origin: a.origin)
    let ib = RunIdentity(scenario: b.scenario, origin: b.origin)
    let text: String
    switch out.format {
    case .json:
      text = JSONWriter.write(
        ComparisonRender.json(
          c, base: ia, variant: ib, seed: seed, kernel: options.kernel, blasCore: BLASInfo.coreName)
      )
    case .table, .csv:
      text = ComparisonRender.table(c, base: ia, variant: ib, seed: seed)
    }
    try write(text, to: out.output, command: "compare")
  }
}
