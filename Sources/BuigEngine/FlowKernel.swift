import BuigCore
import CBLAS

/// Which implementation steps the caseload states.
public enum KernelKind: String, Sendable, CaseIterable {
  /// One `cblas_dgemm` per tile-month against the shared matrices.
  case blas
  /// Plain Swift loops (the reference the BLAS kernel is tested against).
  case reference
}

/// The per-path inputs of one tile of paths (row p belongs to path `first + p`).
public struct FlowTileInput {
  /// Paths in the tile (T).
  public var paths: Int
  /// Years (Y); the kernel steps 12·Y months.
  public var years: Int
  /// Households at the start, per path (T).
  public var initial: [Double]
  /// Work-exit scalar per path and year (T×Y, row-major): A + s·Δ_work.
  public var workScalar: [Double]
  /// Ladder scalar per path (T).
  public var ladderScalar: [Double]
  /// Inflow per month, per path and year (T×Y).
  public var inflow: [Double]
  /// Scalars of the kernel's extra change matrices per path (T×E, row-major; E =
  /// `Matrices.extraDeltas.count`).
  public var extraScalar: [Double]
  /// The key of each path's count-noise stream (T): its absolute path index, or a design's
  /// choice (`CountNoise`).
  public var noisePath: [Int]

  /// An input for `paths` paths and `years` years (and `extras` extra change matrices), all
  /// zero.
  public init(paths: Int, years: Int, extras: Int = 0) {
    self.paths = paths
    self.years = years
    initial = Array(repeating: 0, count: paths)
    workScalar = Array(repeating: 0, count: paths * years)
    ladderScalar = Array(repeating: 0, count: paths)
    inflow = Array(repeating: 0, count: paths * years)
    extraScalar = Array(repeating: 0, count: paths * extras)
    noisePath = Array(0..<paths)
  }
}

/// What the kernel returns per path and year: the annual averages of the on-benefit stock and of
/// the price-weighted stock, and the final stock (for the conservation check).
public struct FlowTileOutput {
  /// Annual average households on benefit (T×Y): the mean of the 12 month-end stocks.
  public var onBenefit: [Double]
  /// Annual average of Σ_s stock_s · priceFactor_s (T×Y).
  public var priced: [Double]
  /// Households in all states (on benefit and exits) at the end, per path (T).
  public var finalTotal: [Double]
  /// The final state vectors (T×S), for tests.
  public var finalStates: [Double]
}

/// Steps the caseload of a tile of paths through all months of the horizon.
///
/// Each month, for the T×S state matrix X of the tile:
/// Y = X·A + diag(s_work)·(X·Δ_work) + diag(s_ladder)·(X·Δ_ladder) + Σ_e diag(s_e)·(X·Δ_e)
/// + σ_m·inflow ⊗ v (σ_m: the calendar month's inflow factor), computed as one product
/// X·[A | Δ_work | Δ_ladder | Δ_e…] (T×(3+E)S; `cblas_dgemm`, 2(3+E)·T·S² flops) and a
/// row-scaled sum: per-path variation enters as per-path scalars on shared matrices. The extra matrices Δ_e (exits for other reasons, returns from
/// work) are in the product only when a scenario draws their scalars. The tile stays in cache
/// for all months before the next tile starts; the buffers are allocated once per kernel, never
/// inside the month loop.
///
/// With count noise (`CountNoise`), each month's moves are drawn as whole households from the
/// same per-path rates instead (`runCounted`).
public final class FlowKernel {
  /// The shared matrices of a chain with any number of states S.
  public struct Matrices: Sendable {
    /// Number of states S.
    public var states: Int
    /// Transition matrix A (row-major S×S).
    public var transition: [Double]
    /// Change of A per unit of the work scalar (S×S, rows sum to 0).
    public var workDelta: [Double]
    /// Change of A per unit of the ladder scalar (S×S, rows sum to 0).
    public var ladderDelta: [Double]
    /// Inflow of one household over the states (S).
    public var inflowShape: [Double]
    /// Initial stock of one household over the states (S).
    public var initialShape: [Double]
    /// 1 for states that count as on benefit (S).
    public var onBenefit: [Double]
    /// Price factor per state (S).
    public var priceFactor: [Double]
    /// Further change matrices (S×S each, rows sum to 0), scaled per path by
    /// `FlowTileInput.extraScalar`.
    public var extraDeltas: [[Double]]
    /// The inflow's factor per calendar month (12, mean 1): month m of a year receives
    /// inflow·seasonality[m].
    public var seasonality: [Double]

