import Foundation
import Testing

/// Runs a Python snippet (the independent reader) and returns its standard output.
func python(_ code: String, _ arguments: [String] = []) throws -> (output: String, status: Int32) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", code] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return (text, process.terminationStatus)
}

/// A copy of the shipped scenarios and goldens in a scratch folder.
func copyOfScenariosAndGoldens() throws -> URL {
  let dir = try scratchDirectory()
  for folder in ["scenarios", "goldens"] {
    try FileManager.default.copyItem(
      at: packageRoot.appendingPathComponent(folder).resolvingSymlinksInPath(),
      to: dir.appendingPathComponent(folder))
  }
  return dir
}

@Suite("buig check")
struct CheckCLITests {
  @Test func theUnchangedTreeHolds() throws {
    let r = try buig(["check"], in: packageRoot)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let shipped = try FileManager.default.contentsOfDirectory(
      atPath: packageRoot.appendingPathComponent("scenarios").path
    ).filter { $0.hasSuffix(".json") }.count
    #expect(shipped >= 8)
    #expect(r.stdout.contains("\(shipped) of \(shipped) scenarios hold"), "\(r.stdout)")
  }

  @Test func aOnePercentChangeFailsAndNamesWhatMoved() throws {
    let dir = try copyOfScenariosAndGoldens()
    let file = dir.appendingPathComponent("scenarios/groningen-2018.json")
    var text = try String(contentsOf: file, encoding: .utf8)
    // The budget up by 1%.
    text = text.replacingOccurrences(of: "\"value\": 148800000,", with: "\"value\": 150288000,")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let junit = dir.appendingPathComponent("junit.xml")
    let r = try buig(["check", "--junit", junit.path, "--only", "groningen-2018"], in: dir)
    #expect(r.status == 1)
    #expect(r.stdout.contains("FAIL groningen-2018"))
    #expect(r.stdout.contains("changed since its golden"))
    #expect(
      r.stdout.contains(
        "groningen-2018: budget 2018 expected: old 148,800,000.00, new 150,288,000.00, difference +1,488,000.00"
      ))
    #expect(r.stdout.contains("groningen-2018: netBurden 2018 mean: old"))
    let moved = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  groningen-2018: ") }.count
    #expect(moved > 10)
    // The JUnit report parses with an independent XML reader and has one failing testcase per
    // moved value.
    let count = try python(
      """
      import sys, xml.etree.ElementTree as ET
      root = ET.parse(sys.argv[1]).getroot()
      cases = list(root.iter('testcase'))
      failing = [c for c in cases if c.find('failure') is not None]
      assert root.tag == 'testsuites' and int(root.get('failures')) == len(failing)
      assert all(c.get('classname') == 'buig.check.groningen-2018' for c in cases)
      print(len(cases), len(failing))
      """, [junit.path])
    #expect(count.status == 0, "\(count.output)")
    let numbers = count.output.split(separator: " ").compactMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    #expect(numbers.count == 2 && numbers[1] == moved && numbers[0] > numbers[1])
  }

  @Test func aNewSeedAloneStaysWithinTolerance() throws {
    // Tolerance 4 combined standard errors (docs: Tolerance): independent seeds differ by more
    // with probability 6e-5 per value.
    for seed in ["7", "123"] {
      let r = try buig(["check", "--seed", seed], in: packageRoot)
      #expect(r.status == 0, "seed \(seed): \(r.stdout)")
    }
  }

  @Test func updateRewritesTheGoldensAndThenTheyHold() throws {
    let dir = try copyOfScenariosAndGoldens()
    let file = dir.appendingPathComponent("scenarios/groningen-2012-mau.json")
    var text = try String(contentsOf: file, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"2013\": 117500000", with: "\"2013\": 118500000")
    try text.write(to: file, atomically: true, encoding: .utf8)
    #expect(try buig(["check", "--only", "groningen-2012-mau"], in: dir).status == 1)
    let update = try buig(["check", "--update", "--only", "groningen-2012-mau"], in: dir)
    #expect(update.status == 0, "\(update.stderr)")
    #expect(
      update.stdout.contains(
        "groningen-2012-mau: spending 2013 expected: old 117,500,000.00, new 118,500,000.00"))
    #expect(update.stdout.contains("updated goldens/groningen-2012-mau.json"))
    #expect(try buig(["check"], in: dir).status == 0)
    let leftovers = try FileManager.default.contentsOfDirectory(
      atPath: dir.appendingPathComponent("goldens").path
    )
    .filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty)
  }

  @Test func inputProblemsExitWith2() throws {
    let dir = try copyOfScenariosAndGoldens()
    try FileManager.default.removeItem(
      at: dir.appendingPathComponent("goldens/groningen-2018.json"))
    let missing = try buig(["check"], in: dir)
    #expect(missing.status == 2)
    #expect(missing.stdout.contains("no golden for groningen-2018; run buig check --update"))
    try Data("{".utf8).write(to: dir.appendingPathComponent("scenarios/broken.json"))
    #expect(try buig(["check", "--only", "broken"], in: dir).status == 2)
    let notAFolder = try buig(["check", "nowhere"], in: dir)
    #expect(notAFolder.status == 2)
    #expect(notAFolder.stderr.contains("nowhere: expected a folder of scenarios"))
    #expect(try buig(["check", "--only", "nosuch"], in: dir).status == 2)
    #expect(try buig(["check", "--se-tol", "-1"], in: dir).status == 2)
  }
}

