import Foundation
import Testing

@testable import BuigCore

/// The IAU and MAU of 2012-2014 as the Besluit WWB 2007 (art. 10-10c) and the Regeling WWB
/// (art. 15, 15a) wrote them, against formulas written out here by hand, independent of the
/// rule table's data:
///
/// - IAU: net costs A at least 10% above the budget B: C = A − 1.10 · B.
/// - MAU: more than 25,000 inhabitants; in each of the three years before, net costs at least
///   θ_r above the budget (θ = 6.8% for 2009, 6.7% for 2010 and 2011, 2.5% for 2012, the legal
///   minimum 2.5% for a year not set); C = max(A − (1 + o) · B, A − 1.10 · B, 0) with o the own
///   contribution (2.5%, 5% or 7.5%); a block of three years from the request year.
@Suite("IAU and MAU, 2012-2014")
struct IAUMAUTests {
  let table = try! RuleTable.builtIn()
  let b = Decimal(100_000_000)
  let cent = Decimal(string: "0.01")!

  static func threshold(_ r: Int) -> Decimal {
    switch r {
    case 2009: Decimal(string: "0.068")!
    case 2010, 2011: Decimal(string: "0.067")!
    default: Decimal(string: "0.025")!
    }
  }

  static func iau(deficit d: Decimal, budget b: Decimal) -> Decimal {
    d >= Decimal(string: "0.10")! * b ? max(0, d - Decimal(string: "0.10")! * b) : 0
  }

  static func mau(deficit d: Decimal, budget b: Decimal, ownRisk o: Decimal) -> Decimal {
    max(0, d - o * b, d - Decimal(string: "0.10")! * b)
  }

  func ask(
    _ year: Int, deficit: Decimal, inhabitants: Int, priors: [Decimal]? = nil,
    ownRisk: Decimal? = nil, granted: Bool = false
  ) throws -> VangnetAnswer {
    try table.vangnet(
      VangnetQuestion(
        year: year, budget: Money(b), spending: Money(b + deficit),
        priorResults: priors.map { $0.map { Money(-$0) } },
        priorBudgets: priors.map { $0.map { _ in Money(b) } },
        context: VangnetContext(
          inhabitants: inhabitants, mauOwnRisk: ownRisk, mauGrantedYears: granted ? [year] : [])))
  }

  /// Prior deficits (positive) exactly at each reference year's threshold, on budget b.
  func atThresholds(_ year: Int, shift: Decimal = 0, in index: Int? = nil) -> [Decimal] {
    ((year - 3)..<year).enumerated().map { i, r in
      Self.threshold(r) * b + (index == nil || index == i ? shift : 0)
    }
  }

  @Test(arguments: [2012, 2013, 2014])
  func theIAUPaysTheCostsAbove110PercentFrom10Percent(year: Int) throws {
    for deficit in [
      Decimal(string: "0.10")! * b - cent, Decimal(string: "0.10")! * b,
      Decimal(string: "0.10")! * b + cent, Decimal(string: "0.15")! * b,
    ] {
      // 20,000 inhabitants: no MAU, so the IAU alone decides.
      let a = try ask(year, deficit: deficit, inhabitants: 20_000)
      #expect(a.compensation.euros == Self.iau(deficit: deficit, budget: b), "\(year) \(deficit)")
      #expect(a.mau?.covered == false)
    }
    let a = try ask(year, deficit: Decimal(string: "0.15")! * b, inhabitants: 20_000)
    #expect(a.compensation == Money(euros: 5_000_000))
    #expect(a.regime.name == "IAU")
    // Above 10,000 inhabitants the labour-market test is named as assumed; at 10,000 it is not.
    #expect(a.conditionsAssumed.contains { $0.assessed && $0.condition.contains("arbeidsmarkt") })
    let small = try ask(year, deficit: Decimal(string: "0.15")! * b, inhabitants: 10_000)
    #expect(!small.conditionsAssumed.contains { $0.condition.contains("arbeidsmarkt") })
  }

