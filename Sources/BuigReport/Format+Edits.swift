extension Format {
  /// The line under a table's header that names the scenario's `--set` edits
  /// (`changed by --set interventions.werkfit.successRate=0.3, --set ...`), wrapped to 78
  /// columns between edits, never inside one; `nil` when there are none.
  static func editsLine(_ edits: [String]) -> String? {
    guard !edits.isEmpty else { return nil }
    var lines: [String] = []
    var line = "changed by"
    for (i, edit) in edits.enumerated() {
      let item = "--set \(edit)" + (i < edits.count - 1 ? "," : "")
      if line.count + 1 + item.count > 78 && line != "changed by" {
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
