import BuigCore
import Foundation

/// Which years a sensitivity analysis adds up.
public enum SensitivityPeriod: Equatable, Hashable, Sendable {
  /// One year of the horizon.
  case year(Int)
  /// The sum over all years of the horizon.
  case horizon
}

/// One input of a sensitivity analysis: an uncertain input of the scenario, or the economy as
/// one group (all its yearly innovations together).
public struct SensitivityInput: Equatable, Hashable, Sendable {
  /// What the input is.
  public enum Kind: Equatable, Hashable, Sendable {
    /// Uncertain input i of `MonteCarloSpec.uncertain`.
    case uncertain(Int)
    /// The economy: the innovations ε_y of the AR(1) index c_y = φ·c_{y−1} + ε_y.
    case economy
  }

  /// The uncertainty target's name (`workExitRate`, `interventions.ID.yield`), or `economy`.
  public var name: String
  /// What it is.
  public var kind: Kind
  /// Whether it is in the scenario's correlation matrix.
  public var isCorrelated: Bool
}

/// A tornado: each input at its own P10 and P90 with all others at their medians, one path
/// per setting through the same kernel and evaluator as a run.
public struct Tornado: Sendable {
  /// One input's bar.
  public struct Bar: Sendable {
    /// The input.
    public var input: SensitivityInput
    /// The input's P10: F⁻¹(0.1) clamped to the target's range; for the economy, the yearly
    /// innovation σ·Φ⁻¹(0.1).
    public var inputLow: Double
    /// The input's P90, likewise (σ·Φ⁻¹(0.9) for the economy).
    public var inputHigh: Double
    /// The quantity with the input at its P10 (its unit).
    public var low: Double
    /// The quantity with the input at its P90 (its unit).
    public var high: Double
    /// |high − low| (its unit).
    public var swing: Double
  }

  /// The quantity with every input at its median (F⁻¹(0.5); the economy's innovations 0).
  public var atMedians: Double
  /// The bars by swing, largest first (ties in the scenario's order).
  public var bars: [Bar]
}

/// A sensitivity analysis of one quantity: the tornado and, when rows were asked for, the
/// Sobol indices.
public struct SensitivityAnalysis: Sendable {
  /// The quantity.
  public var quantity: Quantity
  /// The year or the horizon.
  public var period: SensitivityPeriod
  /// The inputs, in the scenario's order with the economy last.
  public var inputs: [SensitivityInput]
  /// The tornado.
  public var tornado: Tornado
  /// The Sobol indices (in the order of `inputs`), nil when no rows were asked for.
  public var sobol: Sobol.Result?
  /// Paths evaluated: N·(groups + 2) for the Saltelli design plus 2·groups + 1 for the tornado.
  public var evaluations: Int
  /// Whether the flows drew count noise (`flows.countNoise`).
  public var countNoise = false
}

/// Problems that stop a sensitivity analysis before it runs.
public enum SensitivityError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The scenario has no uncertain inputs and no economic spread.
  case noInputs
  /// The year is not in the horizon.
  case year(Int, horizon: [Int])
  /// Rows N must be 0 (tornado only) or at least 2.
  case rows(Int)
  /// The engine refused the run.
  case engine(MonteCarloError)

  /// A message for people.
  public var description: String {
    switch self {
    case .noInputs:
      "the scenario has no uncertain inputs (uncertainty) and no economic spread (flows.economy.innovationSD is 0): nothing varies, so there is nothing to rank; add uncertainty entries or an economy with innovationSD > 0"
    case .year(let y, let h):
      "year \(y) is outside the scenario's horizon \(h.first ?? 0)-\(h.last ?? 0)"
    case .rows(let n):
      "--paths: expected 0 (tornado only) or at least 2 rows for the Sobol indices, found \(n)"
    case .engine(let e): e.description
    }
  }
}

extension MonteCarlo {
  /// The inputs a sensitivity analysis ranks: the uncertain inputs in the scenario's order,
  /// then `economy` when its innovations have a spread (σ > 0).
  public var sensitivityInputs: [SensitivityInput] {
    var out = spec.uncertain.enumerated().map { i, u in
      SensitivityInput(
        name: u.target.description, kind: .uncertain(i),
        isCorrelated: spec.correlationTargets.contains(u.target))
    }
    if spec.economy.innovationSD > 0 {
      out.append(SensitivityInput(name: "economy", kind: .economy, isCorrelated: false))
    }
    return out
  }

