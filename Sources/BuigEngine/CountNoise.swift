import BuigCore
import Foundation

/// Chance in the flows (`flows.countNoise`): each month every state's households move as whole
/// households, drawn from the month's rates, instead of as the expected fractions.
///
/// For a state with n households and moves to destinations 1…m at rates r₁…r_m (this path's
/// rates: A + Σ scalar·Δ), the moves are a multinomial draw, taken as successive binomials:
/// k_d ~ Binomial(n − k₁ − … − k_{d−1}, r_d / (1 − r₁ − … − r_{d−1})); those left stay. The
/// inflow into each state is Poisson with mean inflow·v_s (a negative calibrated inflow, the net
/// outflow beside the exits that `FlowCalibration` warns of, takes Poisson counts away, never
/// below zero). The initial caseload is rounded to whole households and spread over the states
/// by largest remainders. Every draw comes from the path's own Philox stream (purpose
/// `countNoise`), so a path's counts do not depend on its tile, batch or thread.
public struct CountNoise: Sendable {
  /// The generator keyed by the run's seed.
  public let philox: Philox4x32

  /// Count noise for a run's seed.
  public init(seed: UInt64) {
    philox = RandomStreams(seed: seed).philox
  }

  /// One path's uniforms, in order: block (path low, path high, `countNoise`, n) of
  /// Philox4x32-10 gives the n-th pair.
  public struct Stream {
    let philox: Philox4x32
    let low: UInt32
    let high: UInt32
    var counter: UInt32 = 0
    var spare: (UInt32, UInt32)?

    /// The next uniform in (0, 1), with 53 random bits as `RandomStreams.uniform`.
    @inline(__always)
    public mutating func uniform() -> Double {
      let hi: UInt32
      let lo: UInt32
      if let s = spare {
        (hi, lo) = s
        spare = nil
      } else {
        let b = philox.block((low, high, StreamPurpose.countNoise.rawValue, counter))
        counter &+= 1
        (hi, lo) = (b.0, b.1)
        spare = (b.2, b.3)
      }
      let k = (UInt64(hi) << 21) ^ (UInt64(lo) >> 11)
      return (Double(k) + 0.5) * 0x1p-53
    }
  }

  /// The stream of a path.
  public func stream(path: Int) -> Stream {
    let p = UInt64(path)
    return Stream(
      philox: philox, low: UInt32(truncatingIfNeeded: p), high: UInt32(truncatingIfNeeded: p >> 32))
  }

  /// Means above which a count is drawn from the normal approximation (mean + sd·Φ⁻¹(u), rounded
  /// and kept within its bounds) instead of by inversion; at a mean of 50 the approximation's
  /// probabilities are within about 0.01 of the exact ones, far below the model's other
  /// uncertainty.
  public static let exactUpTo = 50.0

  /// A Poisson count with mean `mean` at the uniform `u`: the inverse of its distribution
  /// function up to a mean of `exactUpTo`, above the normal approximation.
  public static func poisson(_ mean: Double, _ u: Double) -> Double {
    guard mean > 0 else { return 0 }
    if mean > exactUpTo {
      return max(0, (mean + mean.squareRoot() * SpecialFunctions.normalQuantile(u)).rounded())
    }
    var k = 0.0
    var prob = exp(-mean)
    var cumulative = prob
    while cumulative < u && k < 1_000 {
      k += 1
      prob *= mean / k
      cumulative += prob
    }
    return k
  }

  /// A binomial count of `n` (a whole number) trials with chance `p` at the uniform `u`: by
  /// inversion (P(0) = (1 − p)ⁿ, P(k+1) = P(k)·(n − k)/(k + 1)·p/(1 − p)) up to a mean of
  /// `exactUpTo`, above the normal approximation with variance n·p·(1 − p), within 0…n; for
  /// p > ½ as n minus the count of 1 − p.
  public static func binomial(_ n: Double, _ p: Double, _ u: Double) -> Double {
    guard n > 0, p > 0 else { return 0 }
    guard p < 1 else { return n }
    if p > 0.5 { return n - binomial(n, 1 - p, 1 - u) }
    let mean = n * p
    if mean > exactUpTo {
      let k = (mean + (mean * (1 - p)).squareRoot() * SpecialFunctions.normalQuantile(u)).rounded()
      return min(n, max(0, k))
    }
    return inversion(n, logQ: log1p(-p), ratio: p / (1 - p), u)
  }

  /// The binomial count at `u` by inversion from 0: P(0) = exp(n·log(1 − p)),
  /// P(k+1) = P(k)·(n − k)/(k + 1)·p/(1 − p).
  @inline(__always)
  static func inversion(_ n: Double, logQ: Double, ratio: Double, _ u: Double) -> Double {
    var k = 0.0
    var prob = exp(n * logQ)
    var cumulative = prob
    while cumulative < u && k < n {
      prob *= (n - k) / (k + 1) * ratio
      k += 1
      cumulative += prob
    }
    return k
  }

