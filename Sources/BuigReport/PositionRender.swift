import BuigCore
import BuigJSON
import BuigScenario
import Foundation

/// Renders a one-year budget position: budget, spending, result, vangnet, net burden and the
/// attribution of the deficit.
public enum PositionRender {
  /// Where a position takes the results of the years before: its file's field
  /// (docs/position-format.md), since `buig position` has no option for them.
  static let priorResultsField = "the position file's priorResults (oldest first)"
  /// The attribution as JSON: `deficit`, `lines` (`cause`, `label`, `amount` or `null` when not
  /// quantified, `basis`, `source`), `total` (equal to `deficit`).
  public static func attributionJSON(_ a: Attribution) -> JSONValue {
    .object([
      ("deficit", Format.json(a.deficit)),
      (
        "lines",
        .array(
          a.lines.map { l in
            .object([
              ("cause", .string(l.cause.rawValue)), ("label", .string(l.cause.label)),
              ("amount", Format.json(l.amount)), ("basis", .string(l.basis)),
              ("source", l.source.map { .string($0) } ?? .null),
            ])
          })
      ),
      ("total", Format.json(a.total)),
    ])
  }

  /// The audit trail as JSON: one record per number read, with its source and note.
  public static func trailJSON(_ trail: [Provenance]) -> JSONValue {
    .array(
      trail.map { p in
        .object([
          ("path", .string(p.path)), ("value", .number(p.value)),
          ("source", p.source.map { .string($0) } ?? .null),
          ("note", p.note.map { .string($0) } ?? .null),
        ])
      })
  }

  /// The whole report as JSON.
  public static func json(_ r: PositionReport) -> JSONValue {
    .object([
      (
        "position",
        .object([
          ("name", .string(r.position.name)),
          ("source", r.position.source.map { .string($0) } ?? .null),
          ("year", .int(r.position.year)),
        ])
      ),
      ("budget", Format.json(r.year.budget.budget)),
      ("spending", Format.json(r.year.spending)),
      ("result", Format.json(r.year.result)),
      (
        "vangnet",
        r.year.vangnet.map { VangnetReport.json($0, priorResults: priorResultsField) } ?? .null
      ),
      ("netBurden", Format.json(r.year.netBurden)),
      ("attribution", attributionJSON(r.attribution)),
      ("auditTrail", trailJSON(r.position.trail)),
      ("engine", .object([("version", .string(BuigVersion.current))])),
    ])
  }

  /// The attribution as a table.
  public static func attributionTable(_ a: Attribution) -> String {
    var t = TextTable(headers: ["cause", "EUR"], alignments: [.left, .right])
    for l in a.lines { t.add([l.cause.label, l.amount.map(Format.euros) ?? "not quantified"]) }
    t.add(["deficit (sum of the lines)", Format.euros(a.total)])
    var out = [t.render(indent: "  "), ""]
    for l in a.lines {
      out.append(Format.wrap("\(l.cause.label): \(l.basis)", indent: "      ", firstIndent: "  - "))
      if let s = l.source, !s.isEmpty {
        out.append(Format.wrap("source: " + s, indent: "      ", firstIndent: "    "))
      }
    }
    return out.joined(separator: "\n")
  }

  /// "Inputs and their sources": each number that has a source or a note, with them.
  public static func trailLines(_ trail: [Provenance]) -> [String] {
    let sourced = trail.filter { $0.source != nil || $0.note != nil }
    guard !sourced.isEmpty else { return [] }
    var out = ["", "Inputs and their sources:"]
    for p in sourced {
      out.append(Format.wrap("\(p.path) = \(p.value)", indent: "      ", firstIndent: "  - "))
      if let s = p.source {
        out.append(Format.wrap("source: " + s, indent: "      ", firstIndent: "    "))
      }
      if let n = p.note {
        out.append(Format.wrap("note: " + n, indent: "      ", firstIndent: "    "))
      }
    }
    return out
  }

  /// The whole report as text for an 80-column terminal.
  public static func table(_ r: PositionReport) -> String {
    var out: [String] = []
    out.append("buig \(BuigVersion.current): \(r.position.name)")
    if let s = r.position.source { out.append(Format.wrap(s)) }
    out.append("")
    out.append("Budget position \(r.position.year)")
    var t = TextTable(headers: ["", "EUR"], alignments: [.left, .right])
    t.add(["budget", Format.euros(r.year.budget.budget)])
    t.add(["spending", Format.euros(r.year.spending)])
    t.add(["result (budget - spending)", Format.euros(r.year.result)])
    t.add([
      "vangnet compensation", r.year.vangnet.map { Format.euros($0.compensation) } ?? "no rule",
    ])
    t.add(["net burden on general funds", Format.euros(r.year.netBurden)])
    out.append(t.render(indent: "  "))
    if let v = r.year.vangnet {
      out.append("")
      out.append(
        VangnetReport.table(v, priorResults: priorResultsField).trimmingCharacters(
          in: .newlines))
    }
    out.append("")
    out.append("Attribution of the \(r.position.year) deficit")
    out.append(attributionTable(r.attribution))
    out += trailLines(r.position.trail)
    return out.joined(separator: "\n") + "\n"
  }
}
