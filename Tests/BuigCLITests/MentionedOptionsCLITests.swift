import Foundation
import Testing

/// Every `--option` that a command's output (standard output and standard error, in every
/// format) mentions is an option of that command, as its `--help` lists it: a hint never tells
/// the user to pass an option the command does not have.
@Suite("mentioned options exist on the command that mentions them")
struct MentionedOptionsCLITests {
  /// The options a command's `--help` defines (its OPTIONS lines, `--name` or `-x, --name`).
  static func options(of command: String) throws -> Set<String> {
    let help = try buig([command, "--help"])
    var out: Set<String> = []
    for line in help.stdout.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      guard trimmed.count < line.count else { continue }  // option lines are indented
      var rest = Substring(trimmed)
      if rest.hasPrefix("-"), !rest.hasPrefix("--"), let comma = rest.firstIndex(of: ",") {
        rest = rest[rest.index(after: comma)...].drop { $0 == " " }
      }
      guard rest.hasPrefix("--") else { continue }
      out.insert(String(rest.prefix { $0 == "-" || $0.isLetter || $0.isNumber }))
    }
    return out
  }

  /// The subcommands, for mentions such as `buig run --shard` that name their command.
  static let commands: Set<String> = [
    "run", "validate", "example", "compare", "check", "reserve", "switching", "sensitivity",
    "report", "merge", "vangnet", "rules", "position",
  ]

  /// The `--name` tokens of a text (`--prior-results`, `--set`), each with the command it is
  /// an option of: the one named just before it in the same clause (`buig run --shard K/M`,
  /// `changed by buig run --set a, --set b`), or `nil` for the command that printed it.
  static func mentioned(_ text: String) -> [(option: String, command: String?)] {
    var out: [(String, String?)] = []
    var i = text.startIndex
    while let r = text.range(of: "--", range: i..<text.endIndex) {
      i = r.upperBound
      let name = text[r.upperBound...].prefix { $0.isLowercase || $0 == "-" }
      guard let first = name.first, first.isLowercase else { continue }
      let option = "--" + name.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
      var named: String?
      if let b = text.range(of: "buig ", options: .backwards, range: text.startIndex..<r.lowerBound)
      {
        let after = text[b.upperBound..<r.lowerBound]
        let word = String(after.prefix { $0.isLowercase })
        let between = after.dropFirst(word.count)
        let sameClause =
          !between.contains(". ") && !between.contains(where: { ":;()".contains($0) })
        if commands.contains(word) && sameClause { named = word }
      }
      out.append((option, named))
    }
    return out
  }

  static func check(_ arguments: [String], in directory: URL? = nil) throws {
    let r = try buig(arguments, in: directory)
    #expect(!r.stderr.contains("Fatal error"), "\(arguments): \(r.stderr)")
    try checkText(r.stdout + r.stderr, printedBy: arguments)
  }

  /// Every command's options, read once.
  static let knownOptions: [String: Set<String>] = Dictionary(
    uniqueKeysWithValues: commands.map { ($0, (try? options(of: $0)) ?? []) })

  static func checkText(_ text: String, printedBy arguments: [String]) throws {
    for (option, named) in mentioned(text) {
      let command = named ?? arguments[0]
      let known = try #require(knownOptions[command], "no such command: \(command)")
      #expect(known.contains("--help"), "\(command) --help lists no options")
      if !known.contains(option) {
        Issue.record(
          "buig \(arguments.joined(separator: " ")) mentions \(option), which buig \(command) does not have"
        )
      }
    }
  }

  static func scenario(_ name: String) -> String {
    packageRoot.appendingPathComponent("scenarios/\(name).json").path
  }

  @Test func runMergeCompareReserveMentionOnlyTheirOwnOptions() throws {
    let base = Self.scenario("groningen-2018")
    let mech = Self.scenario("groningen-2018-mechanistic")
    let mau = Self.scenario("groningen-2012-mau")
    let edit = "caseload.value=10500"
    for format in ["table", "json", "csv"] {
      for file in [base, mech, mau] {
        try Self.check(["run", file, "--paths", "0", "--format", format])
      }
      try Self.check(["run", base, "--paths", "256", "--set", edit, "--format", format])
      try Self.check(["compare", base, mech, "--paths", "256", "--format", format])
      try Self.check(["reserve", base, "--paths", "256", "--format", format])
    }
    try Self.check(["run", base, "--precision", "1000000", "--max-paths", "20480"])
    let dir = try scratchDirectory()
    for k in 1...2 {
      try Self.check(
        [
          "run", base, "--paths", "512", "--set", edit, "--shard", "\(k)/2", "--output",
          "part-\(k).bin",
        ], in: dir)
    }
    for format in ["table", "json", "csv"] {
      try Self.check(["merge", "part-1.bin", "part-2.bin", "--format", format], in: dir)
    }
  }

  @Test func theOtherCommandsMentionOnlyTheirOwnOptions() throws {
    let base = Self.scenario("groningen-2018")
    let mech = Self.scenario("groningen-2018-mechanistic")
    for format in ["table", "json"] {
      try Self.check(["position", "--format", format])
      try Self.check(["rules", "--year", "2019", "--format", format])
      try Self.check(["sensitivity", base, "--paths", "0", "--format", format])
      try Self.check(["sensitivity", base, "--paths", "64", "--format", format])
      try Self.check(["switching", mech, "--intervention", "jongeren", "--format", format])
      for year in ["2013", "2016", "2019", "2025"] {
        let ask = ["vangnet", "--year", year, "--budget", "100000000", "--spending", "112000000"]
        try Self.check(ask + ["--format", format])
        try Self.check(ask + ["--prior-results=-5000000,-6000000", "--format", format])
      }
    }
    let dir = try scratchDirectory()
    try Self.check(
      ["report", base, "--paths", "64", "--set", "caseload.value=10500", "--output", "r.html"],
      in: dir)
    let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
    try Self.checkText(html, printedBy: ["report"])
    try Self.check(["check", packageRoot.appendingPathComponent("scenarios").path, "--paths", "0"])
    try Self.check(["example"])
    try Self.check(["validate", base])
  }

  @Test func errorMessagesMentionOnlyTheCommandsOptions() throws {
    let base = Self.scenario("groningen-2018")
    for c in invalidCases {
      let file = fixtures.appendingPathComponent(c.file).path
      try Self.check(["validate", file])
      try Self.check(["run", file])
    }
    try Self.check(["run", base, "--set", "caseload.valeu=1"])
    try Self.check(["run", base, "--format", "xlsx"])
    try Self.check(["vangnet", "--year", "2015", "--budget", "1", "--spending", "2"])
    try Self.check(["vangnet", "--year", "2019", "--budget", "0", "--spending", "2"])
    try Self.check(["sensitivity", base, "--paths", "1"])
    try Self.check(["switching", base, "--intervention", "nope"])
  }
}
