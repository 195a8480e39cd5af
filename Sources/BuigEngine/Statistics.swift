import Foundation

/// The mean, standard deviation and standard error of values in path order, with pairwise
/// summation, so that the same values always give the same bits however a run was split.
public struct Moments: Equatable, Sendable {
  /// Number of values n.
  public var count: Int
  /// The mean x̄ = Σx/n (pairwise summation).
  public var mean: Double
  /// The sample standard deviation s = √(Σ(x − x̄)²/(n − 1)); 0 for one value.
  public var sd: Double
  /// The standard error of the mean s/√n.
  public var se: Double

  /// The moments of values (in path order); NaN for no values.
  ///
  /// - Complexity: O(n).
  public init(_ values: ArraySlice<Double>) {
    let n = values.count
    count = n
    guard n > 0 else {
      (mean, sd, se) = (.nan, .nan, .nan)
      return
    }
    let m = values.withUnsafeBufferPointer { Self.pairwiseSum($0, 0, n) { $0 } } / Double(n)
    let ss = values.withUnsafeBufferPointer { Self.pairwiseSum($0, 0, n) { ($0 - m) * ($0 - m) } }
    mean = m
    sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
    se = n > 1 ? sd / Double(n).squareRoot() : 0
  }

  /// Pairwise (cascade) summation of f over values[lo..<hi]: error O(ε·log n) instead of O(ε·n).
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
}

/// Summary statistics of one quantity over the paths, computed from all path values in path
/// order, so that the same values always give the same bits, however the run was split.
public struct Summary: Equatable, Sendable {
  /// The probabilities of the quantiles every quantity reports.
  public static let levels: [Double] = [0.05, 0.25, 0.50, 0.75, 0.95]
  /// The probabilities a reserve is read at (weerstandsvermogen): the reported levels and the
  /// certainty levels 80, 90 and 99% (75 and 95% are among the reported ones).
  public static let reserveLevels: [Double] = [0.05, 0.25, 0.50, 0.75, 0.80, 0.90, 0.95, 0.99]

  /// The name of a level in outputs: `p5`, `p50`, `p99`.
  public static func name(_ level: Double) -> String {
    "p" + String(Int((level * 100).rounded()))
  }

  /// The probabilities of this summary's quantiles, ascending.
  public var levels: [Double]

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
    a.levels == b.levels && a.count == b.count && a.mean == b.mean && a.sd == b.sd && a.se == b.se
      && a.quantiles == b.quantiles
      && a.intervals.map(\.low) == b.intervals.map(\.low)
      && a.intervals.map(\.high) == b.intervals.map(\.high)
      && a.min == b.min && a.max == b.max
  }

  /// The 0-based ranks of the order statistics a summary of n values reports: min, the
  /// quantiles, the interval ends, max.
  static func ranks(_ n: Int, levels: [Double]) -> (quantiles: [Int], intervals: [(Int, Int)]) {
    let q = levels.map { p in Swift.min(n - 1, Swift.max(0, Int((p * Double(n)).rounded(.up)) - 1))
    }
    let i = levels.map { p -> (Int, Int) in
      let center = p * Double(n)
      let half = 1.96 * (Double(n) * p * (1 - p)).squareRoot()
      let lo = Swift.max(0, Int((center - half).rounded(.down)) - 1)
      let hi = Swift.min(n - 1, Int((center + half).rounded(.up)))
      return (lo, hi)
    }
    return (q, i)
  }

  /// Summarizes values (in path order), with quantiles at `levels`.
  public init(_ values: [Double], levels: [Double] = Summary.levels) {
    self.init(values[...], levels: levels)
  }

  /// Summarizes values (in path order). The order statistics come from a copy partitioned
  /// around the ranks needed (`OrderStatistics`), not from a full sort; they are the same
  /// values a sort would give.
  ///
  /// - Complexity: O(n·log r) for r ranks (17), against O(n·log n) for a sort.
  public init(_ values: ArraySlice<Double>, levels: [Double] = Summary.levels) {
    self.init(values, moments: Moments(values), levels: levels)
  }

  /// Summarizes values whose moments are known.
  init(_ values: ArraySlice<Double>, moments m: Moments, levels: [Double] = Summary.levels) {
    let n = values.count
    self.levels = levels
    count = n
    mean = m.mean
    sd = m.sd
    se = m.se
    guard n > 0 else {
      quantiles = levels.map { _ in .nan }
      intervals = levels.map { _ in (.nan, .nan) }
      min = .nan
      max = .nan
      return
    }
    let (q, i) = Self.ranks(n, levels: levels)
    // A series with no spread (a cost fixed in advance, a budget already set) has its one
    // value as every order statistic; only a pass that sees every value equal says so.
    if m.sd == 0, let first = values.first, values.allSatisfy({ $0 == first }) {
      quantiles = q.map { _ in first }
      intervals = i.map { _ in (first, first) }
      min = first
      max = first
      return
    }
    let wanted = [0, n - 1] + q + i.flatMap { [$0.0, $0.1] }
    let order = OrderStatistics(values, ranks: wanted)
    quantiles = q.map { order[$0] }
    intervals = i.map { (order[$0.0], order[$0.1]) }
    min = order[0]
    max = order[n - 1]
  }
}

