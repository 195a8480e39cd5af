import BuigCore
import Dispatch
import Foundation

/// The statistics of an intervention's or the package's `Worth` over the paths: each path's
/// worth from its own yearly figures, summarized like every other quantity.
public struct WorthStatistics: Sendable {
  /// Σ cost.
  public var cost: Summary
  /// Σ yield.
  public var yield: Summary
  /// Σ effect after the vangnet.
  public var effectAfterVangnet: Summary
  /// Σ (effect after the vangnet − cost).
  public var netAfterVangnet: Summary
  /// The net after the vangnet discounted to the horizon's first year.
  public var npv: Summary
  /// Net after the vangnet per euro of cost; `nil` when a path's cost is 0.
  public var roi: Summary?
  /// The payback year over the paths.
  public var payback: PaybackStatistics
}

/// The payback year over the paths: the share of paths that pay back within the horizon, and
/// the payback year at each level of `Summary.levels` (nearest rank, paths that do not pay back
/// counting as later than any year; `nil` where the rank falls among those).
public struct PaybackStatistics: Sendable {
  /// The share of paths whose cumulative net after the vangnet turns non-negative within the
  /// horizon.
  public var withinHorizon: Exceedance
  /// The payback year at each level of `Summary.levels`; `nil` = not within the horizon.
  public var quantiles: [Int?]

  /// The statistics of per-path payback offsets (`-1` = none) over a horizon.
  init(offsets: [Int16], years: [Int]) {
    var counts = [Int](repeating: 0, count: years.count + 1)
    for o in offsets { counts[o < 0 ? years.count : Int(o)] += 1 }
    let n = offsets.count
    withinHorizon = Exceedance(count: n - counts[years.count], of: n)
    quantiles = Summary.levels.map { p in
      let rank = min(n - 1, max(0, Int((p * Double(n)).rounded(.up)) - 1))
      var seen = 0
      for k in 0..<years.count {
        seen += counts[k]
        if rank < seen { return years[k] }
      }
      return nil
    }
  }
}

/// The horizon's totals over the paths: the cumulative net burden (with the reserve levels),
/// the probability that it exceeds a reserve, and the worth of the package and of each
/// intervention whose yield is quantified.
public struct HorizonStatistics: Sendable {
  /// Σ_k net burden N_k per path, with quantiles at `Summary.reserveLevels`.
  public var netBurden: Summary
  /// The probability that the cumulative net burden exceeds a reserve, with the reserve.
  public var netBurdenAbove: (limit: Double, exceedance: Exceedance)?
  /// The package's worth (every intervention's cost, p.m. items included).
  public var package: WorthStatistics
  /// Each intervention's worth, `nil` for a p.m. one (its cost is fixed in advance).
  public var interventions: [WorthStatistics?]
  /// The discount rate the net present values use (fraction per year).
  public var discountRate: Double

  /// The totals of a run's paths. The package's effect after the vangnet in year k is
  /// N⁰_k − N_k per path; an intervention's is its share of it.
  public init(_ values: PathValues, discountRate: Double, reserve: Double?) {
    let layout = values.layout
    let ny = layout.years.count
    let n = values.count
    self.discountRate = discountRate
    let d = Worth<Double>.discountFactors(rate: discountRate, years: ny)
    /// The first value of each year's column of a series (offsets into the storage).
    func offsets(_ q: Quantity, _ i: Int? = nil) -> [Int]? {
      var out: [Int] = []
      for k in 0..<ny {
        guard let c = layout.column(q, yearIndex: k, intervention: i) else { return nil }
        out.append(c * n)
      }
      return out
    }
    let burden = offsets(.netBurden)!
    var total = [Double](repeating: 0, count: n)
    values.storage.withUnsafeBufferPointer { v in
      for p in 0..<n {
        var s = 0.0
        for k in 0..<ny { s += v[burden[k] + p] }
        total[p] = s
      }
    }
    netBurden = Summary(total, levels: Summary.reserveLevels)
    netBurdenAbove = reserve.map { limit in
      (limit, Exceedance(count: total.reduce(0) { $0 + ($1 > limit ? 1 : 0) }, of: n))
    }
    // The package (its effect N⁰ − N), then each quantified intervention (its share).
    var entities: [WorthSeries] = [
      WorthSeries(
        cost: offsets(.interventionCost)!, yield: offsets(.interventionYield)!,
        effect: burden, baseline: offsets(.baselineNetBurden)!)
    ]
    var index: [Int?] = []
    for i in layout.interventions.indices {
      guard let c = offsets(.cost, i), let y = offsets(.yield, i),
        let e = offsets(.effectAfterVangnet, i)
      else {
        index.append(nil)
        continue
      }
      index.append(entities.count)
      entities.append(WorthSeries(cost: c, yield: y, effect: e, baseline: nil))
    }
    let results = UnsafeMutableBufferPointer<WorthStatistics?>.allocate(capacity: entities.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    let slots = WorthSlots(pointer: results)
    let list = entities
    let years = layout.years
    // Each entity is summarized on its own thread; the result does not depend on the order.
    DispatchQueue.concurrentPerform(iterations: list.count) { j in
      slots.pointer[j] = list[j].statistics(values, discount: d, years: years)
    }
    package = results[0]!
    interventions = index.map { $0.map { results[$0]! } }
  }
}

/// Where one entity's yearly figures sit in a run's storage (offsets of each year's column).
struct WorthSeries: Sendable {
  let cost: [Int]
  let yield: [Int]
  /// The effect after the vangnet; for the package, the net burden N (with `baseline` N⁰, the
  /// effect being N⁰ − N).
  let effect: [Int]
  let baseline: [Int]?

  /// Calls `body` with each path's index and worth.
  func forEachPath(
    _ values: PathValues, discount d: [Double], _ body: (Int, Worth<Double>) -> Void
  ) {
    let ny = cost.count
    values.storage.withUnsafeBufferPointer { v in
      for p in 0..<values.count {
        body(
          p,
          Worth<Double>(
            years: ny, discount: { d[$0] }, cost: { v[cost[$0] + p] },
            yield: { v[yield[$0] + p] },
            effect: { k in
              baseline.map { v[$0[k] + p] - v[effect[k] + p] } ?? v[effect[k] + p]
            }))
      }
    }
  }

  /// Each path's worth, summarized: one figure at a time through one buffer (a path's worth is
  /// recomputed per figure, O(Y), so that memory stays at one series per entity).
  func statistics(_ values: PathValues, discount d: [Double], years: [Int]) -> WorthStatistics {
    var buffer = [Double](repeating: 0, count: values.count)
    /// One figure of every path's worth, summarized; `nil` when a path lacks it.
    func summary(_ figure: (Worth<Double>) -> Double?) -> Summary? {
      var missing = false
      forEachPath(values, discount: d) { p, w in
        if let x = figure(w) { buffer[p] = x } else { missing = true }
      }
      return missing ? nil : Summary(buffer)
    }
    var payback = [Int16](repeating: -1, count: values.count)
    forEachPath(values, discount: d) { p, w in payback[p] = w.payback.map { Int16($0) } ?? -1 }
    return WorthStatistics(
      cost: summary(\.cost)!, yield: summary(\.yield)!,
      effectAfterVangnet: summary(\.effectAfterVangnet)!,
      netAfterVangnet: summary(\.netAfterVangnet)!, npv: summary(\.npv)!, roi: summary(\.roi),
      payback: PaybackStatistics(offsets: payback, years: years))
  }
}

/// Slots that workers fill, one each.
struct WorthSlots: @unchecked Sendable {
  let pointer: UnsafeMutableBufferPointer<WorthStatistics?>
}