  @Test(arguments: [2012, 2013, 2014])
  func theMAUNeedsMoreThan25000Inhabitants(year: Int) throws {
    let d = Decimal(string: "0.08")! * b
    for (inhabitants, granted) in [(20_000, false), (25_000, false), (25_000, true)] {
      let a = try ask(
        year, deficit: d, inhabitants: inhabitants, priors: atThresholds(year, shift: 1_000_000),
        granted: granted)
      #expect(a.compensation == .zero, "\(inhabitants)")
      #expect(a.mau?.covered == false)
      #expect(a.reasonForNone?.contains("more than 25,000 inhabitants") == true)
    }
    let a = try ask(year, deficit: d, inhabitants: 25_001, priors: atThresholds(year))
    #expect(
      a.compensation.euros == Self.mau(deficit: d, budget: b, ownRisk: Decimal(string: "0.025")!))
    #expect(throws: VangnetError.inhabitantsNeeded(year: year, regime: "MAU", limit: 25_000)) {
      try table.vangnet(
        VangnetQuestion(year: year, budget: Money(b), spending: Money(b + d)))
    }
  }

  @Test(arguments: [2012, 2013, 2014])
  func eachReferenceYearMustReachItsThreshold(year: Int) throws {
    let d = Decimal(string: "0.08")! * b
    let expected = Self.mau(deficit: d, budget: b, ownRisk: Decimal(string: "0.025")!)
    // At every threshold ("minimaal"), and above: granted.
    for shift in [Decimal(0), cent, Decimal(1_000_000)] {
      let a = try ask(
        year, deficit: d, inhabitants: 100_000, priors: atThresholds(year, shift: shift))
      #expect(a.compensation.euros == expected, "\(year) shift \(shift)")
      #expect(a.mau?.covered == true)
    }
    // One cent below in any one reference year: no MAU; the IAU pays nothing at 8%.
    for i in 0..<3 {
      let a = try ask(
        year, deficit: d, inhabitants: 100_000, priors: atThresholds(year, shift: -cent, in: i))
      #expect(a.compensation == .zero, "\(year) reference year \(year - 3 + i) a cent below")
      #expect(a.conditionsChecked.first { $0.regime == "MAU" }?.met == false)
    }
  }

  @Test func theOwnContributionIsTheOneChosenAndTheRangeIsShown() throws {
    let d = Decimal(string: "0.09")! * b
    for o in ["0.025", "0.05", "0.075"].map({ Decimal(string: $0)! }) {
      let a = try ask(
        2013, deficit: d, inhabitants: 100_000, priors: atThresholds(2013), ownRisk: o)
      #expect(a.compensation.euros == Self.mau(deficit: d, budget: b, ownRisk: o))
      #expect(a.ownRisk.euros == o * b)
      #expect(a.mau?.ownRiskAssumed == false)
      #expect(
        a.mau?.range.map(\.compensation.euros)
          == ["0.025", "0.05", "0.075"].map {
            Self.mau(deficit: d, budget: b, ownRisk: Decimal(string: $0)!)
          })
    }
    let lowest = try ask(2013, deficit: d, inhabitants: 100_000, priors: atThresholds(2013))
    #expect(lowest.mau?.ownRiskAssumed == true)
    #expect(lowest.caveats.contains { $0.contains("the lowest, 2.5%, is assumed") })
    // Above 17.5% the MAU at 7.5% still pays at least what the IAU would (art. 10c(4)).
    let deep = Decimal(string: "0.20")! * b
    let a = try ask(
      2013, deficit: deep, inhabitants: 100_000, priors: atThresholds(2013),
      ownRisk: Decimal(string: "0.075")!)
    #expect(a.compensation.euros == deep - Decimal(string: "0.075")! * b)
    #expect(a.compensation.euros >= Self.iau(deficit: deep, budget: b))
    #expect(throws: VangnetError.self) {
      try ask(2013, deficit: d, inhabitants: 100_000, ownRisk: Decimal(string: "0.04")!)
    }
  }

  @Test func aGrantedBlockCoversTheYearWithoutItsReferenceYears() throws {
    let d = Decimal(string: "0.04")! * b
    let a = try ask(2012, deficit: d, inhabitants: 190_000, priors: [0, 0, 0], granted: true)
    #expect(a.compensation.euros == d - Decimal(string: "0.025")! * b)
    #expect(a.mau?.basis.contains("granted before") == true)
  }

  /// A run over 2012-2014: a request in 2012 (2009-2011 at their thresholds) starts a block
  /// that covers 2013 and 2014 as well, even though 2013's own reference years (2010-2012 with
  /// a surplus in 2012) would not qualify; without the block's request no year is covered.
  @Test func aRequestStartsABlockOfThreeYearsInTheAccounting() {
    let years = [2012, 2013, 2014]
    func run(_ priorDeficits: [Decimal]) -> [Decimal] {
      let accounting = YearAccounting<Decimal>(
        years: years, rules: table,
        priorResults: [2009: -priorDeficits[0], 2010: -priorDeficits[1], 2011: -priorDeficits[2]],
        context: VangnetContext(
          inhabitants: 100_000, priorBudgets: [2009: Money(b), 2010: Money(b), 2011: Money(b)]))
      var ledger = accounting.ledger()
      // 2012 a surplus of 1M, then deficits of 5% and 6%.
      let spending = [b - 1_000_000, b * Decimal(string: "1.05")!, b * Decimal(string: "1.06")!]
      return years.indices.map { k in
        accounting.book(k, budget: b, baselineSpending: spending[k], yield: 0, in: &ledger)
          .compensation
      }
    }
    let o = Decimal(string: "0.025")! * b
    #expect(
      run(atThresholds(2012)) == [
        0, Decimal(string: "0.05")! * b - o, Decimal(string: "0.06")! * b - o,
      ])
    #expect(run(atThresholds(2012, shift: -cent, in: 1)) == [0, 0, 0])
    // The Double schedule of the Monte Carlo books the same.
    let fast = YearAccounting<Double>(
      years: years, rules: table,
      priorResults: [2009: -6_800_000, 2010: -6_700_000, 2011: -6_700_000],
      context: VangnetContext(
        inhabitants: 100_000, priorBudgets: [2009: Money(b), 2010: Money(b), 2011: Money(b)]))
    var ledger = fast.ledger()
    let c = [99_000_000.0, 105_000_000, 106_000_000].enumerated().map { k, u in
      fast.book(k, budget: 100_000_000, baselineSpending: u, yield: 0, in: &ledger).compensation
    }
    #expect(c == [0, 2_500_000, 3_500_000])
  }
}

