import Foundation
import Testing

/// `--format xlsx`: refused to standard output and to an unwritable path before any run,
/// byte-identical when repeated, and checked against the JSON output by an independent reader.
@Suite struct WorkbookCLITests {
  @Test func xlsxToStandardOutputIsRefusedBeforeAnyRun() throws {
    // The input files do not exist: a refusal that came after reading them would say so.
    for command in [
      ["run", "no-such.json"], ["reserve", "no-such.json"], ["compare", "a.json", "b.json"],
      ["merge", "p.bin"],
    ] {
      let r = try buig(command + ["--format", "xlsx"])
      #expect(r.status == 2, "\(command): \(r.stderr)")
      #expect(r.stderr.contains("--format xlsx writes a binary workbook"), "\(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
    let dash = try buig(["run", "--format", "xlsx", "--output", "-", "--paths", "0"])
    #expect(dash.status == 2)
    let tty = try buig(["run", "--format", "xlsx", "--output", "/dev/null", "--paths", "0"])
    #expect(tty.status == 2, "\(tty.stderr)")
  }

  @Test func anUnwritablePathIsRefusedBeforeTheSimulation() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("no/such/dir/run.xlsx").path
    // A million paths would take minutes: a prompt refusal shows that none ran.
    let start = Date()
    let r = try buig(["run", "--format", "xlsx", "--output", target, "--paths", "1000000"])
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot be written"), "\(r.stderr)")
    #expect(r.stderr.contains("does not exist"), "\(r.stderr)")
    let reserve = try buig([
      "reserve", "--format", "xlsx", "--output", target, "--paths", "1000000",
    ])
    #expect(reserve.status == 1)
    #expect(reserve.stderr.contains("cannot be written"))
    // A folder given as the output.
    let folder = try buig(["run", "--format", "xlsx", "--output", dir.path, "--paths", "1000000"])
    #expect(folder.status == 1)
    #expect(folder.stderr.contains("it is a folder"), "\(folder.stderr)")
  }

  @Test func theSameRunGivesTheSameWorkbookBytes() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.xlsx")
    let b = dir.appendingPathComponent("b.xlsx")
    for url in [a, b] {
      let r = try buig([
        "run", "--format", "xlsx", "--output", url.path, "--paths", "300", "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let bytes = try Data(contentsOf: a)
    #expect(bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]))
    #expect(bytes == (try Data(contentsOf: b)))
  }

  @Test func workbooksMatchTheJSONOutputForAnIndependentReader() throws {
    let (status, output) = try pythonCheck("Tests/workbook/check_xlsx.py")
    #expect(status == 0, "\(output)")
    #expect(output.contains(", 0 failures"))
  }
}
