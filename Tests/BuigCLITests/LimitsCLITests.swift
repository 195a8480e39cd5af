import Foundation
import Testing

@Suite("Limits: memory before allocation, outputs and options checked before computing")
struct LimitsCLITests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
  let mechanistic = packageRoot.appendingPathComponent(
    "scenarios/groningen-2018-mechanistic.json"
  ).path

  @Test func pathsThatDoNotFitInMemoryAreRefusedWithTheEstimate() throws {
    for n in ["100000000", "1000000000"] {
      let r = try buig(["run", groningen, "--paths", n, "--memory-limit", "24GiB"])
      #expect(r.status == 2, "\(r.stderr)")
      #expect(r.stderr.contains("--paths:"))
      #expect(r.stderr.contains("of memory"))
      #expect(r.stderr.contains("--shard K/M"))
      #expect(r.stderr.contains("fewer paths: at most"))
      #expect(r.stdout.isEmpty)
    }
    // From the scenario's monteCarlo.paths: an input error.
    let s = try buig([
      "run", groningen, "--set", "monteCarlo.paths=100000000", "--memory-limit", "8GiB",
    ])
    #expect(s.status == 1, "\(s.stderr)")
    #expect(s.stderr.contains("monteCarlo.paths: 100,000,000 paths need about"))
    for command in [
      ["compare", groningen, mechanistic], ["reserve", groningen], ["report", groningen],
      ["switching", mechanistic, "--intervention", "vouchers"],
    ] {
      let r = try buig(command + ["--paths", "1000000", "--memory-limit", "100MB"])
      #expect(r.status == 2, "\(command[0]): \(r.stderr)")
      #expect(r.stderr.contains("paths need about"), "\(command[0]): \(r.stderr)")
    }
    let sens = try buig([
      "sensitivity", mechanistic, "--paths", "10000000", "--memory-limit", "100MB",
    ])
    #expect(sens.status == 2, "\(sens.stderr)")
    #expect(sens.stderr.contains("paths need about"))
    let fits = try buig(["run", groningen, "--paths", "256", "--memory-limit", "1GiB", "--quiet"])
    #expect(fits.status == 0, "\(fits.stderr)")
  }

  @Test func memoryLimitIsReadAndCheckedForUse() throws {
    let bad = try buig(["run", groningen, "--paths", "256", "--memory-limit", "8X"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("expected a size such as 8GiB"))
    let unused = try buig(["run", groningen, "--paths", "0", "--memory-limit", "8GiB"])
    #expect(unused.status == 2)
    #expect(unused.stderr.contains("--memory-limit steers Monte Carlo paths"))
  }

  @Test func precisionHasAStatedCapAndSaysWhatItProjects() throws {
    let help = try buig(["run", "--help"])
    #expect(help.stdout.contains("--max-paths"))
    #expect(help.stdout.contains("10,240,000"))
    let big = try buig([
      "run", groningen, "--precision", "1", "--max-paths", "1000000000", "--memory-limit", "8GiB",
    ])
    #expect(big.status == 2, "\(big.stderr)")
    #expect(big.stderr.contains("--max-paths: 1,000,000,000 paths need about"))
    let capped = try buig([
      "run", groningen, "--precision", "1000", "--max-paths", "20000", "--format", "json",
    ])
    #expect(capped.status == 0, "\(capped.stderr)")
    #expect(capped.stderr.contains("after 10,240 paths the largest standard error"))
    #expect(capped.stderr.contains("projects to about"))
    #expect(capped.stderr.contains("warning: stopped at --max-paths 20,000"))
    let paths = try #require((try capped.json()["monteCarlo"] as? [String: Any])?["paths"] as? Int)
    #expect(paths == 20_000)
    let quiet = try buig([
      "run", groningen, "--precision", "1000", "--max-paths", "10240", "--quiet",
    ])
    #expect(quiet.status == 0)
    #expect(quiet.stderr.isEmpty)
  }

  @Test func ignoredOptionCombinationsAreUsageErrors() throws {
    let cases: [([String], String)] = [
      (["run", groningen, "--paths", "0", "--precision", "5"], "--paths and --precision"),
      (["run", groningen, "--paths", "512", "--precision", "5"], "--paths and --precision"),
      (["run", groningen, "--max-paths", "5000"], "--max-paths steers --precision"),
      (
        ["run", groningen, "--precision-quantity", "result"],
        "--precision-quantity steers --precision"
      ),
      (["run", groningen, "--csv-dialect", "excel-nl"], "--csv-dialect applies to --format csv"),
      (["check", "--update", "--junit", "x.xml"], "--junit reports a check"),
      (["sensitivity", mechanistic, "--paths", "0", "--memory-limit", "1GiB"], "--memory-limit"),
      (
        ["switching", mechanistic, "--intervention", "vouchers", "--memory-limit", "1GiB"],
        "--memory-limit"
      ),
    ]
    for (args, message) in cases {
      let r = try buig(args)
      #expect(r.status == 2, "\(args): \(r.stderr)")
      #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
    }
  }

  @Test func unwritableOutputsAreRefusedBeforeTheSimulation() throws {
    let nowhere = "/nonexistent-buig-folder/x.out"
    let commands: [[String]] = [
      ["run", groningen, "--paths", "100000"],
      ["reserve", groningen, "--paths", "100000"],
      ["compare", groningen, mechanistic, "--paths", "100000"],
      ["report", groningen, "--paths", "100000"],
      ["sensitivity", mechanistic, "--paths", "100000"],
      ["switching", mechanistic, "--intervention", "vouchers", "--paths", "100000"],
    ]
    for args in commands {
      let r = try buig(args + ["--output", nowhere])
      #expect(r.status == 1, "\(args[0]): \(r.stderr)")
      #expect(
        r.stderr.contains(
          "\(nowhere): expected a writable file path, found that it cannot be written (its folder /nonexistent-buig-folder does not exist)"
        ), "\(args[0]): \(r.stderr)")
    }
    let check = try buig([
      "check", packageRoot.appendingPathComponent("scenarios").path, "--junit",
      "/nonexistent/dir/x.xml",
    ])
    #expect(check.status == 2, "\(check.stderr)")
    #expect(check.stderr.contains("/nonexistent/dir/x.xml: expected a writable file path"))
    #expect(!check.stdout.contains("PASS"))
  }

  @Test func anUncertaintyThatDoesNotFitItsTargetIsWarnedAbout() throws {
    let dir = try scratchDirectory()
    let text = try String(contentsOfFile: mechanistic, encoding: .utf8)
    let multiplier = text.replacingOccurrences(
      of: "\"mean\": 6000, \"sd\": 1500", with: "\"mean\": 1, \"sd\": 0.2")
    let rate = text.replacingOccurrences(
      of: "{\"kind\": \"beta\", \"alpha\": 4, \"beta\": 6}",
      with: "{\"kind\": \"normal\", \"mean\": 0.3, \"sd\": 3}")
    #expect(multiplier != text && rate != text)
    let a = dir.appendingPathComponent("a.json")
    let b = dir.appendingPathComponent("b.json")
    try multiplier.write(to: a, atomically: true, encoding: .utf8)
    try rate.write(to: b, atomically: true, encoding: .utf8)
    let r = try buig(["run", a.path, "--paths", "256", "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let expected =
      "uncertainty interventions.parttime.savingPerSuccess: the distribution's mean is 1.00 but the point value is 6,000"
    #expect(r.stderr.contains("warning: " + expected))
    let warnings = try #require((try r.json()["monteCarlo"] as? [String: Any])?["warnings"])
    #expect((warnings as? [String])?.contains { $0.hasPrefix(expected) } == true)
    let s = try buig(["run", b.path, "--paths", "256", "--quiet"])
    #expect(s.status == 0, "\(s.stderr)")
    #expect(
      s.stderr.contains(
        "uncertainty interventions.vouchers.deadweight: 86.79% of the distribution lies outside [0, 1]"
      ))
    #expect(s.stderr.contains("the distribution's mean 0.3"))
    let fine = try buig(["run", mechanistic, "--paths", "256", "--quiet"])
    #expect(!fine.stderr.contains("uncertainty"))
  }
}