/// A scratch copy of the shipped scenarios and goldens that keeps only the scenarios named.
func copyKeeping(_ names: [String]) throws -> URL {
  let dir = try copyOfScenariosAndGoldens()
  let scenarios = dir.appendingPathComponent("scenarios")
  for file in try FileManager.default.contentsOfDirectory(atPath: scenarios.path)
  where !names.contains(where: { file == $0 + ".json" }) {
    try FileManager.default.removeItem(at: scenarios.appendingPathComponent(file))
  }
  return dir
}

@Suite("buig check edge cases")
struct CheckEdgeCaseTests {
  @Test func aDanglingScenariosFolderIsNamedAsSuch() throws {
    let dir = try scratchDirectory()
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("scenarios").path, withDestinationPath: "moved-away")
    let r = try buig(["check"], in: dir)
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "scenarios: expected a folder of scenarios, found a dangling link to moved-away"),
      "\(r.stderr)")
    let nothing = try buig(["check", "nowhere"], in: dir)
    #expect(nothing.stderr.contains("nowhere: expected a folder of scenarios, found nothing"))
  }

  @Test func aDanglingScenarioFileIsNamedAsSuch() throws {
    let dir = try copyKeeping(["groningen-2012-mau"])
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("scenarios/groningen-2018.json").path,
      withDestinationPath: "../elsewhere/groningen-2018.json")
    let r = try buig(["check"], in: dir)
    #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stdout.contains(
        "scenarios/groningen-2018.json: expected a scenario, found a dangling link to ../elsewhere/groningen-2018.json"
      ), "\(r.stdout)")
    #expect(r.stdout.contains("PASS groningen-2012-mau"))
  }

  @Test func aMissingGoldensFolderIsOneError() throws {
    let dir = try copyOfScenariosAndGoldens()
    try FileManager.default.removeItem(at: dir.appendingPathComponent("goldens"))
    for (arguments, folder) in [
      (["check", "--golden", "no-goldens"], "no-goldens"),
      (["check", "--only", "groningen-2018"], "goldens"),
    ] {
      let r = try buig(arguments, in: dir)
      #expect(r.status == 2)
      let errors = r.stderr.split(separator: "\n").filter { $0.contains("error:") }
      #expect(errors.count == 1, "\(r.stderr)")
      #expect(
        r.stderr.contains("\(folder): expected a folder of goldens, found nothing"), "\(r.stderr)")
      #expect(!r.stdout.contains("no golden for"))
    }
  }

  @Test func aRegressionBesideAMissingGoldenExitsWith1AndBothAreReported() throws {
    let dir = try copyKeeping(["groningen-2018", "groningen-2012-mau"])
    try FileManager.default.removeItem(
      at: dir.appendingPathComponent("goldens/groningen-2012-mau.json"))
    let file = dir.appendingPathComponent("scenarios/groningen-2018.json")
    var text = try String(contentsOf: file, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"value\": 148800000,", with: "\"value\": 150288000,")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let junit = dir.appendingPathComponent("junit.xml")
    let r = try buig(["check", "--junit", junit.path], in: dir)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("FAIL groningen-2018"))
    #expect(r.stdout.contains("ERROR groningen-2012-mau"))
    #expect(r.stdout.contains("no golden for groningen-2012-mau"))
    #expect(r.stdout.contains("0 of 2 scenarios hold (1 with values that moved, 1 not checked)"))
    // The JUnit file carries the note the text prints, in the changed scenario's suite.
    let note = try python(
      """
      import sys, xml.etree.ElementTree as ET
      root = ET.parse(sys.argv[1]).getroot()
      suites = {s.get('name'): s for s in root.iter('testsuite')}
      out = suites['groningen-2018'].find('system-out')
      assert out is not None and 'changed since its golden (sha256 ' in out.text, out
      assert suites['groningen-2012-mau'].find('system-out') is None
      assert int(root.get('errors')) == 1 and int(root.get('failures')) > 0
      assert int(suites['groningen-2018'].get('tests')) == len(list(suites['groningen-2018'].iter('testcase')))
      print(out.text)
      """, [junit.path])
    #expect(note.status == 0, "\(note.output)")
    let printed = r.stdout.split(separator: "\n").first { $0.contains("changed since its golden") }
    #expect(printed.map { note.output.contains($0.trimmingCharacters(in: .whitespaces)) } == true)
  }
}

