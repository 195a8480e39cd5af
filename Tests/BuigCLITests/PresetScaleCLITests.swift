import Foundation
import Testing

/// Presets sized to Groningen scale with `municipality.inhabitants`, and every output says
/// which preset figures are Groningen's.
@Suite("presets scale with the number of inhabitants")
struct PresetScaleCLITests {
  static let presets = packageRoot.appendingPathComponent(
    "Sources/BuigScenario/Resources/presets.json")

  /// The reference inhabitants and scaling fields of a preset, read from `presets.json`.
  static func reference(of preset: String) throws -> (inhabitants: Decimal, fields: [String]) {
    let data = try Data(contentsOf: presets)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let items = try #require(root["presets"] as? [[String: Any]])
    let item = try #require(items.first { $0["id"] as? String == preset })
    let scale = try #require(item["scale"] as? [String: Any])
    let refs = try #require(root["references"] as? [[String: Any]])
    let ref = try #require(refs.first { $0["id"] as? String == scale["reference"] as? String })
    let inhabitants = try #require(ref["inhabitants"] as? [String: Any])
    #expect(!((inhabitants["source"] as? String) ?? "").isEmpty, "the reference has no source")
    let n = try #require(inhabitants["value"] as? NSNumber)
    return (Decimal(string: n.stringValue)!, try #require(scale["fields"] as? [String]))
  }

  static func decimal(_ v: Any?) -> Decimal? {
    guard let v, !(v is NSNull) else { return nil }
    return Decimal(string: "\(v)")
  }

  /// Writes a copy of a shipped scenario with its `municipality.inhabitants` changed (or left
  /// out for `nil`).
  static func copy(_ name: String, inhabitants: Int?) throws -> URL {
    let source = packageRoot.appendingPathComponent("scenarios/\(name).json")
    var doc = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
    var municipality = try #require(doc["municipality"] as? [String: Any])
    municipality["inhabitants"] = inhabitants
    doc["municipality"] = municipality
    let url = try scratchDirectory().appendingPathComponent("\(name)-copy.json")
    try JSONSerialization.data(withJSONObject: doc).write(to: url)
    return url
  }

  @Test func aSmallerMunicipalityGetsIntakeAndFixedCostsScaledToTheCent() throws {
    let name = "groningen-2018-mechanistic"
    let original = packageRoot.appendingPathComponent("scenarios/\(name).json").path
    let small = try Self.copy(name, inhabitants: 50_000)
    let a = try buig(["run", original, "--paths", "0", "--format", "json"])
    let b = try buig(["run", small.path, "--paths", "0", "--format", "json"])
    #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
    let scenario = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: small)) as? [String: Any])
    let items = try #require(scenario["interventions"] as? [[String: Any]])
    let before = try #require(try a.json()["interventions"] as? [[String: Any]])
    let after = try #require(try b.json()["interventions"] as? [[String: Any]])
    let trail = try #require(try b.json()["auditTrail"] as? [[String: Any]])
    var scaledSome = false
    for (i, item) in items.enumerated() {
      guard let preset = item["preset"] as? String else {
        let ys = try #require(before[i]["years"] as? [[String: Any]])
        let zs = try #require(after[i]["years"] as? [[String: Any]])
        for (y, z) in zip(ys, zs) {
          #expect(Self.decimal(y["cost"]) == Self.decimal(z["cost"]))
          #expect(Self.decimal(y["yield"]) == Self.decimal(z["yield"]))
        }
        continue
      }
      let ref = try Self.reference(of: preset)
      let factor = ref.fields.isEmpty ? 1 : Decimal(50_000) / ref.inhabitants
      if !ref.fields.isEmpty { scaledSome = true }
      let ys = try #require(before[i]["years"] as? [[String: Any]])
      let zs = try #require(after[i]["years"] as? [[String: Any]])
      for (y, z) in zip(ys, zs) {
        for key in ["cost", "yield", "effectBeforeVangnet", "caseloadEffect"] {
          guard let x = Self.decimal(y[key]) else { continue }
          let got = try #require(Self.decimal(z[key]))
          let want = x * factor
          #expect(abs(got - want) <= 0.01, "\(preset) \(y["year"]!) \(key): \(got), want \(want)")
        }
      }
      // The scaled fields, as the audit trail records them: value × 50,000 / reference.
      if ref.fields.contains("costs.fixedPerYear") {
        let entry = try #require(
          trail.first { $0["path"] as? String == "interventions[\(i)].costs.fixedPerYear" })
        let costs = (item["costs"] as? [String: Any]) ?? [:]
        #expect(costs["fixedPerYear"] == nil)  // the preset's, not the scenario's
        let got = try #require(Self.decimal(entry["value"]))
        #expect(((entry["note"] as? String) ?? "").contains("scaled by 50,000 /"))
        let presetValue = try #require(try Self.fixedCost(of: preset))
        var want = presetValue * factor
        var rounded = Decimal()
        NSDecimalRound(&rounded, &want, 2, .plain)
        #expect(got == rounded, "\(preset) fixed cost \(got), want \(rounded)")
      }
      let notes = try #require(after[i]["notes"] as? [String])
      let note = try #require(notes.first { $0.hasPrefix("Preset \(preset):") })
      #expect(note.contains("Groningen's"))
      if !ref.fields.isEmpty { #expect(note.contains("scaled by 50,000 /"), "\(note)") }
    }
    #expect(scaledSome)
    let table = try buig(["run", small.path, "--paths", "0"])
    #expect(table.stdout.contains("Preset parttime-uit-de-uitkering: Groningen's figures"))
  }

  /// The preset's own `costs.fixedPerYear`.
  static func fixedCost(of preset: String) throws -> Decimal? {
    let root = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: presets)) as? [String: Any])
    let items = try #require(root["presets"] as? [[String: Any]])
    let item = try #require(items.first { $0["id"] as? String == preset })
    let costs = try #require(item["costs"] as? [String: Any])
    let fixed = costs["fixedPerYear"]
    if let f = fixed as? [String: Any] { return decimal(f["value"]) }
    return decimal(fixed)
  }

  @Test func withoutInhabitantsAScaledPresetIsUsedAtGroningensScaleAndSaysSo() throws {
    let name = "groningen-2018-mechanistic"
    let original = packageRoot.appendingPathComponent("scenarios/\(name).json").path
    let none = try Self.copy(name, inhabitants: nil)
    let a = try buig(["run", original, "--paths", "0", "--format", "json"])
    let b = try buig(["run", none.path, "--paths", "0", "--format", "json"])
    #expect(b.status == 0, "\(b.stderr)")
    let ya = try #require(try a.json()["years"] as? [[String: Any]])
    let yb = try #require(try b.json()["years"] as? [[String: Any]])
    #expect("\(ya.map { $0["spending"]! })" == "\(yb.map { $0["spending"]! })")
    let after = try #require(try b.json()["interventions"] as? [[String: Any]])
    let notes = after.flatMap { ($0["notes"] as? [String]) ?? [] }
    #expect(
      notes.contains {
        $0.hasPrefix("Preset parttime-uit-de-uitkering:")
          && $0.contains("municipality.inhabitants is not given, so Groningen's scale is used")
      }, "\(notes)")
  }

  @Test(arguments: shippedScenarios)
  func groningensOwnScenariosNameTheirPresetsAndStayAtScaleOne(name: String) throws {
    let path = packageRoot.appendingPathComponent("scenarios").appendingPathComponent(name).path
    let r = try buig(["run", path, "--paths", "0", "--format", "json"])
    let items = try #require(try r.json()["interventions"] as? [[String: Any]])
    let doc = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        as? [String: Any])
    let given = (doc["interventions"] as? [[String: Any]]) ?? []
    for (item, g) in zip(items, given) {
      guard let preset = g["preset"] as? String else { continue }
      let notes = (item["notes"] as? [String]) ?? []
      let note = try #require(notes.first { $0.hasPrefix("Preset \(preset):") })
      // No "scaled by N / M inhabitants: ...".
      #expect(!note.contains(" inhabitants: "), "\(name): \(note)")
    }
  }
}
