import Foundation
import Testing

/// The rules as the law wrote them, through the CLI: the IAU and MAU with the municipality's
/// size, the 2016 per-inhabitant entry, unlawful spending, the 2025 uitgebreid vangnet, a 2015
/// rule supplied as an override, and the errors for what a rule needs and lacks.
@Suite("buig vangnet and run: the rules as the law wrote them")
struct LawCLITests {
  let refs = [
    "--prior-results=-7000000,-7000000,-3000000", "--prior-budgets",
    "100000000,100000000,100000000",
  ]

  func vangnet(_ args: [String]) throws -> (status: Int32, json: [String: Any]?, text: String) {
    let r = try buig(["vangnet"] + args + ["--format", "json"])
    return (r.status, r.status == 0 ? try r.json() : nil, r.stdout + r.stderr)
  }

  func euros(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }

  @Test func theMAUOf2013FollowsSizeThresholdsAndTheChosenOwnContribution() throws {
    let base = ["--year", "2013", "--budget", "100000000", "--spending", "109000000"]
    // 20,000 inhabitants: never the MAU, whatever the reference years.
    let small = try vangnet(base + ["--inhabitants", "20000"] + refs)
    #expect(small.status == 0)
    #expect(euros(small.json?["compensation"]) == 0)
    #expect((small.json?["reasonForNone"] as? String)?.contains("more than 25,000") == true)
    // 100,000 inhabitants with 2010 below its 6.7%: neither.
    let below = try vangnet(
      base + [
        "--inhabitants", "100000", "--prior-results=-6699999,-7000000,-3000000",
        "--prior-budgets", "100000000,100000000,100000000",
      ])
    #expect(euros(below.json?["compensation"]) == 0)
    #expect((below.json?["mau"] as? [String: Any])?["covered"] as? Bool == false)
    // All three at or above: the own contribution chosen, 9M − o · 100M.
    for (o, expected) in [("2.5", 6_500_000.0), ("5", 4_000_000), ("7.5", 1_500_000)] {
      let a = try vangnet(base + ["--inhabitants", "100000", "--mau-own-risk", o] + refs)
      #expect(a.status == 0, "\(a.text)")
      #expect(euros(a.json?["compensation"]) == expected, "own risk \(o)")
      let range = (a.json?["mau"] as? [String: Any])?["range"] as? [[String: Any]]
      #expect(range?.map { euros($0["compensation"]) } == [6_500_000, 4_000_000, 1_500_000])
    }
    // The table shows the range too.
    let table = try buig(["vangnet"] + base + ["--inhabitants", "100000"] + refs)
    // Words as read, whatever the line wrapping.
    let words = table.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("6,500,000 at 2.5%, 4,000,000 at 5%, 1,500,000 at 7.5%"))
    #expect(words.contains("the lowest, 2.5%, is assumed"))
  }

  @Test func theIAUPaysTheCostsAbove110Percent() throws {
    let a = try vangnet([
      "--year", "2013", "--budget", "100000000", "--spending", "115000000", "--inhabitants",
      "20000",
    ])
    #expect(euros(a.json?["compensation"]) == 5_000_000)
    let assumed = a.json?["conditionsAssumed"] as? [String] ?? []
    #expect(assumed.contains { $0.contains("arbeidsmarkt") && $0.contains("cannot decide") })
  }

  @Test func whatARuleNeedsAndLacksIsAnErrorForPeople() throws {
    let noSize = try buig(["vangnet", "--year", "2013", "--budget", "100", "--spending", "110"])
    #expect(noSize.status == 1)
    #expect(noSize.stderr.contains("--inhabitants"))
    #expect(noSize.stderr.contains("more than 25,000"))
    let noBudgets = try buig([
      "vangnet", "--year", "2013", "--budget", "100", "--spending", "110", "--inhabitants",
      "100000", "--prior-results=-7,-7,-3",
    ])
    #expect(noBudgets.status == 1)
    #expect(noBudgets.stderr.contains("give the budgets of 2010, 2011, 2012"))
    let badOwnRisk = try buig([
      "vangnet", "--year", "2013", "--budget", "100", "--spending", "110", "--inhabitants",
      "100000", "--mau-own-risk", "4",
    ])
    #expect(badOwnRisk.status == 1)
    #expect(badOwnRisk.stderr.contains("one of 2.5%, 5%, 7.5%, found 4%"))
    let wrongYear = try buig([
      "vangnet", "--year", "2019", "--budget", "100", "--spending", "110", "--mau-granted",
    ])
    #expect(wrongYear.status == 1)
    #expect(wrongYear.stderr.contains("--mau-granted"))
    let unlawful2017 = try buig([
      "vangnet", "--year", "2017", "--budget", "100", "--spending", "110",
      "--unlawful-spending", "1",
    ])
    #expect(unlawful2017.status == 1)
    #expect(unlawful2017.stderr.contains("2019-2024"))
  }

  @Test func unlawfulSpendingIsDeductedBeforeTheDeficitIsJudged() throws {
    // 2021, deficit 10M on 100M with 1M unlawful: judged 9M, 50% of 1.5M above 7.5%.
    let a = try vangnet([
      "--year", "2021", "--budget", "100000000", "--spending", "110000000",
      "--unlawful-spending", "1000000", "--prior-results=-8000000,-8000000",
    ])
    #expect(euros(a.json?["compensation"]) == 750_000)
    #expect(euros(a.json?["unlawfulSpending"]) == 1_000_000)
    #expect(euros(a.json?["deficit"]) == 10_000_000)
    #expect(euros(a.json?["ownRisk"]) == 9_250_000)
  }

  @Test func the2016RuleNamesThePerInhabitantEntry() throws {
    // 4% of 100M is 4M: above EUR 30 × 100,000 = 3M, below 5%.
    let a = try vangnet([
      "--year", "2016", "--budget", "100000000", "--spending", "104000000", "--inhabitants",
      "100000",
    ])
    #expect(euros(a.json?["compensation"]) == 0)
    let caveats = a.json?["caveats"] as? [String] ?? []
    #expect(caveats.contains { $0.contains("more than EUR 30 per inhabitant") })
    // 200,000 inhabitants: 6M, so the route does not apply.
    let b = try vangnet([
      "--year", "2016", "--budget", "100000000", "--spending", "104000000", "--inhabitants",
      "200000",
    ])
    #expect(!((b.json?["caveats"] as? [String]) ?? []).contains { $0.contains("more than EUR 30") })
  }

  @Test func the2025UitgebreidVangnetIsJudgedAndItsUnknownRateSaid() throws {
    let base = ["--year", "2025", "--budget", "100000000", "--spending", "106000000"]
    let judged = try vangnet(
      base + [
        "--prior-results=-5000000,-5000000,0", "--prior-budgets", "100000000,100000000,100000000",
      ])
    #expect(euros(judged.json?["compensation"]) == 0)
    let caveats = judged.json?["caveats"] as? [String] ?? []
    #expect(caveats.contains { $0.contains("uitgebreid vangnet") && $0.contains(") applies") })
    let oneYear = try vangnet(
      base + [
        "--prior-results=-5000000,0,0", "--prior-budgets", "100000000,100000000,100000000",
      ])
    #expect(
      ((oneYear.json?["caveats"] as? [String]) ?? []).contains {
        $0.contains("uitgebreid vangnet") && $0.contains("its condition does not hold")
      })
    let table = try buig(["vangnet"] + base)
    #expect(table.stdout.contains("uitgebreid vangnet"))
    #expect(table.stdout.contains("may apply"))
  }

  @Test func a2015RuleCanBeSuppliedAsAnOverride() throws {
    let plain = try buig(["vangnet", "--year", "2015", "--budget", "100", "--spending", "115"])
    #expect(plain.status == 1)
    let a = try vangnet([
      "--year", "2015", "--budget", "100000000", "--spending", "115000000", "--rules",
      packageRoot.appendingPathComponent("docs/rules/2015-original-text.json").path,
    ])
    #expect(a.status == 0, "\(a.text)")
    #expect(euros(a.json?["compensation"]) == 5_000_000)
  }

  @Test func rulesOf2013HoldTheMacrobudgetWithItsSource() throws {
    let r = try buig(["rules", "--year", "2013", "--format", "json"])
    #expect(r.status == 0)
    let j = try r.json()
    let years = try #require(j["years"] as? [[String: Any]])
    let m = try #require(years.first?["macrobudget"] as? [String: Any])
    let d = try #require(m["definitief"] as? [String: Any])
    #expect(euros(d["eurMillion"]) == 5658.2)
    #expect((d["source"] as? String)?.contains("87619") == true)
  }

  /// Seed 002's scenario: the run's table shows, per year, how the MAU was judged and what
  /// each own contribution gives (8.3M deficit on 110M: 8.3M − o · 110M).
  @Test func groningen2012ShowsTheMAUAndItsRangeInTheTable() throws {
    let path = packageRoot.appendingPathComponent("scenarios/groningen-2012-mau.json").path
    let r = try buig(["run", path, "--paths", "0"])
    #expect(r.status == 0)
    let words = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("2012: MAU covers the year: covered by an MAU granted before"))
    #expect(words.contains("2013: MAU does not cover the year"))
    #expect(words.contains("5,550,000 at 2.5%, 2,800,000 at 5%, 50,000 at 7.5%"))
  }

  /// `buig rules --format json` prints a file `--rules` takes back, and the table it gives is
  /// the same to the byte (the budget bases by size and the discount rate included).
  @Test func theRulesJSONRoundTripsThroughRules() throws {
    let first = try buig(["rules", "--format", "json"])
    #expect(first.status == 0)
    let j = try first.json()
    #expect((j["budgetBasisBySize"] as? [Any])?.count == 2)
    #expect(j["discountRate"] != nil)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "buig-rules-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(first.stdout.utf8).write(to: file)
    let second = try buig(["rules", "--format", "json", "--rules", file.path])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout == first.stdout)
  }

  @Test func aScenarioInTheMAUYearsNeedsItsInhabitantsAndPriorBudgets() throws {
    let original = try String(
      contentsOf: packageRoot.appendingPathComponent("scenarios/groningen-2012-mau.json"),
      encoding: .utf8)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "buig-law-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var json =
      try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
    json["municipality"] = ["name": "Groningen"]
    json.removeValue(forKey: "priorBudgets")
    var v = json["vangnet"] as! [String: Any]
    v["mauOwnRiskPercent"] = 4
    v["mauGrantedYears"] = [2012, 2016]
    json["vangnet"] = v
    let file = dir.appendingPathComponent("broken.json")
    try JSONSerialization.data(withJSONObject: json).write(to: file)
    for command in ["validate", "run"] {
      let r = try buig([command, file.path])
      #expect(r.status == 1, "\(command)")
      #expect(r.stderr.contains("municipality.inhabitants: expected the number of inhabitants"))
      #expect(r.stderr.contains("priorBudgets: expected the budget"))
      #expect(r.stderr.contains("vangnet.mauOwnRiskPercent"))
      #expect(r.stderr.contains("vangnet.mauGrantedYears[1]"))
      #expect(r.stdout.isEmpty)
    }
  }
}
