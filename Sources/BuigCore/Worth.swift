import Foundation

/// What an intervention or a package is worth over the horizon, in the number type of the
/// computation: the deterministic projection's (`Decimal`) and every Monte Carlo path's
/// (`Double`) come from the same formulas.
///
/// With cost c_k, yield y_k and effect after the vangnet e_k in year offset k (EUR):
/// - net after the vangnet n_k = e_k − c_k; `netAfterVangnet` = Σ n_k;
/// - `npv` = Σ n_k · d_k with d_k = (1 + r)^−k, discounted to the horizon's first year at the
///   rate r, applied to the euros as the scenario states them;
/// - `roi` = Σ n_k / Σ c_k (`nil` when the cost is 0);
/// - `payback` = the first offset k at which Σ_{j≤k} n_j ≥ 0 (`nil` when none in the horizon).
///
/// A p.m. item (yield not quantified) has only its cost.
public struct Worth<T: RuleScalar>: Sendable {
  /// Σ cost.
  public var cost: T
  /// Σ yield; `nil` for p.m.
  public var yield: T?
  /// Σ effect after the vangnet; `nil` for p.m.
  public var effectAfterVangnet: T?
  /// Σ (effect after the vangnet − cost); `nil` for p.m.
  public var netAfterVangnet: T?
  /// The net after the vangnet discounted to the horizon's first year; `nil` for p.m.
  public var npv: T?
  /// Net after the vangnet per euro of cost; `nil` for p.m. or when the cost is 0.
  public var roi: T?
  /// The year offset at which the cumulative net after the vangnet first turns non-negative;
  /// `nil` for p.m. or when it does not within the horizon.
  public var payback: Int?

  /// The worth of Y years of figures read through `cost`, `yield` and `effect` (the last two
  /// `nil` for a p.m. item), discounted with factors `discount(k)` = (1 + r)^−k.
  ///
  /// - Complexity: O(Y); no allocation.
  @inlinable
  public init(
    years: Int, discount: (Int) -> T, cost: (Int) -> T, yield: ((Int) -> T)?,
    effect: ((Int) -> T)?
  ) {
    var c = T.zero
    for k in 0..<years { c = c + cost(k) }
    self.cost = c
    guard let yield, let effect else {
      self.yield = nil
      effectAfterVangnet = nil
      netAfterVangnet = nil
      npv = nil
      roi = nil
      payback = nil
      return
    }
    var y = T.zero
    var e = T.zero
    var present = T.zero
    var cumulative = T.zero
    var first: Int?
    for k in 0..<years {
      let n = effect(k) - cost(k)
      y = y + yield(k)
      e = e + effect(k)
      present = present + n * discount(k)
      cumulative = cumulative + n
      if first == nil && cumulative >= .zero { first = k }
    }
    self.yield = y
    effectAfterVangnet = e
    netAfterVangnet = e - c
    npv = present
    roi = c == .zero ? nil : (e - c) / c
    payback = first
  }

  /// The discount factors (1 + r)^−k for k = 0 ..< years, at rate r per year.
  public static func discountFactors(rate: T, years: Int) -> [T] {
    var out: [T] = []
    var d = T(rule: 1)
    let step = T(rule: 1) + rate
    for _ in 0..<years {
      out.append(d)
      d = d / step
    }
    return out
  }
}

extension Projection {
  /// Intervention i's worth over the horizon, from its yearly figures (the effect after the
  /// vangnet is its share of the package's, rounded to the cent), discounted at `rate`.
  public func worth(intervention i: Int, rate: Decimal) -> Worth<Decimal> {
    let io = interventions[i]
    let d = Worth<Decimal>.discountFactors(rate: rate, years: io.years.count)
    let pm = io.intervention.isPM
    return Worth(
      years: io.years.count, discount: { d[$0] }, cost: { io.years[$0].cost.euros },
      yield: pm ? nil : { io.years[$0].yield?.euros ?? .zero },
      effect: pm ? nil : { io.years[$0].effectAfterVangnet?.euros ?? .zero })
  }

  /// The package's worth over the horizon: the cost of every intervention (p.m. items
  /// included), the quantified yields, and the effect after the vangnet N⁰ − N per year,
  /// discounted at `rate`.
  public func packageWorth(rate: Decimal) -> Worth<Decimal> {
    let d = Worth<Decimal>.discountFactors(rate: rate, years: years.count)
    return Worth(
      years: years.count, discount: { d[$0] }, cost: { years[$0].interventionCost.euros },
      yield: { years[$0].interventionYield.euros },
      effect: { years[$0].baseline.netBurden.euros - years[$0].netBurden.euros })
  }
}
