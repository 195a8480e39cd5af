import BuigScenario
import Foundation
import Testing

@testable import BuigCore

/// Seed 003 (Groningen, 2017): the figures of the letter follow from the rules.
@Suite("Seed 003: Groningen's deficit")
struct Seed003Tests {
  let table = try! RuleTable.builtIn()

  /// Rounds to EUR 0.1M, the precision the letter writes.
  func tenthsOfMillions(_ m: Money) -> Decimal { (m.euros / 100_000).rounded(0) / 10 }

  @Test func theReservationOf2017GivesTheShareAndTheBudget() throws {
    let share = Decimal(1_800_000) / Decimal(71_000_000)
    let budget = try table.municipalBudget(year: 2017, basis: .share(share))
    #expect(budget.distributed == Money(millions: Decimal(string: "5818.6")!))
    // B = s × (M − V) = (1.8/71) × 5,818.6M ≈ EUR 147.5M: within the EUR 147-149M that seed 003's figures give.
    #expect(budget.budget > Money(euros: 147_000_000) && budget.budget < Money(euros: 149_000_000))
    #expect(tenthsOfMillions(budget.budget) == Decimal(string: "147.5")!)
    // And back: that budget's share of the reservation is the EUR 1.8M of the letter.
    let part = AttributionPart.reservation(
      year: 2017, reservation: Money(millions: 71), share: budget.share!)
    #expect(part.amount!.roundedToCents == Money(euros: 1_800_000))
  }

  @Test func theDefaultPositionReproducesTheLetter() throws {
    let report = try Position.groningen2018(rules: table).evaluate(rules: table)
    let v = try #require(report.year.vangnet)
    #expect(v.compensation == Money(euros: 330_000))  // "In 2017 en 2018 verwachten we € 330.000"
    #expect(v.band?.label == "5%-12.5% (50% compensated)")
    #expect(report.year.netBurden == Money(euros: 7_770_000))
    let a = report.attribution
    #expect(a.deficit == Money(euros: 8_100_000))
    let macro = try #require(a.line(.macroShortfall)?.amount)
    #expect(tenthsOfMillions(macro) == Decimal(string: "4.9")!)  // EUR 4.9M in 2016
    // The herverdeeleffect as the law defines it (price and volume together).
    #expect(a.line(.herverdeeleffect)?.amount == Money(euros: 3_100_000))
    #expect(
      a.line(.herverdeeleffect)?.cause.label.contains(
        "objective − historic share, price and volume") == true)
    let reservation = try #require(a.line(.reservation)?.amount)
    #expect(tenthsOfMillions(reservation) == Decimal(string: "1.8")!)  // EUR 1.8M in 2017
    // Price and volume appear apart only when their inputs are given; the letter gives neither.
    #expect(a.line(.priceDeviation) == nil)
    #expect(a.line(.volumeDeviation) == nil)
    #expect(a.total == a.deficit)
    #expect(a.lines.last?.cause == .rest)
    #expect(a.lines.compactMap(\.amount).reduce(Money.zero, +) == Money(euros: 8_100_000))
  }
}

@Suite("Attribution")
struct AttributionTests {
  @Test func computedPartsFollowTheirFormulas() {
    let price = AttributionPart.priceDeviation(
      caseload: 10_000, actualPrice: Money(euros: 14_500), modelPrice: Money(euros: 14_190))
    #expect(price.amount == Money(euros: 3_100_000))
    let volume = AttributionPart.volumeDeviation(
      caseload: 9_800, objectiveVolume: 10_000, modelPrice: Money(euros: 14_190))
    #expect(volume.amount == Money(euros: -2_838_000))
    let macro = AttributionPart.macroShortfall(
      year: 2016, nationalShortfall: Money(millions: 271), share: Decimal(string: "0.026")!,
      fractionAtLocalCost: Decimal(string: "0.5")!, localCost: Money(euros: 1_350_000))
    #expect(macro.amount == Money(euros: 4_873_000))  // 0.026 × 135.5M + 1.35M
  }

  @Test func partsAddUpToTheDeficitToTheCent() {
    // Shares with repeating decimals: each line is rounded to cents and the rest closes the sum.
    for k in 1...50 {
      let share = Decimal(k) / Decimal(3_001)
      let deficit = Money(Decimal(k) * Decimal(string: "123457.777")!)
      let a = Attribution(
        deficit: deficit,
        parts: [
          (
            .reservation, .reservation(year: 2017, reservation: Money(millions: 71), share: share),
            nil
          ),
          (
            .macroShortfall,
            .macroShortfall(
              year: 2016, nationalShortfall: Money(millions: 271), share: share,
              fractionAtLocalCost: 0, localCost: .zero), nil
          ),
          (.volumeDeviation, .notQuantified, nil),
        ])
      #expect(a.total == a.deficit)
      #expect(a.deficit == deficit.roundedToCents)
      for l in a.lines { if let m = l.amount { #expect(m == m.roundedToCents) } }
    }
  }
}

@Suite("Scenario reader")
struct ScenarioReaderOriginTests {
  @Test func aSyntaxErrorNamesTheOriginItWasGiven() throws {
    let table = try RuleTable.builtIn()
    do {
      _ = try Scenario.decode(Array("{\"name\": ".utf8), origin: "my-scenario.json", rules: table)
      Issue.record("a syntax error was accepted")
    } catch {
      #expect(error.issues.first?.path == "my-scenario.json")
    }
  }
}
