import Foundation

/// A parameter of an intervention whose switching value can be sought: the value at which the
/// intervention's net after the vangnet over the horizon is zero (the HM Treasury Green Book's
/// term for a break-even value).
public enum SwitchingParameter: String, CaseIterable, Sendable {
  /// Success rate of a mechanistic intervention (0 to 1).
  case successRate
  /// Saving per success of a mechanistic intervention (EUR per household per year).
  case savingPerSuccess
  /// Retention of a mechanistic intervention (share per year, 0 to 1).
  case retention
  /// Deadweight of a mechanistic intervention (share of successes, 0 to 1).
  case deadweight
  /// A multiplier on the stated costs of a schedule or screening intervention.
  case cost
  /// A multiplier on the stated yields of a schedule or screening intervention.
  case yield

  /// The allowed range: the scenario format's range for the mechanistic fields (the saving per
  /// success as a price per household), 0 to 100 for a multiplier.
  public var range: ClosedRange<Decimal> {
    switch self {
    case .successRate, .retention, .deadweight: 0...1
    case .savingPerSuccess: 0...1_000_000
    case .cost, .yield: 0...100
    }
  }

  /// Whether the value is a multiplier on stated amounts.
  public var isMultiplier: Bool { self == .cost || self == .yield }

  /// The uncertainty target whose draws replace this parameter's value in a Monte Carlo path,
  /// when the parameter is a mechanistic field (`nil` for the multipliers, which compose with
  /// an uncertain yield factor).
  public func target(intervention id: String) -> UncertaintyTarget? {
    switch self {
    case .successRate: .intervention(id: id, field: .successRate)
    case .savingPerSuccess: .intervention(id: id, field: .savingPerSuccess)
    case .retention: .intervention(id: id, field: .retention)
    case .deadweight: .intervention(id: id, field: .deadweight)
    case .cost, .yield: nil
    }
  }
}

extension Intervention {
  /// The parameters that apply to this intervention's kind.
  public var switchingParameters: [SwitchingParameter] {
    switch kind {
    case .mechanistic: [.successRate, .savingPerSuccess, .retention, .deadweight]
    case .schedule(let s): s.yields == nil ? [.cost] : [.cost, .yield]
    case .screening: [.cost, .yield]
    }
  }

  /// The parameter's current value (1 for a multiplier), or `nil` when it does not apply.
  public func current(_ p: SwitchingParameter) -> Decimal? {
    guard switchingParameters.contains(p) else { return nil }
    switch (kind, p) {
    case (.mechanistic(let m), .successRate): return m.successRate
    case (.mechanistic(let m), .savingPerSuccess): return m.savingPerSuccess.euros
    case (.mechanistic(let m), .retention): return m.retention
    case (.mechanistic(let m), .deadweight): return m.deadweight
    default: return 1
    }
  }

  /// The intervention with the parameter set to `value` (a multiplier scales every stated
  /// amount: costs and cost components, or yields); unchanged when it does not apply.
  public func setting(_ p: SwitchingParameter, to value: Decimal) -> Intervention {
    var out = self
    switch (kind, p) {
    case (.mechanistic(var m), _):
      switch p {
      case .successRate: m.successRate = value
      case .savingPerSuccess: m.savingPerSuccess = Money(value)
      case .retention: m.retention = value
      case .deadweight: m.deadweight = value
      case .cost, .yield: return self
      }
      out.kind = .mechanistic(m)
    case (.schedule(var s), .cost):
      s.costs = s.costs.mapValues { $0 * value }
      s.costComponents = s.costComponents.map { ($0.name, $0.costs.mapValues { $0 * value }) }
      out.kind = .schedule(s)
    case (.schedule(var s), .yield):
      s.yields = s.yields?.mapValues { $0 * value }
      out.kind = .schedule(s)
    case (.screening(var s), .cost):
      s.costPerRound = s.costPerRound * value
      out.kind = .screening(s)
    case (.screening(var s), .yield):
      s.peakSaving = s.peakSaving * value
      out.kind = .screening(s)
    default:
      return self
    }
    return out
  }
}

