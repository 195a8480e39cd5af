import BuigCore
import Foundation

/// Two packages compared: per year and over the horizon, each quantity's expected values (from
/// the deterministic projections, exact to the cent) and, when paths ran, its distributions on
/// common random numbers: path i of the base and path i of the variant share the economy and
/// every uncertain input they have in common, so the difference variant − base carries far less
/// noise than two independent runs.
public struct Comparison: Sendable {
  /// The statistics over the paths of one quantity in one year (or the horizon).
  public struct Spread: Sendable {
    /// The base's statistics.
    public var base: Summary
    /// The variant's statistics.
    public var variant: Summary
    /// Statistics of variant − base per path.
    public var difference: Summary
    /// The standard error the difference of means would have from two independent runs:
    /// √(se_base² + se_variant²).
    public var independentSE: Double
  }

  /// One quantity in one year (or over the horizon).
  public struct Item: Sendable {
    /// The base's expected value (deterministic projection).
    public var expectedBase: Decimal
    /// The variant's expected value.
    public var expectedVariant: Decimal
    /// The statistics over the paths, when paths ran.
    public var spread: Spread?

    /// Variant − base, expected.
    public var expectedDifference: Decimal { expectedVariant - expectedBase }
  }

  /// The quantities summed over the horizon.
  public static let horizonQuantities: [Quantity] = [.netBurden, .interventionCost, .total]

  /// Years compared.
  public var years: [Int]
  /// Paths per scenario (0: expected values only).
  public var paths: Int
  /// `items[year][quantity]`, for every quantity of `Quantity.compared`.
  public var items: [Int: [Quantity: Item]]
  /// `horizon[quantity]`: the sums over the years, for `horizonQuantities`.
  public var horizon: [Quantity: Item]
  /// Per year: the probability that the variant's net burden is lower than the base's.
  public var variantBetter: [Int: Exceedance]
  /// Per year: the probability that the variant's total (net burden + intervention cost) is
  /// lower than the base's.
  public var variantCheaper: [Int: Exceedance]
  /// Over the horizon: the probability that the variant's cumulative net burden is lower.
  public var horizonBetter: Exceedance?
  /// Over the horizon: the probability that the variant's cumulative total is lower.
  public var horizonCheaper: Exceedance?

  /// Problems comparing two scenarios.
  public enum Problem: Error, Sendable, CustomStringConvertible {
    /// The horizons differ.
    case horizons([Int], [Int])

    /// A message for people.
    public var description: String {
      switch self {
      case .horizons(let a, let b):
        "the scenarios must have the same horizon to be compared: base \(a.first!)-\(a.last!), variant \(b.first!)-\(b.last!)"
      }
    }
  }

  /// Compares two projections' expected values only.
  public init(base: Projection, variant: Projection) {
    self.init(base: base, variant: variant, paths: nil)
  }

  /// Runs both engines with the same options (paths, seed via the engines, threads, kernel) and
  /// compares them path by path, beside their projections' expected values.
  public init(
    base: MonteCarlo, variant: MonteCarlo, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(MonteCarloError) {
    precondition(base.years == variant.years, "check the horizons first")
    let a = try base.run(options) { progress?($0) }
    let b = try variant.run(options) { progress?(options.paths + $0) }
    self.init(base: base.projection, variant: variant.projection, paths: (a, b))
  }

  init(base pa: Projection, variant pb: Projection, paths runs: (PathValues, PathValues)?) {
    years = pa.years.map(\.year)
    paths = runs?.0.count ?? 0
    var items: [Int: [Quantity: Item]] = [:]
    var better: [Int: Exceedance] = [:]
    var cheaper: [Int: Exceedance] = [:]
    var sums: [Quantity: (Decimal, Decimal, [Double], [Double])] = [:]
    for q in Self.horizonQuantities {
      sums[q] = (0, 0, runs.map { [Double](repeating: 0, count: $0.0.count) } ?? [], [])
      sums[q]!.3 = sums[q]!.2
    }
    for (ya, yb) in zip(pa.years, pb.years) {
      let y = ya.year
      var row: [Quantity: Item] = [:]
      for q in Quantity.compared {
        var item = Item(expectedBase: ya.value(q), expectedVariant: yb.value(q))
        if let (a, b) = runs, let va = a.values(q, year: y), let vb = b.values(q, year: y) {
          item.spread = Self.spread(va, vb)
          if q == .netBurden { better[y] = Self.lower(vb, va) }
          if q == .total { cheaper[y] = Self.lower(vb, va) }
          if sums[q] != nil {
            for p in va.indices {
              sums[q]!.2[p] += va[p]
              sums[q]!.3[p] += vb[p]
            }
          }
        }
        if sums[q] != nil {
          sums[q]!.0 += item.expectedBase
          sums[q]!.1 += item.expectedVariant
        }
        row[q] = item
      }
      items[y] = row
    }
    self.items = items
    variantBetter = better
    variantCheaper = cheaper
    var horizon: [Quantity: Item] = [:]
    for (q, s) in sums {
      horizon[q] = Item(
        expectedBase: s.0, expectedVariant: s.1,
        spread: runs == nil ? nil : Self.spread(s.2, s.3))
    }
    self.horizon = horizon
    if runs != nil {
      horizonBetter = Self.lower(sums[.netBurden]!.3, sums[.netBurden]!.2)
      horizonCheaper = Self.lower(sums[.total]!.3, sums[.total]!.2)
    }
  }

  /// The statistics of two series and of their difference b − a per path.
  static func spread(_ a: [Double], _ b: [Double]) -> Spread {
    let sa = Summary(a)
    let sb = Summary(b)
    return Spread(
      base: sa, variant: sb, difference: Summary(zip(b, a).map { $0 - $1 }),
      independentSE: (sa.se * sa.se + sb.se * sb.se).squareRoot())
  }

  /// The share of paths in which `x` is lower than `y`.
  static func lower(_ x: [Double], _ y: [Double]) -> Exceedance {
    Exceedance(count: zip(x, y).reduce(0) { $0 + ($1.0 < $1.1 ? 1 : 0) }, of: x.count)
  }
}
