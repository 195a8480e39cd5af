import Foundation
import Testing

/// `--set PATH=VALUE` on `buig run`, `merge` and `compare`.
@Suite("--set")
struct SetOptionCLITests {
  let mechanistic = packageRoot.appendingPathComponent("scenarios/groningen-2018-mechanistic.json")
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path

  /// The intervention `jongeren` of the mechanistic scenario takes its successRate (0.35) from
  /// its preset; this line of the file is where a hand edit puts 0.5.
  let jongerenLine =
    #"{"id": "jongeren", "preset": "intensief-begeleiden-jongeren", "activeYears": [2018]}"#

  /// The JSON output without what names the input (`scenario`, `run.set`): the numbers only.
  func numbers(_ r: CLIResult) throws -> NSDictionary {
    var json = try r.json()
    json["scenario"] = nil
    var run = try #require(json["run"] as? [String: Any])
    run["set"] = nil
    json["run"] = run
    return json as NSDictionary
  }

  /// The mechanistic scenario with jongeren's successRate set to 0.5 by hand, in a scratch folder.
  func handEdited() throws -> URL {
    let text = try String(contentsOf: mechanistic, encoding: .utf8)
    #expect(text.contains(jongerenLine))
    let edited = text.replacingOccurrences(
      of: jongerenLine, with: jongerenLine.dropLast() + #", "successRate": 0.5}"#)
    let file = try scratchDirectory().appendingPathComponent("hand.json")
    try Data(edited.utf8).write(to: file)
    return file
  }

  @Test func byIdAndByIndexGiveWhatEditingTheFileGives() throws {
    let common = ["--format", "json", "--paths", "300", "--quiet"]
    let byID = try buig(
      ["run", mechanistic.path, "--set", "interventions.jongeren.successRate=0.5"] + common)
    let byIndex = try buig(
      ["run", mechanistic.path, "--set", "interventions[2].successRate=0.5"] + common)
    let hand = try buig(["run", try handEdited().path] + common)
    let plain = try buig(["run", mechanistic.path] + common)
    for r in [byID, byIndex, hand, plain] { #expect(r.status == 0, "\(r.stderr)") }
    #expect(try numbers(byID) == numbers(hand))
    #expect(try numbers(byIndex) == numbers(hand))
    #expect(try numbers(plain) != numbers(hand))
    // 100 participants × (0.5 − 0.35) × EUR 9,000 more yield from 2019; half of it in 2018.
    let years = try #require(try byID.json()["years"] as? [[String: Any]])
    let yields = years.map { ($0["interventionYield"] as? [String: Any])?["expected"] as? Double }
    #expect(yields == [1_004_800, 2_200_000, 1_916_525, 1_633_050])
    // The edits are recorded; by id and by index make the same document, so the same hash.
    let runID = try #require(try byID.json()["run"] as? [String: Any])
    #expect(runID["set"] as? [String] == ["interventions.jongeren.successRate=0.5"])
    let runPlain = try #require(try plain.json()["run"] as? [String: Any])
    #expect(runPlain["set"] as? [String] == [])
    func sha(_ r: CLIResult) throws -> String? {
      (try r.json()["scenario"] as? [String: Any])?["sha256"] as? String
    }
    #expect(try sha(byID) == sha(byIndex))
    #expect(try sha(byID) != sha(plain))
    #expect(try sha(plain) == shellSHA256(mechanistic.path))
  }

  @Test func theHashIsThatOfTheEditedDocumentWhichAShardStores() throws {
    let dir = try scratchDirectory()
    let part = dir.appendingPathComponent("part.bin").path
    let set = ["--set", #"caseload.value=10500"#, "--set", #"notes[0]="changed""#]
    let shard = try buig(
      ["run", mechanistic.path, "--paths", "256", "--quiet", "--shard", "1/1", "--output", part]
        + set)
    #expect(shard.status == 0, "\(shard.stderr)")
    // The header line of the partial result holds the document, base64.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: part))
    let lines = bytes.split(separator: 10, maxSplits: 2, omittingEmptySubsequences: false)
    let header = try #require(
      try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any])
    #expect(header["set"] as? [String] == ["caseload.value=10500", #"notes[0]="changed""#])
    let base64 = try #require(header["scenario"] as? String)
    let stored = try #require(Data(base64Encoded: base64))
    let document = dir.appendingPathComponent("stored.json")
    try stored.write(to: document)
    // It is the file with the two changes, and nothing else changed.
    var expected = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: mechanistic)) as? [String: Any])
    var caseload = try #require(expected["caseload"] as? [String: Any])
    caseload["value"] = 10500
    expected["caseload"] = caseload
    var notes = try #require(expected["notes"] as? [String])
    notes[0] = "changed"
    expected["notes"] = notes
    let storedJSON = try JSONSerialization.jsonObject(with: stored) as? NSDictionary
    #expect(storedJSON == expected as NSDictionary)
    // The output's hash is sha256sum of those bytes, in the header and in the JSON output.
    let run = try buig(["run", mechanistic.path, "--paths", "0", "--format", "json"] + set)
    #expect(run.status == 0, "\(run.stderr)")
    let sha = (try run.json()["scenario"] as? [String: Any])?["sha256"] as? String
    #expect(sha == (try shellSHA256(document.path)))
    #expect(header["scenarioSha256"] as? String == sha)
    #expect(sha != (try shellSHA256(mechanistic.path)))
  }

  @Test func shardsWithSetMergeToTheUnshardedOutput() throws {
    let dir = try scratchDirectory()
    let set = ["--set", "interventions.vouchers.deadweight=0.2", "--set", "seed=11"]
    var parts: [String] = []
    for k in 1...3 {
      let part = dir.appendingPathComponent("part-\(k).bin").path
      let r = try buig(
        [
          "run", mechanistic.path, "--paths", "1000", "--quiet", "--shard", "\(k)/3", "--output",
          part,
        ]
          + set)
      #expect(r.status == 0, "\(r.stderr)")
      parts.append(part)
    }
    for format in ["json", "table"] {
      let merged = try buig(["merge"] + parts + ["--format", format])
      let one = try buig(
        ["run", mechanistic.path, "--paths", "1000", "--quiet", "--format", format] + set)
      #expect(merged.status == 0, "\(merged.stderr)")
      #expect(merged.stdout == one.stdout, "\(format)")
      let plain = try buig(
        ["run", mechanistic.path, "--paths", "1000", "--quiet", "--format", format])
      #expect(plain.stdout != one.stdout)
    }
    let merged = try buig(["merge"] + parts + ["--format", "json"])
    let run = try #require(try merged.json()["run"] as? [String: Any])
    #expect(run["set"] as? [String] == ["interventions.vouchers.deadweight=0.2", "seed=11"])
    #expect(run["seed"] as? Int == 11)
  }

  @Test func theTableHeaderNamesTheEdits() throws {
    let edited = try buig([
      "run", groningen, "--paths", "0", "--set", "caseload.value=10500", "--set",
      #"interventions.screening.costs["2018"]=200000"#,
    ])
    #expect(edited.status == 0, "\(edited.stderr)")
    let lines = edited.stdout.split(separator: "\n")
    #expect(lines[2].hasPrefix("scenario sha256 "))
    #expect(lines[3] == "changed by buig run --set caseload.value=10500,")
    #expect(lines[4] == #"  --set interventions.screening.costs["2018"]=200000"#)
    #expect(edited.stdout.contains("caseload (households)       10,500       10,500"))
    #expect(edited.stdout.contains("  cost               200,000          0"))
    let plain = try buig(["run", groningen, "--paths", "0"])
    #expect(!plain.stdout.contains("changed by"))
  }

  @Test(arguments: [
    (
      "interventions.jongren.successRate=0.5",
      #"--set interventions.jongren.successRate: expected an intervention id of the scenario"#,
      #"found "jongren"; did you mean "jongeren"?"#
    ),
    (
      "interventions[6].successRate=0.5",
      "--set interventions[6].successRate: expected an index of interventions from 0 to 5",
      "found [6]"
    ),
    (
      "caseload.value.x=1",
      "--set caseload.value.x: expected an object or an array at caseload.value",
      "found number 10000"
    ),
    (
      "caseload.byYear.2019=1",
      "--set caseload.byYear.2019: expected a key that starts with a digit",
      #"write it as ["2019"]"#
    ),
    (
      "interventions.jongeren.successRate=p.m.",
      "--set interventions.jongeren.successRate: expected a JSON value",
      #"quote it as JSON: --set 'interventions.jongeren.successRate="p.m."'"#
    ),
    ("successRate", "--set successRate: expected PATH=VALUE", "found no '='"),
  ])
  func aBadPathIsAnInputErrorNamingSet(set: String, message: String, found: String) throws {
    // Paths enough to take minutes: the error must come first.
    let r = try buig(["run", mechanistic.path, "--paths", "100000000", "--quiet", "--set", set])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.hasPrefix("buig run: error: "), "\(r.stderr)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
    #expect(r.stderr.contains(found), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
  }

  @Test func aBadValueGetsTheMessageAFileWouldGet() throws {
    let bad = try buig([
      "run", mechanistic.path, "--paths", "100000000", "--quiet", "--set",
      "interventions.jongeren.successRate=1.5",
    ])
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains(
        "groningen-2018-mechanistic.json with --set: interventions[2].successRate: expected a number from 0 to 1, found number 1.5"
      ), "\(bad.stderr)")
    // The same value written into the file gives the same message, without "with --set".
    let file = try handEdited()
    let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
      of: #""successRate": 0.5"#, with: #""successRate": 1.5"#)
    try Data(text.utf8).write(to: file)
    let inFile = try buig(["run", file.path, "--quiet"])
    #expect(inFile.status == 1)
    #expect(
      inFile.stderr.contains(
        "hand.json: interventions[2].successRate: expected a number from 0 to 1, found number 1.5"),
      "\(inFile.stderr)")
    // A member no scenario has is refused by the reader, as in a file.
    let unknown = try buig(["run", mechanistic.path, "--quiet", "--set", "colour=\"red\""])
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("with --set: colour:"), "\(unknown.stderr)")
  }

  @Test func compareAppliesTheEditsToBothScenarios() throws {
    let set = ["--set", "caseload.value=11000"]
    let common = ["--paths", "512", "--quiet", "--format", "json"]
    let c = try buig(["compare", groningen, mechanistic.path] + set + common)
    #expect(c.status == 0, "\(c.stderr)")
    let base = try buig(["run", groningen, "--seed", "2018"] + set + common)
    let variant = try buig(["run", mechanistic.path] + set + common)
    let plainBase = try buig(["run", groningen, "--seed", "2018"] + common)
    func means(_ r: CLIResult) throws -> [Double] {
      try #require(try r.json()["years"] as? [[String: Any]]).compactMap {
        ($0["netBurden"] as? [String: Any])?["mean"] as? Double
      }
    }
    let years = try #require(try c.json()["years"] as? [[String: Any]])
    let compared = years.compactMap { $0["netBurden"] as? [String: Any] }
    #expect(compared.count == 4)
    let baseMeans = try means(base)
    let variantMeans = try means(variant)
    #expect(compared.map { ($0["base"] as? [String: Any])?["mean"] as? Double } == baseMeans)
    #expect(compared.map { ($0["variant"] as? [String: Any])?["mean"] as? Double } == variantMeans)
    #expect(try means(base) != means(plainBase))
    let run = try #require(try c.json()["run"] as? [String: Any])
    #expect(run["set"] as? [String] == ["caseload.value=11000"])
    // An edit whose path holds in one scenario only is refused, naming the file where it fails.
    let one = try buig(
      ["compare", groningen, mechanistic.path, "--set", "interventions.vouchers.intake=1"]
        + common)
    #expect(one.status == 1)
    #expect(one.stderr.contains("groningen-2018.json: --set interventions.vouchers.intake"))
    let help = try buig(["compare", "--help"])
    #expect(help.stdout.contains("--set changes both scenarios alike"))
  }
}
