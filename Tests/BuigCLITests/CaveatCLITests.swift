import Foundation
import Testing

/// Every caveat, assumption, warning and note of a JSON output appears in the table output of
/// the same command: the table hides nothing the JSON says about the rules or the figures.
@Suite("caveats: the table says what the JSON says")
struct CaveatCLITests {
  /// The JSON keys whose strings are caveats, assumptions or notes for the reader (the audit
  /// trail's per-number notes are left out: the table lists them under the inputs).
  static let keys: Set<String> = [
    "caveats", "conditionsAssumed", "notes", "warnings", "reason", "reasonForNone", "assumptions",
  ]

  /// The strings under `keys` anywhere in `value`, with their JSON path.
  static func caveats(_ value: Any, path: String = "") -> [(String, String)] {
    var out: [(String, String)] = []
    if let object = value as? [String: Any] {
      for (key, member) in object where key != "auditTrail" {
        let here = path + "." + key
        if keys.contains(key) {
          if let s = member as? String { out.append((here, s)) }
          for case let s as String in (member as? [Any]) ?? [] { out.append((here, s)) }
        }
        out += caveats(member, path: here)
      }
    } else if let array = value as? [Any] {
      for (i, element) in array.enumerated() { out += caveats(element, path: path + "[\(i)]") }
    }
    return out
  }

  /// Text with every run of white space (the table's wrapping and indents) as one space.
  static func flat(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  static func check(_ arguments: [String]) throws {
    let json = try buig(arguments + ["--format", "json"])
    let table = try buig(arguments)
    #expect(json.status == 0 && table.status == 0, "\(arguments): \(json.stderr)\(table.stderr)")
    let text = flat(table.stdout)
    let found = caveats(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)))
    for (path, caveat) in found {
      // A caveat of one year ("2017: ...") may be printed once for several ("2017-2020: ...").
      var said = flat(caveat)
      if said.count > 6, said.prefix(4).allSatisfy(\.isNumber), said.dropFirst(4).hasPrefix(": ") {
        said = String(said.dropFirst(6))
      }
      #expect(
        text.contains(said),
        "\(arguments.joined(separator: " ")): \(path) is in the JSON but not in the table: \(caveat)"
      )
    }
  }

  @Test(arguments: shippedScenarios)
  func everyCaveatOfARunIsInItsTable(name: String) throws {
    let path = packageRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
    try Self.check(["run", path, "--paths", "0"])
    try Self.check(["run", path, "--paths", "256"])
  }

  @Test func everyCaveatOfTheVangnetIsInItsTable() throws {
    let rules = try buig(["rules", "--format", "json"]).json()
    let years = try #require(rules["years"] as? [[String: Any]]).compactMap { $0["year"] as? Int }
    #expect(!years.isEmpty)
    for year in years {
      let ask = [
        "vangnet", "--year", String(year), "--budget", "100000000", "--inhabitants", "100000",
      ]
      let probe = try buig(ask + ["--spending", "110000000"])
      guard probe.status == 0 else { continue }  // a year without a vangnet rule
      for spending in ["90000000", "110000000", "130000000"] {
        try Self.check(ask + ["--spending", spending])
      }
    }
  }

  @Test func everyCaveatOfThePositionAndAComparisonIsInItsTable() throws {
    try Self.check(["position"])
    let base = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
    let variant = packageRoot.appendingPathComponent("scenarios/groningen-2018-mechanistic.json")
      .path
    try Self.check(["compare", base, variant, "--paths", "0"])
  }
}
