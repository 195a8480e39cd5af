import BenchBLAS
import BuigEngine
import Dispatch

/// A pointer that workers write disjoint parts of.
struct SharedPointer: @unchecked Sendable {
  let p: UnsafeMutablePointer<Double>
}

/// Square dgemm C = A·B (n×n, row-major) with `threads` OpenBLAS threads: 2n³ flops a call.
final class DgemmLimit {
  let n: Int
  let a: UnsafeMutablePointer<Double>
  let b: UnsafeMutablePointer<Double>
  let c: UnsafeMutablePointer<Double>

  init(n: Int) {
    self.n = n
    a = .allocate(capacity: n * n)
    b = .allocate(capacity: n * n)
    c = .allocate(capacity: n * n)
    var g = SplitMix64(seed: 2048)
    for i in 0..<(n * n) {
      a[i] = g.uniform(-1, 1)
      b[i] = g.uniform(-1, 1)
      c[i] = 0
    }
  }

  deinit {
    a.deallocate()
    b.deallocate()
    c.deallocate()
  }

  var flops: Double { 2 * Double(n) * Double(n) * Double(n) }

  /// Seconds of the fastest of `calls` calls with `threads` BLAS threads (a limit is what the
  /// machine can do: the best of a few back-to-back calls within a round; the engine's setting
  /// of 1 thread is restored).
  func time(threads: Int, calls: Int) -> Double {
    BLASInfo.setThreads(threads)
    defer { BLASInfo.setThreads(1) }
    let n32 = Int32(n)
    var best = Double.infinity
    for _ in 0..<calls {
      let t0 = now()
      cblas_dgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, a, n32, b, n32, 0, c, n32)
      best = min(best, now() - t0)
    }
    return best
  }
}

/// The STREAM triad a[i] = b[i] + q·c[i] over three arrays far larger than the caches, split
/// over `threads` workers. Bytes counted as STREAM does: 24 per element (two reads, one write;
/// the write-allocate read of `a` is not counted, so the figure is what a kernel that streams
/// this way can count on).
final class TriadLimit {
  let count: Int
  let a: UnsafeMutablePointer<Double>
  let b: UnsafeMutablePointer<Double>
  let c: UnsafeMutablePointer<Double>
  /// Passes per measurement.
  let passes: Int

  init(count: Int, passes: Int) {
    self.count = count
    self.passes = passes
    a = .allocate(capacity: count)
    b = .allocate(capacity: count)
    c = .allocate(capacity: count)
    // First touch from both workers, as the timed loops will.
    let pa = SharedPointer(p: a)
    let pb = SharedPointer(p: b)
    let pc = SharedPointer(p: c)
    let n = count
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      for i in (w * n / 2)..<((w + 1) * n / 2) {
        pa.p[i] = 0
        pb.p[i] = 1
        pc.p[i] = 2
      }
    }
  }

  deinit {
    a.deallocate()
    b.deallocate()
    c.deallocate()
  }

  /// Bytes counted per pass.
  var bytes: Double { 24 * Double(count) }

  /// Seconds of the fastest of `passes` triads with `threads` workers (as STREAM reports).
  func time(threads: Int) -> Double {
    let pa = SharedPointer(p: a)
    let pb = SharedPointer(p: b)
    let pc = SharedPointer(p: c)
    let n = count
    let passes = self.passes
    var t = Double.infinity
    for pass in 0..<passes {
      let q = 1.0 + Double(pass) * 1e-3
      let t0 = now()
      DispatchQueue.concurrentPerform(iterations: threads) { w in
        let lo = w * n / threads
        let hi = (w + 1) * n / threads
        let a = pa.p
        let b = pb.p
        let c = pc.p
        for i in lo..<hi { a[i] = b[i] + q * c[i] }
      }
      t = min(t, now() - t0)
    }
    // Keep the result observable.
    if a[count / 3] == -1 { print("") }
    return t
  }
}

/// W = X·C for X (rows×S) and C (S×3S), row-major: the flow kernel's product.
func productOnly(
  _ x: UnsafeMutablePointer<Double>, _ c: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>,
  rows: Int, s: Int
) {
  cblas_dgemm(
    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(3 * s), Int32(s), 1, x, Int32(s),
    c,
    Int32(3 * s), 0, w, Int32(3 * s))
}
