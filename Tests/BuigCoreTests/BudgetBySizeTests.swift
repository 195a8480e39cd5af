import BuigCore
import BuigJSON
import BuigScenario
import Foundation
import Testing

/// The budget by size of municipality (Besluit WWB 2007 art. 4-8a) against hand-written
/// formulas, at, just below and just above every inhabitant bound of each period.
@Suite("Budget by size of municipality")
struct BudgetBySizeTests {
  let table = try! RuleTable.builtIn()

  /// Historic costs of t−2 (EUR), household growth and objective budget (EUR) used throughout.
  let costs = Money(euros: 10_000_000)
  let growth = Decimal(string: "0.01")!
  let objective = Money(euros: 9_000_000)

  /// BL = costs × (1 + growth), by hand: 10,000,000 × 1.01.
  var bl: Decimal { 10_100_000 }
  /// O by hand.
  var o: Decimal { 9_000_000 }

  func budget(year: Int, inhabitants n: Int) throws -> MunicipalBudget {
    try table.municipalBudget(
      year: year,
      basis: .bySize(
        SizeBasisInput(
          inhabitants: n, historic: HistoricCosts(costs: costs, householdGrowth: growth),
          objective: objective)))
  }

  /// G = m · O + (1 − m) · BL, by hand.
  func mixed(_ m: Decimal) -> Decimal { m * o + (1 - m) * bl }

