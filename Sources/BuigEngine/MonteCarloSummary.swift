import BuigCore
import Dispatch
import Foundation

/// Slots that workers fill, one each.
struct SummarySlots: @unchecked Sendable {
  let pointer: UnsafeMutableBufferPointer<Summary?>
}

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
    // Each series is summarized on its own (sorting dominates), in parallel; the result does
    // not depend on the order.
    let count = mc.seriesNames.count
    let results = UnsafeMutableBufferPointer<Summary?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    let shared = SummarySlots(pointer: results)
    DispatchQueue.concurrentPerform(iterations: count) { k in
      let v = values.series(k)
      guard !v.contains(where: { $0.isNaN }) else { return }
      shared.pointer[k] = Summary(v)
    }
    var series: [String: Summary] = [:]
    for (k, name) in mc.seriesNames.enumerated() {
      if let s = results[k] { series[name] = s }
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