extension Summary {
  /// The quantile at `level` (one of `levels`), or `nil`.
  public func quantile(_ level: Double) -> Double? {
    levels.firstIndex(of: level).map { quantiles[$0] }
  }

  /// The 95% interval of the quantile at `level` (one of `levels`), or `nil`.
  public func interval(_ level: Double) -> (low: Double, high: Double)? {
    levels.firstIndex(of: level).map { intervals[$0] }
  }
}

/// Selected order statistics of values: the k-th smallest for each requested rank k.
///
/// For large inputs, one pass finds them: a systematic sample (every n/m-th value) is sorted,
/// each cluster of ranks gets the sample values a safe margin (4 binomial standard deviations
/// of the sample rank, plus 2) below and above it as cuts, and one pass counts the values in
/// each zone the cuts make (below the first cut, equal to a cut, between two cuts, above the
/// last) and keeps only the values strictly between the two cuts of a cluster. A rank that
/// falls on a cut is that cut; one that falls between a cluster's cuts is read from its sorted
/// values. Ties (the many paths whose vangnet is exactly 0) cost a count, not memory. When a
/// rank falls in a zone whose values were not kept (an unlucky sample), the input goes through
/// a multi-rank quickselect on a copy instead (three-way partitions around a median-of-three
/// pivot, so that runs of equal values cost one pass). Either way the values are the exact
/// order statistics a full sort would give.
public struct OrderStatistics: Sendable {
  let values: [Int: Double]

  /// Inputs shorter than this go straight to the quickselect.
  static let bracketingFrom = 32_768
  /// Sample size for the cuts.
  static let sampleSize = 16_384

  /// The order statistics of `values` at 0-based `ranks` (any order, repeats allowed).
  ///
  /// - Complexity: O(n·c) for c cuts (at most 2 per cluster of ranks) in one pass, and
  ///   O(m log m) for the sample, in the common case; O(n·log r) expected for r distinct ranks
  ///   in the fallback.
  public init(_ values: ArraySlice<Double>, ranks: [Int]) {
    let wanted = Array(Set(ranks)).sorted()
    if values.count >= Self.bracketingFrom, let found = Self.bracketed(values, wanted) {
      self.values = found
      return
    }
    var copy = Array(values)
    copy.withUnsafeMutableBufferPointer { a in
      Self.select(a.baseAddress!, 0, a.count, wanted[...])
    }
    var out: [Int: Double] = [:]
    for r in wanted { out[r] = copy[r] }
    self.values = out
  }

  /// The value of rank r (one of the ranks asked for).
  public subscript(_ r: Int) -> Double { values[r]! }

