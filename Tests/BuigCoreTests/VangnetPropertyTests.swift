import BuigTestSupport
import Foundation
import Testing

@testable import BuigCore

/// Properties of every year's vangnet rule, checked on random municipalities, deficits and prior
/// years (`PropertyRandom`, fixed seeds). D is the deficit U − B, C the compensation.
///
/// - 0 ≤ C ≤ max(D, 0): compensation is never negative and never more than the deficit;
/// - C is non-decreasing in D, with the prior results, budgets and context held fixed (the
///   year's own result only makes a cumulative or consecutive condition easier to meet, and the
///   MAU's reference years are the prior ones);
/// - C is continuous in D: a deficit one cent higher raises C by at most 0.01 × r_max, where
///   r_max = 1 is the largest band rate of every year's rule (and the slope of the MAU's floor
///   D − f · B). Bound exactly, in decimals. The exception is written into the law: where the
///   one-cent step changes whether a multi-year condition holds, C may jump (a condition met
///   only from a given cumulative deficit switches its regime on); those steps are found with
///   `VangnetSchedule.outcomes` and left out; deficits next to a cumulative condition's
///   threshold are drawn on purpose, and the test checks that such steps occur, that they are
///   few, and that no step jumps without a change of condition;
/// - the `Double` schedule the Monte Carlo engine uses gives the same C within 1e-9 of the
///   budget (except within a cent of a condition's threshold, where rounding may decide the
///   condition the other way), and has the same three properties within that tolerance.
@Suite("Vangnet properties")
struct VangnetPropertyTests {
  let table = try! RuleTable.builtIn()

  /// One drawn question, without its spending.
  struct Draw: CustomStringConvertible {
    var year: Int
    var budget: Decimal
    var context: VangnetContext
    var priors: [Money]?
    var priorBudgets: [Money]?

    var description: String {
      "year \(year), budget \(budget), inhabitants \(context.inhabitants.map(String.init) ?? "-"), "
        + "MAU own risk \(context.mauOwnRisk.map { "\($0)" } ?? "-"), "
        + "granted \(context.mauGrantedYears.sorted()), "
        + "unlawful \(context.unlawfulSpending[year]?.description ?? "-"), "
        + "priors \(priors?.map(\.description) ?? []), budgets \(priorBudgets?.map(\.description) ?? [])"
    }
  }

  /// A year with a rule, a budget of EUR 1 million to 1 billion, a size (above 25,000 in most
  /// cases, so the MAU can pay), an MAU own contribution the rule allows or none, sometimes a
  /// granted MAU and unlawful spending, and prior results and budgets (as many as the condition
  /// reads, or none given).
  func draw(_ g: inout PropertyRandom) -> Draw {
    let year = g.pick(table.vangnetYears)
    let rule = table.years[year]!.vangnet!
    let budget = g.cents(1_000_000, 1_000_000_000)
    var context = VangnetContext(inhabitants: g.pick([100_000, 30_000, 20_000, 500_000]))
    if let terms = rule.regimes.compactMap(\.mau).first, g.chance(0.5) {
      context.mauOwnRisk = g.pick(terms.ownRiskOptions)
    }
    if g.chance(0.2) { context.mauGrantedYears = [year] }
    if g.chance(0.3) {
      context.unlawfulSpending[year] = Money(g.cents(0, budget * Decimal(string: "0.03")!))
    }
    let schedule = VangnetSchedule<Decimal>(rule, year: year, context: context)
    let needed = schedule.priorYearsNeeded
    let most = max(needed, schedule.priorYearsJudged)
    var priors: [Money]?
    var budgets: [Money]?
    if most > 0, g.chance(0.75) {
      let n = g.int(needed...most)
      budgets = (0..<n).map { _ in Money(g.cents(budget * 0.8, budget * 1.2)) }
      priors = budgets!.map { b in Money(g.cents(b.euros * -0.2, b.euros * 0.1)) }
    }
    return Draw(
      year: year, budget: budget, context: context, priors: priors, priorBudgets: budgets)
  }

  /// A deficit for the draw: anywhere from a 5% surplus to a 35% deficit, or within a few cents
  /// of a band edge or entry (shifted by the unlawful spending the rule deducts).
  func deficit(_ g: inout PropertyRandom, _ d: Draw) -> Decimal {
    let rule = table.years[d.year]!.vangnet!
    if g.chance(0.5) {
      var edges: [Decimal] = []
      for r in rule.regimes {
        edges.append(r.entry)
        for b in r.bands {
          edges.append(b.from)
          if let to = b.to { edges.append(to) }
        }
        if let terms = r.mau { edges += terms.ownRiskOptions + [terms.atLeastAbove] }
      }
      let unlawful =
        rule.deductsUnlawfulSpending != nil ? d.context.unlawfulSpending[d.year]?.euros ?? 0 : 0
      // A cumulative condition −(R + Σ priors) > t · B is met from D = t · B + Σ priors + D'.
      var thresholds: [Decimal] = []
      if let priors = d.priors {
        for r in rule.regimes {
          if case .cumulative(_, let t, _)? = r.condition {
            let n = r.condition!.priorYearsNeeded
            thresholds.append(t * d.budget + priors.suffix(n).reduce(Decimal(0)) { $0 + $1.euros })
          }
        }
      }
      if !thresholds.isEmpty, g.chance(0.3) {
        return g.pick(thresholds) + unlawful + g.cents(-0.02, 0.02)
      }
      return g.pick(edges) * d.budget + unlawful + g.cents(-0.05, 0.05)
    }
    return g.cents(d.budget * Decimal(string: "-0.05")!, d.budget * Decimal(string: "0.35")!)
  }

