extension Format {
  /// The line under a table's header that names the scenario's `--set` edits
  /// (`changed by --set interventions.werkfit.successRate=0.3, --set ...`), wrapped to 78
  /// columns between edits, never inside one; `nil` when there are none. `givenTo` names the
  /// command the edits were given to when it is not the one printing (`buig run` for the shards
  /// `buig merge` combines): `changed by buig run --set ...`.
  static func editsLine(_ edits: [String], givenTo: String? = nil) -> String? {
    guard !edits.isEmpty else { return nil }
    var lines: [String] = []
    let start = "changed by" + (givenTo.map { " " + $0 } ?? "")
    var line = start
    for (i, edit) in edits.enumerated() {
      let item = "--set \(edit)" + (i < edits.count - 1 ? "," : "")
      if line.count + 1 + item.count > 78 && line != start {
        lines.append(line)
        line = "  " + item
      } else {
        line += " " + item
      }
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }
}
