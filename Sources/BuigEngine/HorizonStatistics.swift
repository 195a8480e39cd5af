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
  /// N⁰_k − N_k per path; an intervention's is its share of it. `fixedCosts[i][k]` is
  /// intervention i's cost in year offset k where the run has no column for it (a cost fixed in
  /// advance is the same in every path).
  public init(
    _ values: PathValues, fixedCosts: [[Double]], discountRate: Double, reserve: Double?
  ) {
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
    total = []
    // The package (its effect N⁰ − N), then each quantified intervention (its share).
    var entities: [WorthSeries] = [
      WorthSeries(
        cost: .columns(offsets(.interventionCost)!), yield: offsets(.interventionYield)!,
        effect: burden, baseline: offsets(.baselineNetBurden)!)
    ]
    var index: [Int?] = []
    for i in layout.interventions.indices {
      guard let y = offsets(.yield, i), let e = offsets(.effectAfterVangnet, i) else {
        index.append(nil)
        continue
      }
      index.append(entities.count)
      entities.append(
        WorthSeries(
          cost: offsets(.cost, i).map { .columns($0) } ?? .fixed(fixedCosts[i]), yield: y,
          effect: e, baseline: nil))
    }
    let results = UnsafeMutableBufferPointer<WorthStatistics?>.allocate(capacity: entities.count)
    results.initialize(repeating: nil)
    defer {
      // The summaries hold arrays: deinitialized, or their storage would leak.
      _ = results.deinitialize()
      results.deallocate()
    }
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
  /// A cost: columns of the run, or the same figures in every path.
  enum Cost: Sendable {
    case columns([Int])
    case fixed([Double])
  }

  let cost: Cost
  let yield: [Int]
  /// The effect after the vangnet; for the package, the net burden N (with `baseline` N⁰, the
  /// effect being N⁰ − N).
  let effect: [Int]
  let baseline: [Int]?

  /// The cost in year offset k of path p.
  @inline(__always)
  func cost(_ v: UnsafeBufferPointer<Double>, _ k: Int, _ p: Int) -> Double {
    switch cost {
    case .columns(let o): v[o[k] + p]
    case .fixed(let f): f[k]
    }
  }

  /// The effect after the vangnet in year offset k of path p.
  @inline(__always)
  func effect(_ v: UnsafeBufferPointer<Double>, _ k: Int, _ p: Int) -> Double {
    baseline.map { v[$0[k] + p] - v[effect[k] + p] } ?? v[effect[k] + p]
  }

  /// Each path's worth, summarized one figure at a time through one buffer, each pass reading
  /// only the columns its figure needs, so that memory stays at one series per entity and the
  /// columns are read a few times rather than once per figure each. The formulas are `Worth`'s:
  /// net = Σ(e − c), NPV = Σ(e − c)·d_k, ROI = net / Σc, payback = the first k with
  /// Σ_{j≤k}(e − c) ≥ 0 (a test holds the two to each other on every shipped scenario).
  func statistics(_ values: PathValues, discount d: [Double], years: [Int]) -> WorthStatistics {
    let n = values.count
    let ny = years.count
    var buffer = [Double](repeating: 0, count: n)
    /// One figure of every path, summarized.
    func summary(_ f: (UnsafeBufferPointer<Double>, Int) -> Double) -> Summary {
      values.storage.withUnsafeBufferPointer { v in
        buffer.withUnsafeMutableBufferPointer { b in
          for p in 0..<n { b[p] = f(v, p) }
        }
      }
      return Summary(buffer)
    }
    let costs = summary { v, p in (0..<ny).reduce(0.0) { $0 + cost(v, $1, p) } }
    let costFree = buffer.contains(0)
    let yields = summary { v, p in (0..<ny).reduce(0.0) { $0 + v[yield[$1] + p] } }
    let effects = summary { v, p in (0..<ny).reduce(0.0) { $0 + effect(v, $1, p) } }
    let nets = summary { v, p in
      (0..<ny).reduce(0.0) { $0 + effect(v, $1, p) - cost(v, $1, p) }
    }
    let npvs = summary { v, p in
      (0..<ny).reduce(0.0) { $0 + (effect(v, $1, p) - cost(v, $1, p)) * d[$1] }
    }
    let rois: Summary? =
      costFree
      ? nil
      : summary { v, p in
        var net = 0.0
        var c = 0.0
        for k in 0..<ny {
          let ck = cost(v, k, p)
          net += effect(v, k, p) - ck
          c += ck
        }
        return net / c
      }
    var payback = [Int16](repeating: -1, count: n)
    values.storage.withUnsafeBufferPointer { v in
      for p in 0..<n {
        var cumulative = 0.0
        for k in 0..<ny {
          cumulative += effect(v, k, p) - cost(v, k, p)
          if cumulative >= 0 {
            payback[p] = Int16(k)
            break
          }
        }
      }
    }
    return WorthStatistics(
      cost: costs, yield: yields, effectAfterVangnet: effects, netAfterVangnet: nets, npv: npvs,
      roi: rois, payback: PaybackStatistics(offsets: payback, years: years))
  }
}

/// Slots that workers fill, one each.
struct WorthSlots: @unchecked Sendable {
  let pointer: UnsafeMutableBufferPointer<WorthStatistics?>
}
