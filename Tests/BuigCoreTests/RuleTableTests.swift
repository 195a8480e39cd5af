import BuigJSON
import Foundation
import Testing

@testable import BuigCore

@Suite("Rule table")
struct RuleTableTests {
  let table = try! RuleTable.builtIn()

  @Test func coversTheYearsThePublicRulesGive() {
    #expect(table.vangnetYears == [2012, 2013, 2014] + Array(2016...2025))
    #expect(table.sortedYears == Array(2012...2026))
    let missingVangnet = table.missing.filter { $0.part == "vangnet" }.map(\.year)
    #expect(missingVangnet == [2015, 2026])
    for m in table.missing { #expect(!m.reason.isEmpty) }
  }

  @Test func everyEntryCarriesASource() {
    for y in table.years.values {
      for phase in MacrobudgetPhase.allCases {
        if let a = y.macrobudget?.amount(phase) { #expect(!a.source.isEmpty, "\(y.year) \(phase)") }
      }
      if let r = y.reservation { #expect(!r.amount.source.isEmpty) }
      for regime in y.vangnet?.regimes ?? [] {
        #expect(!regime.source.isEmpty, "\(y.year)")
        #expect(regime.bands.first?.from == 0)
        #expect(regime.bands.last?.to == nil)
      }
    }
  }

  @Test func everyYearWithoutAReservationOrMacrobudgetIsListedAsMissing() {
    for y in table.sortedYears {
      let entry = table.years[y]!
      let listed = Set(table.missing.filter { $0.year == y }.map(\.part))
      if entry.reservation == nil { #expect(listed.contains("reservation"), "\(y)") }
      if entry.macrobudget?.definitief == nil && y < 2026 {
        #expect(listed.contains("macrobudget"), "\(y)")
      }
      #expect(
        !(entry.reservation != nil && listed.contains("reservation")), "\(y) listed but present")
    }
  }

  @Test func noDefinitiefMacrobudgetIsBelowWhatWasDistributed() {
    for y in table.years.values {
      guard let m = y.macrobudget, let d = m.distributed, let def = m.definitief else { continue }
      #expect(
        def.amount >= d.amount, "\(y.year): definitief \(def.amount) < distributed \(d.amount)")
      if let r = y.reservation {
        // M − V = what was distributed, where the sources give all three, within the half
        // million the national-outcome figures are rounded to (2017: 5,889.6 − 71 = 5,818.6
        // against 5,819.06).
        let gap = (def.amount - r.amount.amount - d.amount).euros.magnitude
        #expect(gap <= 500_000, "\(y.year): M − V differs from distributed by \(gap)")
      }
    }
  }

  @Test func holdsTheMacrobudgetsOf2013And2014AndTheConfirmedOf2016() {
    let m2013 = table.years[2013]!.macrobudget!
    #expect(m2013.definitief?.amount == Money(millions: Decimal(string: "5658.2")!))
    #expect(m2013.distributed?.amount == Money(millions: Decimal(string: "5495.2")!))
    #expect(table.years[2013]!.reservation?.amount.amount == Money(millions: 163))
    let m2014 = table.years[2014]!.macrobudget!
    #expect(m2014.voorlopig?.amount == Money(millions: Decimal(string: "6226.8")!))
    #expect(
      m2014.voorlopig!.amount - table.years[2014]!.reservation!.amount.amount
        == m2014.distributed!.amount)
    #expect(table.years[2015]!.macrobudget?.definitief == nil)
    #expect(table.years[2016]!.macrobudget!.definitief!.confidence == .high)
    #expect(table.years[2022]!.macrobudget!.definitief!.source.contains("6,8 mln minder"))
    #expect(
      table.years[2021]!.holdback?.amount.amount == Money(millions: Decimal(string: "327.2")!))
    // The holdback is not a vangnet reservation: it does not lower the distributed budget.
    #expect(
      table.years[2021]!.distributedBudget(phase: .definitief)?.amount
        == table.years[2021]!.macrobudget!.definitief!.amount)
  }

  @Test func holdsTheFiguresOfTheSources() {
    #expect(table.years[2017]?.reservation?.amount.amount == Money(millions: 71))
    #expect(
      table.years[2017]?.macrobudget?.definitief?.amount
        == Money(millions: Decimal(string: "5889.6")!))
    #expect(
      table.years[2017]?.distributedBudget(phase: .definitief)?.amount
        == Money(millions: Decimal(string: "5818.6")!))
    #expect(table.years[2019]?.reservation?.amount.amount == Money(millions: 108))
    let r2019 = table.years[2021]!.vangnet!.regimes[0]
    #expect(r2019.entry == Decimal(string: "0.075")!)
    #expect(r2019.bands.map(\.rate) == [0, Decimal(string: "0.5")!, 1])
    #expect(
      r2019.condition == .cumulative(priorYears: 2, threshold: Decimal(string: "0.075")!, note: nil)
    )
    #expect(table.years[2013]!.vangnet!.regimes.map(\.name) == ["IAU", "MAU"])
  }

  @Test func overridesReplaceSectionsAndFillMissingYears() throws {
    let override = """
      {"years": [{"year": 2015, "vangnet": {"regimes": [{"name": "vangnet", "entryPercent": 7.5,
        "bands": [{"fromPercent": 0, "toPercent": 7.5, "ratePercent": 0}, {"fromPercent": 7.5, "ratePercent": 60}],
        "source": "test override", "confidence": "low"}]}}]}
      """
    let merged = table.merging(try RuleTable.decode(Array(override.utf8), origin: "override.json"))
    #expect(merged.vangnetYears.contains(2015))
    #expect(!merged.missing.contains { $0.year == 2015 && $0.part == "vangnet" })
    #expect(merged.years[2015]?.macrobudget == table.years[2015]?.macrobudget)
    let a = try merged.vangnet(
      VangnetQuestion(
        year: 2015, budget: Money(euros: 100_000_000), spending: Money(euros: 110_000_000)))
    #expect(a.compensation == Money(euros: 1_500_000))
  }

  @Test func refusesABrokenRuleFileWithEveryProblem() {
    let bad = """
      {"years": [{"year": 2030, "vangnet": {"regimes": [{"name": "x", "entryPercent": 150,
        "bands": [{"fromPercent": 0, "toPercent": 5, "ratePercent": 0}, {"fromPercent": 6, "ratePercent": 50}],
        "source": "s", "confidance": "high"}]}}]}
      """
    do {
      _ = try RuleTable.decode(Array(bad.utf8), origin: "bad.json")
      Issue.record("accepted a broken rule file")
    } catch {
      let text = error.issues.map(\.description)
      #expect(
        text.contains {
          $0.hasPrefix("years[0].vangnet.regimes[0].entryPercent: expected a number from 0 to 100")
        })
      #expect(
        text.contains {
          $0.hasPrefix("years[0].vangnet.regimes[0].bands[1].fromPercent: expected 5")
        })
      #expect(
        text.contains { $0.hasPrefix("years[0].vangnet.regimes[0].confidence: expected one of") })
      #expect(
        text.contains { $0.contains("confidance") && $0.contains(#"did you mean "confidence"?"#) })
    }
  }
}
