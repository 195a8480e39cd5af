import BuigCore

/// The drawn inputs of a tile of paths, flat: a buffer reused from tile to tile (no allocation
/// per path).
struct TileDraws {
  /// Uncertain inputs per path.
  let inputs: Int
  /// Years of the horizon.
  let years: Int
  /// `values[p · inputs + i]`: path p's value of uncertain input i, in the scenario's order
  /// (while drawing: its uniform, or its correlated standard normal).
  var values: [Double]
  /// `economy[p · years + y]`: path p's conjunctuur index c_y.
  var economy: [Double]
  /// Scratch for the correlated normals.
  var correlated: [Double]

  /// A buffer for `paths` paths.
  init(paths: Int, inputs: Int, years: Int, correlated: Int) {
    self.inputs = inputs
    self.years = years
    values = Array(repeating: 0, count: paths * inputs)
    economy = Array(repeating: 0, count: paths * years)
    self.correlated = Array(repeating: 0, count: correlated)
  }

  /// Calls `body` with a view of path p's draws.
  func withPath<R>(_ p: Int, _ body: (PathDraws) -> R) -> R {
    values.withUnsafeBufferPointer { v in
      economy.withUnsafeBufferPointer { e in
        body(PathDraws(values: v.baseAddress! + p * inputs, economy: e.baseAddress! + p * years))
      }
    }
  }
}

/// One path's drawn inputs: a view into a `TileDraws`, valid while it is borrowed.
struct PathDraws {
  /// The value of each uncertain input.
  let values: UnsafePointer<Double>
  /// The conjunctuur index per year.
  let economy: UnsafePointer<Double>

  /// The value of uncertain input `index`, or `fallback` when the input is not uncertain.
  @inline(__always)
  func value(_ index: Int?, or fallback: Double) -> Double {
    guard let index else { return fallback }
    return values[index]
  }
}

/// Where a path's draws come from: fills row p of a tile with path `path`'s input values (in
/// the scenario's order, clamped to their ranges) and its conjunctuur index c_y per year. The
/// sampler is the source of every run; the sensitivity designs (`Sensitivity.swift`) are the
/// others. A source must give the same row for the same path whatever the tile, the worker or
/// the order, so that results do not depend on the thread count.
protocol PathDrawing: Sendable {
  /// Fills row p of `tile` with path `path`'s draws.
  func draw(path: Int, into tile: inout TileDraws, at p: Int)
  /// The key of path `path`'s count-noise stream (`CountNoise`): the path itself, unless a
  /// design wants rows to share their chance.
  func noisePath(_ path: Int) -> Int
}

extension PathDrawing {
  /// Every path its own count noise.
  func noisePath(_ path: Int) -> Int { path }
}

/// Draws a path's uncertain inputs and economy from its own streams (keyed by seed, path and
/// purpose, so a path's numbers do not depend on the batch, the thread or the order):
///
/// - uncertain input i: x_i = F_i⁻¹(u_i) clamped to the target's range, with u_i its uniform
///   number kept within [10⁻¹⁶, 1 − 10⁻¹⁶]; for the inputs of the correlation (a Gaussian
///   copula), z = L·(Φ⁻¹(u_1), …) with L the Cholesky factor and x_i = F_i⁻¹(Φ(z_i))
///   (`Distribution.quantile(normal:)`);
/// - the economy: c_y = φ·c_{y−1} + σ·ε_y, c_{−1} = 0 (an AR(1) conjunctuur index), from the
///   first forecast year on; c_y = 0 in a realised year (its accounts are facts).
final class InputSampler: PathDrawing {
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
  /// The distribution of each uncertain input.
  let distributions: [Distribution]
  /// The correlation, when given.
  let correlation: Correlation?
  /// Indices of the correlated inputs, in the correlation matrix's order.
  let correlated: [Int]
  /// Whether each input is in the correlation.
  let isCorrelated: [Bool]
  /// Years of the horizon.
  let years: Int
  /// Leading realised years of the horizon (no economy is drawn for them).
  let realised: Int

  /// A sampler for a scenario's uncertain inputs and economy; the first `realised` years of
  /// the horizon are realised.
  init(spec: MonteCarloSpec, correlation: Correlation?, seed: UInt64, years: Int, realised: Int = 0)
  {
    self.realised = realised
    inputs = spec.uncertain
    economy = spec.economy
    streams = RandomStreams(seed: seed)
    slots = spec.uncertain.map { RandomStreams.slot(for: $0.target.description) }
    ranges = spec.uncertain.map { $0.target.range }
    distributions = spec.uncertain.map(\.distribution)
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

  /// A buffer for the draws of `paths` paths.
  func buffer(paths: Int) -> TileDraws {
    TileDraws(paths: paths, inputs: inputs.count, years: years, correlated: correlated.count)
  }

  /// Draws path `path` into row p of `tile`.
  ///
  /// - Complexity: O(k + m² + Y) for k inputs, m correlated ones and Y years; no allocation.
  func draw(path: Int, into tile: inout TileDraws, at p: Int) {
    let k = inputs.count
    tile.values.withUnsafeMutableBufferPointer { v in
      tile.economy.withUnsafeMutableBufferPointer { e in
        tile.correlated.withUnsafeMutableBufferPointer { c in
          draw(
            path: path, values: v.baseAddress! + p * k, economy: e.baseAddress! + p * years,
            scratch: c.baseAddress)
        }
      }
    }
  }

  /// Draws path `path` into `values` (k inputs) and `economy` (Y years).
  func draw(
    path: Int, values: UnsafeMutablePointer<Double>, economy out: UnsafeMutablePointer<Double>,
    scratch: UnsafeMutablePointer<Double>?
  ) {
    let k = inputs.count
    // Uniforms; the correlated inputs' as standard normals, then correlated.
    for i in 0..<k {
      let u = streams.uniform(path: path, purpose: .parameter, slot: slots[i])
      values[i] = isCorrelated[i] ? SpecialFunctions.normalQuantile(u) : u
    }
    if let correlation, let scratch {
      let m = correlated.count
      for r in 0..<m {
        var s = 0.0
        for c in 0...r { s += correlation.factor[r * m + c] * values[correlated[c]] }
        scratch[r] = s
      }
      for r in 0..<m { values[correlated[r]] = scratch[r] }
    }
    for i in 0..<k {
      let x =
        isCorrelated[i]
        ? distributions[i].quantile(normal: values[i])
        : distributions[i].quantile(min(max(values[i], 1e-16), 1 - 1e-16))
      values[i] = min(max(x, ranges[i].lowerBound), ranges[i].upperBound)
    }
    var previous = 0.0
    for y in 0..<min(realised, years) { out[y] = 0 }
    for y in min(realised, years)..<years {
      let shock =
        economy.innovationSD == 0
        ? 0
        : economy.innovationSD
          * streams.normal(path: path, purpose: .economy, slot: 0, index: UInt32(y))
      previous = economy.persistence * previous + shock
      out[y] = previous
    }
  }
}
