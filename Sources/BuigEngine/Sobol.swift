import Dispatch
import Foundation
import Synchronization

/// Variance-based sensitivity indices of a model output f over independent input groups, from
/// Saltelli's design and Jansen's estimators, with percentile bootstrap intervals. Pure
/// functions over the model's values; the engine's design that produces them is in
/// `Sensitivity.swift`.
///
/// The design: two matrices A and B of N independent draws of all inputs, and for each input
/// group i the matrix A_B^(i), A with group i's columns from B; f(A), f(B) and f(A_B^(i)) are
/// the model's values on their rows (row r of each belongs together). With V the variance of f
/// over the 2N values of A and B together (n − 1 in the denominator):
///
/// - first-order index S_i = 1 − mean_r((f(B)_r − f(A_B^(i))_r)²) / (2V): the share of V that
///   input i explains alone (f(B) and f(A_B^(i)) share only input i);
/// - total index S_Ti = mean_r((f(A)_r − f(A_B^(i))_r)²) / (2V): the share of V that involves
///   input i, alone or with others (f(A) and f(A_B^(i)) differ only in input i).
///
/// Sources: A. Saltelli et al., "Variance based sensitivity analysis of model output. Design
/// and estimator for the total sensitivity index", Computer Physics Communications 181, 259-270
/// (2010), table 2 (Jansen's estimators, items (f) and (b) in their form with 2V); M. J. W.
/// Jansen, "Analysis of variance designs for model output", Computer Physics Communications
/// 117, 35-43 (1999). Both assume independent inputs.
public enum Sobol {
  /// The widest 95% interval an index may have to count as converged (index units, 0.1).
  public static let convergedWidth = 0.1
  /// The bootstrap resamples of `analyse` when none are given (500).
  public static let defaultResamples = 500
  /// The confidence level of the bootstrap intervals (0.95).
  public static let level = 0.95

  /// One input group's indices with their 95% percentile bootstrap intervals (dimensionless,
  /// shares of the variance).
  public struct Index: Equatable, Sendable {
    /// First-order index S_i = 1 − mean((f(B) − f(A_B^(i)))²)/(2V).
    public var first: Double
    /// The lower end of S_i's 95% interval: the ⌈0.025·R⌉-th smallest of R bootstrap
    /// replicates.
    public var firstLow: Double
    /// The upper end of S_i's 95% interval: the ⌈0.975·R⌉-th smallest replicate.
    public var firstHigh: Double
    /// Total index S_Ti = mean((f(A) − f(A_B^(i)))²)/(2V).
    public var total: Double
    /// The lower end of S_Ti's 95% interval: the ⌈0.025·R⌉-th smallest of R bootstrap
    /// replicates.
    public var totalLow: Double
    /// The upper end of S_Ti's 95% interval: the ⌈0.975·R⌉-th smallest replicate.
    public var totalHigh: Double
    /// Whether both intervals are at most `convergedWidth` wide and neither lies wholly
    /// outside [0, 1] (an index outside [0, 1] beyond its interval says the estimate is not to
    /// be trusted yet).
    public var converged: Bool
  }

  /// The indices of every input group, their intervals and the verdict.
  public struct Result: Equatable, Sendable {
    /// Rows N of each design matrix.
    public var rows: Int
    /// Bootstrap resamples.
    public var resamples: Int
    /// Mean of f over A and B (the quantity's unit).
    public var mean: Double
    /// V: variance of f over A and B (the quantity's unit squared; n − 1 in the denominator).
    public var variance: Double
    /// One entry per input group, in the order of `ab`.
    public var indices: [Index]
    /// Whether every index converged (`Index.converged`); false when V = 0 (the indices are
    /// then undefined: NaN).
    public var converged: Bool
    /// When not converged: the rows N that would make the widest interval `convergedWidth`
    /// wide, from width ∝ 1/√N: N·(width/0.1)², rounded up to a multiple of 1024 (at least 4N
    /// when an index lies outside [0, 1] beyond its interval); nil when converged or V = 0.
    public var rowsNeeded: Int?
  }

