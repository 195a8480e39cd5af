import BuigCore
import BuigJSON
import BuigScenario
import Foundation
import Testing

@testable import BuigEngine

/// The shipped scenario with a realised 2023 and a forecast 2024-2026.
private let shipped = "werk-en-ontwikkel-realised-2023"

/// A scenario decoded from a JSON object.
private func decode(_ object: [String: Any]) throws -> Scenario {
  let bytes = Array(try JSONSerialization.data(withJSONObject: object))
  return try Scenario.decode(bytes, origin: "test", rules: try RuleTable.builtIn())
}

/// The issues a scenario object gets, or [] when it reads.
private func issues(_ object: [String: Any]) throws -> [InputIssue] {
  do {
    _ = try decode(object)
    return []
  } catch let e as InputIssues {
    return e.issues
  }
}

/// The shipped realised scenario as a JSON object, changed by `change`.
private func shippedObject(_ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
  let bytes = try #require(EmbeddedScenarios.bytes(shipped))
  var o = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
  change(&o)
  return o
}

private func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

@Suite("Realised years")
struct RealisedTests {
  /// The facts of the shipped scenario's 2023.
  static let facts: [(Quantity, Double)] = [
    (.budget, 164_220_000), (.spending, 174_100_000), (.result, -9_880_000), (.vangnet, 0),
    (.netBurden, 9_880_000), (.caseload, 9_450), (.interventionYield, 1_650_000),
    (.interventionCost, 0),
  ]

  @Test func everyPathCarriesTheRealisedFacts() throws {
    let s = try scenario(shipped)
    #expect(s.input.realisedCount == 1)
    let mc = try engine(s)
    let values = try mc.run(MonteCarloOptions(paths: 2_000))
    let summary = MonteCarloSummary(mc, values, netBurdenLimit: nil, discountRate: 0.0225)
    for (q, fact) in Self.facts {
      let column = try #require(values.series(q, year: 2023))
      #expect(column.allSatisfy { $0 == fact }, "\(q) 2023 in every path")
      let stat = try #require(summary[q, year: 2023])
      #expect(stat.sd == 0 && stat.mean == fact, "\(q) 2023: sd \(stat.sd), mean \(stat.mean)")
      #expect(stat.quantile(0.05) == fact && stat.quantile(0.95) == fact, "\(q) 2023 p5 = p95")
    }
    // The intervention's own yield and effect in 2023: the actual yield, in every path.
    let own = try #require(values.series(.yield, year: 2023, intervention: 0))
    #expect(own.allSatisfy { $0 == 1_650_000 })
    // The forecast does vary: the realised year's zero spread is not the whole run's.
    for q in [Quantity.spending, .caseload, .interventionYield] {
      #expect(try #require(summary[q, year: 2024]).sd > 0, "\(q) 2024 varies")
    }
    // The projection says the same.
    let p = try s.project()
    let y = p.years[0]
    #expect(y.realised && !p.years[1].realised)
    #expect(y.budget.budget == Money(164_220_000) && y.spending == Money(174_100_000))
    #expect(y.result == Money(-9_880_000) && y.caseload == 9_450)
  }

  @Test func noModelledYieldIsSubtractedFromARealisedYear() throws {
    let p = try scenario(shipped).project()
    let y = p.years[0]
    // The mechanistic programme models 600 · 0.25 · 14,700 · 0.5 = 1,102,500 in its first
    // year; none of it, nor the actual 1,650,000, comes off the realised spending.
    let modelled = try scenario("werk-en-ontwikkel-2022-2025").project().interventions[0].years[0]
    #expect(modelled.yield == Money(1_102_500))
    #expect(y.spending == Money(174_100_000))
    #expect(y.interventionYield == Money(1_650_000))
    // Without the package, the spending would have been the actual yield higher.
    #expect(y.baselineSpending == Money(175_750_000))
    #expect(y.baseline.result == Money(-11_530_000))
    #expect(p.interventions[0].years[0].yield == Money(1_650_000))
    #expect(p.interventions[0].years[0].caseloadEffect == 0)

    // Without an actual yield: the yield is not known, the spending still the fact.
    let s = try decode(
      try shippedObject { o in
        var r = o["realised"] as! [String: Any]
        var y23 = r["2023"] as! [String: Any]
        y23["interventions"] = nil
        r["2023"] = y23
        o["realised"] = r
      })
    let q = try s.project()
    #expect(q.years[0].spending == Money(174_100_000))
    #expect(q.years[0].baselineSpending == Money(174_100_000))
    #expect(q.years[0].interventionYield == .zero)
    #expect(q.interventions[0].years[0].yield == nil)
    #expect(q.interventions[0].years[0].effectAfterVangnet == nil)
    // The forecast years' modelled yields are the same either way.
    #expect(q.years[1].interventionYield == p.years[1].interventionYield)
    let values = try engine(s).run(MonteCarloOptions(paths: 256))
    #expect(try #require(values.series(.spending, year: 2023)).allSatisfy { $0 == 174_100_000 })
    #expect(try #require(values.series(.interventionYield, year: 2023)).allSatisfy { $0 == 0 })
  }

