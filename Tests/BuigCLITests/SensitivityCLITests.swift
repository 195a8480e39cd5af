import Foundation
import Testing

@Suite("buig sensitivity")
struct SensitivityCLITests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
  let linear = packageRoot.appendingPathComponent(
    "Tests/BuigEngineTests/Fixtures/linear-yields.json"
  ).path

  @Test func jsonHasTheDocumentedShapeAndTheSameBytesWhateverTheThreads() throws {
    let args = [
      "sensitivity", groningen, "--paths", "256", "--resamples", "200", "--format", "json",
      "--quiet",
    ]
    let one = try buig(args + ["--threads", "1"])
    let two = try buig(args + ["--threads", "2"])
    #expect(one.status == 0, "\(one.stderr)")
    #expect(one.stdout == two.stdout)
    let j = try one.json()
    for key in [
      "scenario", "engine", "run", "quantity", "unit", "year", "years", "paths", "evaluations",
      "resamples", "atMedians", "tornado", "mean", "sd", "sobol", "converged", "pathsNeeded",
      "correlated", "notes", "warnings",
    ] {
      #expect(j[key] != nil, "\(key)")
    }
    #expect(j["horizon"] == nil)
    #expect(j["quantity"] as? String == "netBurden")
    #expect(j["year"] as? Int == 2018)
    #expect(j["paths"] as? Int == 256)
    #expect(j["evaluations"] as? Int == 256 * 7 + 11)
    #expect((j["run"] as? [String: Any])?["seed"] as? Int == 2018)
    let tornado = try #require(j["tornado"] as? [[String: Any]])
    #expect(tornado.count == 5)
    let swings = tornado.compactMap { ($0["swing"] as? NSNumber)?.doubleValue }
    #expect(swings.count == 5 && swings == swings.sorted(by: >))
    for bar in tornado {
      for key in ["input", "low", "high", "swing"] { #expect(bar[key] != nil) }
    }
    let sobol = try #require(j["sobol"] as? [[String: Any]])
    #expect(
      sobol.compactMap { $0["input"] as? String } == [
        "interventions.screening.yield", "interventions.reintegratie.yield", "workExitRate",
        "inflow", "economy",
      ])
    for entry in sobol {
      for key in ["first", "firstLow", "firstHigh", "total", "totalLow", "totalHigh"] {
        #expect(entry[key] is NSNumber, "\(key)")
      }
    }
    // 256 rows are too few: the verdict says so and how many would do.
    #expect(j["converged"] as? Bool == false)
    let needed = try #require(j["pathsNeeded"] as? Int)
    #expect(needed > 256 && needed % 1024 == 0)
    let notes = try #require(j["notes"] as? [String])
    #expect(notes.contains { $0.contains("Correlated inputs") && $0.contains("workExitRate") })
    let grouped =
      needed >= 1000 ? "\(needed / 1000),\(String(format: "%03d", needed % 1000))" : "\(needed)"
    #expect(notes.contains { $0.contains("--paths \(grouped)") }, "\(notes)")
    #expect(
      j["correlated"] as? [String] == ["interventions.reintegratie.yield", "workExitRate"])
    // Amounts to the cent, indices to four decimals.
    let text = one.stdout
    #expect(text.contains("\"atMedians\": 7215697.03"))
    #expect(
      text.range(of: #""first": -?\d+\.\d{4},"#, options: .regularExpression) != nil)
    let again = try buig(args + ["--threads", "2", "--seed", "9"])
    #expect(again.stdout != one.stdout)
    #expect((try again.json()["run"] as? [String: Any])?["seed"] as? Int == 9)
  }

  @Test func aLinearScenarioConvergesAndTheTableFitsEightyColumns() throws {
    let r = try buig([
      "sensitivity", linear, "--quantity", "total", "--horizon", "--paths", "4096", "--quiet",
      "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    #expect(j["horizon"] as? Bool == true)
    #expect(j["year"] == nil)
    #expect(j["quantity"] as? String == "total")
    #expect(j["converged"] as? Bool == true)
    #expect(j["pathsNeeded"] is NSNull)
    #expect((j["correlated"] as? [String])?.isEmpty == true)
    let first = try #require(j["tornado"] as? [[String: Any]]).first
    #expect(first?["input"] as? String == "interventions.beta.yield")
    for args in [
      ["--paths", "512"], ["--paths", "0"], ["--quantity", "caseload", "--paths", "256"],
    ] {
      let table = try buig(["sensitivity", groningen, "--quiet"] + args)
      #expect(table.status == 0, "\(table.stderr)")
      #expect(widestLine(table.stdout) <= 80, "\(table.stdout)")
      #expect(table.stdout.contains("Tornado"))
    }
    let t = try buig(["sensitivity", linear, "--paths", "4096", "--quiet"])
    #expect(t.stdout.contains("Converged"))
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("sensitivity.txt")
    let written = try buig([
      "sensitivity", linear, "--paths", "4096", "--quiet", "--output", file.path,
    ])
    #expect(written.status == 0 && written.stdout.isEmpty)
    #expect(try String(contentsOf: file, encoding: .utf8) == t.stdout)
    let u = try buig(["sensitivity", groningen, "--paths", "256", "--quiet"])
    #expect(u.stdout.contains("Not converged"))
  }

  @Test func pathsZeroGivesTheTornadoOnly() throws {
    let r = try buig([
      "sensitivity", groningen, "--paths", "0", "--year", "2020", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    #expect(j["year"] as? Int == 2020)
    #expect((j["sobol"] as? [Any])?.isEmpty == true)
    #expect(j["converged"] is NSNull)
    #expect(j["paths"] as? Int == 0)
    #expect((j["tornado"] as? [Any])?.count == 5)
  }

  @Test func aQuantityThatDoesNotVaryHasUndefinedIndicesAndSaysSo() throws {
    let r = try buig([
      "sensitivity", groningen, "--quantity", "interventionCost", "--paths", "256", "--format",
      "json", "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    let sobol = try #require(j["sobol"] as? [[String: Any]])
    #expect(sobol.count == 5 && sobol.allSatisfy { $0["first"] is NSNull && $0["total"] is NSNull })
    #expect(j["converged"] as? Bool == false)
    #expect(j["pathsNeeded"] is NSNull)
    #expect((j["notes"] as? [String])?.contains { $0.contains("variance 0") } == true)
    let swings = try #require(j["tornado"] as? [[String: Any]]).map { $0["swing"] as? NSNumber }
    #expect(swings.allSatisfy { $0?.doubleValue == 0 })
  }

  @Test func aScenarioWithNothingUncertainIsAnInputError() throws {
    let dir = try scratchDirectory()
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: linear)))
        as? [String: Any])
    object["uncertainty"] = nil
    let file = dir.appendingPathComponent("calm.json")
    try JSONSerialization.data(withJSONObject: object).write(to: file)
    let r = try buig(["sensitivity", file.path, "--paths", "256"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("no uncertain inputs"))
    #expect(r.stdout.isEmpty)
    let missing = try buig(["sensitivity", dir.appendingPathComponent("nope.json").path])
    #expect(missing.status == 1)
  }

  @Test(arguments: [
    ["--paths", "1"], ["--paths", "-4"], ["--year", "2030"], ["--year", "2019", "--horizon"],
    ["--quantity", "yield"], ["--quantity", "nonsense"], ["--resamples", "10"],
    ["--threads", "0"], ["--format", "csv"], ["--seed", "-1"],
  ])
  func badOptionsAreUsageErrors(args: [String]) throws {
    let r = try buig(["sensitivity", groningen, "--quiet"] + args)
    #expect(r.status == 2, "\(args): \(r.stderr)")
    #expect(!r.stderr.isEmpty)
    #expect(r.stdout.isEmpty)
  }

  @Test func aMissingFileArgumentIsAUsageError() throws {
    let r = try buig(["sensitivity"])
    #expect(r.status == 2)
  }
}