  /// The tornado and (for `rows` N ≥ 2) the Sobol indices of `quantity` in `period`.
  ///
  /// The Saltelli design runs N·(groups + 2) paths on the engine, row r as
  /// path r·(groups + 2) + j: j = 0 is A's row (the sampler's path 2r), j = 1 B's row (the
  /// sampler's path 2r + 1), j = 2 + i the row of A_B^(i) (A's row with input i's value, or all
  /// of the economy's c_y, from B's row). The same seed thus gives the same rows in a larger
  /// design, and common random numbers across scenarios. Paths run in chunks, keeping only the
  /// quantity. The indices' intervals come from `Sobol.analyse` with the engine's seed.
  ///
  /// - Throws: `SensitivityError` for a scenario with no inputs, a year outside the horizon,
  ///   rows of 1 or fewer than 0, or an engine error.
  public func sensitivity(
    quantity: Quantity, period: SensitivityPeriod, rows: Int,
    resamples: Int = Sobol.defaultResamples, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(SensitivityError) -> SensitivityAnalysis {
    let inputs = sensitivityInputs
    guard !inputs.isEmpty else { throw .noInputs }
    if case .year(let y) = period, !years.contains(y) { throw .year(y, horizon: years) }
    guard rows == 0 || rows >= 2 else { throw .rows(rows) }
    let tornado: Tornado
    let sobol: Sobol.Result?
    do throws(MonteCarloError) {
      tornado = try self.tornado(quantity, period, inputs: inputs, options: options)
      progress?(2 * inputs.count + 1)
      if rows >= 2 {
        let (a, b, ab) = try saltelli(
          quantity, period, inputs: inputs, rows: rows, options: options
        ) { progress?(2 * inputs.count + 1 + $0) }
        sobol = Sobol.analyse(
          a: a, b: b, ab: ab, resamples: resamples, seed: seed, threads: options.threads)
      } else {
        sobol = nil
      }
    } catch {
      throw .engine(error)
    }
    return SensitivityAnalysis(
      quantity: quantity, period: period, inputs: inputs, tornado: tornado, sobol: sobol,
      evaluations: 2 * inputs.count + 1 + (rows >= 2 ? rows * (inputs.count + 2) : 0),
      countNoise: noise != nil)
  }

  /// The tornado: row 0 with every input at its median, then per input a row at its P10 and
  /// one at its P90, through `run(_:drawing:)`.
  func tornado(
    _ quantity: Quantity, _ period: SensitivityPeriod, inputs: [SensitivityInput],
    options: MonteCarloOptions
  ) throws(MonteCarloError) -> Tornado {
    let k = spec.uncertain.count
    let ny = years.count
    func value(_ i: Int, _ p: Double) -> Double {
      let r = sampler.ranges[i]
      return min(max(sampler.distributions[i].quantile(p), r.lowerBound), r.upperBound)
    }
    let e = spec.economy
    func economy(_ p: Double) -> [Double] {
      let shock = e.innovationSD * SpecialFunctions.normalQuantile(p)
      var c = 0.0
      return (0..<ny).map { _ in
        c = e.persistence * c + shock
        return c
      }
    }
    let medians = (0..<k).map { value($0, 0.5) }
    let calm = [Double](repeating: 0, count: ny)
    var table = medians
    var economies = calm
    var settings: [(low: Double, high: Double)] = []
    for input in inputs {
      for p in [0.1, 0.9] {
        var row = medians
        var c = calm
        switch input.kind {
        case .uncertain(let i): row[i] = value(i, p)
        case .economy: c = economy(p)
        }
        table += row
        economies += c
      }
      switch input.kind {
      case .uncertain(let i): settings.append((value(i, 0.1), value(i, 0.9)))
      case .economy:
        settings.append(
          (
            e.innovationSD * SpecialFunctions.normalQuantile(0.1),
            e.innovationSD * SpecialFunctions.normalQuantile(0.9)
          ))
      }
    }
    let source = FixedRows(inputs: k, years: ny, values: table, economy: economies)
    var o = options
    o.firstPath = 0
    o.paths = 2 * inputs.count + 1
    let f = values(of: quantity, period, in: try run(o, drawing: source))
    var bars: [Tornado.Bar] = []
    for (g, input) in inputs.enumerated() {
      let low = f[1 + 2 * g]
      let high = f[2 + 2 * g]
      bars.append(
        Tornado.Bar(
          input: input, inputLow: settings[g].low, inputHigh: settings[g].high, low: low,
          high: high, swing: abs(high - low)))
    }
    let order = bars.indices.sorted { x, y in
      bars[x].swing != bars[y].swing ? bars[x].swing > bars[y].swing : x < y
    }
    return Tornado(atMedians: f[0], bars: order.map { bars[$0] })
  }

  /// f(A), f(B) and f(A_B^(i)) of the Saltelli design with N = `rows` rows, run in chunks of
  /// about 2¹⁶ paths (only the quantity is kept); `progress` gets the design's paths done so
  /// far.
  func saltelli(
    _ quantity: Quantity, _ period: SensitivityPeriod, inputs: [SensitivityInput],
    rows n: Int, options: MonteCarloOptions, progress: (@Sendable (Int) -> Void)?
  ) throws(MonteCarloError) -> (a: [Double], b: [Double], ab: [[Double]]) {
    let g = inputs.count
    let width = g + 2
    let design = SaltelliDesign(sampler: sampler, groups: inputs.map(\.kind), width: width)
    var a = [Double](repeating: 0, count: n)
    var b = a
    var ab = [[Double]](repeating: a, count: g)
    // Chunks of 128·width·⌊512/width⌋ paths (about 2¹⁶): whole rows, and a multiple of the
    // tile, so that every tile of the design is as in one unchunked run.
    let chunkRows = MonteCarlo.tile * max(1, 512 / width)
    var first = 0
    while first < n {
      let count = min(chunkRows, n - first)
      var o = options
      o.firstPath = first * width
      o.paths = count * width
      let done = first * width
      let f = values(
        of: quantity, period, in: try run(o, drawing: design) { progress?(done + $0) })
      for r in 0..<count {
        a[first + r] = f[r * width]
        b[first + r] = f[r * width + 1]
        for i in 0..<g { ab[i][first + r] = f[r * width + 2 + i] }
      }
      first += count
    }
    return (a, b, ab)
  }

  /// The quantity of every path of `v`: Σ over the period's years (in order) of Σ over its
  /// parts (in order) of the series' value.
  func values(of quantity: Quantity, _ period: SensitivityPeriod, in v: PathValues)
    -> [Double]
  {
    let offsets: [Int] =
      switch period {
      case .year(let y): [years.firstIndex(of: y)!]
      case .horizon: Array(years.indices)
      }
    var f = [Double](repeating: 0, count: v.count)
    for k in offsets {
      for q in quantity.parts {
        let c = layout.column(q, yearIndex: k)!
        v.storage.withUnsafeBufferPointer { s in
          for p in 0..<v.count { f[p] += s[c * v.count + p] }
        }
      }
    }
    return f
  }
}

/// Rows given in full: path p's input values and c_y are row p of the tables (the tornado's
/// settings).
struct FixedRows: PathDrawing {
  /// Inputs per row.
  let inputs: Int
  /// Years per row.
  let years: Int
  /// `values[p · inputs + i]`.
  let values: [Double]
  /// `economy[p · years + y]`.
  let economy: [Double]