/// Finds where a function of one parameter crosses zero.
public enum RootFinder {
  /// The root of f in `range` nearest to `start`: f is read on a grid of `grid` + 1 points
  /// (and at `start`), the sign change nearest to `start` is bracketed, and the Illinois
  /// variant of regula falsi narrows it (superlinear where f is smooth, never leaving the
  /// bracket) until the bracket is narrower than `tolerance` or |f| ≤ `accuracy`. `nil` when f keeps one
  /// sign on the grid (no root within the range, as far as the grid sees).
  public static func root(
    in range: ClosedRange<Double>, near start: Double, grid: Int = 64, tolerance: Double,
    accuracy: Double, _ f: (Double) throws -> Double
  ) rethrows -> Double? {
    var xs = (0...grid).map {
      range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(grid)
    }
    if range.contains(start) { xs.append(start) }
    xs = Array(Set(xs)).sorted()
    var fs: [Double] = []
    for x in xs {
      let v = try f(x)
      if abs(v) <= accuracy && x == start { return x }
      fs.append(v)
    }
    var best: (Double, Double, Double, Double)?
    for i in 0..<(xs.count - 1) where (fs[i] <= 0) != (fs[i + 1] <= 0) || fs[i] == 0 {
      let distance = min(abs(xs[i] - start), abs(xs[i + 1] - start))
      if best == nil
        || distance < min(abs(best!.0 - start), abs(best!.1 - start))
      {
        best = (xs[i], xs[i + 1], fs[i], fs[i + 1])
      }
    }
    if let last = fs.last, last == 0, best == nil { return xs.last }
    guard let (a, b, fa, fb) = best else { return nil }
    return try narrow(a, b, fa, fb, tolerance: tolerance, accuracy: accuracy, f)
  }

  /// The root of f near `start` in `range`, found by stepping outwards from `start` (first
  /// `step`, doubling) until f changes sign, then narrowing the bracket as `root(in:)` does: few
  /// evaluations when the root is near `start`. `nil` when f keeps its sign over the range.
  public static func root(
    near start: Double, in range: ClosedRange<Double>, step: Double, tolerance: Double,
    accuracy: Double, _ f: (Double) throws -> Double
  ) rethrows -> Double? {
    let x0 = min(max(start, range.lowerBound), range.upperBound)
    let f0 = try f(x0)
    if abs(f0) <= accuracy { return x0 }
    var h = step
    var (lo, flo, hi, fhi) = (x0, f0, x0, f0)
    while lo > range.lowerBound || hi < range.upperBound {
      if hi < range.upperBound {
        let x = min(range.upperBound, x0 + h)
        let fx = try f(x)
        if (fx < 0) != (fhi < 0) || fx == 0 {
          return try narrow(hi, x, fhi, fx, tolerance: tolerance, accuracy: accuracy, f)
        }
        (hi, fhi) = (x, fx)
      }
      if lo > range.lowerBound {
        let x = max(range.lowerBound, x0 - h)
        let fx = try f(x)
        if (fx < 0) != (flo < 0) || fx == 0 {
          return try narrow(x, lo, fx, flo, tolerance: tolerance, accuracy: accuracy, f)
        }
        (lo, flo) = (x, fx)
      }
      h *= 2
    }
    return nil
  }

  /// Narrows a bracket [a, b] with f(a), f(b) of opposite signs (or one of them 0).
  static func narrow(
    _ a: Double, _ b: Double, _ fa: Double, _ fb: Double, tolerance: Double, accuracy: Double,
    _ f: (Double) throws -> Double
  ) rethrows -> Double {
    var (a, b, fa, fb) = (a, b, fa, fb)
    if fa == 0 { return a }
    if fb == 0 { return b }
    var side = 0
    for _ in 0..<200 {
      // The secant through the bracket's ends; bisection when it would not move.
      var m = (a * fb - b * fa) / (fb - fa)
      if !(m > a && m < b) { m = (a + b) / 2 }
      let fm = try f(m)
      if abs(fm) <= accuracy || b - a < tolerance { return m }
      if (fm < 0) == (fa < 0) {
        a = m
        fa = fm
        // Illinois: halve the stale end's value when the same end stays twice.
        if side == -1 { fb /= 2 }
        side = -1
      } else {
        b = m
        fb = fm
        if side == 1 { fa /= 2 }
        side = 1
      }
    }
    return (a + b) / 2
  }
}