  /// The ranks by one counting pass, or `nil` when a rank fell in a zone whose values were not
  /// kept. `ranks` are sorted and distinct.
  static func bracketed(_ values: ArraySlice<Double>, _ ranks: [Int]) -> [Int: Double]? {
    let n = values.count
    let m = sampleSize
    // Every (n/m)-th value: a systematic sample, good for values in any order.
    let sample: [Double] = values.withUnsafeBufferPointer { v in
      (0..<m).map { v[$0 * n / m] }.sorted()
    }
    // Sample-rank spans around the ranks, merged where they meet; the smallest and the largest
    // value come from the pass itself.
    var spans: [(lo: Int, hi: Int)] = []
    for r in ranks where r != 0 && r != n - 1 {
      let p = (Double(r) + 0.5) / Double(n)
      let centre = p * Double(m)
      let margin = 4 * (Double(m) * p * (1 - p)).squareRoot() + 2
      let lo = max(0, Int((centre - margin).rounded(.down)))
      let hi = min(m - 1, Int((centre + margin).rounded(.up)))
      if let last = spans.last, lo <= last.hi + 1 {
        spans[spans.count - 1].hi = max(last.hi, hi)
      } else {
        spans.append((lo, hi))
      }
    }
    // The cuts, strictly increasing; a span's values lie between its two cuts. A span that
    // starts at the smallest sample value has no lower cut (its zone starts at −∞), one that
    // ends at the largest has no upper cut.
    var cuts: [Double] = []
    var kept: [(lowerCut: Int?, upperCut: Int?, expected: Int)] = []
    for s in spans {
      var lowerCut: Int?
      if s.lo > 0 {
        let c = sample[s.lo]
        if cuts.last != c { cuts.append(c) }
        lowerCut = cuts.count - 1
      }
      var upperCut: Int?
      if s.hi < m - 1 {
        let c = sample[s.hi]
        if cuts.last != c { cuts.append(c) }
        upperCut = cuts.count - 1
      }
      kept.append((lowerCut, upperCut, (s.hi - s.lo + 1) * (n / m + 1)))
    }
    let k = cuts.count
    // Zones: 2i is the open interval between cut i − 1 and cut i (cut −1 = −∞, cut k = +∞),
    // 2i + 1 is "equal to cut i"; zone = Σ_i [v ≥ c_i] + [v > c_i].
    var keep = [Int](repeating: -1, count: 2 * k + 1)  // zone -> index into `inside`
    var inside: [[Double]] = []
    for span in kept {
      let first = span.lowerCut.map { 2 * $0 + 2 } ?? 0
      let last = span.upperCut.map { 2 * $0 } ?? 2 * k
      guard first <= last else { continue }
      for zone in stride(from: first, through: last, by: 2) where keep[zone] < 0 {
        keep[zone] = inside.count
        var a: [Double] = []
        a.reserveCapacity(span.expected + span.expected / 4 + 64)
        inside.append(a)
      }
    }
    var counts = [Int](repeating: 0, count: 2 * k + 1)
    var smallest = Double.infinity
    var largest = -Double.infinity
    // Branch-free: a binary search over the few cuts was twice as slow (its loads depend on
    // each other; these compares do not).
    values.withUnsafeBufferPointer { v in
      cuts.withUnsafeBufferPointer { c in
        keep.withUnsafeBufferPointer { keepZone in
          counts.withUnsafeMutableBufferPointer { count in
            for x in v {
              smallest = Swift.min(smallest, x)
              largest = Swift.max(largest, x)
              var zone = 0
              for i in 0..<k { zone &+= (x >= c[i] ? 1 : 0) &+ (x > c[i] ? 1 : 0) }
              count[zone] &+= 1
              let slot = keepZone[zone]
              if slot >= 0 { inside[slot].append(x) }
            }
          }
        }
      }
    }
    var out: [Int: Double] = [:]
    if ranks.first == 0 { out[0] = smallest }
    if ranks.last == n - 1 { out[n - 1] = largest }
    let inner = ranks.filter { $0 != 0 && $0 != n - 1 }
    var start = 0
    var next = 0
    for zone in 0..<(2 * k + 1) {
      let end = start + counts[zone]
      var local: [Int] = []  // ranks inside a kept zone, relative to its start
      while next < inner.count && inner[next] < end {
        let r = inner[next]
        if zone & 1 == 1 {
          out[r] = cuts[zone >> 1]
        } else if keep[zone] >= 0 {
          local.append(r - start)
        } else {
          return nil
        }
        next += 1
      }
      if !local.isEmpty {
        // The kept values of the zone, put in place around the ranks asked for.
        inside[keep[zone]].withUnsafeMutableBufferPointer { a in
          select(a.baseAddress!, 0, a.count, local[...])
        }
        for l in local { out[start + l] = inside[keep[zone]][l] }
      }
      start = end
    }
    return out.count == ranks.count ? out : nil
  }

  /// Puts the value of every rank in `ranks` (sorted, within lo..<hi) at its place.
  static func select(
    _ a: UnsafeMutablePointer<Double>, _ lo: Int, _ hi: Int, _ ranks: ArraySlice<Int>
  ) {
    var lo = lo
    var hi = hi
    var ranks = ranks
    while !ranks.isEmpty {
      if hi - lo <= 16 {
        // Insertion sort of a short range.
        for i in (lo + 1)..<hi {
          let v = a[i]
          var j = i - 1
          while j >= lo && a[j] > v {
            a[j + 1] = a[j]
            j -= 1
          }
          a[j + 1] = v
        }
        return
      }
      // Median of three as the pivot.
      let x = a[lo]
      let y = a[lo + (hi - lo) / 2]
      let z = a[hi - 1]
      let pivot = Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
      // Three-way partition: [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot.
      var lt = lo
      var i = lo
      var gt = hi
      while i < gt {
        let v = a[i]
        if v < pivot {
          a[i] = a[lt]
          a[lt] = v
          lt += 1
          i += 1
        } else if v > pivot {
          gt -= 1
          a[i] = a[gt]
          a[gt] = v
        } else {
          i += 1
        }
      }
      let left = ranks.prefix { $0 < lt }
      let right = ranks.drop { $0 < gt }
      // Recurse into the smaller side, loop on the larger.
      if left.count <= right.count {
        if !left.isEmpty { select(a, lo, lt, left) }
        lo = gt
        ranks = right
      } else {
        if !right.isEmpty { select(a, gt, hi, right) }
        hi = lt
        ranks = left
      }
    }
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
    self.init(count: flags.filter { $0 }.count, of: flags.count)
  }

  /// The share of `events` among `n` paths.
  public init(count events: Int, of n: Int) {
    let p = n > 0 ? Double(events) / Double(n) : .nan
    probability = p
    se = n > 0 ? (p * (1 - p) / Double(n)).squareRoot() : .nan
  }
}
