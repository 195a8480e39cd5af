import Foundation
import Testing

/// The figures decisions are made with: worth, compare, reserve, switching values.
@Suite("buig decisions: worth, compare, reserve, switching")
struct DecisionCLITests {
  let g2018 = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
  let mechanistic = packageRoot.appendingPathComponent(
    "scenarios/groningen-2018-mechanistic.json"
  ).path

  func double(_ v: Any?) throws -> Double { try #require(v as? NSNumber).doubleValue }

  @Test func theWorthReconcilesWithTheMeerjarenbeeldToTheCent() throws {
    let r = try buig(["run", g2018, "--paths", "0", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try r.json()
    let years = try #require(doc["years"] as? [[String: Any]])
    var effect = 0.0
    var cost = 0.0
    var nets: [Double] = []
    for y in years {
      let n = try double((y["netBurden"] as? [String: Any])?["expected"])
      let b = try double((y["baseline"] as? [String: Any])?["netBurden"])
      let c = try double((y["interventionCost"] as? [String: Any])?["expected"])
      effect += b - n
      cost += c
      nets.append(b - n - c)
    }
    let package = try #require((doc["package"] as? [String: Any])?["total"] as? [String: Any])
    #expect(abs(try double(package["netAfterVangnet"]) - (effect - cost)) < 0.005)
    #expect(abs(try double(package["cost"]) - cost) < 0.005)
    // NPV at the rule table's 2.25%, by hand from the years.
    let rate = try double(
      ((doc["run"] as? [String: Any])?["discountRate"] as? [String: Any])?["percent"])
    #expect(rate == 2.25)
    let npv = nets.enumerated().reduce(0.0) { $0 + $1.element / pow(1.0225, Double($1.offset)) }
    #expect(abs(try double(package["npv"]) - npv) < 0.01)
    #expect(abs(try double(package["roi"]) - (effect - cost) / cost) < 0.0001)
    // Payback: the first year in which the cumulative net is not negative.
    var cumulative = 0.0
    let payback = zip(years, nets).first { _, n in
      cumulative += n
      return cumulative >= 0
    }.map { $0.0["year"] as? Int }
    #expect(package["paybackYear"] as? Int == payback ?? nil)
    // The p.m. items have a cost and no worth, with a note.
    let items = try #require(doc["interventions"] as? [[String: Any]])
    let pm = try #require(items.first { $0["id"] as? String == "kansen-in-kaart" })
    let total = try #require(pm["total"] as? [String: Any])
    #expect(try double(total["cost"]) == 250_000)
    #expect(total["npv"] is NSNull && total["roi"] is NSNull)
    #expect((total["notes"] as? [String])?.first?.hasPrefix("p.m.") == true)
    // A discount rate of 0 makes the NPV the net.
    let flat = try buig(["run", g2018, "--paths", "0", "--format", "json", "--discount-rate", "0"])
    let flatPackage = try #require(
      (try flat.json()["package"] as? [String: Any])?["total"] as? [String: Any])
    #expect(try double(flatPackage["npv"]) == (try double(flatPackage["netAfterVangnet"])))
  }

  @Test func theWorthAppearsInTableAndCSVWithPaths() throws {
    let t = try buig(["run", g2018, "--paths", "2000", "--quiet"])
    #expect(t.status == 0)
    #expect(t.stdout.contains("Worth 2018-2021 (EUR 1,000)"))
    #expect(t.stdout.contains("Net over the paths (EUR 1,000)"))
    #expect(widestLine(t.stdout) <= 80)
    let c = try buig(["run", g2018, "--paths", "2000", "--quiet", "--format", "csv"])
    let rows = c.stdout.split(separator: "\r\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let payback = rows.first {
      $0.count == 7 && $0[1] == "horizon" && $0[2] == "paybackYear" && $0[3] == "(package)"
        && $0[5] == "pWithinHorizon"
    }
    let p = try #require(payback.flatMap { Double($0[6]) })
    #expect(p > 0 && p <= 1)
    let p99 = rows.first {
      $0.count == 7 && $0[1] == "horizon" && $0[2] == "netBurden" && $0[5] == "p99"
    }
    #expect(p99 != nil)
  }

  @Test func compareWithoutPathsEqualsTheDifferenceOfTwoRuns() throws {
    func total(_ file: String) throws -> Decimal {
      let doc = try buig(["run", file, "--paths", "0", "--format", "json"]).json()
      let years = try #require(doc["years"] as? [[String: Any]])
      return try years.reduce(Decimal(0)) { s, y in
        let n = try #require((y["netBurden"] as? [String: Any])?["expected"] as? NSNumber)
        let c = try #require((y["interventionCost"] as? [String: Any])?["expected"] as? NSNumber)
        return s + n.decimalValue + c.decimalValue
      }
    }
    let c = try buig(["compare", g2018, mechanistic, "--paths", "0", "--format", "json"])
    #expect(c.status == 0, "\(c.stderr)")
    let horizon = try #require(try c.json()["horizon"] as? [String: Any])
    let diff = try #require(
      ((horizon["total"] as? [String: Any])?["difference"] as? [String: Any])?["expected"]
        as? NSNumber)
    #expect(diff.decimalValue == (try total(mechanistic)) - (try total(g2018)))
    #expect(horizon["pVariantCheaper"] == nil)
    // The table leads with the horizon and a verdict.
    let t = try buig(["compare", g2018, mechanistic, "--paths", "0"])
    let lines = t.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count > 6 && lines[3].hasPrefix("2018-2021 (EUR 1,000)"))
    #expect(t.stdout.contains("is cheaper than"))
    // With paths: the probability that the variant is cheaper, per year and for the horizon.
    let p = try buig([
      "compare", g2018, mechanistic, "--paths", "512", "--quiet", "--format", "csv",
    ])
    #expect(p.status == 0)
    #expect(p.stdout.contains(",horizon,,pVariantCheaper,probability,"))
    #expect(p.stdout.contains(",2019,,pVariantCheaper,probability,"))
    let one = try buig(["compare", g2018, mechanistic, "--paths", "1"])
    #expect(one.status == 2 && one.stderr.contains("--paths"))
  }

