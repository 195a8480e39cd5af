import Foundation

/// Special functions the distributions need.
public enum SpecialFunctions {
  /// The standard normal CDF Φ(x) = erfc(−x/√2)/2.
  @inlinable
  public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

  /// The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation
  /// (relative error below 1.15e-9) refined by one Halley step on erfc, which brings it to
  /// about 1e-15. Source: P. J. Acklam, "An algorithm for computing the inverse normal
  /// cumulative distribution function" (2003).
  public static func normalQuantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1")
    let a = [
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01,
    ]
    let c = [
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00,
    ]
    let low = 0.02425
    var x: Double
    if p < low {
      let q = (-2 * log(p)).squareRoot()
      x =
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p <= 1 - low {
      let q = p - 0.5
      let r = q * q
      x =
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    } else {
      let q = (-2 * log(1 - p)).squareRoot()
      x =
        -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
    let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
    x -= u / (1 + x * u / 2)
    return x
  }

  /// The regularized incomplete beta function I_x(a, b), by the continued fraction of
  /// Numerical Recipes (3rd ed., §6.4) evaluated with the modified Lentz method; relative
  /// accuracy about 1e-14.
  public static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
      return exp(lnFront) * betaFraction(x, a, b) / a
    }
    return 1 - exp(lnFront) * betaFraction(1 - x, b, a) / b
  }

  private static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...300 {
      let m = Double(m)
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-15 { break }
    }
    return h
  }

  /// The quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection to 1e-13 (80 halvings
  /// of [0, 1] at most).
  public static func betaQuantile(_ p: Double, _ a: Double, _ b: Double) -> Double {
    var lo = 0.0
    var hi = 1.0
    for _ in 0..<80 {
      let mid = (lo + hi) / 2
      if incompleteBeta(mid, a, b) < p { lo = mid } else { hi = mid }
      if hi - lo < 1e-13 { break }
    }
    return (lo + hi) / 2
  }
}

/// A probability distribution of an uncertain input, given the way people state it.
public enum Distribution: Equatable, Sendable {
  /// Normal with a mean and a standard deviation.
  case normal(mean: Double, sd: Double)
  /// Lognormal with the mean and standard deviation of the variable itself (not of its log):
  /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
  case lognormal(mean: Double, sd: Double)
  /// Beta(α, β) on [0, 1].
  case beta(alpha: Double, beta: Double)
  /// Triangular with a minimum, a mode and a maximum.
  case triangular(min: Double, mode: Double, max: Double)
  /// Uniform on [min, max].
  case uniform(min: Double, max: Double)

  /// Beta from observed counts: `successes` of `trials` gives Beta(successes + 1, trials −
  /// successes + 1), the posterior under a uniform prior (premie op werk: 52 of 113 →
  /// Beta(53, 62)).
  public static func betaCounts(successes: Double, trials: Double) -> Distribution {
    .beta(alpha: successes + 1, beta: trials - successes + 1)
  }

  /// The quantile at the probability of a standard normal score, F⁻¹(Φ(z)), with Φ(z) kept
  /// within [10⁻¹⁶, 1 − 10⁻¹⁶] (|z| ≤ 8.2221): for the normal μ + σz and the lognormal
  /// exp(μ_l + σ_l·z) directly, without the round trip through a probability; for the others
  /// `quantile(Φ(z))`. The inputs of a Gaussian copula take their values this way.
  public func quantile(normal z: Double) -> Double {
    let limit = 8.222_082_216_130_435  // Φ⁻¹(1 − 10⁻¹⁶)
    switch self {
    case .normal(let m, let s):
      return m + s * min(max(z, -limit), limit)
    case .lognormal(let m, let s):
      let sigma2 = log(1 + (s * s) / (m * m))
      return exp(log(m) - sigma2 / 2 + sigma2.squareRoot() * min(max(z, -limit), limit))
    default:
      return quantile(min(max(SpecialFunctions.normalCDF(z), 1e-16), 1 - 1e-16))
    }
  }

  /// The value at probability `u` (0 < u < 1): F⁻¹(u).
  public func quantile(_ u: Double) -> Double {
    switch self {
    case .normal(let m, let s):
      return m + s * SpecialFunctions.normalQuantile(u)
    case .lognormal(let m, let s):
      let sigma2 = log(1 + (s * s) / (m * m))
      return exp(log(m) - sigma2 / 2 + sigma2.squareRoot() * SpecialFunctions.normalQuantile(u))
    case .beta(let a, let b):
      return SpecialFunctions.betaQuantile(u, a, b)
    case .triangular(let lo, let mode, let hi):
      let f = (mode - lo) / (hi - lo)
      return u < f
        ? lo + ((u * (hi - lo) * (mode - lo))).squareRoot()
        : hi - (((1 - u) * (hi - lo) * (hi - mode))).squareRoot()
    case .uniform(let lo, let hi):
      return lo + u * (hi - lo)
    }
  }

  /// The mean of the distribution.
  public var mean: Double {
    switch self {
    case .normal(let m, _), .lognormal(let m, _): m
    case .beta(let a, let b): a / (a + b)
    case .triangular(let lo, let mode, let hi): (lo + mode + hi) / 3
    case .uniform(let lo, let hi): (lo + hi) / 2
    }
  }
}