  /// C for deficit `deficit` by the rule table's answer (exact).
  func compensation(_ d: Draw, _ deficit: Decimal) throws -> Decimal {
    try table.vangnet(
      VangnetQuestion(
        year: d.year, budget: Money(d.budget), spending: Money(d.budget + deficit),
        priorResults: d.priors, priorBudgets: d.priorBudgets, context: d.context)
    ).compensation.euros
  }

  /// Whether each regime's condition holds at `deficit` (`nil`: none or not judged).
  func conditions(_ d: Draw, _ deficit: Decimal) -> [Bool?] {
    let s = VangnetSchedule<Decimal>(
      table.years[d.year]!.vangnet!, year: d.year, context: d.context)
    return s.outcomes(
      deficit: deficit, budget: d.budget, priors: d.priors?.map(\.euros)[...],
      priorBudgets: d.priorBudgets?.map(\.euros)[...], mauCovered: false
    ).map(\.met)
  }

  @Test func compensationIsBetweenZeroAndTheDeficitAndGrowsWithIt() throws {
    try forAll("0 ≤ C ≤ max(D, 0), C non-decreasing in D", seed: 20_141, cases: 3_000) { g in
      let d = draw(&g)
      let d1 = deficit(&g, d)
      let d2 = d1 + g.cents(0.01, d.budget * Decimal(string: "0.1")!)
      guard d.budget + d1 >= 0 else { return nil }
      let c1 = try compensation(d, d1)
      let c2 = try compensation(d, d2)
      if c1 < 0 || c1 > max(d1, 0) { return "\(d): C = \(c1) for D = \(d1)" }
      if c2 < c1 { return "\(d): C falls from \(c1) at D = \(d1) to \(c2) at D = \(d2)" }
      return nil
    }
  }

  @Test func aCentMoreDeficitAddsAtMostACentUnlessAConditionChanges() throws {
    let cent = Decimal(string: "0.01")!
    let rMax: Decimal = 1
    // The bound's r_max: no band of any year pays more than 100%.
    #expect(
      table.vangnetYears.allSatisfy { y in
        table.years[y]!.vangnet!.regimes.allSatisfy { $0.bands.allSatisfy { $0.rate <= rMax } }
      })
    var flips = 0
    let cases = 3_000
    try forAll("C(D + 0.01) − C(D) ≤ 0.01 · r_max", seed: 20_162, cases: cases) { g in
      let d = draw(&g)
      let d1 = deficit(&g, d)
      guard d.budget + d1 >= 0 else { return nil }
      let step = try compensation(d, d1 + cent) - compensation(d, d1)
      if step < 0 { return "\(d): C falls by \(-step) from D = \(d1) to D + 0.01" }
      if step > cent * rMax {
        if conditions(d, d1) != conditions(d, d1 + cent) {
          flips += 1
          return nil
        }
        return "\(d): C jumps by \(step) from D = \(d1) to D + 0.01, no condition changed"
      }
      return nil
    }
    // Steps across a cumulative condition's threshold are drawn on purpose: the jumps the law
    // makes there happen, and only there.
    #expect(flips > 0 && flips < cases / 10, "\(flips) condition flips among \(cases) steps")
  }

  @Test func theDoubleScheduleAgreesAndHasTheSameProperties() throws {
    try forAll("VangnetSchedule<Double> = the exact answer, monotone", seed: 20_253, cases: 3_000) {
      g in
      let d = draw(&g)
      let rule = table.years[d.year]!.vangnet!
      let s = VangnetSchedule<Double>(rule, year: d.year, context: d.context)
      let priors = d.priors?.map(\.doubleValue)[...]
      let budgets = d.priorBudgets?.map(\.doubleValue)[...]
      var until = Int.min
      let covered = s.mauCovers(
        year: d.year, until: &until, priors: priors, priorBudgets: budgets)
      let b = d.budget.doubleValue
      func c(_ deficit: Double) -> Double {
        s.compensation(
          deficit: deficit, budget: b, priors: priors, priorBudgets: budgets, mauCovered: covered)
      }
      let tolerance = 1e-9 * b
      let d1 = deficit(&g, d)
      guard d.budget + d1 >= 0 else { return nil }
      let exact = try compensation(d, d1).doubleValue
      let c1 = c(d1.doubleValue)
      // Within a cent of a condition's threshold the Double comparison may fall the other way
      // (D = t · B + Σ priors exactly is not met in decimals, and met after rounding in
      // doubles): the two may then differ by the jump the condition makes.
      let cent = Decimal(string: "0.01")!
      let onThreshold = conditions(d, d1 - cent) != conditions(d, d1 + cent)
      if abs(c1 - exact) > tolerance && !onThreshold {
        return "\(d): D = \(d1): Double \(c1), exact \(exact)"
      }
      if c1 < 0 || c1 > max(d1.doubleValue, 0) + tolerance {
        return "\(d): Double C = \(c1) for D = \(d1)"
      }
      let d2 = d1.doubleValue + 0.1 * b * g.unit()
      if c(d2) < c1 - tolerance { return "\(d): Double C falls from D = \(d1) to \(d2)" }
      return nil
    }
  }
}