  @Test func theReserveIsTheRunsCumulativeQuantile() throws {
    let r = try buig(["reserve", g2018, "--paths", "3000", "--quiet", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let reserve = try r.json()
    let run = try buig(["run", g2018, "--paths", "3000", "--quiet", "--format", "json"]).json()
    let cumulative = try #require(reserve["cumulative"] as? [String: Any])
    let levels = try #require(cumulative["reserve"] as? [[String: Any]])
    let horizon = try #require((run["horizon"] as? [String: Any])?["netBurden"] as? [String: Any])
    for (pct, key) in [(75, "p75"), (80, "p80"), (90, "p90"), (95, "p95"), (99, "p99")] {
      let level = try #require(levels.first { $0["certaintyPercent"] as? Int == pct })
      #expect(try double(level["amount"]) == (try double(horizon[key])), "\(pct)%")
    }
    // Per year too, and the amounts rise with the certainty.
    let years = try #require(reserve["years"] as? [[String: Any]])
    let amounts = try ((years[0]["reserve"] as? [[String: Any]]) ?? []).map {
      try double($0["amount"])
    }
    #expect(amounts == amounts.sorted() && amounts.count == 5)
    // A reserve given: the probability that the cumulative net burden exceeds it.
    let given = try buig([
      "reserve", g2018, "--paths", "3000", "--quiet", "--format", "json",
      "--reserve", "30000000",
    ])
    let above = try #require(
      (try given.json()["cumulative"] as? [String: Any])?["pNetBurdenAbove"] as? [String: Any])
    #expect(try double(above["limit"]) == 30_000_000)
    let pAbove = try double(above["probability"])
    #expect(pAbove > 0.05 && pAbove < 0.95)
    let table = try buig(["reserve", g2018, "--paths", "3000", "--quiet"])
    #expect(table.stdout.contains("95%") && widestLine(table.stdout) <= 80)
    let none = try buig(["reserve", g2018, "--paths", "0"])
    #expect(none.status == 1 && none.stderr.contains("--paths"))
    let deterministic = try buig(["run", g2018, "--paths", "0", "--reserve", "1"])
    #expect(deterministic.status == 1 && deterministic.stderr.contains("--reserve"))
  }

  @Test func aSwitchingValueGivenBackMakesTheNetZero() throws {
    let s = try buig([
      "switching", mechanistic, "--intervention", "jongeren", "--parameter", "successRate",
      "--format", "json",
    ])
    #expect(s.status == 0, "\(s.stderr)")
    let doc = try s.json()
    let value = try #require(doc["switchingValue"] as? NSNumber)
    #expect(value.doubleValue > 0 && value.doubleValue < 0.35)
    #expect(try double(doc["current"]) == 0.35)
    func net(_ extra: [String]) throws -> (Double, Double?) {
      let r = try buig(
        [
          "run", mechanistic, "--format", "json", "--quiet",
          "--set", "interventions.jongeren.successRate=\(value.stringValue)",
        ] + extra)
      #expect(r.status == 0, "\(r.stderr)")
      let items = try #require(try r.json()["interventions"] as? [[String: Any]])
      let item = try #require(items.first { $0["id"] as? String == "jongeren" })
      let total = try #require(item["total"] as? [String: Any])
      let stats =
        (item["totalStatistics"] as? [String: Any])?["netAfterVangnet"]
        as? [String: Any]
      return (try double(total["netAfterVangnet"]), try stats.map { try double($0["se"]) })
    }
    #expect(abs(try net(["--paths", "0"]).0) <= 1)
    // Outside the allowed range: none, and that is an answer.
    let none = try buig([
      "switching", g2018, "--intervention", "screening", "--parameter", "cost", "--format", "json",
    ])
    #expect(none.status == 0)
    let noneDoc = try none.json()
    #expect(try double(noneDoc["switchingValue"]) > 1)
    let bad = try buig([
      "switching", g2018, "--intervention", "screening", "--parameter", "successRate",
    ])
    #expect(bad.status == 1 && bad.stderr.contains("--parameter"))
    let unknown = try buig(["switching", g2018, "--intervention", "nope"])
    #expect(unknown.status == 1 && unknown.stderr.contains("screening"))
    let unknownParameter = try buig([
      "switching", g2018, "--intervention", "screening", "--parameter", "x",
    ])
    #expect(unknownParameter.status == 1 && unknownParameter.stderr.contains("successRate"))
    let usage = try buig(["switching", g2018, "--intervention", "screening", "--paths", "1"])
    #expect(usage.status == 2)
    let missing = try buig(["switching", g2018])
    #expect(missing.status == 2 && missing.stderr.contains("--intervention"))
  }

  @Test func theMonteCarloSwitchingValueIsWithinTwoSE() throws {
    // parttime's success rate is not an uncertain input: given back with --set, the run's own
    // Monte Carlo mean of the net after the vangnet is within two se of zero.
    let s = try buig([
      "switching", mechanistic, "--intervention", "parttime", "--parameter", "successRate",
      "--paths", "512", "--quiet", "--format", "json",
    ])
    #expect(s.status == 0, "\(s.stderr)")
    let doc = try s.json()
    let mc = try #require(doc["monteCarlo"] as? [String: Any])
    let value = try #require(mc["switchingValue"] as? NSNumber)
    let low = try double(doc["low"])
    let high = try double(doc["high"])
    #expect(low <= value.doubleValue && value.doubleValue <= high && low < high)
    let r = try buig([
      "run", mechanistic, "--format", "json", "--quiet", "--paths", "512",
      "--set", "interventions.parttime.successRate=\(value.stringValue)",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let items = try #require(try r.json()["interventions"] as? [[String: Any]])
    let item = try #require(items.first { $0["id"] as? String == "parttime" })
    let stats = try #require(
      (item["totalStatistics"] as? [String: Any])?["netAfterVangnet"] as? [String: Any])
    let mean = try double(stats["mean"])
    let se = try double(stats["se"])
    #expect(se > 0 && abs(mean) <= 2 * se, "mean \(mean), se \(se)")
  }

  @Test func optionsThatSteerPathsAreRefusedWithoutPaths() throws {
    let cases: [[String]] = [
      ["run", g2018, "--paths", "0", "--threads", "2"],
      ["run", g2018, "--paths", "0", "--batch-size", "256"],
      ["compare", g2018, mechanistic, "--paths", "0", "--kernel", "reference"],
      ["switching", g2018, "--intervention", "screening", "--seed", "3"],
      ["sensitivity", g2018, "--paths", "0", "--resamples", "200"],
    ]
    for arguments in cases {
      let r = try buig(arguments)
      #expect(r.status == 2, "\(arguments): \(r.stderr)")
      #expect(r.stderr.contains("--paths"), "\(arguments): \(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
    // The same options with paths are taken.
    let ok = try buig(["run", g2018, "--paths", "256", "--threads", "1", "--quiet"])
    #expect(ok.status == 0, "\(ok.stderr)")
  }
}
