import BuigCore
import Foundation

/// Two scenarios run on the same random streams (common random numbers): path i of the base
/// and path i of the variant share the economy and every uncertain input they have in common,
/// so the difference variant − base carries far less noise than two independent runs.
public struct Comparison: Sendable {
  /// One quantity in one year.
  public struct Item: Sendable {
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

  /// Years compared.
  public var years: [Int]
  /// Paths per scenario.
  public var paths: Int
  /// `items[year][quantity]`, for every quantity of `Quantity.reported`.
  public var items: [Int: [Quantity: Item]]
  /// Per year: the probability that the variant's net burden is lower than the base's.
  public var variantBetter: [Int: Exceedance]

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

  /// Runs both engines with the same options (paths, seed via the engines, threads, kernel) and
  /// compares them path by path.
  public init(
    base: MonteCarlo, variant: MonteCarlo, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(MonteCarloError) {
    precondition(base.years == variant.years, "check the horizons first")
    let a = try base.run(options) { progress?($0) }
    let b = try variant.run(options) { progress?(options.paths + $0) }
    years = base.years
    paths = options.paths
    var items: [Int: [Quantity: Item]] = [:]
    var better: [Int: Exceedance] = [:]
    for y in years {
      var row: [Quantity: Item] = [:]
      for q in Quantity.reported {
        guard let va = a.series(q, year: y), let vb = b.series(q, year: y) else { continue }
        let sa = Summary(va)
        let sb = Summary(vb)
        row[q] = Item(
          base: sa, variant: sb, difference: Summary(zip(vb, va).map { $0 - $1 }),
          independentSE: (sa.se * sa.se + sb.se * sb.se).squareRoot())
        if q == .netBurden { better[y] = Exceedance(zip(vb, va).map { $0 < $1 }) }
      }
      items[y] = row
    }
    self.items = items
    variantBetter = better
  }
}
