import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig switching`: the value of an intervention's parameter at which its net after the
/// vangnet over the horizon is zero.
struct SwitchingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "switching",
    abstract:
      "The switching value: where an intervention's net after the vangnet over the horizon is zero.",
    discussion: """
      Found by root finding on the expected projection: the value of the parameter at which the \
      intervention's total.netAfterVangnet (effect after the vangnet - cost, over the horizon) \
      is zero, the root nearest to the current value within the parameter's allowed range. For \
      cost and yield (schedule and screening interventions) the value is a multiplier on the \
      stated amounts. With --paths N the same on the Monte Carlo mean (one seed for every value \
      tried), with low and high: the values at which the mean's 95% interval (mean ± 1.96 se) \
      just reaches zero. "None within the allowed range" is an answer, not an error.
      """)

  @Argument(
    help: ArgumentHelp(
      "A scenario file (JSON); the embedded default without it.", valueName: "FILE"))
  var file: String?

  @Option(help: ArgumentHelp("The intervention's id.", valueName: "ID"))
  var intervention: String

  @Option(
    help: ArgumentHelp(
      "The parameter: \(SwitchingParameter.allCases.map(\.rawValue).joined(separator: ", ")) (default: successRate for a mechanistic intervention, yield for a schedule or screening one, cost for a p.m. item).",
      valueName: "PARAMETER"))
  var parameter: String?

  @Option(help: "Monte Carlo paths for the interval; 0: the expected projection only.")
  var paths: Int = 0

  @OptionGroup var seedOption: SeedOption

  @OptionGroup var threadsOption: ThreadsOption

  @Flag(help: "No progress messages.")
  var quiet = false

  @OptionGroup var memory: MemoryLimitOption

  @OptionGroup var out: TableOrJSONOutput

  @OptionGroup var rules: RuleOptions

  @OptionGroup var setOptions: SetOptions

  func validate() throws {
    if paths < 0 || paths == 1 {
      throw ValidationError(
        "--paths: expected 0 (the expected projection only) or at least 2, found \(paths)")
    }
    if paths == 0
      && (seedOption.seed != nil || threadsOption.threads != nil || memory.memoryLimit != nil)
    {
      throw ValidationError(
        "--seed, --threads and --memory-limit steer the Monte Carlo interval: give --paths N with them"
      )
    }
  }

  func run() throws {
    if let output = out.output, output != "-" { try checkWritable(output, command: "switching") }
    let loaded = try loadScenario(
      file, command: "switching", rules: rules, set: setOptions, seed: seedOption.seed)
    let s = loaded.scenario
    let ids = s.input.interventions.map(\.id)
    guard let index = ids.firstIndex(of: intervention) else {
      throw InputFailure(
        command: "switching",
        [
          "--intervention: expected one of the scenario's interventions (\(ids.joined(separator: ", "))), found \"\(intervention)\""
        ])
    }
    let item = s.input.interventions[index]
    let allowed = item.switchingParameters
    var chosen: SwitchingParameter?
    if let parameter {
      guard let known = SwitchingParameter(rawValue: parameter) else {
        throw InputFailure(
          command: "switching",
          [
            "--parameter: expected one of \(SwitchingParameter.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(parameter)\""
          ])
      }
      chosen = known
    }
    let p = chosen ?? allowed.first { [.successRate, .yield].contains($0) } ?? allowed[0]
    guard let current = item.current(p) else {
      throw InputFailure(
        command: "switching",
        [
          "--parameter: expected one that applies to \(intervention), a \(item.kind.name) intervention\(item.isPM ? " with a p.m. yield" : "") (\(allowed.map(\.rawValue).joined(separator: ", "))), found \(p.rawValue)"
        ])
    }
    let search = Switching(
      input: s.input, rules: s.rules, spec: s.stochastic, seed: s.seed, intervention: index,
      parameter: p)
    let start = current.doubleValue
    let value: Double?
    do {
      value = try search.root(near: start) { try search.expectedNet(at: $0) }
    } catch let e as ProjectionError {
      throw InputFailure(command: "switching", ["\(loaded.origin): \(e.description)"])
    }
    var mc: SwitchingRender.MonteCarlo?
    if paths > 0 {
      try checkMemory(
        paths: paths, series: SeriesLayout(s.input).count, source: .option("--paths"),
        limit: memory, canShard: false, command: "switching")
      let options = MonteCarloOptions(paths: paths, threads: threadsOption.count)
      func note(_ text: String) {
        if !quiet { FileHandle.standardError.write(Data("buig switching: \(text)\n".utf8)) }
      }
      do {
        note("the Monte Carlo mean at the current value (\(paths) paths a value)")
        let at = try search.monteCarloNet(at: start, options: options)
        let accuracy = max(0.005, at.se / 1000)
        let width = p.range.upperBound.doubleValue - p.range.lowerBound.doubleValue
        func root(_ shift: Double, near x0: Double) throws -> Double? {
          try RootFinder.root(
            near: x0, in: p.range.lowerBound.doubleValue...p.range.upperBound.doubleValue,
            step: width / 100, tolerance: 1e-10 * width, accuracy: accuracy
          ) { x in
            let r = try search.monteCarloNet(at: x, options: options)
            return r.mean + shift * r.se
          }
        }
        note("searching the switching value on the Monte Carlo mean")
        let centre = try root(0, near: value ?? start)
        note("searching where the mean's 95% interval reaches zero")
        let a = try root(1.96, near: centre ?? value ?? start)
        let b = try root(-1.96, near: centre ?? value ?? start)
        let ends = [a, b].compactMap { $0 }.sorted()
        mc = SwitchingRender.MonteCarlo(
          paths: paths, seed: s.seed, value: centre,
          low: a == nil || b == nil ? nil : ends.first,
          high: a == nil || b == nil ? nil : ends.last,
          currentMean: at.mean, currentSE: at.se, parameterFixed: search.parameterIsUncertain)
      } catch let e as MonteCarloError {
        throw InputFailure(command: "switching", [e.description])
      } catch let e as ProjectionError {
        throw InputFailure(command: "switching", ["\(loaded.origin): \(e.description)"])
      }
    }
    let result = SwitchingRender.Result(
      intervention: intervention, parameter: p, current: current, value: value,
      monteCarlo: mc)
    let identity = RunIdentity(scenario: s, origin: loaded.origin)
    let text =
      out.format == .json
      ? JSONWriter.write(SwitchingRender.json(result, identity: identity))
      : SwitchingRender.table(result, identity: identity)
    try write(text, to: out.output, command: "switching")
  }
}