@Suite("Limits: file size, package size")
struct InputLimitsCLITests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json")

  @Test func aFileAboveTheLimitIsRefusedBeforeItIsRead() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let big = dir.appendingPathComponent("big.json")
    // 17 MiB of spaces around a scenario: valid JSON, but no scenario is that large.
    var bytes = try Data(contentsOf: groningen)
    bytes.append(Data(repeating: UInt8(ascii: " "), count: 17 * 1024 * 1024))
    try bytes.write(to: big)
    for command in [["validate", big.path], ["run", big.path], ["run", "--rules", big.path]] {
      let r = try buig(command)
      #expect(r.status == 1, "\(command): \(r.stderr)")
      #expect(
        r.stderr.contains(
          "big.json: expected a JSON file of at most 16777216 bytes (16 MiB), found \(bytes.count) bytes"
        ), "\(command): \(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
  }

  @Test func aPackageAboveTheLimitIsRefusedWithItsPath() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var doc =
      try JSONSerialization.jsonObject(with: Data(contentsOf: groningen)) as! [String: Any]
    var first = (doc["interventions"] as! [[String: Any]])[0]
    doc["uncertainty"] = nil
    doc["correlation"] = nil
    func write(_ count: Int) throws -> String {
      doc["interventions"] = (0..<count).map { i -> [String: Any] in
        first["id"] = "i\(i)"
        return first
      }
      let file = dir.appendingPathComponent("package-\(count).json")
      try JSONSerialization.data(withJSONObject: doc).write(to: file)
      return file.path
    }
    let ok = try buig(["validate", try write(100)])
    #expect(ok.status == 0, "\(ok.stderr)")
    let tooMany = try buig(["validate", try write(101)])
    #expect(tooMany.status == 1)
    #expect(
      tooMany.stderr.contains("interventions: expected an array of 0 to 100 items"),
      "\(tooMany.stderr)")
  }
}
