import Foundation
import Testing

@testable import BuigCore

/// The compensation each year's rule gives, written out by hand from the published rules (toetsingscommissievp.nl, Stb. 2014/537, 2016/355, seed 002), independent
/// of the rule table's data and of `BandSchedule`. Multi-year conditions taken as met.
func handCompensation(year: Int, deficit d: Decimal, budget b: Decimal) -> Decimal {
  func part(_ lo: Decimal, _ hi: Decimal?) -> Decimal {
    let top = hi.map { min(d, $0 * b) } ?? d
    return max(0, top - lo * b)
  }
  switch year {
  case 2012...2014:
    // IAU: the part above 10%; MAU (condition met): own risk capped at 2.5%. The larger applies.
    let iau = d > Decimal(string: "0.10")! * b ? part(Decimal(string: "0.10")!, nil) : 0
    let mau = d > Decimal(string: "0.025")! * b ? part(Decimal(string: "0.025")!, nil) : 0
    return max(iau, mau)
  case 2016:
    guard d > Decimal(string: "0.05")! * b else { return 0 }
    return Decimal(string: "0.5")! * part(Decimal(string: "0.05")!, Decimal(string: "0.10")!)
      + part(Decimal(string: "0.10")!, nil)
  case 2017, 2018:
    guard d > Decimal(string: "0.05")! * b else { return 0 }
    return Decimal(string: "0.5")! * part(Decimal(string: "0.05")!, Decimal(string: "0.125")!)
      + part(Decimal(string: "0.125")!, nil)
  case 2019...2025:
    guard d > Decimal(string: "0.075")! * b else { return 0 }
    return Decimal(string: "0.5")! * part(Decimal(string: "0.075")!, Decimal(string: "0.125")!)
      + part(Decimal(string: "0.125")!, nil)
  default:
    fatalError("no hand rule for \(year)")
  }
}

/// The band edges (fractions of the budget) each year's rule has, by hand.
func handEdges(year: Int) -> [Decimal] {
  switch year {
  case 2012...2014: ["0.025", "0.10"].map { Decimal(string: $0)! }
  case 2016: ["0.05", "0.10"].map { Decimal(string: $0)! }
  case 2017, 2018: ["0.05", "0.125"].map { Decimal(string: $0)! }
  default: ["0.075", "0.125"].map { Decimal(string: $0)! }
  }
}

@Suite("Vangnet")
struct VangnetTests {
  let table = try! RuleTable.builtIn()

  static let years = [2012, 2013, 2014] + Array(2016...2025)
  /// A municipality large enough for every regime (the MAU needs more than 25,000).
  static let size = VangnetContext(inhabitants: 100_000)

  @Test(arguments: years)
  func compensatesAtBelowAndAboveEveryBandEdge(year: Int) throws {
    for budget in [Decimal(148_800_000), Decimal(string: "12345678.91")!] {
      let cent = Decimal(string: "0.01")!
      for edge in handEdges(year: year) {
        for deficit in [
          edge * budget - cent, edge * budget, edge * budget + cent, edge * budget + 1_000_000,
        ] {
          let q = VangnetQuestion(
            year: year, budget: Money(budget), spending: Money(budget + deficit),
            context: Self.size)
          let a = try table.vangnet(q)
          let expected = handCompensation(year: year, deficit: deficit, budget: budget)
          #expect(a.compensation.euros == expected, "\(year) edge \(edge) deficit \(deficit)")
          #expect(a.ownRisk.euros == deficit - expected)
          #expect(a.deficit.euros == deficit)
        }
      }
    }
  }

  @Test(arguments: years)
  func paysNothingForASurplus(year: Int) throws {
    let a = try table.vangnet(
      VangnetQuestion(
        year: year, budget: Money(euros: 100_000_000), spending: Money(euros: 95_000_000),
        context: Self.size))
    #expect(a.compensation == .zero)
    #expect(a.ownRisk == .zero)
    #expect(a.band == nil)
    #expect(a.deficit == Money(euros: -5_000_000))
    #expect(a.deficitRatio == Decimal(string: "-0.05")!)
  }

  @Test func namesTheBandTheDeficitFallsIn() throws {
    func band(_ year: Int, _ pct: Int) throws -> String? {
      try table.vangnet(
        VangnetQuestion(
          year: year, budget: Money(euros: 100_000_000),
          spending: Money(euros: 100_000_000 + pct * 1_000_000))
      ).band?.label
    }
    #expect(try band(2020, 5) == "0%-7.5% (0% compensated)")
    #expect(try band(2020, 10) == "7.5%-12.5% (50% compensated)")
    #expect(try band(2020, 13) == "above 12.5% (100% compensated)")
    #expect(try band(2017, 6) == "5%-12.5% (50% compensated)")
  }

