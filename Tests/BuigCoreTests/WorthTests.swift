import BuigScenario
import Foundation
import Testing

@testable import BuigCore

@Suite("Worth over the horizon")
struct WorthTests {
  /// A worth from yearly figures in euros.
  func worth(cost: [Decimal], effect: [Decimal]?, rate: Decimal = Decimal(string: "0.1")!)
    -> Worth<Decimal>
  {
    let d = Worth<Decimal>.discountFactors(rate: rate, years: cost.count)
    return Worth(
      years: cost.count, discount: { d[$0] }, cost: { cost[$0] },
      yield: effect.map { e in { e[$0] } }, effect: effect.map { e in { e[$0] } })
  }

  @Test func netPresentValueROIAndPaybackByHand() {
    // Cost 1,000 in year 0; effect 300, 500, 400: cumulative net -700, -200, +200.
    let w = worth(cost: [1000, 0, 0], effect: [300, 500, 400])
    #expect(w.netAfterVangnet == 200)
    #expect(w.roi == Decimal(string: "0.2"))
    #expect(w.payback == 2)
    // -700 + 500/1.1 + 400/1.21 = 85.123966942...
    let npv = w.npv!.doubleValue
    #expect(abs(npv - (-700 + 500 / 1.1 + 400 / 1.21)) < 1e-9)
    // Discounting moves the break-even: at 30% a year the same flows are worth less than 0.
    #expect(worth(cost: [1000, 0, 0], effect: [300, 500, 400], rate: 0.3).npv! < 0)
  }

  @Test func noCostNoPaybackAndPM() {
    let free = worth(cost: [0, 0], effect: [10, 10])
    #expect(free.roi == nil)
    #expect(free.payback == 0)
    let never = worth(cost: [1000, 0], effect: [100, 100])
    #expect(never.payback == nil)
    #expect(never.netAfterVangnet == -800)
    let pm = worth(cost: [250, 0], effect: nil)
    #expect(pm.cost == 250)
    #expect(pm.yield == nil && pm.npv == nil && pm.roi == nil && pm.payback == nil)
  }

  @Test func groningen2018ReconcilesWithTheMeerjarenbeeld() throws {
    let rules = try RuleTable.builtIn()
    let bytes = try #require(EmbeddedScenarios.bytes("groningen-2018"))
    let s = try Scenario.decode(bytes, origin: "groningen-2018", rules: rules)
    let p = try s.project()
    let rate = try #require(rules.discountRate).rate
    #expect(rate == Decimal(string: "0.0225"))
    let package = p.packageWorth(rate: rate)
    // The package: Σ (N⁰ − N) − Σ cost, to the cent.
    let effect = p.years.reduce(Decimal(0)) {
      $0 + $1.baseline.netBurden.euros - $1.netBurden.euros
    }
    let cost = p.years.reduce(Decimal(0)) { $0 + $1.interventionCost.euros }
    #expect(package.netAfterVangnet == effect - cost)
    #expect(package.cost == 945_000)
    // The quantified interventions' effects add up to the package's; their costs and the p.m.
    // items' make the package's cost.
    var effects = Decimal(0)
    var costs = Decimal(0)
    for i in p.interventions.indices {
      let w = p.worth(intervention: i, rate: rate)
      effects += w.effectAfterVangnet ?? 0
      costs += w.cost
    }
    #expect(effects == effect)
    #expect(costs == cost)
    // Screening (cost 150,000 in 2018, effect 211,630 in 2018) pays back in its first year.
    let screening = p.worth(intervention: 0, rate: rate)
    #expect(p.years[screening.payback!].year == 2018)
    #expect(p.worth(intervention: 2, rate: rate).yield == nil)
  }
}