  /// The point estimates: V and, per group, S_i and S_Ti (NaN when V = 0).
  ///
  /// - Complexity: O(N·groups).
  public static func estimate(a: [Double], b: [Double], ab: [[Double]]) -> (
    variance: Double, first: [Double], total: [Double]
  ) {
    let design = Design(a: a, b: b, ab: ab)
    var first = [Double](repeating: 0, count: ab.count)
    var total = first
    let v = design.indices(rows: nil, first: &first, total: &total)
    return (v, first, total)
  }

  /// The indices with percentile bootstrap intervals: `resamples` times, N rows drawn with
  /// replacement (the same rows for A, B and every A_B^(i)) give a replicate of every index;
  /// each interval is the replicates' ⌈0.025·R⌉-th and ⌈0.975·R⌉-th smallest values. Row j of
  /// resample k is ⌊u·N⌋ with u from Philox4x32-10 keyed by `seed` at counter (k, j/2,
  /// `StreamPurpose.bootstrap`, 0) (two 64-bit words per block), so the intervals depend on the
  /// seed only, never on `threads`.
  ///
  /// - Precondition: a, b and every ab[i] hold the same number N ≥ 2 of values.
  /// - Complexity: O(R·N·groups), spread over `threads` workers.
  public static func analyse(
    a: [Double], b: [Double], ab: [[Double]], resamples: Int = defaultResamples, seed: UInt64,
    threads: Int = 1
  ) -> Result {
    precondition(a.count >= 2 && b.count == a.count, "A and B need the same N ≥ 2 rows")
    precondition(ab.allSatisfy { $0.count == a.count }, "every A_B^(i) needs N rows")
    precondition(resamples >= 1, "at least one resample")
    let n = a.count
    let g = ab.count
    let design = Design(a: a, b: b, ab: ab)
    var first = [Double](repeating: 0, count: g)
    var total = first
    let variance = design.indices(rows: nil, first: &first, total: &total)
    let mean = design.shift
    // Replicates: [k · 2g + i] first-order, [k · 2g + g + i] total.
    var replicates = [Double](repeating: .nan, count: resamples * 2 * g)
    let philox = RandomStreams(seed: seed).philox
    let next = Atomic<Int>(0)
    let workers = max(1, min(threads, resamples))
    replicates.withUnsafeMutableBufferPointer { buffer in
      let shared = SharedBuffer(pointer: buffer)
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        var rows = [Int](repeating: 0, count: n)
        var f = [Double](repeating: 0, count: g)
        var t = f
        while true {
          let k = next.add(1, ordering: .relaxed).oldValue
          guard k < resamples else { break }
          for j in stride(from: 0, to: n, by: 2) {
            let q = UInt64(j / 2)
            let w = philox.block(
              (
                UInt32(truncatingIfNeeded: k), UInt32(truncatingIfNeeded: q),
                StreamPurpose.bootstrap.rawValue, UInt32(truncatingIfNeeded: q >> 32)
              ))
            rows[j] = index(UInt64(w.0) << 32 | UInt64(w.1), n)
            if j + 1 < n { rows[j + 1] = index(UInt64(w.2) << 32 | UInt64(w.3), n) }
          }
          rows.withUnsafeBufferPointer { r in
            _ = design.indices(rows: r, first: &f, total: &t)
          }
          for i in 0..<g {
            shared.pointer[k * 2 * g + i] = f[i]
            shared.pointer[k * 2 * g + g + i] = t[i]
          }
        }
      }
    }
    var indices: [Index] = []
    for i in 0..<g {
      let fi = interval((0..<resamples).map { replicates[$0 * 2 * g + i] })
      let ti = interval((0..<resamples).map { replicates[$0 * 2 * g + g + i] })
      indices.append(
        Index(
          first: first[i], firstLow: fi.low, firstHigh: fi.high, total: total[i],
          totalLow: ti.low, totalHigh: ti.high,
          converged: isConverged(fi) && isConverged(ti)))
    }
    let defined = variance > 0 && variance.isFinite
    let converged = defined && indices.allSatisfy(\.converged)
    var needed: Int? = nil
    if defined && !converged {
      let widths = indices.flatMap { [$0.firstHigh - $0.firstLow, $0.totalHigh - $0.totalLow] }
      let widest = widths.filter(\.isFinite).max() ?? .infinity
      var rows = widest.isFinite ? rowsNeeded(rows: n, width: widest) : 4 * n
      let outside =
        indices.contains { $0.firstHigh < 0 || $0.firstLow > 1 }
        || indices.contains { $0.totalHigh < 0 || $0.totalLow > 1 }
      if outside { rows = max(rows, 4 * n) }
      needed = roundUp(max(rows, n + 1))
    }
    return Result(
      rows: n, resamples: resamples, mean: mean, variance: variance, indices: indices,
      converged: converged, rowsNeeded: needed)
  }

  /// The rows that would make an interval of `width` at N rows `convergedWidth` wide, since a
  /// width shrinks as 1/√N: N·(width/0.1)², rounded up to a multiple of 1024.
  public static func rowsNeeded(rows n: Int, width: Double) -> Int {
    let r = Double(n) * (width / convergedWidth) * (width / convergedWidth)
    return roundUp(Int(r.rounded(.up)))
  }

  /// A count rounded up to a multiple of 1024 (at least 1024).
  static func roundUp(_ n: Int) -> Int { max(1, (n + 1023) / 1024) * 1024 }

  /// ⌊x·n/2⁶⁴⌋: a row in 0..<n from 64 random bits (Lemire's multiply-shift; the bias is below
  /// n/2⁶⁴).
  @inline(__always)
  static func index(_ x: UInt64, _ n: Int) -> Int {
    Int(x.multipliedFullWidth(by: UInt64(n)).high)
  }

  /// The percentile interval of replicates: the ⌈0.025·m⌉-th and ⌈0.975·m⌉-th smallest of the
  /// m finite ones (NaN when there are none).
  static func interval(_ replicates: [Double]) -> (low: Double, high: Double) {
    let v = replicates.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return (.nan, .nan) }
    let m = Double(v.count)
    let tail = (1 - level) / 2
    let lo = min(v.count - 1, max(0, Int((tail * m).rounded(.up)) - 1))
    let hi = min(v.count - 1, max(0, Int(((1 - tail) * m).rounded(.up)) - 1))
    return (v[lo], v[hi])
  }

  /// Whether an interval is finite, at most `convergedWidth` wide and not wholly outside
  /// [0, 1].
  static func isConverged(_ i: (low: Double, high: Double)) -> Bool {
    i.low.isFinite && i.high.isFinite && i.high - i.low <= convergedWidth && i.high >= 0
      && i.low <= 1
  }

  /// The design's values in flat arrays, and the estimators over all rows or a resample.
  struct Design {
    let n: Int
    let groups: Int
    let a: [Double]
    let b: [Double]
    /// `ab[i · N + r]`: f(A_B^(i)) on row r.
    let ab: [Double]
    /// The mean of f over A and B, subtracted before squaring (for accuracy).
    let shift: Double

    init(a: [Double], b: [Double], ab: [[Double]]) {
      n = a.count
      groups = ab.count
      self.a = a
      self.b = b
      self.ab = ab.flatMap { $0 }
      shift = (Moments(a[...]).mean + Moments(b[...]).mean) / 2
    }

    /// V and the indices of every group over `rows` (all rows when nil), in row order; NaN
    /// indices when V = 0.
    func indices(
      rows: UnsafeBufferPointer<Int>?, first: inout [Double], total: inout [Double]
    ) -> Double {
      let m = rows?.count ?? n
      let c = shift
      return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          ab.withUnsafeBufferPointer { ab in
            var s1 = 0.0
            var s2 = 0.0
            for j in 0..<m {
              let r = rows?[j] ?? j
              let x = a[r] - c
              let y = b[r] - c
              s1 += x + y
              s2 += x * x + y * y
            }
            let count = Double(2 * m)
            let v = max(0, (s2 - s1 * s1 / count) / (count - 1))
            for i in 0..<groups {
              let base = i * n
              var st = 0.0
              var sf = 0.0
              for j in 0..<m {
                let r = rows?[j] ?? j
                let fab = ab[base + r]
                let dt = a[r] - fab
                let df = b[r] - fab
                st += dt * dt
                sf += df * df
              }
              if v > 0 {
                total[i] = st / Double(m) / (2 * v)
                first[i] = 1 - sf / Double(m) / (2 * v)
              } else {
                total[i] = .nan
                first[i] = .nan
              }
            }
            return v
          }
        }
      }
    }
  }
}
