import BuigCore
import BuigEngine
import Dispatch
import Foundation
import Synchronization

/// A random chain with `s` states: A = ½R₁ + ¼R₂ + ¼R₃ with R row-stochastic and random,
/// Δ_work = ¼(R₄ − R₂) and Δ_ladder = ¼(R₅ − R₃), whose rows sum to 0. For scalars in [0, 1]
/// every A + s_w·Δ_work + s_l·Δ_ladder is row-stochastic with no negative entry, so the stocks
/// stay positive and a relative comparison of results is meaningful.
func randomChain(states s: Int, seed: UInt64) -> FlowKernel.Matrices {
  var g = SplitMix64(seed: seed)
  func stochastic() -> [Double] {
    var m = [Double](repeating: 0, count: s * s)
    for i in 0..<s {
      var sum = 0.0
      for j in 0..<s {
        let u = g.uniform(0, 1)
        m[i * s + j] = u * u
        sum += u * u
      }
      for j in 0..<s { m[i * s + j] /= sum }
    }
    return m
  }
  let r = (0..<5).map { _ in stochastic() }
  let a = (0..<(s * s)).map { 0.5 * r[0][$0] + 0.25 * r[1][$0] + 0.25 * r[2][$0] }
  let dw = (0..<(s * s)).map { 0.25 * (r[3][$0] - r[1][$0]) }
  let dl = (0..<(s * s)).map { 0.25 * (r[4][$0] - r[2][$0]) }
  func shape() -> [Double] {
    let v = (0..<s).map { _ in g.uniform(0, 1) }
    let t = v.reduce(0, +)
    return v.map { $0 / t }
  }
  let onBenefitStates = s - s / 6
  let ob = (0..<s).map { $0 < onBenefitStates ? 1.0 : 0.0 }
  let price = (0..<s).map { $0 < onBenefitStates ? g.uniform(0.5, 1.2) : 0.0 }
  return FlowKernel.Matrices(
    states: s, transition: a, workDelta: dw, ladderDelta: dl, inflowShape: shape(),
    initialShape: shape(), onBenefit: ob, priceFactor: price)
}

/// Paths per kernel call: the engine's tile (128 paths, `MonteCarlo.tile` in the engine). Kept
/// here so that the benchmark depends only on `FlowKernel` and its inputs, not on how the
/// engine's Monte Carlo driver is organised.
let kernelTile = 128

/// A flow-kernel workload: B paths as tiles of `kernelTile`, Y years, fixed random per-path
/// scalars.
final class KernelCase: @unchecked Sendable {
  let label: String
  let matrices: FlowKernel.Matrices
  let paths: Int
  let years: Int
  let tiles: [FlowTileInput]
  let tileSize = kernelTile

  var states: Int { matrices.states }
  var months: Int { 12 * years }
  var pathMonths: Double { Double(paths) * Double(months) }
  /// Flops per path-month: 2·S·3S for the product and 7S for the combine (three multiplies and
  /// three adds per state) and the monthly accumulation (the readout's 4S per path-year, under
  /// 0.1%, is left out).
  var flopsPerPathMonth: Double { Double(6 * states * states + 7 * states) }
  /// Bytes per path that the time-blocked kernel moves to and from memory over the whole
  /// horizon: the inputs (initial stock, ladder scalar, Y work scalars, Y inflows), the outputs
  /// (2Y annual averages, the final total and the S final states). The tile's X, W and
  /// accumulator stay in L2 for all months.
  var memoryBytesPerPath: Double { Double(8 * (4 * years + states + 3)) }

  init(
    label: String, matrices: FlowKernel.Matrices, paths: Int, years: Int, work: ClosedRange<Double>,
    ladder: ClosedRange<Double>, seed: UInt64
  ) {
    self.label = label
    self.matrices = matrices
    self.paths = paths
    self.years = years
    var g = SplitMix64(seed: seed)
    var list: [FlowTileInput] = []
    var start = 0
    while start < paths {
      let t = min(kernelTile, paths - start)
      var input = FlowTileInput(paths: t, years: years)
      for p in 0..<t {
        input.initial[p] = g.uniform(500, 1500)
        input.ladderScalar[p] = g.uniform(ladder.lowerBound, ladder.upperBound)
        for y in 0..<years {
          input.workScalar[p * years + y] = g.uniform(work.lowerBound, work.upperBound)
          input.inflow[p * years + y] = g.uniform(0, 40)
        }
      }
      list.append(input)
      start += t
    }
    tiles = list
  }

  /// The annual averages and final totals of all paths, in path order.
  struct Output {
    var onBenefit: [Double]
    var priced: [Double]
    var finalTotal: [Double]
  }

