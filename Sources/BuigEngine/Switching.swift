import BuigCore
import Foundation

/// The switching value of an intervention's parameter: the value at which its net after the
/// vangnet over the horizon is zero, on the expected projection and, with paths, on the
/// Monte Carlo mean (the same seed for every value tried, so that the mean is a smooth function
/// of the parameter).
public struct Switching: Sendable {
  /// The scenario's input, rules, Monte Carlo specification and seed.
  let input: ProjectionInput
  let rules: RuleTable
  let spec: MonteCarloSpec
  let seed: UInt64
  /// The intervention's index in the scenario.
  public let intervention: Int
  /// The parameter sought.
  public let parameter: SwitchingParameter

  /// A search for intervention `intervention`'s switching value of `parameter`.
  public init(
    input: ProjectionInput, rules: RuleTable, spec: MonteCarloSpec, seed: UInt64,
    intervention: Int, parameter: SwitchingParameter
  ) {
    self.input = input
    self.rules = rules
    self.spec = spec
    self.seed = seed
    self.intervention = intervention
    self.parameter = parameter
  }

  /// Whether the parameter is an uncertain input of the scenario (its draws are then replaced
  /// by the value tried in the Monte Carlo runs).
  public var parameterIsUncertain: Bool {
    guard let t = parameter.target(intervention: input.interventions[intervention].id) else {
      return false
    }
    return spec.uncertain.contains { $0.target == t }
  }

  /// The value as the search uses it and the output states it: 10 decimals, the text read back
  /// exactly (a value given back with `--set` is the one the search tried).
  public static func decimal(_ x: Double) -> Decimal {
    Decimal(string: String(format: "%.10f", x))!
  }

  /// The input with the parameter at `x`.
  func input(at x: Double) -> ProjectionInput {
    var changed = input
    changed.interventions[intervention] = input.interventions[intervention].setting(
      parameter, to: Self.decimal(x))
    return changed
  }

  /// The intervention's net after the vangnet on the expected projection with the parameter at
  /// `x` (EUR).
  public func expectedNet(at x: Double) throws(ProjectionError) -> Double {
    let p = try rules.project(input(at: x))
    return p.worth(intervention: intervention, rate: 0).netAfterVangnet?.doubleValue ?? .nan
  }

  /// The mean and standard error of the intervention's net after the vangnet over `options`'
  /// paths with the parameter at `x` (EUR).
  public func monteCarloNet(at x: Double, options: MonteCarloOptions) throws -> (
    mean: Double, se: Double
  ) {
    let changed = input(at: x)
    let projection = try rules.project(changed)
    var s = spec
    if let t = parameter.target(intervention: input.interventions[intervention].id) {
      s = s.fixing(t)
    }
    let mc = try MonteCarlo(
      input: changed, projection: projection, rules: rules, spec: s, seed: seed)
    let values = try mc.run(options)
    let h = HorizonStatistics(values, fixedCosts: mc.fixedCosts, discountRate: 0, reserve: nil)
    guard let w = h.interventions[intervention] else { return (.nan, .nan) }
    return (w.netAfterVangnet.mean, w.netAfterVangnet.se)
  }

  /// The root of `f` in the parameter's range nearest to `start`, to 10⁻⁹ of the range or a
  /// cent; `nil` when there is none in the range.
  public func root(near start: Double, _ f: (Double) throws -> Double) rethrows -> Double? {
    let r = parameter.range
    let range = r.lowerBound.doubleValue...r.upperBound.doubleValue
    return try RootFinder.root(
      in: range, near: start, tolerance: 1e-10 * (range.upperBound - range.lowerBound),
      accuracy: 0.005, f)
  }
}
