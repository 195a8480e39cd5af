import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// Reads `--quantity`: a yearly quantity's name or `total`.
func parseSensitivityQuantity(_ text: String) throws -> Quantity {
  guard let q = Quantity(rawValue: text), Quantity.analysable.contains(q) else {
    throw ValidationError(
      "expected one of \(Quantity.analysable.map(\.rawValue).joined(separator: ", "))"
    )
  }
  return q
}

/// `buig sensitivity`: which uncertain inputs move a quantity, by a tornado and Sobol indices.
struct SensitivityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract:
      "Rank the uncertain inputs by their effect on one quantity: a tornado and Sobol indices.",
    discussion: """
      The tornado sets each uncertain input (and the economy, as one input) at its P10 and its \
      P90 with all others at their medians, one path each. The Sobol first-order and total \
      indices come from Saltelli's design with Jansen's estimators: N rows (--paths) of two \
      independent draws A and B, and per input A with that input from B, so N x (inputs + 2) \
      paths on the engine; each index has a 95% bootstrap interval (--resamples). An index \
      whose interval is wider than 0.1 has not converged; the output says how many paths \
      would do. --paths 0 gives the tornado only. Same scenario and seed give the same bytes, \
      whatever --threads.
      """)

  @Argument(help: ArgumentHelp("A scenario file (JSON).", valueName: "FILE"))
  var file: String

  @OptionGroup var setOptions: SetOptions

  @Option(
    help: ArgumentHelp(
      "The quantity: \(Quantity.analysable.map(\.rawValue).joined(separator: ", ")) (total = netBurden + interventionCost).",
      valueName: "QUANTITY"),
    transform: parseSensitivityQuantity)
  var quantity: Quantity = .netBurden

  @Option(help: "The year (default: the horizon's first forecast year, after any realised ones).")
  var year: Int?

  @Flag(help: "The sum over all years of the horizon instead of one year.")
  var horizon = false

  @Option(
    help:
      "Rows N of the Sobol design, at least 2; N x (inputs + 2) paths run (default: the scenario's monteCarlo.paths; 0: the tornado only)."
  )
  var paths: Int?

  @Option(
    help:
      "Bootstrap resamples for the intervals of the Sobol indices (at least 100; default \(Sobol.defaultResamples))."
  )
  var resamples: Int?

  @OptionGroup var seedOption: SeedOption

  @OptionGroup var threadsOption: ThreadsOption

  @OptionGroup var out: TableOrJSONOutput

  @Flag(help: "No progress bar.")
  var quiet = false

  @OptionGroup var memory: MemoryLimitOption

  @OptionGroup var rules: RuleOptions

  func validate() throws {
    if year != nil && horizon {
      throw ValidationError("--year and --horizon cannot be combined: choose one year or the sum")
    }
    if let paths, paths < 0 || paths == 1 {
      throw ValidationError(
        "--paths must be 0 (the tornado only) or at least 2 (rows of the Sobol design); found \(paths)"
      )
    }
    if let resamples, resamples < 100 {
      throw ValidationError("--resamples must be at least 100; found \(resamples)")
    }
    if paths == 0 && (resamples != nil || seedOption.seed != nil || memory.memoryLimit != nil) {
      throw ValidationError(
        "--resamples, --seed and --memory-limit steer the Sobol indices; found --paths 0 (the tornado only)"
      )
    }
  }

  func run() throws {
    if let output = out.output, output != "-" { try checkWritable(output, command: "sensitivity") }
    let loaded = try loadScenario(
      file, command: "sensitivity", rules: rules, set: setOptions, seed: seedOption.seed)
    let scenario = loaded.scenario
    let years = scenario.input.years
    let period: SensitivityPeriod
    if horizon {
      period = .horizon
    } else {
      let y = year ?? years.first { !scenario.input.isRealised($0) } ?? years[0]
      guard years.contains(y) else {
        throw ValidationError(
          "--year \(y) is outside the scenario's horizon \(years.first!)-\(years.last!)")
      }
      period = .year(y)
    }
    let projection = try loaded.projection(command: "sensitivity")
    let mc = try makeEngine(
      scenario, projection: projection, seed: scenario.seed, command: "sensitivity")
    guard !mc.sensitivityInputs.isEmpty else {
      throw InputFailure(
        command: "sensitivity", ["\(loaded.origin): \(SensitivityError.noInputs.description)"])
    }
    let notes = warnings(of: mc, scenario)
    for w in notes {
      FileHandle.standardError.write(Data("buig sensitivity: warning: \(w)\n".utf8))
    }
    let rows = paths ?? scenario.monteCarlo.paths
    if rows >= 2 {
      // a, b and one column per input of the Saltelli design per row, with two more for the
      // bootstrap's resampled copies.
      try checkMemory(
        paths: rows, series: mc.sensitivityInputs.count + 4,
        source: paths == nil ? .scenario(loaded.origin) : .option("--paths"), limit: memory,
        canShard: false, command: "sensitivity")
    }
    let options = MonteCarloOptions(paths: rows, threads: threadsOption.count)
    let groups = mc.sensitivityInputs.count
    let bar = ProgressBar(
      total: 2 * groups + 1 + (rows >= 2 ? rows * (groups + 2) : 0), quiet: quiet)
    let analysis: SensitivityAnalysis
    do {
      analysis = try mc.sensitivity(
        quantity: quantity, period: period, rows: rows,
        resamples: resamples ?? Sobol.defaultResamples, options: options
      ) { bar.update($0) }
    } catch {
      bar.finish()
      throw InputFailure(command: "sensitivity", [error.description])
    }
    bar.finish()
    let context = SensitivityContext(
      identity: RunIdentity(scenario: scenario, origin: loaded.origin), years: years,
      rulesOverridden: scenario.overriddenYears, kernel: options.kernel,
      blasCore: BLASInfo.coreName, warnings: notes)
    let text =
      switch out.format {
      case .table: SensitivityRender.table(analysis, context: context)
      case .json: JSONWriter.write(SensitivityRender.json(analysis, context: context))
      }
    try write(text, to: out.output, command: "sensitivity")
  }
}
