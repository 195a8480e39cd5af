import BuigCore

/// One path's drawn inputs: a value per uncertain input and the economy's index per year.
/// A buffer reused from path to path (no allocation per path).
struct PathDraws {
  /// Per uncertain input, in the scenario's order: the drawn value (or, while drawing, the
  /// correlated standard normal).
  var values: [Double]
  /// The conjunctuur index c_y per year of the horizon.
  var economy: [Double]
  /// Scratch for the correlated normals.
  var correlated: [Double]

  /// A buffer for `inputs` uncertain inputs, `years` years and `correlated` correlated inputs.
  init(inputs: Int, years: Int, correlated: Int) {
    values = Array(repeating: 0, count: inputs)
    economy = Array(repeating: 0, count: years)
    self.correlated = Array(repeating: 0, count: correlated)
  }

  /// The value of uncertain input `index`, or `fallback` when the input is not uncertain.
  @inline(__always)
  func value(_ index: Int?, or fallback: Double) -> Double {
    guard let index else { return fallback }
    return values[index]
  }
}

/// Draws a path's uncertain inputs and economy from its own streams (keyed by seed, path and
/// purpose, so a path's numbers do not depend on the batch, the thread or the order):
///
/// - uncertain input i: x_i = F_i⁻¹(u_i) clamped to the target's range, with u_i its uniform
///   number; for the inputs of the correlation, z = L·(Φ⁻¹(u_1), …) (L the Cholesky factor)
///   and u_i = Φ(z_i) (a Gaussian copula); u is kept within [10⁻¹⁶, 1 − 10⁻¹⁶];
/// - the economy: c_y = φ·c_{y−1} + σ·ε_y, c_{−1} = 0 (an AR(1) conjunctuur index).
final class InputSampler: Sendable {
  /// The uncertain inputs.
  let inputs: [UncertainInput]
  /// The economy.
  let economy: EconomyModel
  /// The streams.
  let streams: RandomStreams
  /// The stream slot of each uncertain input (from its name).
  let slots: [UInt32]
  /// The allowed range of each uncertain input.
  let ranges: [ClosedRange<Double>]
  /// The correlation, when given.
  let correlation: Correlation?
  /// Indices of the correlated inputs, in the correlation matrix's order.
  let correlated: [Int]
  /// Whether each input is in the correlation.
  let isCorrelated: [Bool]
  /// Years of the horizon.
  let years: Int

  /// A sampler for a scenario's uncertain inputs and economy.
  init(spec: MonteCarloSpec, correlation: Correlation?, seed: UInt64, years: Int) {
    inputs = spec.uncertain
    economy = spec.economy
    streams = RandomStreams(seed: seed)
    slots = spec.uncertain.map { RandomStreams.slot(for: $0.target.description) }
    ranges = spec.uncertain.map { $0.target.range }
    self.correlation = correlation
    let correlated = spec.correlationTargets.compactMap { t in
      spec.uncertain.firstIndex { $0.target == t }
    }
    self.correlated = correlated
    isCorrelated = spec.uncertain.indices.map { correlated.contains($0) }
    self.years = years
  }

  /// The index of an uncertain input, `nil` when the target is not uncertain.
  func index(of target: UncertaintyTarget) -> Int? {
    inputs.firstIndex { $0.target == target }
  }

  /// A buffer for this sampler's draws.
  func buffer() -> PathDraws {
    PathDraws(inputs: inputs.count, years: years, correlated: correlated.count)
  }

  /// Draws path `path` into `d`.
  ///
  /// - Complexity: O(k + m² + Y) for k inputs, m correlated ones and Y years; no allocation.
  func draw(path: Int, into d: inout PathDraws) {
    let k = inputs.count
    // Uniforms; the correlated inputs' as standard normals, then correlated.
    for i in 0..<k {
      let u = streams.uniform(path: path, purpose: .parameter, slot: slots[i])
      d.values[i] = isCorrelated[i] ? SpecialFunctions.normalQuantile(u) : u
    }
    if let correlation {
      let m = correlated.count
      for r in 0..<m {
        var s = 0.0
        for c in 0...r { s += correlation.factor[r * m + c] * d.values[correlated[c]] }
        d.correlated[r] = s
      }
      for r in 0..<m { d.values[correlated[r]] = SpecialFunctions.normalCDF(d.correlated[r]) }
    }
    for i in 0..<k {
      let u = min(max(d.values[i], 1e-16), 1 - 1e-16)
      d.values[i] = min(
        max(inputs[i].distribution.quantile(u), ranges[i].lowerBound), ranges[i].upperBound)
    }
    var previous = 0.0
    for y in 0..<years {
      let shock =
        economy.innovationSD == 0
        ? 0
        : economy.innovationSD
          * streams.normal(path: path, purpose: .economy, slot: 0, index: UInt32(y))
      previous = economy.persistence * previous + shock
      d.economy[y] = previous
    }
  }
}
