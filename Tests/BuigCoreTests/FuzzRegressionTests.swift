import BuigJSON
import BuigScenario
import Foundation
import Testing

@testable import BuigCore

/// Inputs the fuzz targets (Fuzz/Fuzz.swift, `make fuzz`) found or that stand at the readers'
/// limits, replayed through the same readers: every one must end in a value or a message for
/// people, never a trap. `Fixtures/fuzz/<target>/` holds them, one directory per target.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/fuzz")
  let rules = try! RuleTable.builtIn()

  static func files(_ target: String) -> [(name: String, bytes: [UInt8])] {
    let dir = root.appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.sorted().map { n in
      (n, Array((try? Data(contentsOf: dir.appendingPathComponent(n))) ?? Data()))
    }
  }

  /// The JSON reader's limits and malformed inputs: each refused with a syntax error naming
  /// line and column, except those that are valid JSON (then no scenario).
  @Test func theJSONReaderRefusesMalformedInputsWithAPlace() throws {
    let valid: Set = ["long-key.json", "number-overflow.json"]
    let cases = Self.files("json")
    #expect(cases.count >= 12)
    for (name, bytes) in cases {
      do {
        _ = try JSONParser.document(bytes, origin: name)
        #expect(valid.contains(name), "\(name) parsed")
      } catch {
        #expect(!valid.contains(name), "\(name): \(error)")
        #expect(error.description.contains("line 1, column"), "\(name): \(error)")
      }
      // None of them is a scenario: the decoder says so instead of trapping.
      #expect(throws: InputIssues.self, "\(name)") {
        try Scenario.decode(bytes, origin: name, rules: rules)
      }
    }
  }

  /// The other targets' seed corpus (as `scripts/fuzz.sh` builds it) and their findings (none
  /// so far; the counts are in the README), through the same code as the fuzz binary: the
  /// seeds give their known results, and a finding must end in a value or a message.
  @Test func theOtherTargetsSeedsAndFindings() throws {
    let repo = Self.root.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let scenarios = try FileManager.default.contentsOfDirectory(
      atPath: repo.appendingPathComponent("scenarios").path
    ).filter { $0.hasSuffix(".json") }.sorted()
    var projected = 0
    for name in scenarios {
      let bytes = Array(try Data(contentsOf: repo.appendingPathComponent("scenarios/\(name)")))
      if let s = try? Scenario.decode(bytes, origin: name, rules: rules), (try? s.project()) != nil
      {
        projected += 1
      }
    }
    #expect(projected == scenarios.count)
    let table = try RuleTable.decode(
      Array(
        try Data(contentsOf: repo.appendingPathComponent("Sources/BuigCore/Resources/rules.json"))),
      origin: "rules.json")
    #expect(rules.merging(table) == rules)
    let groningen = Array(
      try Data(contentsOf: repo.appendingPathComponent("scenarios/groningen-2018.json")))
    let edited = try ScenarioEdit.apply(
      [try ScenarioEdit.parse("seed=7")], toDocument: groningen, origin: "set")
    #expect(try Scenario.decode(edited, origin: "set", rules: rules).seed == 7)
    for (name, bytes) in Self.files("scenario") {
      if let s = try? Scenario.decode(bytes, origin: name, rules: rules) { _ = try? s.project() }
    }
    for (name, bytes) in Self.files("rules") {
      if let t = try? RuleTable.decode(bytes, origin: name) { _ = rules.merging(t) }
    }
    for (name, bytes) in Self.files("set") {
      guard let newline = bytes.firstIndex(of: 10) else { continue }
      if let edit = try? ScenarioEdit.parse(String(decoding: bytes[..<newline], as: UTF8.self)) {
        _ = try? ScenarioEdit.apply(
          [edit], toDocument: Array(bytes[(newline + 1)...]), origin: name)
      }
    }
  }
}