  /// A horizon 2023-2025 with B = 100M and U = 110M in the forecast years (a 10% deficit:
  /// 2019-2024 rule, C = 50% · (10M − 7.5M) = 1.25M when the condition holds), results 0 in
  /// 2021 and 2022, and a realised 2023 with spending `spending2023`.
  static func multiYear(spending2023: Int) -> [String: Any] {
    [
      "schemaVersion": 1, "name": "multi-year", "municipality": ["name": "Test"],
      "horizon": ["firstYear": 2023, "lastYear": 2025],
      "budget": ["given": 100_000_000], "caseload": 5_000, "netPrice": 22_000,
      "priorResults": ["2021": 0, "2022": 0],
      "realised": [
        "2023": ["budget": 100_000_000, "spending": spending2023, "caseload": 5_000]
      ],
      "flows": ["economy": ["innovationSD": 0]],
    ]
  }

  @Test func aForecastYearsMultiYearConditionSeesTheRealisedResult() throws {
    // 2024's condition: the results of 2022-2024 together a deficit above 7.5% of B_2024.
    // With a realised surplus of 20M: 0 + 20M − 10M = +10M, not met, C = 0.
    // With a realised deficit of 1M: 0 − 1M − 10M = −11M, met, C = 1.25M.
    for (spending, compensation) in [(80_000_000, 0.0), (101_000_000, 1_250_000.0)] {
      let s = try decode(Self.multiYear(spending2023: spending))
      let p = try s.project()
      #expect(p.years[0].result == Money(Decimal(100_000_000 - spending)))
      #expect(p.years[1].result == Money(-10_000_000))
      #expect(
        p.years[1].vangnet?.compensation == Money(Decimal(compensation)),
        "2024 with a realised 2023 spending of \(spending)")
      let values = try engine(s).run(MonteCarloOptions(paths: 256))
      let c = try #require(values.series(.vangnet, year: 2024))
      #expect(
        c.allSatisfy { abs($0 - compensation) < 0.01 },
        "2024's compensation in every path with a realised 2023 spending of \(spending)")
    }
  }

  @Test func theFlowsStartAfterTheRealisedYearsFromTheRealisedCaseload() throws {
    let s = try scenario(shipped)
    let mc = try engine(s)
    #expect(mc.realisedCount == 1)
    #expect(mc.calibration.inflow.count == 3)
    let forecast = try s.project().years.dropFirst().map { $0.baselineCaseload }.map(double)
    let expected = FlowCalibration(
      model: mc.model, caseload: forecast, years: [2024, 2025, 2026], initial: 9_450)
    #expect(mc.calibration.inflow == expected.inflow)
    // A different realised caseload moves the chain's start, so the calibrated inflow.
    let higher = try decode(
      try shippedObject { o in
        var r = o["realised"] as! [String: Any]
        var y23 = r["2023"] as! [String: Any]
        y23["caseload"] = 10_500
        r["2023"] = y23
        o["realised"] = r
      })
    let other = try engine(higher)
    #expect(other.calibration.inflow[0] < mc.calibration.inflow[0])
    // The economy is not drawn for the realised year.
    let d = mc.sampler.buffer(paths: 1)
    var draws = d
    mc.sampler.draw(path: 3, into: &draws, at: 0)
    #expect(draws.economy[0] == 0 && draws.economy[1] != 0)
  }

  @Test func pathsDoNotDependOnThreadsOrBatchSize() throws {
    let mc = try engine(try scenario(shipped))
    let a = try mc.run(MonteCarloOptions(paths: 1_000, threads: 1, batchSize: 256))
    let b = try mc.run(MonteCarloOptions(paths: 1_000, threads: 2, batchSize: 4_096))
    let c = try mc.run(MonteCarloOptions(paths: 1_000, threads: 2, batchSize: 128))
    func bits(_ v: PathValues) -> [[UInt64]] { v.columns.map { $0.map(\.bitPattern) } }
    #expect(bits(a) == bits(b))
    #expect(bits(a) == bits(c))
    let tail = try mc.run(MonteCarloOptions(firstPath: 512, paths: 488, threads: 2, batchSize: 256))
    #expect(bits(tail) == a.columns.map { Array($0)[512...].map(\.bitPattern) })
  }
}

