import BuigCore
import BuigJSON
import BuigScenario
import Foundation
import Testing

/// `ScenarioEdit`: the `--set PATH=VALUE` edits, read and made to a scenario document.
@Suite("Scenario edits (--set)")
struct ScenarioEditTests {
  let table = try! RuleTable.builtIn()

  /// A small scenario: one schedule and one preset intervention (whose successRate, intake and
  /// costs come from the preset).
  let document = #"""
    {
      "schemaVersion": 1,
      "name": "edit-test",
      "municipality": {"name": "Testdam"},
      "horizon": {"firstYear": 2019, "lastYear": 2021},
      "budget": {"given": 100000000},
      "caseload": {"byYear": {"2019": 7000, "2020": 7100, "2021": 7200}, "note": "assumption"},
      "netPrice": 14000,
      "notes": ["first"],
      "interventions": [
        {"id": "plan", "name": "Plan", "kind": "schedule", "duration": "incidental",
         "costs": {"2019": 100000}, "yields": {"2019": 50000}},
        {"id": "jongeren", "preset": "intensief-begeleiden-jongeren", "activeYears": [2019]},
        {"id": "vouchers", "preset": "vouchers-groningen-2018", "activeYears": [2019],
         "costs": {"perSuccess": 3000}}
      ]
    }
    """#

  func parsed() throws -> JSONValue { try JSONParser.parse(document) }

  /// The mechanistic intervention `id` of `s`.
  func mechanistic(_ s: Scenario, _ id: String) throws -> MechanisticIntervention {
    let i = try #require(s.input.interventions.first { $0.id == id })
    if case .mechanistic(let m) = i.kind { return m }
    throw NotMechanistic()
  }

  struct NotMechanistic: Error {}

  // MARK: Reading PATH=VALUE

  @Test func pathsByNameIndexQuotedKeyAndId() throws {
    let byID = try ScenarioEdit.parse("interventions.werkfit.successRate=0.3")
    #expect(byID.path == [.key("interventions"), .key("werkfit"), .key("successRate")])
    #expect(byID.value == .number("0.3"))
    #expect(byID.text == "interventions.werkfit.successRate=0.3")
    let byIndex = try ScenarioEdit.parse("interventions[12].costs.followUps[0].amount=1500")
    #expect(
      byIndex.path == [
        .key("interventions"), .index(12), .key("costs"), .key("followUps"), .index(0),
        .key("amount"),
      ])
    let year = try ScenarioEdit.parse(#"caseload.byYear["2024"]=2100"#)
    #expect(year.path == [.key("caseload"), .key("byYear"), .key("2024")])
    #expect(year.value == .number("2100"))
    // An intervention id may start with a digit and hold '-'.
    let id = try ScenarioEdit.parse("interventions.2019-pilot.intake=5")
    #expect(id.path[1] == .key("2019-pilot"))
    // A quoted key may hold '=', '.', ']' and escapes; the first '=' outside quotes ends the path.
    let odd = try ScenarioEdit.parse(#"a["x=y.z]\"q"].b = "c=d""#)
    #expect(odd.path == [.key("a"), .key("x=y.z]\"q"), .key("b")])
    #expect(odd.value == .string("c=d"))
    let top = try ScenarioEdit.parse(#"["$schema"]=null"#)
    #expect(top.path == [.key("$schema")])
    #expect(top.value == .null)
  }

  @Test func theValueIsJSONKeptExactly() throws {
    #expect(try ScenarioEdit.parse("x=0.30").value == .number("0.30"))
    #expect(try ScenarioEdit.parse(#"x="p.m.""#).value == .string("p.m."))
    #expect(try ScenarioEdit.parse("x=true").value == .bool(true))
    let sourced = try ScenarioEdit.parse(#"x={"value": 0.3, "source": "seed 000"}"#).value
    #expect(sourced == .object([("value", .number("0.3")), ("source", .string("seed 000"))]))
    #expect(try ScenarioEdit.parse("x=[2019, 2020]").value == .array([.int(2019), .int(2020)]))
  }

  /// The issue `parse` throws for `text`.
  func parseIssue(_ text: String) -> InputIssue? {
    do {
      _ = try ScenarioEdit.parse(text)
      return nil
    } catch {
      return error
    }
  }

  @Test func aBareWordIsNotTakenAsAString() throws {
    let issue = try #require(parseIssue("interventions.plan.yields=p.m."))
    #expect(issue.path == "--set interventions.plan.yields")
    #expect(issue.found == "p.m., which is not JSON")
    #expect(
      issue.hint == #"to set a text, quote it as JSON: --set 'interventions.plan.yields="p.m."'"#)
    let comma = try #require(parseIssue("interventions.plan.successRate=0,3"))
    #expect(comma.expected == "a JSON value")
    #expect(comma.hint?.contains("decimal point") == true)
    #expect(parseIssue("x=") != nil)
    #expect(parseIssue("x={\"value\": 1") != nil)
  }

  @Test(arguments: [
    ("interventions.plan.successRate", "PATH=VALUE"),
    ("=1", "a path before '='"),
    ("caseload.byYear.2024=1", "a key that starts with a digit (a year) in quotes"),
    ("caseload.byYear[2024=1", "']'"),
    ("caseload[=1", "an index or a quoted key after '['"),
    ("caseload[x]=1", "an index (0, 1, ...) or a key in double quotes after '['"),
    ("[0]=1", "a member of the scenario's top level, which is an object"),
    ("a b=1", "'.', '[' or '=' after a"),
    ("a..b=1", "a member name"),
  ])
  func malformedPathsAreRefusedWithWhatWasExpected(text: String, expected: String) throws {
    let issue = try #require(parseIssue(text))
    #expect(issue.path.hasPrefix("--set "))
    #expect(issue.expected == expected, "\(issue)")
  }

  // MARK: Making edits

  /// The issue `apply` throws for `text` on the test document.
  func applyIssue(_ text: String) throws -> InputIssue? {
    let edit = try ScenarioEdit.parse(text)
    let doc = try parsed()
    do {
      _ = try edit.apply(to: doc)
      return nil
    } catch {
      return error
    }
  }

  @Test func anEditReplacesOneValueAndKeepsEverythingElseInOrder() throws {
    let doc = try parsed()
    let edited = try ScenarioEdit.parse(#"caseload.byYear["2020"]=7150"#).apply(to: doc)
    guard case .object(let before) = doc, case .object(let after) = edited else {
      Issue.record("not an object")
      return
    }
    #expect(before.map(\.key) == after.map(\.key))
    #expect(edited["caseload"]?["byYear"]?["2020"] == .number("7150"))
    #expect(edited["caseload"]?["byYear"]?["2019"] == .number("7000"))
    #expect(edited["caseload"]?["note"] == .string("assumption"))
    for (a, b) in zip(before, after) where a.key != "caseload" { #expect(a.value == b.value) }
  }

  @Test func byIdAndByIndexMakeTheSameDocument() throws {
    let doc = try parsed()
    let a = try ScenarioEdit.parse("interventions.vouchers.intake=20").apply(to: doc)
    let b = try ScenarioEdit.parse("interventions[2].intake=20").apply(to: doc)
    #expect(a == b)
    #expect(a != doc)
    // A member the object does not have is added at its end.
    guard case .array(let items) = a["interventions"] ?? .null, case .object(let m) = items[2]
    else {
      Issue.record("no interventions")
      return
    }
    #expect(m.map(\.key) == ["id", "preset", "activeYears", "costs", "intake"])
  }

  @Test func aPresetFieldCanBeSetAndWinsOverThePreset() throws {
    let doc = try parsed()
    let plain = try Scenario.decode(Array(document.utf8), origin: "t.json", rules: table)
    #expect(try mechanistic(plain, "jongeren").successRate == Decimal(string: "0.35")!)
    let bytes = try ScenarioEdit.apply(
      [try ScenarioEdit.parse("interventions.jongeren.successRate=0.5")],
      toDocument: Array(document.utf8), origin: "t.json")
    let edited = try Scenario.decode(bytes, origin: "t.json", rules: table)
    let m = try mechanistic(edited, "jongeren")
    #expect(m.successRate == Decimal(string: "0.5")!)
    // Everything else still comes from the preset.
    #expect(m.intake == 100)
    #expect(m.savingPerSuccess == Money(euros: 9_000))
    // A path through a preset's member copies it into the scenario's intervention, then edits it.
    let deep = try ScenarioEdit.parse("interventions.jongeren.intake.value=40").apply(to: doc)
    let intake = deep["interventions"].flatMap { v -> JSONValue? in
      if case .array(let items) = v { items[1]["intake"] } else { nil }
    }
    #expect(intake?["value"] == .number("40"))
    #expect(intake?["note"] != nil, "the preset's note comes along")
  }

  @Test func aPresetsCostsMergeMemberByMember() throws {
    // vouchers has its own costs (perSuccess) and takes followUps from the preset: a path
    // through followUps reaches the preset's, and perSuccess stays the scenario's.
    let bytes = try ScenarioEdit.apply(
      [try ScenarioEdit.parse("interventions.vouchers.costs.followUps[0].probability=0.9")],
      toDocument: Array(document.utf8), origin: "t.json")
    let s = try Scenario.decode(bytes, origin: "t.json", rules: table)
    let m = try mechanistic(s, "vouchers")
    #expect(m.perSuccess == Money(euros: 3_000))
    #expect(m.followUps.count == 1)
    #expect(m.followUps.first?.probability == Decimal(string: "0.9")!)
    #expect(m.followUps.first?.amount == Money(euros: 1_500))
  }

  @Test func editsApplyInOrderAndWithoutEditsTheBytesStay() throws {
    let bytes = Array(document.utf8)
    #expect(try ScenarioEdit.apply([], toDocument: bytes, origin: "t.json") == bytes)
    let edits = try ["netPrice=15000", "netPrice=16000"].map(ScenarioEdit.parse)
    let edited = try ScenarioEdit.apply(edits, toDocument: bytes, origin: "t.json")
    #expect(
      String(decoding: edited, as: UTF8.self)
        == JSONWriter.write(
          try parsed().with(
            "netPrice", .number("16000"))))
    let s = try Scenario.decode(edited, origin: "t.json", rules: table)
    #expect(s.sha256 == SHA256.hex(edited))
    #expect(s.input.netPrice[2020]?.net == Money(euros: 16_000))
  }

  @Test func aBadValueIsLeftToTheDecoderWithItsJSONPath() throws {
    let edited = try ScenarioEdit.apply(
      [try ScenarioEdit.parse("interventions.jongeren.successRate=1.5")],
      toDocument: Array(document.utf8), origin: "t.json")
    do {
      _ = try Scenario.decode(edited, origin: "t.json", rules: table)
      Issue.record("a success rate of 1.5 was accepted")
    } catch {
      #expect(
        error.issues.contains {
          $0.path == "interventions[1].successRate" && $0.found == "number 1.5"
        }, "\(error)")
    }
  }

  @Test func pathsThatLeadNowhereSayWhatWasExpectedAndFound() throws {
    let unknown = try #require(try applyIssue("interventions.vocuhers.intake=1"))
    #expect(unknown.path == "--set interventions.vocuhers.intake")
    #expect(unknown.expected.contains(#""plan", "jongeren" or "vouchers""#))
    #expect(unknown.found == #""vocuhers""#)
    #expect(unknown.hint == #"did you mean "vouchers"?"#)
    let range = try #require(try applyIssue("interventions[3].intake=1"))
    #expect(range.expected == "an index of interventions from 0 to 2")
    #expect(range.found == "[3]")
    let number = try #require(try applyIssue("netPrice.value=1"))
    #expect(number.expected == #"an object or an array at netPrice to go into with "value""#)
    #expect(number.found == "number 14000")
    let parent = try #require(try applyIssue(#"budget.share["2019"]=0.1"#))
    #expect(parent.expected == #"a member "share" in budget to go into"#)
    #expect(parent.found == #"an object with "given""#)
    let notes = try #require(try applyIssue("notes.first=1"))
    #expect(notes.expected == "an index such as [0] into the array notes")
    let objectIndex = try #require(try applyIssue("caseload[0]=1"))
    #expect(objectIndex.found == "[0]")
    // A member the preset does not supply either: its parent must exist.
    let noParent = try #require(try applyIssue("interventions.jongeren.fromState.rung=2"))
    #expect(noParent.expected == #"a member "fromState" in interventions[1] to go into"#)
  }

  @Test func everyEditThatDoesNotApplyIsReportedAtOnce() throws {
    let edits = try ["interventions.nope.intake=1", "netPrice=1", "caseload.x.y=2"].map(
      ScenarioEdit.parse)
    do {
      _ = try ScenarioEdit.apply(edits, toDocument: Array(document.utf8), origin: "t.json")
      Issue.record("applied")
    } catch {
      #expect(
        error.issues.map(\.path) == ["--set interventions.nope.intake", "--set caseload.x.y"])
    }
    do {
      _ = try ScenarioEdit.apply(edits, toDocument: Array("{\"a\": ".utf8), origin: "t.json")
      Issue.record("applied to a broken file")
    } catch {
      #expect(error.issues.first?.path == "t.json")
    }
  }
}

extension JSONValue {
  /// This object with the member `key` replaced.
  fileprivate func with(_ key: String, _ value: JSONValue) -> JSONValue {
    guard case .object(var m) = self, let i = m.firstIndex(where: { $0.key == key }) else {
      return self
    }
    m[i].value = value
    return .object(m)
  }
}
