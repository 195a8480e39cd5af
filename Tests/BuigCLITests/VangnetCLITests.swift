import Foundation
import Testing

@Suite("buig vangnet, rules and the default")
struct VangnetCLITests {
  @Test func positionShowsSeed003sPosition() throws {
    let r = try buig(["position"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.isEmpty)
    #expect(r.stdout.contains("Groningen 2018"))
    #expect(r.stdout.contains("vangnet compensation             330,000"))
    #expect(
      r.stdout.contains(
        "herverdeeleffect (objective − historic share, price and volume)   3,100,000"))
    #expect(widestLine(r.stdout) <= 80)
  }

  @Test func jsonHasTheDocumentedKeysAndExactAmounts() throws {
    let r = try buig([
      "vangnet", "--year", "2018", "--budget", "148800000", "--spending", "156900000.50",
      "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    for key in [
      "year", "budget", "spending", "deficit", "deficitPercent", "compensation", "ownRisk", "band",
      "conditionsAssumed",
    ] {
      #expect(j[key] != nil, "missing \(key)")
    }
    #expect(j["year"] as? Int == 2018)
    #expect((j["deficit"] as? NSNumber)?.doubleValue == 8_100_000.5)
    // 50% × (8,100,000.50 − 7,440,000) = 330,000.25
    #expect((j["compensation"] as? NSNumber)?.doubleValue == 330_000.25)
    #expect((j["ownRisk"] as? NSNumber)?.doubleValue == 7_770_000.25)
    #expect(j["band"] as? String == "5%-12.5% (50% compensated)")
    let assumed = try #require(j["conditionsAssumed"] as? [String])
    #expect(assumed.count == 1 && assumed[0].contains("2016-2018"))
  }

  @Test func priorResultsAreCheckedWithOrWithoutAnEqualsSign() throws {
    for args in [["--prior-results=-5000000,-2000000"], ["--prior-results", "-5000000,-2000000"]] {
      let r = try buig(
        [
          "vangnet", "--year", "2019", "--budget", "100000000", "--spending", "110000000",
          "--format", "json",
        ] + args)
      #expect(r.status == 0, "\(r.stderr)")
      let j = try r.json()
      #expect((j["compensation"] as? NSNumber)?.doubleValue == 1_250_000)
      #expect((j["conditionsAssumed"] as? [String])?.isEmpty == true)
      let checked = try #require(j["conditionsChecked"] as? [[String: Any]])
      #expect(checked.first?["met"] as? Bool == true)
    }
    let notMet = try buig([
      "vangnet", "--year", "2019", "--budget", "100000000", "--spending", "110000000",
      "--prior-results=9000000,5000000",
    ])
    #expect(notMet.status == 0)
    #expect(notMet.stdout.contains("NOT met"))
    let notMetJSON = try buig([
      "vangnet", "--year", "2019", "--budget", "100000000", "--spending", "110000000",
      "--prior-results=9000000,5000000", "--format", "json",
    ]).json()
    #expect((notMetJSON["compensation"] as? NSNumber)?.doubleValue == 0)
    #expect((notMetJSON["ownRisk"] as? NSNumber)?.doubleValue == 10_000_000)
  }

  @Test(arguments: [
    (["--budget", "-5", "--spending", "10"], "--budget: expected a positive amount in euros"),
    (
      ["--budget", "abc", "--spending", "10"],
      "--budget: expected an amount in euros, found \"abc\""
    ),
    (["--budget", "6,284,800", "--spending", "10"], "no thousands separators"),
    (["--budget", "1e6", "--spending", "10"], "plain digits"),
    (["--budget", "100", "--spending", "10.123"], "at most two decimals"),
    (["--budget", "0", "--spending", "10"], "--budget: expected a positive amount"),
    (
      ["--budget", "100", "--spending", "110", "--prior-results", "1,2,3"],
      "needs the results of 2 prior years (2017, 2018"
    ),
    (
      ["--budget", "100", "--spending", "110", "--prior-results", "1,x"], "--prior-results (item 2)"
    ),
  ])
  func invalidInputExitsWith1AndSaysWhy(args: [String], fragment: String) throws {
    let r = try buig(["vangnet", "--year", "2019"] + args)
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains(fragment), "\(r.stderr)")
    #expect(r.stderr.hasPrefix("buig vangnet: error: "))
  }

  @Test func aYearWithoutARuleListsTheYearsThatHaveOne() throws {
    let r = try buig(["vangnet", "--year", "2015", "--budget", "100", "--spending", "110"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("Years with a rule: 2012-2014, 2016-2025."))
  }

  @Test(arguments: [
    ["vangnet", "--year", "2019", "--budget", "100"],
    ["vangnet", "--year", "x", "--budget", "100", "--spending", "1"],
    ["vangnet", "--year", "2019", "--budget", "100", "--spending", "1", "--colour"],
    ["vangnet", "--year", "2019", "--budget", "100", "--spending", "1", "--format", "xml"],
    ["nosuchcommand"],
  ])
  func usageErrorsExitWith2(args: [String]) throws {
    let r = try buig(args)
    #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
    #expect(r.stderr.contains("Error") || r.stderr.contains("error"))
    #expect(!r.stderr.contains("Fatal error"))
  }

  @Test func helpExitsWith0() throws {
    let r = try buig(["vangnet", "--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("--prior-results"))
  }

  @Test func rulesShowEveryYearWithSources() throws {
    let r = try buig(["rules"])
    #expect(r.status == 0)
    #expect(widestLine(r.stdout) <= 80)
    for year in 2012...2026 { #expect(r.stdout.contains("\n\(year)\n"), "\(year)") }
    #expect(r.stdout.contains("Left out of the table:"))
    let j = try buig(["rules", "--year", "2019", "--format", "json"]).json()
    let years = try #require(j["years"] as? [[String: Any]])
    #expect(years.count == 1)
    let regime = try #require(
      ((years[0]["vangnet"] as? [String: Any])?["regimes"] as? [[String: Any]])?.first)
    #expect((regime["entryPercent"] as? NSNumber)?.doubleValue == 7.5)
    #expect((regime["source"] as? String)?.isEmpty == false)
    let bad = try buig(["rules", "--year", "2031"])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("2012-2026"))
  }

  @Test func aRuleOverrideFileIsApplied() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("rules.json")
    try Data(
      #"""
      {"years": [{"year": 2015, "vangnet": {"regimes": [{"name": "vangnet", "entryPercent": 7.5,
        "bands": [{"fromPercent": 0, "toPercent": 7.5, "ratePercent": 0}, {"fromPercent": 7.5, "ratePercent": 40}],
        "source": "own estimate", "confidence": "low"}]}}]}
      """#.utf8
    ).write(to: file)
    let r = try buig([
      "vangnet", "--year", "2015", "--budget", "100000000", "--spending", "110000000", "--rules",
      file.path, "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect((try r.json()["compensation"] as? NSNumber)?.doubleValue == 1_000_000)
    try Data(#"{"years": [{"year": 2015, "vangnet": {"regimes": []}}]}"#.utf8).write(to: file)
    let bad = try buig([
      "vangnet", "--year", "2015", "--budget", "1", "--spending", "2", "--rules", file.path,
    ])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("years[0].vangnet.regimes: expected an array of at least 1 item"))
    let missing = try buig(["rules", "--rules", dir.appendingPathComponent("nope.json").path])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("no such file"))
  }
}
