import BuigCore
import Foundation

/// The statistics of a Monte Carlo run, computed from all path values in path order: the same
/// values give the same bits however the run was split into batches, threads or shards.
public struct MonteCarloSummary: Sendable {
  /// Paths.
  public var paths: Int
  /// The summary of each series, by series name (`netBurden/2018`, `yield:vouchers/2018`).
  public var series: [String: Summary]
  /// Per year: the probability that the deficit exceeds the year's vangnet entry threshold
  /// (first regime), with the threshold; `nil` when the year has no rule.
  public var deficitAboveThreshold: [Int: (threshold: Double, exceedance: Exceedance)]
  /// Per year: the probability that the net burden exceeds the scenario's limit.
  public var netBurdenAbove: [Int: (limit: Double, exceedance: Exceedance)]

  /// Computes the statistics of `values` (all paths of a run).
  public init(_ mc: MonteCarlo, _ values: PathValues, netBurdenLimit: Double?) {
    paths = values.count
    var series: [String: Summary] = [:]
    for (k, name) in mc.seriesNames.enumerated() {
      let v = values.series[k]
      if v.contains(where: { $0.isNaN }) { continue }  // p.m. items have no yield
      series[name] = Summary(v)
    }
    self.series = series
    var deficit: [Int: (Double, Exceedance)] = [:]
    var burden: [Int: (Double, Exceedance)] = [:]
    for (k, year) in mc.years.enumerated() {
      let budget = values.series[mc.series("budget/\(year)")!]
      let result = values.series[mc.series("result/\(year)")!]
      if let schedule = mc.schedules[k] {
        let entry = schedule.entry
        deficit[year] = (entry, Exceedance(zip(result, budget).map { -$0 > entry * $1 }))
      }
      if let limit = netBurdenLimit {
        let n = values.series[mc.series("netBurden/\(year)")!]
        burden[year] = (limit, Exceedance(n.map { $0 > limit }))
      }
    }
    deficitAboveThreshold = deficit.mapValues { ($0.0, $0.1) }
    netBurdenAbove = burden.mapValues { ($0.0, $0.1) }
  }
}