@Suite("Realised years: errors")
struct RealisedErrorTests {
  /// The shipped scenario's 2023 facts.
  static var year: [String: Any] {
    ["budget": 164_220_000, "spending": 174_100_000, "caseload": 9_450]
  }

  private func single(_ object: [String: Any]) throws -> InputIssue {
    let found = try issues(object)
    #expect(found.count == 1, "\(found)")
    return try #require(found.first)
  }

  @Test func aRealisedYearMustBeALeadingRun() throws {
    let i = try single(
      try shippedObject { o in
        o["realised"] = ["2024": Self.year]
        var b = o["budget"] as! [String: Any]
        b["given"] = 167_504_400
        o["budget"] = b
      })
    #expect(i.path == #"realised["2024"]"#)
    #expect(i.expected.contains("leading run of the horizon"))
    #expect(i.found == "2024 realised while 2023 is not")
  }

  @Test func aRealisedYearMustBeInTheHorizon() throws {
    let i = try single(
      try shippedObject { o in
        var r = o["realised"] as! [String: Any]
        r["2022"] = Self.year
        o["realised"] = r
      })
    #expect(i.path == #"realised["2022"]"#)
    #expect(i.expected == "a year of the horizon (2023-2026) as key")
    #expect(i.found == "\"2022\"")
    #expect(i.hint?.contains("priorResults") == true)
  }

  @Test func aForecastYearMustRemain() throws {
    let i = try single(
      try shippedObject { o in
        o["realised"] = [
          "2023": Self.year, "2024": Self.year, "2025": Self.year, "2026": Self.year,
        ]
      })
    #expect(i.path == "realised")
    #expect(i.expected == "at least one forecast year after the realised years")
  }

  @Test func anUnknownInterventionIdIsNamed() throws {
    let i = try single(
      try shippedObject { o in
        var y = Self.year
        y["interventions"] = ["werk-en-ontwikel": ["yield": 1]]
        o["realised"] = ["2023": y]
      })
    #expect(i.path == #"realised["2023"].interventions["werk-en-ontwikel"]"#)
    #expect(i.expected.contains("werk-en-ontwikkel"))
    #expect(i.found == "\"werk-en-ontwikel\"")
    #expect(i.hint == "did you mean \"werk-en-ontwikkel\"?")
  }

  @Test func missingFactsAndWrongValuesAreReportedTogether() throws {
    let found = try issues(
      try shippedObject { o in
        o["realised"] = ["2023": ["budget": -5, "caseload": 9_450, "spendng": 1]]
      })
    let paths = found.map(\.path)
    #expect(paths.contains(#"realised["2023"].budget"#))
    #expect(paths.contains(#"realised["2023"].spending"#))
    #expect(paths.contains(#"realised["2023"].spendng"#))
    let missing = try #require(found.first { $0.path == #"realised["2023"].spending"# })
    #expect(missing.found == "nothing (the field is missing)")
    let negative = try #require(found.first { $0.path == #"realised["2023"].budget"# })
    #expect(negative.found == "number -5")
  }

  @Test func aForecastYearOfASeriesIsStillRequired() throws {
    let i = try single(
      try shippedObject { o in
        o["budget"] = ["given": ["byYear": ["2024": 1, "2026": 1]]]
      })
    #expect(i.path == "budget.given.byYear")
    #expect(i.found == "none for 2025")
  }
}
