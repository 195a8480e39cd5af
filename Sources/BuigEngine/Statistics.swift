import Foundation

/// Summary statistics of one quantity over the paths, computed from all path values in path
/// order, so that the same values always give the same bits, however the run was split.
public struct Summary: Equatable, Sendable {
  /// The probabilities of the reported quantiles.
  public static let levels: [Double] = [0.05, 0.25, 0.50, 0.75, 0.95]

  /// Number of paths n.
  public var count: Int
  /// The mean x̄ = Σx/n (pairwise summation).
  public var mean: Double
  /// The sample standard deviation s (n − 1 in the denominator).
  public var sd: Double
  /// The standard error of the mean s/√n.
  public var se: Double
  /// The quantiles at `levels` (nearest rank: the ⌈p·n⌉-th smallest value).
  public var quantiles: [Double]
  /// A distribution-free 95% interval for each quantile: the order statistics at ranks
  /// n·p ∓ 1.96·√(n·p·(1 − p)) (rounded outwards), from the binomial count of values below the
  /// true quantile.
  public var intervals: [(low: Double, high: Double)]
  /// Smallest value.
  public var min: Double
  /// Largest value.
  public var max: Double

  /// Equality of all fields.
  public static func == (a: Summary, b: Summary) -> Bool {
    a.count == b.count && a.mean == b.mean && a.sd == b.sd && a.se == b.se
      && a.quantiles == b.quantiles
      && a.intervals.map(\.low) == b.intervals.map(\.low)
      && a.intervals.map(\.high) == b.intervals.map(\.high)
      && a.min == b.min && a.max == b.max
  }

  /// Pairwise (cascade) summation of values[range]: error O(ε·log n) instead of O(ε·n).
  static func pairwiseSum(
    _ v: UnsafeBufferPointer<Double>, _ lo: Int, _ hi: Int, _ f: (Double) -> Double
  ) -> Double {
    if hi - lo <= 64 {
      var s = 0.0
      for i in lo..<hi { s += f(v[i]) }
      return s
    }
    let mid = lo + (hi - lo) / 2
    return pairwiseSum(v, lo, mid, f) + pairwiseSum(v, mid, hi, f)
  }

  /// Summarizes values (in path order).
  public init(_ values: [Double]) { self.init(values[...]) }

  /// Summarizes values (in path order).
  ///
  /// - Complexity: O(n log n) for the sort.
  public init(_ values: ArraySlice<Double>) {
    let n = values.count
    count = n
    guard n > 0 else {
      mean = .nan
      sd = .nan
      se = .nan
      quantiles = Self.levels.map { _ in .nan }
      intervals = Self.levels.map { _ in (.nan, .nan) }
      min = .nan
      max = .nan
      return
    }
    let m = values.withUnsafeBufferPointer { Self.pairwiseSum($0, 0, n) { $0 } } / Double(n)
    let ss = values.withUnsafeBufferPointer { Self.pairwiseSum($0, 0, n) { ($0 - m) * ($0 - m) } }
    mean = m
    sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
    se = n > 1 ? sd / Double(n).squareRoot() : 0
    let sorted = values.sorted()
    func rank(_ r: Double) -> Double {
      let i = Swift.min(n - 1, Swift.max(0, Int(r.rounded(.up)) - 1))
      return sorted[i]
    }
    quantiles = Self.levels.map { rank($0 * Double(n)) }
    intervals = Self.levels.map { p in
      let center = p * Double(n)
      let half = 1.96 * (Double(n) * p * (1 - p)).squareRoot()
      let lo = Swift.max(0, Int((center - half).rounded(.down)) - 1)
      let hi = Swift.min(n - 1, Int((center + half).rounded(.up)))
      return (sorted[lo], sorted[hi])
    }
    min = sorted[0]
    max = sorted[n - 1]
  }
}

/// The probability of an event over the paths, with its standard error √(p(1 − p)/n).
public struct Exceedance: Equatable, Sendable {
  /// The share of paths where the event happens.
  public var probability: Double
  /// Its standard error.
  public var se: Double

  /// The share of `flags` that are true.
  public init(_ flags: [Bool]) {
    let n = Double(flags.count)
    let p = n > 0 ? Double(flags.filter { $0 }.count) / n : .nan
    probability = p
    se = n > 0 ? (p * (1 - p) / n).squareRoot() : .nan
  }
}