@Suite("help texts")
struct HelpTextTests {
  /// The subcommands a `--help` text lists (the lines of its SUBCOMMANDS section that start a
  /// name).
  static func subcommands(_ help: String) -> [String] {
    guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
    var names: [String] = []
    for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
      if line.isEmpty { break }
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
      if let name = line.split(separator: " ").first { names.append(String(name)) }
    }
    return names
  }

  @Test func noHelpTextPrintsABackslash() throws {
    var pending: [[String]] = [[]]
    var seen = 0
    while let command = pending.popLast() {
      let r = try buig(command + ["--help"])
      #expect(r.status == 0, "\(command): \(r.stderr)")
      #expect(
        !r.stdout.contains("\\"), "buig \(command.joined(separator: " ")) --help:\n\(r.stdout)")
      seen += 1
      pending += Self.subcommands(r.stdout).map { command + [$0] }
    }
    #expect(seen >= 12)
  }
}

@Suite("CSV dialects")
struct CSVDialectTests {
  @Test func bothDialectsOpenWithAnIndependentReaderToTheSameNumbers() throws {
    let dir = try scratchDirectory()
    let comma = dir.appendingPathComponent("comma.csv")
    let nl = dir.appendingPathComponent("nl.csv")
    let base = ["run", "--paths", "512", "--quiet", "--format", "csv"]
    #expect(try buig(base + ["--output", comma.path]).status == 0)
    #expect(try buig(base + ["--csv-dialect", "excel-nl", "--output", nl.path]).status == 0)
    let bytes = try Data(contentsOf: nl)
    #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
    let check = try python(
      """
      import csv, sys
      def rows(path, **kw):
          with open(path, newline='', encoding='utf-8-sig') as f:
              return list(csv.DictReader(f, **kw))
      a = rows(sys.argv[1])
      b = rows(sys.argv[2], delimiter=';')
      assert len(a) == len(b) > 100, (len(a), len(b))
      assert set(a[0]) == {'scenario', 'year', 'quantity', 'intervention', 'unit', 'statistic', 'value'}
      n = 0
      for x, y in zip(a, b):
          assert {k: v for k, v in x.items() if k != 'value'} == {k: v for k, v in y.items() if k != 'value'}
          if x['value'] == 'p.m.':
              assert y['value'] == 'p.m.'
              continue
          assert '.' not in y['value'], y['value']
          assert float(x['value']) == float(y['value'].replace(',', '.'))
          n += 1
      stats = {r['statistic'] for r in a}
      assert {'expected', 'mean', 'se', 'p5', 'p50', 'p95'} <= stats, stats
      print(n)
      """, [comma.path, nl.path])
    #expect(check.status == 0, "\(check.output)")
  }
}
