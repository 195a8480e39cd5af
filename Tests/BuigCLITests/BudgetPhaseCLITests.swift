import Foundation
import Testing

/// `budget.phase` is used, and `buig validate` and `buig run` agree on a file.
@Suite("budget phase: validate and run agree")
struct BudgetPhaseCLITests {
  /// A share of the voorlopig macrobudget over 2025-2026: 2026 has only a voorlopig macrobudget,
  /// so a run that ignored the phase (and took the definitief) failed where validate passed.
  static let voorlopigScenario = #"""
    {"schemaVersion": 1, "name": "phase-voorlopig", "municipality": {"name": "X"},
     "horizon": {"firstYear": 2025, "lastYear": 2026},
     "budget": {"share": 0.02, "phase": "voorlopig"},
     "caseload": 9000, "netPrice": 17000}
    """#

  @Test func aShareOfTheVoorlopigMacrobudgetValidatesAndRuns() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("phase-voorlopig.json")
    try Data(Self.voorlopigScenario.utf8).write(to: file)
    let v = try buig(["validate", file.path])
    #expect(v.status == 0, "\(v.stderr)")
    let r = try buig(["run", file.path, "--paths", "0", "--format", "json"])
    #expect(r.status == 0, "validate said valid, run said: \(r.stderr)")
    let rules = try buig(["rules", "--format", "json"]).json()
    let ruleYears = try #require(rules["years"] as? [[String: Any]])
    let years = try #require(try r.json()["years"] as? [[String: Any]])
    #expect(years.count == 2)
    for y in years {
      let year = try #require(y["year"] as? Int)
      let basis = try #require(y["budgetBasis"] as? [String: Any])
      #expect(basis["phase"] as? String == "voorlopig")
      let entry = try #require(ruleYears.first { $0["year"] as? Int == year })
      let macro = try #require(entry["macrobudget"] as? [String: Any])
      let voorlopig = try #require(macro["voorlopig"] as? [String: Any])
      let millions = try #require(voorlopig["eurMillion"] as? NSNumber)
      let m = Decimal(string: millions.stringValue)! * 1_000_000
      #expect(Decimal(string: "\(basis["macrobudget"]!)") == m, "\(year)")
      let reservation = Decimal(string: "\(basis["reservation"] ?? 0)") ?? 0
      let budget = try #require(y["budget"] as? [String: Any])
      let expected = Decimal(string: "\(budget["expected"]!)")!
      #expect(expected == Decimal(string: "0.02")! * (m - reservation), "\(year)")
    }
  }

  @Test func thePhaseChangesTheBudget() throws {
    let dir = try scratchDirectory()
    var budgets: [String: String] = [:]
    for phase in ["voorlopig", "definitief"] {
      let file = dir.appendingPathComponent("\(phase).json")
      let text = Self.voorlopigScenario.replacingOccurrences(
        of: "\"voorlopig\"", with: "\"\(phase)\""
      )
      .replacingOccurrences(of: "\"lastYear\": 2026", with: "\"lastYear\": 2025")
      try Data(text.utf8).write(to: file)
      let r = try buig(["run", file.path, "--paths", "0", "--format", "json"])
      #expect(r.status == 0, "\(r.stderr)")
      let years = try #require(try r.json()["years"] as? [[String: Any]])
      let budget = try #require(years.first?["budget"] as? [String: Any])
      budgets[phase] = "\(budget["expected"]!)"
    }
    #expect(budgets["voorlopig"] != budgets["definitief"], "\(budgets)")
  }

  /// Every problem `run` meets before its first path, `validate` reports too, with the same
  /// JSON path: a phase without a macrobudget, a budget of 0 in a vangnet year, yields above
  /// the baseline spending (the fixtures of the invalid corpus run both commands as well).
  @Test(arguments: [
    ("phase-without-macrobudget.json", "budget.share:"),
    ("zero-budget-in-vangnet-year.json", "budget.given:"),
    ("yields-above-spending.json", "interventions:"),
  ])
  func validateAndRunRefuseTheSameFileAtTheSamePath(file: String, path: String) throws {
    let url = fixtures.appendingPathComponent(file).path
    let v = try buig(["validate", url])
    let r = try buig(["run", url, "--paths", "0"])
    #expect(v.status == 1 && r.status == 1)
    let lines = { (s: String, c: String) in
      s.split(separator: "\n").map { $0.replacingOccurrences(of: "buig \(c): error: ", with: "") }
    }
    #expect(lines(v.stderr, "validate") == lines(r.stderr, "run"))
    #expect(v.stderr.contains("\(file): \(path) expected"), "\(v.stderr)")
    #expect(v.stderr.contains("found"))
  }
}