    /// Matrices from their parts.
    public init(
      states: Int, transition: [Double], workDelta: [Double], ladderDelta: [Double],
      inflowShape: [Double],
      initialShape: [Double], onBenefit: [Double], priceFactor: [Double],
      extraDeltas: [[Double]] = [], seasonality: [Double] = Array(repeating: 1, count: 12)
    ) {
      self.seasonality = seasonality
      self.states = states
      self.transition = transition
      self.workDelta = workDelta
      self.ladderDelta = ladderDelta
      self.extraDeltas = extraDeltas
      self.inflowShape = inflowShape
      self.initialShape = initialShape
      self.onBenefit = onBenefit
      self.priceFactor = priceFactor
    }

    /// The matrices of the ontwikkelladder flow model, with `extras` of its further change
    /// matrices.
    public init(_ model: FlowModel, extras: [FlowModel.Change] = []) {
      self.init(
        states: FlowModel.stateCount, transition: model.transition, workDelta: model.workDelta,
        ladderDelta: model.ladderDelta, inflowShape: model.inflowShape,
        initialShape: model.initialShape,
        onBenefit: model.onBenefit, priceFactor: model.priceFactor,
        extraDeltas: extras.map(model.delta),
        seasonality: model.parameters.inflowSeasonality)
    }
  }

  /// The matrices.
  public let matrices: Matrices
  /// The implementation.
  public let kind: KernelKind
  /// Rows of the largest tile.
  public let capacity: Int
  /// Draws the moves as counts when set.
  public let noise: CountNoise?
  let s: Int
  /// Number of extra change matrices E.
  let extras: Int
  /// Columns of the combined matrix, (3 + E)·S.
  let width: Int
  /// [A | Δ_work | Δ_ladder | Δ_e…], row-major S×(3+E)S.
  let combined: [Double]
  /// The moves to other states, by state of origin: state i's are moveStart[i] ..<
  /// moveStart[i + 1] (for count noise).
  let moveStart: [Int]
  /// Each move's destination.
  let moveTo: [Int]
  /// Each move's rates in A, Δ_work, Δ_ladder, Δ_e… (3 + E per move, row-major).
  let moveRates: [Double]
  /// [onBenefit | priceFactor], row-major S×2.
  let readout: [Double]
  var x: [Double]
  var w: [Double]
  var acc: [Double]

  /// A kernel for the flow model (with `extras` of its further change matrices) with buffers
  /// for tiles of up to `capacity` paths.
  public convenience init(
    model: FlowModel, kind: KernelKind, capacity: Int, extras: [FlowModel.Change] = [],
    noise: CountNoise? = nil
  ) {
    self.init(
      matrices: Matrices(model, extras: extras), kind: kind, capacity: capacity, noise: noise)
  }

  /// A kernel for any chain with buffers for tiles of up to `capacity` paths.
  public init(matrices m: Matrices, kind: KernelKind, capacity: Int, noise: CountNoise? = nil) {
    matrices = m
    self.kind = kind
    self.capacity = capacity
    self.noise = noise
    let s = m.states
    self.s = s
    let e = m.extraDeltas.count
    extras = e
    let width = (3 + e) * s
    self.width = width
    let blocks = [m.transition, m.workDelta, m.ladderDelta] + m.extraDeltas
    var c = [Double](repeating: 0, count: s * width)
    for i in 0..<s {
      for (b, block) in blocks.enumerated() {
        for j in 0..<s { c[i * width + b * s + j] = block[i * s + j] }
      }
    }
    combined = c
    var start = [0]
    var to: [Int] = []
    var rates: [Double] = []
    for i in 0..<s {
      for j in 0..<s where j != i {
        let r = blocks.map { $0[i * s + j] }
        if r.contains(where: { $0 != 0 }) {
          to.append(j)
          rates += r
        }
      }
      start.append(to.count)
    }
    moveStart = start
    moveTo = to
    moveRates = rates
    var r = [Double](repeating: 0, count: s * 2)
    for i in 0..<s {
      r[i * 2] = m.onBenefit[i]
      r[i * 2 + 1] = m.priceFactor[i]
    }
    readout = r
    x = Array(repeating: 0, count: capacity * s)
    w = Array(repeating: 0, count: capacity * width)
    acc = Array(repeating: 0, count: capacity * s)
  }

