import Foundation
import Testing

/// One invalid scenario of the fixture corpus.
struct InvalidCase: Decodable, CustomTestStringConvertible, Sendable {
  var file: String
  var path: String
  var schemaRejects: Bool
  var what: String
  var testDescription: String { "\(file) (\(what))" }
}

let fixtures = packageRoot.appendingPathComponent("Tests/BuigCLITests/Fixtures/invalid")

let invalidCases: [InvalidCase] = {
  struct Manifest: Decodable { var cases: [InvalidCase] }
  let data = try! Data(contentsOf: fixtures.appendingPathComponent("manifest.json"))
  return try! JSONDecoder().decode(Manifest.self, from: data).cases
}()

let shippedScenarios: [String] = {
  let dir = packageRoot.appendingPathComponent("scenarios")
  return (try! FileManager.default.contentsOfDirectory(atPath: dir.path)).filter {
    $0.hasSuffix(".json")
  }.sorted()
}()

@Suite("buig run, validate, example")
struct ScenarioCLITests {
  @Test func theCorpusIsLargeEnough() {
    #expect(invalidCases.count >= 30)
  }

  @Test(arguments: invalidCases)
  func everyInvalidScenarioIsRefusedWithItsPath(c: InvalidCase) throws {
    let file = fixtures.appendingPathComponent(c.file).path
    for command in [["validate", file], ["run", file]] {
      let r = try buig(command)
      #expect(r.status == 1, "\(command[0]) exited \(r.status)")
      #expect(r.stdout.isEmpty || command[0] == "validate")
      #expect(r.stderr.contains("\(c.file): \(c.path)"), "\(r.stderr)")
      #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
    }
  }

  @Test func validateReportsEveryFileAndEveryProblem() throws {
    let good = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
    let bad1 = fixtures.appendingPathComponent("negative-intake.json").path
    let bad2 = fixtures.appendingPathComponent("unknown-top-field.json").path
    let r = try buig(["validate", good, bad1, bad2])
    #expect(r.status == 1)
    #expect(r.stdout.contains("groningen-2018.json: valid"))
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 2)
    let ok = try buig(["validate", good])
    #expect(ok.status == 0)
    #expect(ok.stderr.isEmpty)
  }

  @Test func severalProblemsInOneFileComeAtOnce() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("many.json")
    try Data(
      #"""
      {"schemaVersion": 1, "name": "Bad Name", "municipality": {"name": "X"},
       "horizon": {"firstYear": 2019, "lastYear": 2021}, "budget": {"given": -5},
       "caseload": "many", "netPrice": 15000, "colour": "red",
       "interventions": [{"id": "a", "name": "A", "kind": "mechanistic", "activeYears": "horizon",
         "intake": 100, "successRate": 2, "savingPerSuccess": 12000}]}
      """#.utf8
    ).write(to: file)
    let r = try buig(["validate", file.path])
    #expect(r.status == 1)
    for path in ["name:", "budget.given:", "caseload:", "colour:", "interventions[0].successRate:"]
    {
      #expect(r.stderr.contains("many.json: \(path)"), "\(path) missing from \(r.stderr)")
    }
  }

  @Test(arguments: shippedScenarios)
  func everyShippedScenarioValidatesAndRuns(name: String) throws {
    let path = packageRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
    #expect(try buig(["validate", path]).status == 0)
    for format in ["table", "json", "csv"] {
      let r = try buig(["run", path, "--format", format, "--paths", "256"])
      #expect(r.status == 0, "\(format): \(r.stderr)")
      #expect(r.stderr.isEmpty)
      if format == "table" {
        #expect(widestLine(r.stdout) <= 80, "\(name) table is wider than 80 columns")
      }
    }
  }

  @Test func theDefaultRunsTheEmbeddedGroningenScenarioFromAnyFolder() throws {
    let dir = try scratchDirectory()
    let plain = try buig(["--paths", "0"], in: dir)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(plain.stdout.contains("groningen-2018"))
    #expect(
      plain.stdout.contains(
        "intervention yield         920,000    2,050,000    1,765,000    1,485,000"))
    let file = try buig([
      "run", packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path, "--paths",
      "0",
    ])
    // Same numbers from the embedded copy and from the file (the header names the origin only in JSON).
    #expect(plain.stdout == file.stdout)
  }

  @Test func exampleListsAndPrintsTheEmbeddedScenarios() throws {
    let list = try buig(["example"])
    #expect(list.status == 0)
    for name in shippedScenarios { #expect(list.stdout.contains(String(name.dropLast(5)))) }
    let one = try buig(["example", "groningen-2018"])
    #expect(one.status == 0)
    let shipped = try Data(
      contentsOf: packageRoot.appendingPathComponent("scenarios/groningen-2018.json"))
    #expect(Data(one.stdout.utf8) == shipped)
    let none = try buig(["example", "nope"])
    #expect(none.status == 1)
    #expect(none.stderr.contains("groningen-2018"))
  }

  @Test func outputGoesToAFileWholeOrNotAtAll() throws {
    let dir = try scratchDirectory()
    let out = dir.appendingPathComponent("out.json")
    let r = try buig(["run", "--format", "json", "--output", out.path, "--paths", "256"])
    #expect(r.status == 0)
    #expect(r.stdout.isEmpty)
    let written = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any]
    #expect((written?["scenario"] as? [String: Any])?["name"] as? String == "groningen-2018")
    // Writing again replaces the file (atomically, by rename).
    let csv = try buig(["run", "--format", "csv", "--output", out.path, "--paths", "0"])
    #expect(csv.status == 0, "\(csv.stderr)")
    #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("scenario,year,quantity"))
    #expect(
      try buig(["run", "--format", "json", "--output", out.path, "--paths", "256"]).status == 0)
    // A bad scenario writes nothing: the old file stays as it was.
    let before = try Data(contentsOf: out)
    let bad = try buig([
      "run", fixtures.appendingPathComponent("negative-budget.json").path, "--output", out.path,
    ])
    #expect(bad.status == 1)
    #expect(try Data(contentsOf: out) == before)
    let unwritable = try buig([
      "run", "--output", dir.appendingPathComponent("no/such/dir/x.json").path,
    ])
    #expect(unwritable.status == 1)
    #expect(unwritable.stderr.contains("cannot be written"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
      $0.hasSuffix(".tmp")
    }
    #expect(leftovers.isEmpty)
  }

  @Test func jsonOutputIsByteIdenticalAcrossRunsAndRecordsTheHash() throws {
    let path = packageRoot.appendingPathComponent("scenarios/groningen-2018-mechanistic.json").path
    let a = try buig(["run", path, "--format", "json", "--paths", "300"])
    let b = try buig(["run", path, "--format", "json", "--paths", "300"])
    #expect(a.stdout == b.stdout)
    let sha = (try a.json()["scenario"] as? [String: Any])?["sha256"] as? String
    let expected = try shellSHA256(path)
    #expect(sha == expected)
  }

  @Test func schemasAndOutputsPassAnIndependentValidator() throws {
    let (status, output) = try pythonCheck("Tests/schema/check_schemas.py")
    #expect(status == 0, "\(output)")
    #expect(output.contains("0 failures"))
  }
}

/// `sha256sum FILE`, for an independent check of the engine's own SHA-256.
func shellSHA256(_ path: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["sha256sum", path]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return String(text.prefix(64))
}