/// The 2016 entry on EUR 30 per inhabitant and the 2025 uitgebreid vangnet's conditions, at,
/// just below and just above their thresholds, by hand.
@Suite("2016 per-inhabitant entry and 2025 uitgebreid vangnet")
struct OtherEntryTests {
  let table = try! RuleTable.builtIn()
  let b = Decimal(100_000_000)
  let cent = Decimal(string: "0.01")!

  /// "Meer dan EUR 30 per inwoner": 4% of 100M is 4M, and 4M / 30 = 133,333.33 inhabitants.
  @Test func the2016RouteOpensAboveThirtyEurosPerInhabitant() throws {
    func named(deficit: Decimal, inhabitants: Int) throws -> Bool {
      let a = try table.vangnet(
        VangnetQuestion(
          year: 2016, budget: Money(b), spending: Money(b + deficit),
          context: VangnetContext(inhabitants: inhabitants)))
      #expect(a.compensation == .zero)  // below 5%: the bands pay nothing on either route
      return a.caveats.contains { $0.contains("so it enters the 2016 vangnet on that criterion") }
    }
    // 30 × 100,000 = 3,000,000: exactly at it is not more than it.
    #expect(try !named(deficit: 3_000_000, inhabitants: 100_000))
    #expect(try named(deficit: 3_000_000 + cent, inhabitants: 100_000))
    #expect(try !named(deficit: 3_000_000 - cent, inhabitants: 100_000))
  }

  /// "> 5,0%" in 2025 and "minstens 5,0%" in at least two of 2022-2024.
  @Test func theUitgebreidVangnetIsJudgedAtItsThresholds() throws {
    func verdict(deficit: Decimal, priors: [Decimal]) throws -> String {
      let a = try table.vangnet(
        VangnetQuestion(
          year: 2025, budget: Money(b), spending: Money(b + deficit),
          priorResults: priors.map { Money(-$0) }, priorBudgets: priors.map { _ in Money(b) }))
      return try #require(a.caveats.first { $0.contains("uitgebreid vangnet") })
    }
    let five = Decimal(string: "0.05")! * b
    let six = Decimal(string: "0.06")! * b
    #expect(try verdict(deficit: six, priors: [five, five, 0]).contains(") applies"))
    #expect(try verdict(deficit: six, priors: [five - cent, five, 0]).contains("does not hold"))
    #expect(try verdict(deficit: six, priors: [0, five, five + cent]).contains(") applies"))
    // The year itself must be above 5%.
    #expect(
      try verdict(deficit: five, priors: [five, five, five]).contains("does not exceed its entry"))
    #expect(try verdict(deficit: five + cent, priors: [five, five, five]).contains(") applies"))
  }
}