  /// Runs a tile.
  ///
  /// - Complexity: O(T·S²·12·Y).
  public func run(_ input: FlowTileInput) -> FlowTileOutput {
    if let noise { return runCounted(input, noise: noise) }
    let t = input.paths
    precondition(t <= capacity, "tile larger than the kernel's capacity")
    let s = self.s
    let width = self.width
    let extras = self.extras
    let years = input.years
    var out = FlowTileOutput(
      onBenefit: Array(repeating: 0, count: t * years),
      priced: Array(repeating: 0, count: t * years),
      finalTotal: Array(repeating: 0, count: t), finalStates: [])
    let shape = matrices.inflowShape
    let initialShape = matrices.initialShape
    x.withUnsafeMutableBufferPointer { xp in
      w.withUnsafeMutableBufferPointer { wp in
        acc.withUnsafeMutableBufferPointer { ap in
          combined.withUnsafeBufferPointer { cp in
            shape.withUnsafeBufferPointer { vpb in
              let vp = vpb.baseAddress!
              for p in 0..<t {
                for j in 0..<s { xp[p * s + j] = input.initial[p] * initialShape[j] }
              }
              for y in 0..<years {
                for k in 0..<(t * s) { ap[k] = 0 }
                for month in 0..<12 {
                  let season = matrices.seasonality[month]
                  switch kind {
                  case .blas:
                    cblas_dgemm(
                      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(width), Int32(s),
                      1,
                      xp.baseAddress,
                      Int32(s), cp.baseAddress, Int32(width), 0, wp.baseAddress, Int32(width))
                  case .reference:
                    Self.referenceProduct(
                      xp.baseAddress!, cp.baseAddress!, wp.baseAddress!, rows: t, s: s,
                      width: width)
                  }
                  // Y = W_A + s_work·W_Δw + s_ladder·W_Δl + inflow·v, row by row, on raw
                  // pointers so that the loop vectorizes; the stocks add up for the year.
                  for p in 0..<t {
                    let sw = input.workScalar[p * years + y]
                    let sl = input.ladderScalar[p]
                    let f = input.inflow[p * years + y] * season
                    let w0 = wp.baseAddress! + p * width
                    let w1 = w0 + s
                    let w2 = w1 + s
                    let xr = xp.baseAddress! + p * s
                    let ar = ap.baseAddress! + p * s
                    if extras == 0 {
                      for j in 0..<s {
                        let v = w0[j] + sw * w1[j] + sl * w2[j] + f * vp[j]
                        xr[j] = v
                        ar[j] += v
                      }
                    } else {
                      for j in 0..<s { xr[j] = w0[j] + sw * w1[j] + sl * w2[j] + f * vp[j] }
                      for e in 0..<extras {
                        let se = input.extraScalar[p * extras + e]
                        let we = w0 + (3 + e) * s
                        for j in 0..<s { xr[j] += se * we[j] }
                      }
                      for j in 0..<s { ar[j] += xr[j] }
                    }
                  }
                }
                // Annual averages: (Σ months of the stocks)·[onBenefit | price] / 12.
                for p in 0..<t {
                  var ob = 0.0
                  var pr = 0.0
                  for j in 0..<s {
                    ob += ap[p * s + j] * readout[j * 2]
                    pr += ap[p * s + j] * readout[j * 2 + 1]
                  }
                  out.onBenefit[p * years + y] = ob / 12
                  out.priced[p * years + y] = pr / 12
                }
              }
              for p in 0..<t {
                var total = 0.0
                for j in 0..<s { total += xp[p * s + j] }
                out.finalTotal[p] = total
              }
            }
          }
        }
      }
    }
    out.finalStates = Array(x[0..<(t * s)])
    return out
  }