  @Test func before2015TheBoundsAre25000And40000() throws {
    for year in [2012, 2014] {
      // 25,000 or fewer: historic.
      for n in [24_999, 25_000] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.kind == .historic)
        #expect(b.budget.euros == bl)
      }
      // More than 25,000 and fewer than 40,000: m = (n − 25,000) / 15,000.
      for n in [25_001, 32_500, 39_999] {
        let b = try budget(year: year, inhabitants: n)
        let m = Decimal(n - 25_000) / 15_000
        #expect(b.sizeBasis?.kind == .mixed)
        #expect(b.sizeBasis?.m == m)
        #expect(b.budget.euros == mixed(m))
      }
      // 40,000 or more: objective.
      for n in [40_000, 40_001] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.kind == .objective)
        #expect(b.budget.euros == o)
      }
    }
    // 32,500 inhabitants: m = 0.5 exactly.
    #expect(try budget(year: 2013, inhabitants: 32_500).budget.euros == 9_550_000)
  }

  @Test func before2015TheCapIsDataAndNotApplied() throws {
    let b = try budget(year: 2013, inhabitants: 30_000)
    let cap = try #require(b.sizeBasis?.period.cap)
    #expect(cap.applied == false)
    #expect(cap.limit(effect: Decimal(string: "0.03")!) == Decimal(string: "0.05")!)
    #expect(cap.limit(effect: Decimal(string: "0.08")!) == Decimal(string: "0.065")!)
    #expect(cap.limit(effect: Decimal(string: "0.12")!) == Decimal(string: "0.075")!)
    #expect(b.assumptions.contains { $0.contains("herverdeeleffect cap is not applied") })
    #expect(try budget(year: 2015, inhabitants: 30_000).sizeBasis?.period.cap == nil)
  }

  @Test func from2018TheBoundsAre15000And40000() throws {
    for year in [2018, 2024] {
      for n in [14_999, 15_000] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.kind == .historic)
        #expect(b.budget.euros == bl)
      }
      for n in [15_001, 20_000, 39_999] {
        let b = try budget(year: year, inhabitants: n)
        let m = Decimal(n - 15_000) / 25_000
        #expect(b.sizeBasis?.kind == .mixed)
        #expect(b.sizeBasis?.phaseIn == nil)
        #expect(b.budget.euros == mixed(m))
      }
      for n in [40_000, 40_001] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.kind == .objective)
        #expect(b.budget.euros == o)
      }
    }
    // 20,000 inhabitants: m = 0.2; G = 0.2 × 9,000,000 + 0.8 × 10,100,000 = 9,880,000.
    let b = try budget(year: 2018, inhabitants: 20_000)
    #expect(b.sizeBasis?.m == Decimal(string: "0.2")!)
    #expect(b.budget == Money(euros: 9_880_000))
  }

  @Test func theTransitionOf2015To2017WeighsHistoricAndBasis() throws {
    for (year, wh) in [(2015, Decimal(string: "0.5")!), (2016, 0.5), (2017, 0.25)] {
      let wb = 1 - wh
      // 15,000 or fewer: the small municipalities' compartment, no transition.
      for n in [14_999, 15_000] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.phaseIn == nil)
        #expect(b.budget.euros == bl)
      }
      // Above 15,000: B = w_h · BL + w_b · G.
      for n in [15_001, 39_999] {
        let m = Decimal(n - 15_000) / 25_000
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.phaseIn?.historicWeight == wh)
        #expect(b.budget.euros == wh * bl + wb * mixed(m))
      }
      for n in [40_000, 40_001] {
        let b = try budget(year: year, inhabitants: n)
        #expect(b.sizeBasis?.kind == .objective)
        #expect(b.budget.euros == wh * bl + wb * o)
      }
    }
    // 2017, 40,000: 0.25 × 10,100,000 + 0.75 × 9,000,000 = 9,275,000.
    #expect(try budget(year: 2017, inhabitants: 40_000).budget == Money(euros: 9_275_000))
  }

  @Test func aMissingInputIsNamed() {
    #expect(
      throws: BudgetError.sizeBasisInput(
        year: 2018, basis: .mixed, missing: ["an objective budget"])
    ) {
      try table.municipalBudget(
        year: 2018,
        basis: .bySize(
          SizeBasisInput(
            inhabitants: 20_000, historic: HistoricCosts(costs: costs, householdGrowth: 0),
            objective: nil)))
    }
    // The objective basis outside the transition needs no historic costs.
    #expect(
      (try? table.municipalBudget(
        year: 2019,
        basis: .bySize(SizeBasisInput(inhabitants: 50_000, historic: nil, objective: objective))))?
        .budget == objective)
  }

  @Test func theHerverdeeleffectIsTheHistoricMinusTheBudget() throws {
    let b = try budget(year: 2018, inhabitants: 20_000)
    let part = AttributionPart.herverdeeleffect(
      historicBudget: b.sizeBasis!.historicBudget!, budget: b.budget)
    // BL − B = 10,100,000 − 9,880,000 = 220,000 = m · (BL − O).
    #expect(part.amount == Money(euros: 220_000))
    #expect(
      AttributionCause.herverdeeleffect.label.contains(
        "objective − historic share, price and volume"))
  }

  @Test func theRuleTableDecodesItsPeriodsAndRejectsUnknownKeys() throws {
    #expect(table.sizeBasisPeriods.count == 2)
    #expect(table.sizeBasisPeriod(year: 2014)?.historicUpTo == 25_000)
    #expect(table.sizeBasisPeriod(year: 2015)?.historicUpTo == 15_000)
    #expect(table.sizeBasisPeriod(year: 2011) == nil)
    let bad = #"""
      {"years": [], "budgetBasisBySize": [
        {"fromYear": 2015, "historicUpToInhabitants": 15000, "objectiveFromInhabitants": 40000,
         "source": "x", "confidence": "high", "phaseIn": [{"year": 2015, "historicPercent": 50, "basisPercent": 40}],
         "mFactor": 2}
      ]}
      """#
    do {
      _ = try RuleTable.decode(Array(bad.utf8), origin: "test")
      Issue.record("expected issues")
    } catch {
      let paths = error.issues.map(\.path)
      #expect(paths.contains("budgetBasisBySize[0].mFactor"))
      #expect(paths.contains("budgetBasisBySize[0].phaseIn[0]"))
    }
  }
}

/// The shipped 20,000-inhabitant scenario and the scenario fields of a budget by size.
@Suite("Scenario: budget by size")
struct ScenarioBySizeTests {
  let table = try! RuleTable.builtIn()

  func scenario(_ text: String) throws(InputIssues) -> Scenario {
    try Scenario.decode(Array(text.utf8), origin: "test", rules: table)
  }

  @Test func theExampleOf20000InhabitantsRunsWithTheMixedBasis() throws {
    let bytes = try #require(EmbeddedScenarios.bytes("example-20000-mixed"))
    let s = try Scenario.decode(bytes, origin: "example-20000-mixed.json", rules: table)
    let p = try s.project()
    for y in p.years {
      let basis = try #require(y.budget.sizeBasis)
      #expect(basis.kind == .mixed)
      #expect(basis.m == Decimal(string: "0.2")!)
      let line = try #require(y.attribution.line(.herverdeeleffect))
      #expect(line.cause.label.contains("objective − historic share, price and volume"))
      #expect(line.amount == (basis.historicBudget! - y.budget.budget).roundedToCents)
      #expect(y.attribution.line(.priceDeviation) == nil)
      #expect(y.attribution.total == y.attribution.deficit)
    }
    // 2018 by hand: BL = 8,450,000 × 1.004 = 8,483,800; G = 0.2 × 7,750,000 + 0.8 × BL.
    let y2018 = try #require(p.years.first { $0.year == 2018 })
    #expect(y2018.budget.budget == Money(euros: 8_337_040))
    #expect(y2018.attribution.line(.herverdeeleffect)?.amount == Money(euros: 146_760))
    // 2017, the transition: B = 0.25 × 8,232,800 + 0.75 × 8,106,240.
    #expect(p.years.first?.budget.budget == Money(euros: 8_137_880))
  }

  let base = #"""
    {"schemaVersion": 1, "name": "size-test", "municipality": {"name": "Testdam", "inhabitants": INH},
     "horizon": {"firstYear": 2018, "lastYear": 2019}, "budget": {"bySize": true},
     "verdeelmodel": VM, "caseload": 500, "netPrice": 14000}
    """#

  func text(inhabitants: String, verdeelmodel: String) -> String {
    base.replacingOccurrences(of: "INH", with: inhabitants).replacingOccurrences(
      of: "VM", with: verdeelmodel)
  }

  func issues(_ text: String) -> [InputIssue] {
    do {
      _ = try scenario(text)
      return []
    } catch { return error.issues }
  }

  @Test func missingInputsAreNamedWithTheirPathsBeforeAnyComputation() {
    let found = issues(
      text(inhabitants: "20000", verdeelmodel: #"{"historicCosts": {"2016": 8000000}}"#))
    let paths = found.map(\.path)
    #expect(paths.contains("verdeelmodel.historicCosts"))  // 2017 is missing
    #expect(paths.contains("verdeelmodel.householdGrowth"))
    #expect(paths.contains("verdeelmodel.objectiveBudget"))
    #expect(
      found.first { $0.path == "verdeelmodel.historicCosts" }?.expected.contains("2017") == true)
    let noInhabitants = issues(
      base.replacingOccurrences(of: #", "inhabitants": INH"#, with: "").replacingOccurrences(
        of: "VM", with: "{}"))
    #expect(noInhabitants.map(\.path) == ["municipality.inhabitants"])
    // A historic basis (15,000) needs no objective budget; an objective one (40,000) no history.
    #expect(
      issues(
        text(
          inhabitants: "15000",
          verdeelmodel:
            #"{"historicCosts": {"2016": 8000000, "2017": 8100000}, "householdGrowth": 0}"#)
      ).isEmpty)
    #expect(
      issues(text(inhabitants: "40000", verdeelmodel: #"{"objectiveBudget": 9000000}"#)).isEmpty)
    // A cost year outside t−2 of the horizon is refused.
    #expect(
      issues(
        text(
          inhabitants: "15000",
          verdeelmodel:
            #"{"historicCosts": {"2016": 1, "2017": 1, "2019": 1}, "householdGrowth": 0}"#)
      ).map(\.path) == [#"verdeelmodel.historicCosts["2019"]"#])  // and nothing else
  }
}