  /// The binomial count of `binomial(n, p, u)` with log(1 − p) and p/(1 − p) given (the kernel
  /// computes them once per path and year for each move): the same numbers, without a logarithm
  /// per draw.
  @inline(__always)
  static func binomial(_ n: Double, _ p: Double, logQ: Double, ratio: Double, _ u: Double)
    -> Double
  {
    guard n > 0, p > 0, p <= 0.5, n * p <= exactUpTo else { return binomial(n, p, u) }
    return inversion(n, logQ: logQ, ratio: ratio, u)
  }

  /// `total` rounded to whole households and spread over `shape` (which sums to 1) by largest
  /// remainders (ties to the lower state index), into `out`.
  public static func wholeHouseholds(_ total: Double, shape: [Double], into out: inout [Double]) {
    let n = max(0, total.rounded())
    var assigned = 0.0
    var remainders: [(Double, Int)] = []
    for j in shape.indices {
      let exact = n * shape[j]
      out[j] = exact.rounded(.down)
      assigned += out[j]
      remainders.append((exact - out[j], j))
    }
    remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
    var left = Int(n - assigned)
    for (_, j) in remainders where left > 0 {
      out[j] += 1
      left -= 1
    }
  }
}

extension FlowKernel {
  /// Runs a tile with count noise: per path and month, the moves of every state drawn from the
  /// path's rates (the scalars of its year), the inflow drawn per state; the annual averages as
  /// `run` computes them from the stocks.
  ///
  /// - Complexity: O(T·12·Y·(M + Σ draws' counts)) for M moves (about 200), the inversion's
  ///   cost growing with each draw's mean up to `CountNoise.exactUpTo`.
  func runCounted(_ input: FlowTileInput, noise: CountNoise) -> FlowTileOutput {
    let t = input.paths
    precondition(t <= capacity, "tile larger than the kernel's capacity")
    let s = self.s
    let years = input.years
    let blocks = 3 + extras
    var out = FlowTileOutput(
      onBenefit: Array(repeating: 0, count: t * years),
      priced: Array(repeating: 0, count: t * years),
      finalTotal: Array(repeating: 0, count: t), finalStates: Array(repeating: 0, count: t * s))
    var stock = [Double](repeating: 0, count: s)
    var next = [Double](repeating: 0, count: s)
    var sum = [Double](repeating: 0, count: s)
    var scalars = [Double](repeating: 0, count: blocks)
    var rates = [Double](repeating: 0, count: moveTo.count)
    // Per move and year: the chance given that the household took none of the state's earlier
    // moves (rate / (1 − the earlier rates)), its log(1 − p) and p/(1 − p); 1 means "all that
    // are left".
    var chance = rates
    var logQ = rates
    var ratio = rates
    let shape = matrices.inflowShape
    for p in 0..<t {
      var random = noise.stream(path: input.noisePath[p])
      CountNoise.wholeHouseholds(input.initial[p], shape: matrices.initialShape, into: &stock)
      scalars[0] = 1
      scalars[2] = input.ladderScalar[p]
      for e in 0..<extras { scalars[3 + e] = input.extraScalar[p * extras + e] }
      for y in 0..<years {
        scalars[1] = input.workScalar[p * years + y]
        let f = input.inflow[p * years + y]
        // This year's rate of every move: Σ_b scalar_b · rate_b, never below 0.
        for m in rates.indices {
          var r = 0.0
          for b in 0..<blocks { r += scalars[b] * moveRates[m * blocks + b] }
          rates[m] = max(0, r)
        }
        for i in 0..<s {
          var mass = 1.0
          for m in moveStart[i]..<moveStart[i + 1] {
            let r = rates[m]
            let p = r >= mass ? 1 : r / mass
            chance[m] = p
            logQ[m] = p < 1 ? log1p(-p) : -.infinity
            ratio[m] = p < 1 ? p / (1 - p) : .infinity
            mass -= r
          }
        }
        for j in 0..<s { sum[j] = 0 }
        for month in 0..<12 {
          let f = f * matrices.seasonality[month]
          for j in 0..<s { next[j] = 0 }
          for i in 0..<s {
            var n = stock[i]
            var m = moveStart[i]
            while n > 0 && m < moveStart[i + 1] {
              let p = chance[m]
              if p > 0 {
                let k =
                  p >= 1
                  ? n
                  : CountNoise.binomial(
                    n, p, logQ: logQ[m], ratio: ratio[m], random.uniform())
                next[moveTo[m]] += k
                n -= k
              }
              m += 1
            }
            next[i] += n
          }
          for j in 0..<s where shape[j] > 0 {
            let k = CountNoise.poisson(abs(f) * shape[j], random.uniform())
            next[j] = f >= 0 ? next[j] + k : max(0, next[j] - k)
          }
          swap(&stock, &next)
          for j in 0..<s { sum[j] += stock[j] }
        }
        var ob = 0.0
        var pr = 0.0
        for j in 0..<s {
          ob += sum[j] * readout[j * 2]
          pr += sum[j] * readout[j * 2 + 1]
        }
        out.onBenefit[p * years + y] = ob / 12
        out.priced[p * years + y] = pr / 12
      }
      out.finalTotal[p] = stock.reduce(0, +)
      for j in 0..<s { out.finalStates[p * s + j] = stock[j] }
    }
    return out
  }
}