  /// W = X·C for X (rows×S) and C (S×width), plain loops in i-k-j order.
  static func referenceProduct(
    _ x: UnsafeMutablePointer<Double>, _ c: UnsafePointer<Double>,
    _ w: UnsafeMutablePointer<Double>, rows: Int, s: Int, width n: Int
  ) {
    for i in 0..<rows {
      let wi = w + i * n
      for j in 0..<n { wi[j] = 0 }
      for k in 0..<s {
        let a = x[i * s + k]
        if a == 0 { continue }
        let ck = c + k * n
        for j in 0..<n { wi[j] += a * ck[j] }
      }
    }
  }
}

/// The expected chain: no shocks, the scenario's caseload reached in every year.
public struct FlowCalibration: Sendable {
  /// Monthly inflow per year such that the expected annual average on benefit equals the
  /// scenario's caseload (households per month; may be negative when the caseload falls faster
  /// than the model's exits allow, which `warnings` then says).
  public let inflow: [Double]
  /// The expected annual averages on benefit (households), equal to the scenario's caseload.
  public let onBenefit: [Double]
  /// The expected annual averages of the price-weighted stock.
  public let priced: [Double]
  /// Problems met.
  public let warnings: [String]

  /// Calibrates the inflow year by year. The annual average is linear in a year's inflow f:
  /// avg(f) = avg(0) + f·(avg(1) − avg(0)), so one pair of runs gives f exactly. The chain
  /// starts with `initial` households (default: the first year's caseload); after realised
  /// years, the last realised caseload.
  public init(model: FlowModel, caseload: [Double], years: [Int], initial: Double? = nil) {
    let start = initial ?? caseload.first ?? 0
    let kernel = FlowKernel(model: model, kind: .reference, capacity: 1)
    var inflows: [Double] = []
    var warnings: [String] = []
    for y in 0..<caseload.count {
      func average(_ f: Double) -> Double {
        var input = FlowTileInput(paths: 1, years: y + 1)
        input.initial = [start]
        input.inflow = inflows + [f]
        return kernel.run(input).onBenefit[y]
      }
      let a0 = average(0)
      let slope = average(1) - a0
      let f = (caseload[y] - a0) / slope
      if f < 0 {
        warnings.append(
          "the caseload of \(years[y]) falls faster than the flow model's exits allow: the model needs a net outflow of \(Int((-f).rounded())) households a month beside its exits"
        )
      }
      inflows.append(f)
    }
    var input = FlowTileInput(paths: 1, years: caseload.count)
    input.initial = [start]
    input.inflow = inflows
    let out = kernel.run(input)
    inflow = inflows
    onBenefit = out.onBenefit
    priced = out.priced
    self.warnings = warnings
  }
}

/// Expected remaining months on benefit from each state: the absorbing chain's fundamental
/// matrix N = (I − Q)⁻¹ over the transient states (on benefit and recent work, from which
/// people may return), applied to the on-benefit indicator: t = N·1_ob, i.e. the solution of
/// (I − Q)·t = 1_ob (LAPACK `dgesv`). This is what one extra exit from a state saves.
public enum ExpectedDurations {
  /// Months on benefit still to come, per transient state (on-benefit states first, then the
  /// two recent-work states).
  public static func months(_ model: FlowModel) throws(LinearAlgebra.Failure) -> [Double] {
    let n = FlowModel.workPartRecent + 1
    let s = FlowModel.stateCount
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { a[i * n + j] = (i == j ? 1 : 0) - model.transition[i * s + j] }
    }
    let b = (0..<n).map { model.onBenefit[$0] }
    return try LinearAlgebra.solve(a, n: n, b, columns: 1)
  }

  /// The same by plain iteration (`FlowModel.expectedMonthsOnBenefit`), the reference for
  /// tests.
  public static func monthsByIteration(_ model: FlowModel) -> [Double] {
    model.expectedMonthsOnBenefit()
  }
}