  func draw(path: Int, into tile: inout TileDraws, at p: Int) {
    for i in 0..<inputs { tile.values[p * inputs + i] = values[path * inputs + i] }
    for y in 0..<years { tile.economy[p * years + y] = economy[path * years + y] }
  }

  /// One count-noise stream for every row: a bar of the tornado differs from the centre by its
  /// input alone, not by the chance of its households.
  func noisePath(_ path: Int) -> Int { 0 }
}

/// Saltelli's design over the sampler: path r·width + j is row r of A (j = 0: the sampler's
/// path 2r), of B (j = 1: the sampler's path 2r + 1) or of A_B^(j−2) (A's row with group
/// j − 2 from B's). A and B are independent draws of all inputs (each with the scenario's
/// correlation); a row of A_B^(i) mixes them, so it breaks that correlation between input i and
/// the others.
struct SaltelliDesign: PathDrawing {
  let sampler: InputSampler
  /// The group of each A_B matrix.
  let groups: [SensitivityInput.Kind]
  /// Paths per row: groups + 2.
  let width: Int

  /// A row of A_B^(i) has A's count noise, B's row its own: f(A_B^(i)) − f(A) is the effect of
  /// input i alone, and the count noise acts as an input no matrix switches.
  func noisePath(_ path: Int) -> Int {
    let r = path / width
    return path % width == 1 ? 2 * r + 1 : 2 * r
  }

  func draw(path: Int, into tile: inout TileDraws, at p: Int) {
    let r = path / width
    let j = path % width
    guard j >= 2 else {
      sampler.draw(path: 2 * r + j, into: &tile, at: p)
      return
    }
    sampler.draw(path: 2 * r, into: &tile, at: p)
    let k = sampler.inputs.count
    let ny = sampler.years
    let m = sampler.correlated.count
    withUnsafeTemporaryAllocation(of: Double.self, capacity: k + ny + m + 1) { scratch in
      let base = scratch.baseAddress!
      sampler.draw(
        path: 2 * r + 1, values: base, economy: base + k, scratch: m > 0 ? base + k + ny : nil)
      switch groups[j - 2] {
      case .uncertain(let i): tile.values[p * k + i] = base[i]
      case .economy:
        for y in 0..<ny { tile.economy[p * ny + y] = base[k + y] }
      }
    }
  }
}