  @Test func refusesYearsWithoutARuleAndListsTheOnesWithOne() {
    do {
      _ = try table.vangnet(
        VangnetQuestion(year: 2015, budget: Money(euros: 1), spending: Money(euros: 2)))
      Issue.record("computed a vangnet for 2015")
    } catch {
      #expect(error.description.contains("there is no vangnet rule for 2015"))
      #expect(error.description.contains("bands were not found"))
      #expect(error.description.contains("Years with a rule: 2012-2014, 2016-2025."))
    }
    #expect(
      throws: VangnetError.noRule(year: 2030, reason: nil, availableYears: table.vangnetYears)
    ) {
      try table.vangnet(
        VangnetQuestion(year: 2030, budget: Money(euros: 1), spending: Money(euros: 2)))
    }
  }

  @Test func refusesANonPositiveBudget() {
    #expect(throws: VangnetError.budgetNotPositive(.zero)) {
      try table.vangnet(VangnetQuestion(year: 2019, budget: .zero, spending: Money(euros: 2)))
    }
  }

  // 2017: the cumulative result 2016+2017 must be a deficit above 5% of the 2017 budget.
  @Test func checksTheCumulativeConditionOf2017() throws {
    let b = Money(euros: 100_000_000)
    let u = Money(euros: 108_000_000)  // 8% deficit: 50% of 3M = 1.5M when the condition holds
    let notGiven = try table.vangnet(VangnetQuestion(year: 2017, budget: b, spending: u))
    #expect(notGiven.compensation == Money(euros: 1_500_000))
    #expect(notGiven.conditionsAssumed.count == 1)
    #expect(notGiven.conditionsAssumed[0].condition.contains("2016-2017"))
    let met = try table.vangnet(
      VangnetQuestion(year: 2017, budget: b, spending: u, priorResults: [Money(euros: 2_000_000)]))
    #expect(met.compensation == Money(euros: 1_500_000))  // cumulative -6M: a deficit above 5M
    #expect(met.conditionsAssumed.isEmpty)
    #expect(met.conditionsChecked.map(\.met) == [true])
    let notMet = try table.vangnet(
      VangnetQuestion(year: 2017, budget: b, spending: u, priorResults: [Money(euros: 4_000_000)]))
    #expect(notMet.compensation == .zero)  // cumulative -4M: below 5M
    #expect(notMet.ownRisk == Money(euros: 8_000_000))
    #expect(notMet.conditionsChecked.map(\.met) == [false])
    #expect(notMet.reasonForNone?.contains("multi-year condition is not met") == true)
    // Exactly at the limit is not above it.
    let edge = try table.vangnet(
      VangnetQuestion(year: 2017, budget: b, spending: u, priorResults: [Money(euros: 3_000_000)]))
    #expect(edge.compensation == .zero)
  }

  @Test(arguments: [(2018, "0.05"), (2019, "0.075"), (2022, "0.075"), (2025, "0.075")])
  func checksTheThreeYearCondition(year: Int, threshold: String) throws {
    let b = Money(euros: 200_000_000)
    let t = Decimal(string: threshold)!
    let u = Money(b.euros * (1 + t + Decimal(string: "0.02")!))  // 2 points above the entry
    let expected = Money(Decimal(string: "0.5")! * Decimal(string: "0.02")! * b.euros)
    let met = try table.vangnet(
      VangnetQuestion(year: year, budget: b, spending: u, priorResults: [.zero, Money(euros: -1)]))
    #expect(met.compensation == expected)
    // Surpluses in the two years before wipe out the cumulative deficit.
    let surplus = b * (t + Decimal(string: "0.02")!)
    let notMet = try table.vangnet(
      VangnetQuestion(year: year, budget: b, spending: u, priorResults: [surplus, .zero]))
    #expect(notMet.compensation == .zero)
    let none = try table.vangnet(VangnetQuestion(year: year, budget: b, spending: u))
    #expect(none.compensation == expected)
    #expect(none.conditionsAssumed.first?.condition.contains("\(year - 2)-\(year)") == true)
    #expect(throws: VangnetError.self) {
      try table.vangnet(VangnetQuestion(year: year, budget: b, spending: u, priorResults: [.zero]))
    }
  }

  @Test func yearsWithoutAConditionIgnorePriorResults() throws {
    let a = try table.vangnet(
      VangnetQuestion(
        year: 2016, budget: Money(euros: 100_000_000), spending: Money(euros: 112_000_000),
        priorResults: [Money(euros: 5)]))
    // 50% of 5M (5%-10%) + 100% of 2M (above 10%)
    #expect(a.compensation == Money(euros: 4_500_000))
    #expect(a.conditionsChecked.isEmpty)
    #expect(a.caveats.contains { $0.contains("medium confidence") })
  }

  // Seed 002: in 2012 the MAU (the art. 10e continuation of Groningen's MAU 2009-2011, an
  // input) caps Groningen's deficit at 2.5% of its budget; in 2013 it does not qualify (2010,
  // a reference year, lay under its threshold), so it bears the full deficit; from 2014 it
  // qualifies again (2011-2013 each at or above their thresholds of 6.7%, 2.5% and 2.5%).
  @Test func seed002MAUCapsTheOwnRiskAt2Point5Percent() throws {
    let groningen = VangnetContext(inhabitants: 190_000, mauGrantedYears: [2012])
    let b2012 = Money(euros: 100_000_000)
    let a2012 = try table.vangnet(
      VangnetQuestion(
        year: 2012, budget: b2012, spending: b2012 + Money(euros: 3_200_000), context: groningen))
    #expect(a2012.regime.name == "MAU")
    #expect(a2012.ownRisk == Money(euros: 2_500_000))
    #expect(a2012.compensation == Money(euros: 700_000))
    #expect(a2012.mau?.basis.contains("granted before") == true)
    #expect(a2012.conditionsAssumed.allSatisfy { $0.regime != "MAU" })
    for deficit in [3_000_000, 9_000_000, 20_000_000] {
      let a = try table.vangnet(
        VangnetQuestion(
          year: 2012, budget: b2012, spending: b2012 + Money(euros: deficit), context: groningen))
      #expect(a.ownRisk == Money(euros: 2_500_000), "deficit \(deficit)")
    }
    // Without the granted block and without prior results the reference condition is assumed.
    let assumed = try table.vangnet(
      VangnetQuestion(
        year: 2012, budget: b2012, spending: b2012 + Money(euros: 3_200_000),
        context: VangnetContext(inhabitants: 190_000)))
    #expect(
      assumed.conditionsAssumed.first { $0.regime == "MAU" }?.condition.contains("2009-2011")
        == true)
    let b = Money(euros: 110_000_000)
    let b2013 = Money(euros: 120_000_000)
    let a2013 = try table.vangnet(
      VangnetQuestion(
        year: 2013, budget: b2013, spending: b2013 + Money(euros: 7_500_000),
        priorResults: [.zero, Money(euros: -7_500_000), Money(euros: -3_200_000)],
        priorBudgets: [b, b, b], context: VangnetContext(inhabitants: 190_000)))
    #expect(a2013.compensation == .zero)
    #expect(a2013.ownRisk == Money(euros: 7_500_000))
    #expect(a2013.conditionsChecked.first { $0.regime == "MAU" }?.met == false)
    let a2014 = try table.vangnet(
      VangnetQuestion(
        year: 2014, budget: b2013, spending: b2013 + Money(euros: 8_300_000),
        priorResults: [
          Money(euros: -7_500_000), Money(euros: -3_200_000), Money(euros: -7_500_000),
        ], priorBudgets: [b, b, b2013], context: VangnetContext(inhabitants: 190_000)))
    #expect(a2014.regime.name == "MAU")
    #expect(a2014.ownRisk == Money(euros: 3_000_000))
    #expect(a2014.conditionsChecked.first { $0.regime == "MAU" }?.met == true)
  }

  /// Unlawful spending D' (2019-2024) lowers the deficit the rule judges, not the result: the
  /// accounting (Decimal and Double) and the answer agree, and N = −(R + C) keeps the full R.
  @Test func unlawfulSpendingIsDeductedTheSameWayEverywhere() throws {
    let context = VangnetContext(unlawfulSpending: [2021: Money(euros: 1_000_000)])
    let answer = try table.vangnet(
      VangnetQuestion(
        year: 2021, budget: Money(euros: 100_000_000), spending: Money(euros: 110_000_000),
        context: context))
    // Judged deficit 9M: 50% of (9M − 7.5M).
    #expect(answer.compensation == Money(euros: 750_000))
    #expect(answer.unlawfulSpending == Money(euros: 1_000_000))
    let exact = YearAccounting<Decimal>(
      years: [2021], rules: table, priorResults: [:], context: context)
    var ledger = exact.ledger()
    let a = exact.book(0, budget: 100_000_000, baselineSpending: 110_000_000, yield: 0, in: &ledger)
    #expect(a.compensation == 750_000)
    #expect(a.netBurden == Decimal(9_250_000))  // R = −10M in full, C = 0.75M
    let fast = YearAccounting<Double>(
      years: [2021], rules: table, priorResults: [:], context: context)
    var fastLedger = fast.ledger()
    #expect(
      fast.book(0, budget: 100_000_000, baselineSpending: 110_000_000, yield: 0, in: &fastLedger)
        .compensation == 750_000)
    // 2018's rule does not deduct it.
    let y2018 = YearAccounting<Decimal>(
      years: [2018], rules: table, priorResults: [:],
      context: VangnetContext(unlawfulSpending: [2018: Money(euros: 1_000_000)]))
    var l2018 = y2018.ledger()
    #expect(
      y2018.book(0, budget: 100_000_000, baselineSpending: 110_000_000, yield: 0, in: &l2018)
        .compensation == Decimal(string: "0.5")! * 5_000_000)
  }

  @Test func theDoubleScheduleAgreesWithTheExactOne() {
    for year in Self.years {
      for regime in table.years[year]!.vangnet!.regimes {
        let exact = BandSchedule<Decimal>(regime)
        let fast = BandSchedule<Double>(regime)
        for pct in stride(from: -5.0, through: 30.0, by: 0.37) {
          let b = 148_800_000.0
          let d = b * pct / 100
          let e = NSDecimalNumber(
            decimal: exact.compensation(deficit: Decimal(d), budget: Decimal(b))
          ).doubleValue
          let f = fast.compensation(deficit: d, budget: b)
          #expect(abs(e - f) <= 1e-6 * b, "\(year) \(regime.name) \(pct)%")
        }
      }
    }
  }
}