  /// Runs all tiles through all months with `workers` workers (one BLAS thread each), tiles
  /// handed out in order from a shared counter; returns the wall seconds and, when `collect`,
  /// the results.
  func run(kind: KernelKind, workers: Int, collect: Bool) -> (seconds: Double, output: Output?) {
    BLASInfo.setThreads(1)
    let y = years
    let n = paths
    let ob = UnsafeMutablePointer<Double>.allocate(capacity: n * y)
    let pr = UnsafeMutablePointer<Double>.allocate(capacity: n * y)
    let ft = UnsafeMutablePointer<Double>.allocate(capacity: n)
    defer {
      ob.deallocate()
      pr.deallocate()
      ft.deallocate()
    }
    let sob = SharedPointer(p: ob)
    let spr = SharedPointer(p: pr)
    let sft = SharedPointer(p: ft)
    let next = Atomic<Int>(0)
    let count = tiles.count
    let tileSize = self.tileSize
    let t0 = now()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let kernel = FlowKernel(matrices: self.matrices, kind: kind, capacity: tileSize)
      while true {
        let i = next.add(1, ordering: .relaxed).oldValue
        if i >= count { break }
        let out = kernel.run(self.tiles[i])
        if collect {
          let first = i * tileSize
          let t = self.tiles[i].paths
          out.onBenefit.withUnsafeBufferPointer {
            (sob.p + first * y).update(from: $0.baseAddress!, count: t * y)
          }
          out.priced.withUnsafeBufferPointer {
            (spr.p + first * y).update(from: $0.baseAddress!, count: t * y)
          }
          out.finalTotal.withUnsafeBufferPointer {
            (sft.p + first).update(from: $0.baseAddress!, count: t)
          }
        }
      }
    }
    let seconds = now() - t0
    guard collect else { return (seconds, nil) }
    return (
      seconds,
      Output(
        onBenefit: Array(UnsafeBufferPointer(start: ob, count: n * y)),
        priced: Array(UnsafeBufferPointer(start: pr, count: n * y)),
        finalTotal: Array(UnsafeBufferPointer(start: ft, count: n)))
    )
  }

  /// Writes the shared matrices, the per-path inputs and `output` as .npy files under `dir`
  /// for the NumPy peer.
  func export(to dir: String, output: Output) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let s = states
    let m = matrices
    func w(_ name: String, _ values: [Double], _ shape: [Int]) throws {
      try NPY.write(values, shape: shape, to: dir + "/" + name + ".npy")
    }
    try w("transition", m.transition, [s, s])
    try w("workDelta", m.workDelta, [s, s])
    try w("ladderDelta", m.ladderDelta, [s, s])
    try w("inflowShape", m.inflowShape, [s])
    try w("initialShape", m.initialShape, [s])
    try w("onBenefitMask", m.onBenefit, [s])
    try w("priceFactor", m.priceFactor, [s])
    try w("initial", tiles.flatMap { $0.initial }, [paths])
    try w("ladderScalar", tiles.flatMap { $0.ladderScalar }, [paths])
    try w("workScalar", tiles.flatMap { $0.workScalar }, [paths, years])
    try w("inflow", tiles.flatMap { $0.inflow }, [paths, years])
    try w("expectedOnBenefit", output.onBenefit, [paths, years])
    try w("expectedPriced", output.priced, [paths, years])
    try w("expectedFinalTotal", output.finalTotal, [paths])
  }
}

/// The largest relative difference |a − b| / |b| over all elements (0 where both are 0).
func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "lengths differ")
  var worst = 0.0
  for i in a.indices {
    let d = abs(a[i] - b[i])
    if d == 0 { continue }
    if !d.isFinite { return .infinity }
    worst = max(worst, d / abs(b[i]))
  }
  return worst
}

/// Writes little-endian float64 arrays in NumPy's .npy format (version 1.0).
enum NPY {
  static func write(_ values: [Double], shape: [Int], to path: String) throws {
    precondition(shape.reduce(1, *) == values.count, "shape does not match the values")
    let dims =
      shape.count == 1
      ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(dims), }"
    // magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64.
    let total = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let len = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(len & 0xff), UInt8(len >> 8)])
    data.append(contentsOf: Array(header.utf8))
    values.withUnsafeBufferPointer {
      data.append(
        UnsafeBufferPointer(
          start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self),
          count: $0.count * 8))
    }
    guard FileManager.default.createFile(atPath: path, contents: data) else {
      throw BenchFailure("cannot write \(path)")
    }
  }
}

extension KernelCase {
  /// The kernel's product alone: the same `cblas_dgemm` per tile-month (T×S times S×3S) over
  /// the same tiles and workers, with no combine, accumulation or read-out. The ratio of the
  /// kernel's rate to this one is the share of its time spent in its product.
  func runProductOnly(workers: Int) -> Double {
    BLASInfo.setThreads(1)
    let s = states
    let m = matrices
    var c = [Double](repeating: 0, count: s * 3 * s)
    for i in 0..<s {
      for j in 0..<s {
        c[i * 3 * s + j] = m.transition[i * s + j]
        c[i * 3 * s + s + j] = m.workDelta[i * s + j]
        c[i * 3 * s + 2 * s + j] = m.ladderDelta[i * s + j]
      }
    }
    let combined = c
    let next = Atomic<Int>(0)
    let count = tiles.count
    let tileSize = self.tileSize
    let months = self.months
    let t0 = now()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let x = UnsafeMutablePointer<Double>.allocate(capacity: tileSize * s)
      let w = UnsafeMutablePointer<Double>.allocate(capacity: tileSize * 3 * s)
      defer {
        x.deallocate()
        w.deallocate()
      }
      while true {
        let i = next.add(1, ordering: .relaxed).oldValue
        if i >= count { break }
        let input = self.tiles[i]
        let t = input.paths
        for p in 0..<t {
          for j in 0..<s { x[p * s + j] = input.initial[p] * m.initialShape[j] }
        }
        combined.withUnsafeBufferPointer { cp in
          for _ in 0..<months {
            productOnly(x, cp.baseAddress!, w, rows: t, s: s)
          }
        }
      }
    }
    return now() - t0
  }
}
