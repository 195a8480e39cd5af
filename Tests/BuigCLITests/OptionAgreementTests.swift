import Foundation
import Testing

/// Options that two parts of the program must read alike: each test failed while the two
/// definitions had drifted apart.
@Suite("Options read alike everywhere")
struct OptionAgreementTests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path

  @Test func mergeWritesTheCSVDialectItIsGiven() throws {
    let dir = try scratchDirectory()
    var parts: [String] = []
    for k in 1...2 {
      let part = dir.appendingPathComponent("part-\(k).bin").path
      let r = try buig([
        "run", groningen, "--paths", "512", "--shard", "\(k)/2", "--output", part, "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      parts.append(part)
    }
    let nl = try buig(["merge"] + parts + ["--format", "csv", "--csv-dialect", "excel-nl"])
    #expect(nl.status == 0, "\(nl.stderr)")
    #expect(nl.stdout.hasPrefix("\u{FEFF}scenario;year;quantity;"))
    let one = try buig([
      "run", groningen, "--paths", "512", "--quiet", "--format", "csv", "--csv-dialect",
      "excel-nl",
    ])
    #expect(one.stdout == nl.stdout, "the merged shards are the bytes of one run")
    // A dialect without CSV output does nothing, so it is refused.
    let table = try buig(["merge"] + parts + ["--csv-dialect", "excel-nl"])
    #expect(table.status == 2)
    #expect(table.stderr.contains("--csv-dialect"))
  }

  @Test func aSeedThatGoldensCannotHoldIsRefusedBeforeAnythingIsWritten() throws {
    let dir = try copyOfScenariosAndGoldens()
    let golden = dir.appendingPathComponent("goldens/groningen-2018.json")
    let before = try Data(contentsOf: golden)
    let r = try buig(
      ["check", "scenarios", "--only", "groningen-2018", "--update", "--seed", "3000000000"],
      in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("--seed") && r.stderr.contains("2,147,483,647"), "\(r.stderr)")
    #expect(try Data(contentsOf: golden) == before)
    // The largest seed that every reader accepts goes round: update, then check.
    let top = ["--only", "groningen-2018", "--seed", "2147483647", "--paths", "256"]
    let update = try buig(["check", "scenarios", "--update"] + top, in: dir)
    #expect(update.status == 0, "\(update.stderr)")
    let check = try buig(["check", "scenarios", "--only", "groningen-2018"], in: dir)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    for command in [["run", groningen], ["compare", groningen, groningen]] {
      let bad = try buig(command + ["--seed", "2147483648", "--paths", "256"])
      #expect(bad.status == 2, "\(command[0])")
    }
  }

  @Test func aSyntaxErrorNamesTheFileOnce() throws {
    let dir = try scratchDirectory()
    let file = dir.appendingPathComponent("broken.json")
    try Data("{\"name\": ".utf8).write(to: file)
    let r = try buig(["validate", file.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("\(file.path): expected valid JSON"), "\(r.stderr)")
    #expect(!r.stderr.contains("(file)"))
  }
}
