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
  /// Where each series sits.
  public var layout: SeriesLayout
  /// The summary of each column of the layout; `nil` for a series with missing values.
  let columns: [Summary?]
  /// Per year: the probability that the deficit exceeds the year's vangnet entry threshold
  /// (first regime), with the threshold; `nil` when the year has no rule.
  public var deficitAboveThreshold: [Int: (threshold: Double, exceedance: Exceedance)]
  /// Per year: the probability that the net burden exceeds the scenario's limit.
  public var netBurdenAbove: [Int: (limit: Double, exceedance: Exceedance)]
  /// The horizon's totals: the cumulative net burden and the worth of the package and of each
  /// intervention.
  public var horizon: HorizonStatistics

  /// The statistics of a quantity in a year (of intervention i when the quantity belongs to
  /// one); `nil` when the run has no such series or it has missing values.
  public subscript(_ q: Quantity, year year: Int, intervention i: Int? = nil) -> Summary? {
    layout.column(q, year: year, intervention: i).flatMap { columns[$0] }
  }

  /// Computes the statistics of `values` (all paths of a run): per year, and over the horizon
  /// with net present values at `discountRate` (fraction per year) and the probability that
  /// the cumulative net burden exceeds `reserve` (EUR), when given.
  public init(
    _ mc: MonteCarlo, _ values: PathValues, netBurdenLimit: Double?, discountRate: Double,
    reserve: Double? = nil
  ) {
    paths = values.count
    layout = values.layout
    // Each series is summarized on its own, in parallel; the result does not depend on the
    // order.
    let count = layout.count
    let results = UnsafeMutableBufferPointer<Summary?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer {
      // The summaries hold arrays: deinitialized, or their storage would leak.
      _ = results.deinitialize()
      results.deallocate()
    }
    let shared = SummarySlots(pointer: results)
    // The net burden's columns carry the reserve levels (weerstandsvermogen).
    let theLayout = layout
    let reserveColumns = Set(
      theLayout.years.indices.map { theLayout.column(.netBurden, yearIndex: $0)! })
    DispatchQueue.concurrentPerform(iterations: count) { k in
      let v = values.column(k)
      // A NaN among the values (a p.m. yield) makes the mean NaN: no statistics then.
      let moments = Moments(v)
      guard !moments.mean.isNaN else { return }
      shared.pointer[k] = Summary(
        v, moments: moments,
        levels: reserveColumns.contains(k) ? Summary.reserveLevels : Summary.levels)
    }
    columns = Array(results)
    var deficit: [Int: (Double, Exceedance)] = [:]
    var burden: [Int: (Double, Exceedance)] = [:]
    for (k, year) in mc.years.enumerated() {
      if let schedule = mc.accounting.schedules[k], let budget = values.series(.budget, year: year),
        let result = values.series(.result, year: year)
      {
        let entry = schedule.entry
        var events = 0
        for (r, b) in zip(result, budget) where -r > entry * b { events += 1 }
        deficit[year] = (entry, Exceedance(count: events, of: values.count))
      }
      if let limit = netBurdenLimit, let n = values.series(.netBurden, year: year) {
        var events = 0
        for v in n where v > limit { events += 1 }
        burden[year] = (limit, Exceedance(count: events, of: values.count))
      }
    }
    deficitAboveThreshold = deficit.mapValues { ($0.0, $0.1) }
    netBurdenAbove = burden.mapValues { ($0.0, $0.1) }
    horizon = HorizonStatistics(
      values, fixedCosts: mc.fixedCosts, discountRate: discountRate, reserve: reserve)
  }
}
