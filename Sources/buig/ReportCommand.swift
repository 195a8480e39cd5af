import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

extension ReportLanguage: ExpressibleByArgument {}

/// `buig report`: the council report, one self-contained HTML file.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write the council report: one self-contained HTML file, Dutch by default.",
    discussion: """
      The summary a council member reads in a minute, fan charts of the result, the net burden \
      and the caseload, the vangnet band view, each intervention's cost, yield and effect after \
      the vangnet with its worth, the causes of the deficit, the tornado and Sobol indices of the \
      cumulative net burden (from at most 10,000 rows of the Saltelli design), the switching \
      values, the required reserve, with --compare the two packages side by side, and every \
      input with its source. Inline CSS and SVG: nothing is fetched; it prints on A4 with page \
      numbers. The same scenario, seed and options give the same bytes.
      """)

  @Argument(
    help: ArgumentHelp(
      "A scenario file (JSON); the embedded default without it.", valueName: "FILE"))
  var file: String?

  @Option(help: ArgumentHelp("A second package to compare with.", valueName: "VARIANT"))
  var compare: String?

  @Option(help: "The language: nl or en.")
  var lang: ReportLanguage = .nl

  @Option(
    help: "Monte Carlo paths (default: the scenario's monteCarlo.paths; at least 2).")
  var paths: Int?

  @OptionGroup var seedOption: SeedOption

  @OptionGroup var threadsOption: ThreadsOption

  @OptionGroup var discountOption: DiscountOption

  @Option(
    help: ArgumentHelp(
      "Write the report to this file (atomically) instead of standard output.", valueName: "PATH"))
  var output: String?

  @Flag(help: "No progress bar.")
  var quiet = false

  @OptionGroup var memory: MemoryLimitOption

  @Flag(
    help:
      "Print the wall time of each step (simulate, sensitivity, switching, compare, render, write) on standard error."
  )
  var timings = false

  @OptionGroup var rules: RuleOptions

  @OptionGroup var setOptions: SetOptions

  /// Rows of the Saltelli design at most.
  static let sensitivityRows = 10_000

  func validate() throws {
    if let paths, paths < 2 {
      throw ValidationError(
        "--paths: expected at least 2 (the report reads distributions), found \(paths)")
    }
  }

  func run() throws {
    if let output { try checkWritable(output, command: "report") }
    let loaded = try loadScenario(
      file, command: "report", rules: rules, set: setOptions, seed: seedOption.seed)
    let s = loaded.scenario
    var variant: LoadedScenario?
    if let compare {
      variant = try loadScenario(
        compare, command: "report", rules: rules, set: setOptions, seed: s.seed)
      guard variant!.scenario.input.years == s.input.years else {
        throw InputFailure(
          command: "report",
          [
            "--compare: "
              + Comparison.Problem.horizons(s.input.years, variant!.scenario.input.years)
              .description
          ])
      }
    }
    let discount = try discountOption.discount(s.rules, command: "report")
    let projection = try loaded.projection(command: "report")
    let variantProjection = try variant?.projection(command: "report")
    let n = paths ?? s.monteCarlo.paths
    guard n >= 2 else {
      throw InputFailure(
        command: "report",
        ["--paths: expected at least 2 Monte Carlo paths (the scenario gives \(n)); give --paths N"]
      )
    }
    // The run's paths, and with --compare both packages' paths again, held at once.
    try checkMemory(
      paths: n,
      series: SeriesLayout(s.input).count
        + (variant.map { SeriesLayout(s.input).count + SeriesLayout($0.scenario.input).count }
          ?? 0),
      source: paths == nil ? .scenario(loaded.origin) : .option("--paths"), limit: memory,
      canShard: false, command: "report")
    let options = MonteCarloOptions(paths: n, threads: threadsOption.count)
    var clock = StepClock()
    let info = try simulate(
      s, projection, options, quiet: quiet, discountRate: discount.rate,
      reserve: s.monteCarlo.netBurdenLimit?.doubleValue, command: "report")
    clock.lap("simulate")
    var sensitivity: SensitivityAnalysis?
    if !info.engine.sensitivityInputs.isEmpty {
      do {
        sensitivity = try info.engine.sensitivity(
          quantity: .netBurden, period: .horizon, rows: min(n, Self.sensitivityRows),
          options: options)
      } catch {
        throw InputFailure(command: "report", [error.description])
      }
    }
    clock.lap("sensitivity")
    var switching: [SwitchingRender.Result] = []
    for (i, item) in s.input.interventions.enumerated() where !item.isPM {
      let allowed = item.switchingParameters
      let parameter = allowed.first { [.successRate, .yield].contains($0) } ?? allowed[0]
      let search = Switching(
        input: s.input, rules: s.rules, spec: s.stochastic, seed: s.seed, intervention: i,
        parameter: parameter)
      let current = item.current(parameter) ?? 1
      let value: Double?
      do {
        value = try search.root(near: current.doubleValue) { try search.expectedNet(at: $0) }
      } catch let e as ProjectionError {
        throw InputFailure(command: "report", ["\(loaded.origin): \(e.description)"])
      }
      switching.append(
        SwitchingRender.Result(
          intervention: item.id, parameter: parameter, current: current, value: value,
          monteCarlo: nil))
    }
    clock.lap("switching")
    var comparison: (comparison: Comparison, base: RunIdentity, variant: RunIdentity)?
    if let variant, let variantProjection {
      let engine = try makeEngine(
        variant.scenario, projection: variantProjection, seed: s.seed, command: "report")
      do {
        let c = try Comparison(base: info.engine, variant: engine, options: options)
        comparison = (
          c, RunIdentity(scenario: s, origin: loaded.origin),
          RunIdentity(scenario: variant.scenario, origin: variant.origin)
        )
      } catch {
        throw InputFailure(command: "report", [error.description])
      }
    }
    clock.lap("compare")
    let input = CouncilReportInput(
      scenario: s, projection: projection,
      identity: RunIdentity(scenario: s, origin: loaded.origin), monteCarlo: info,
      discount: discount, sensitivity: sensitivity, switching: switching,
      comparison: comparison)
    let html = CouncilReport.html(input, language: lang)
    clock.lap("render")
    try write(html, to: output, command: "report")
    clock.lap("write")
    if timings {
      FileHandle.standardError.write(
        Data(
          ("buig report: "
            + clock.laps.map { "\($0.0) \(String(format: "%.3f", $0.1)) s" }.joined(
              separator: ", ") + "; \(html.utf8.count) bytes\n").utf8))
    }
  }
}

/// Wall times of the steps of a command.
struct StepClock {
  var last = DispatchTime.now()
  var laps: [(String, Double)] = []

  /// Ends a step: its name and the seconds since the previous one.
  mutating func lap(_ name: String) {
    let now = DispatchTime.now()
    laps.append((name, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9))
    last = now
  }
}
