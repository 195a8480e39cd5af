import BenchBLAS
import BuigEngine
import Dispatch
import Synchronization

/// A diagnostic, not part of the engine: the engine's BLAS kernel step for step (the same
/// product, the same combine in the same order of operations, the same accumulation and
/// read-out, so the same results to the last bit), except that the combine loop reads the
/// per-path scalars once per path and walks raw pointers with wrapping index arithmetic, so
/// that the compiler can vectorise it. Its rate against `FlowKernel`'s shows what the
/// combine loop costs the kernel.
final class CombineProbe {
  let s: Int
  let capacity: Int
  let combined: [Double]
  let matrices: FlowKernel.Matrices
  let x: UnsafeMutablePointer<Double>
  let w: UnsafeMutablePointer<Double>
  let acc: UnsafeMutablePointer<Double>

  init(matrices m: FlowKernel.Matrices, capacity: Int) {
    s = m.states
    self.capacity = capacity
    matrices = m
    var c = [Double](repeating: 0, count: s * 3 * s)
    for i in 0..<s {
      for j in 0..<s {
        c[i * 3 * s + j] = m.transition[i * s + j]
        c[i * 3 * s + s + j] = m.workDelta[i * s + j]
        c[i * 3 * s + 2 * s + j] = m.ladderDelta[i * s + j]
      }
    }
    combined = c
    x = .allocate(capacity: capacity * s)
    w = .allocate(capacity: capacity * 3 * s)
    acc = .allocate(capacity: capacity * s)
  }

  deinit {
    x.deallocate()
    w.deallocate()
    acc.deallocate()
  }

  /// Runs a tile; writes onBenefit and priced (T×Y) and the final totals (T).
  func run(
    _ input: FlowTileInput, onBenefit: UnsafeMutablePointer<Double>,
    priced: UnsafeMutablePointer<Double>, finalTotal: UnsafeMutablePointer<Double>
  ) {
    let t = input.paths
    let s = self.s
    let years = input.years
    let x = self.x
    let w = self.w
    let acc = self.acc
    matrices.inflowShape.withUnsafeBufferPointer { shapeBuf in
      matrices.onBenefit.withUnsafeBufferPointer { obBuf in
        matrices.priceFactor.withUnsafeBufferPointer { prBuf in
          combined.withUnsafeBufferPointer { cBuf in
            input.workScalar.withUnsafeBufferPointer { swBuf in
              input.inflow.withUnsafeBufferPointer { inBuf in
                let shape = shapeBuf.baseAddress!
                let ob = obBuf.baseAddress!
                let pr = prBuf.baseAddress!
                for p in 0..<t {
                  let x0 = input.initial[p]
                  for j in 0..<s { x[p &* s &+ j] = x0 * matrices.initialShape[j] }
                }
                for y in 0..<years {
                  acc.update(repeating: 0, count: t * s)
                  for _ in 0..<12 {
                    cblas_dgemm(
                      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(3 * s), Int32(s),
                      1, x,
                      Int32(s), cBuf.baseAddress, Int32(3 * s), 0, w, Int32(3 * s))
                    for p in 0..<t {
                      let sw = swBuf[p &* years &+ y]
                      let sl = input.ladderScalar[p]
                      let f = inBuf[p &* years &+ y]
                      let w0 = w + p &* 3 &* s
                      let w1 = w0 + s
                      let w2 = w1 + s
                      let xr = x + p &* s
                      let ar = acc + p &* s
                      for j in 0..<s {
                        let v = w0[j] + sw * w1[j] + sl * w2[j] + f * shape[j]
                        xr[j] = v
                        ar[j] += v
                      }
                    }
                  }
                  for p in 0..<t {
                    var o = 0.0
                    var q = 0.0
                    let ar = acc + p &* s
                    for j in 0..<s {
                      o += ar[j] * ob[j]
                      q += ar[j] * pr[j]
                    }
                    onBenefit[p &* years &+ y] = o / 12
                    priced[p &* years &+ y] = q / 12
                  }
                }
                for p in 0..<t {
                  var total = 0.0
                  for j in 0..<s { total += x[p &* s &+ j] }
                  finalTotal[p] = total
                }
              }
            }
          }
        }
      }
    }
  }
}

extension KernelCase {
  /// All tiles through `CombineProbe`, as `run(kind:workers:collect:)` does with the engine's.
  func runCombineProbe(workers: Int) -> (seconds: Double, output: Output) {
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
      let probe = CombineProbe(matrices: self.matrices, capacity: tileSize)
      while true {
        let i = next.add(1, ordering: .relaxed).oldValue
        if i >= count { break }
        let first = i * tileSize
        probe.run(
          self.tiles[i], onBenefit: sob.p + first * y, priced: spr.p + first * y,
          finalTotal: sft.p + first)
      }
    }
    let seconds = now() - t0
    return (
      seconds,
      Output(
        onBenefit: Array(UnsafeBufferPointer(start: ob, count: n * y)),
        priced: Array(UnsafeBufferPointer(start: pr, count: n * y)),
        finalTotal: Array(UnsafeBufferPointer(start: ft, count: n)))
    )
  }
}
