import BuigCore
import BuigJSON
import Foundation

/// Renders a vangnet answer.
public enum VangnetReport {
  /// Where `buig vangnet` takes the prior results from.
  public static let priorResultsOption = "--prior-results"

  /// An assumed condition in the words of the command that prints it: `priorResults` names the
  /// input that would let it be checked (`--prior-results` for `buig vangnet`, a file's
  /// `priorResults` field for `buig position`); an assessment the figures cannot decide says so.
  static func assumed(_ c: AssumedCondition, priorResults: String = priorResultsOption) -> String {
    c.assessed
      ? "\(c.regime): \(c.condition) (an assessment the figures cannot decide: taken as met)"
      : "\(c.regime): \(c.condition) (not checked: give \(priorResults) to check it)"
  }
  /// The MAU's judgement as JSON: `covered`, `basis`, `ownRiskPercent`, `ownRiskAssumed` and
  /// the compensation at each own contribution (`range`).
  static func mauJSON(_ m: MAUOutcome) -> JSONValue {
    .object([
      ("covered", .bool(m.covered)), ("basis", .string(m.basis)),
      ("ownRiskPercent", Format.json(m.ownRisk * 100)), ("ownRiskAssumed", .bool(m.ownRiskAssumed)),
      (
        "range",
        .array(
          m.range.map {
            .object([
              ("ownRiskPercent", Format.json($0.ownRisk * 100)),
              ("compensation", Format.json($0.compensation)),
            ])
          })
      ),
    ])
  }

  /// The MAU's judgement as table lines.
  static func mauLines(_ m: MAUOutcome) -> [String] {
    var out = [Format.wrap("MAU: " + m.basis, indent: "      ", firstIndent: "  ")]
    if m.covered {
      out.append(
        Format.wrap(
          "MAU own contribution \(Percent.text(m.ownRisk))"
            + (m.ownRiskAssumed ? " (assumed: the lowest the rule allows)" : "") + "; compensation "
            + m.range.map { "\(Format.euros($0.compensation)) at \(Percent.text($0.ownRisk))" }
            .joined(separator: ", "), indent: "      ", firstIndent: "  "))
    }
    return out
  }

  /// The answer as JSON: `year`, `budget`, `spending`, `deficit`, `deficitPercent`,
  /// `compensation`, `ownRisk`, `band`, `conditionsAssumed`, then the detail (`regime`,
  /// `conditionsChecked`, `bands`, `reasonForNone`, `caveats`, `engine`). Amounts in euros to
  /// the cent; `deficitPercent` in percent with four decimals; `band` is `null` for a surplus.
  /// `priorResults` names the input the prior results come from, in the assumed conditions.
  public static func json(_ a: VangnetAnswer, priorResults: String = priorResultsOption)
    -> JSONValue
  {
    let mau: JSONValue = a.mau.map(mauJSON) ?? .null
    let unlawful: JSONValue = a.unlawfulSpending.map { Format.json($0) } ?? .null
    return .object([
      ("year", .int(a.year)),
      ("budget", Format.json(a.budget)),
      ("spending", Format.json(a.spending)),
      ("deficit", Format.json(a.deficit)),
      ("deficitPercent", Format.jsonPercent(a.deficitRatio)),
      ("compensation", Format.json(a.compensation)),
      ("ownRisk", Format.json(a.ownRisk)),
      ("band", a.band.map { .string($0.label) } ?? .null),
      (
        "conditionsAssumed",
        .array(a.conditionsAssumed.map { .string(assumed($0, priorResults: priorResults)) })
      ),
      (
        "regime",
        .object([
          ("name", .string(a.regime.name)),
          ("description", .string(a.regime.description)),
          ("source", .string(a.regime.source)),
          ("confidence", .string(a.regime.confidence.rawValue)),
        ])
      ),
      (
        "conditionsChecked",
        .array(
          a.conditionsChecked.map { c in
            .object([
              ("regime", .string(c.regime)), ("condition", .string(c.text)), ("met", .bool(c.met)),
              ("detail", .string(c.detail)),
            ])
          })
      ),
      (
        "bands",
        .array(
          a.bandBreakdown.map { b in
            .object([
              ("band", .string(b.band.label)),
              ("fromPercent", Format.json(b.band.from * 100)),
              ("toPercent", b.band.to.map { Format.json($0 * 100) } ?? .null),
              ("ratePercent", Format.json(b.band.rate * 100)),
              ("deficitInBand", Format.json(b.deficitInBand)),
              ("compensation", Format.json(b.compensation)),
            ])
          })
      ),
      ("reasonForNone", a.reasonForNone.map { .string($0) } ?? .null),
      ("ratesKnown", .bool(a.ratesKnown)),
      ("mau", mau),
      ("unlawfulSpending", unlawful),
      ("caveats", .array(a.caveats.map { .string($0) })),
      ("engine", .object([("version", .string(BuigVersion.current))])),
    ])
  }

  /// The answer as a table for an 80-column terminal; `priorResults` as for `json`.
  public static func table(_ a: VangnetAnswer, priorResults: String = priorResultsOption)
    -> String
  {
    var out: [String] = []
    out.append(
      "Vangnet \(a.year): \(a.regime.name) rule (\(a.regime.confidence.rawValue) confidence)")
    out.append("")
    var t = TextTable(headers: ["", "EUR"], alignments: [.left, .right])
    t.add(["budget", Format.euros(a.budget)])
    t.add(["spending", Format.euros(a.spending)])
    let unlawful = a.unlawfulSpending ?? .zero
    if unlawful != .zero {
      let raw = a.deficit.euros / a.budget.euros
      t.add(["deficit (\(Format.percent(raw)) of budget)", Format.euros(a.deficit)])
      t.add(["unlawful spending deducted (D')", Format.euros(unlawful)])
      t.add([
        "deficit judged (\(Format.percent(a.deficitRatio)) of budget)",
        Format.euros(a.deficit - unlawful),
      ])
    } else if a.deficit >= .zero {
      t.add(["deficit (\(Format.percent(a.deficitRatio)) of budget)", Format.euros(a.deficit)])
    } else {
      t.add(["surplus (\(Format.percent(-a.deficitRatio)) of budget)", Format.euros(-a.deficit)])
    }
    t.add(["compensation", Format.euros(a.compensation)])
    t.add(["own risk", Format.euros(a.ownRisk)])
    out.append(t.render(indent: "  "))
    out.append("")
    out.append("  band: " + (a.band?.label ?? "none (surplus)"))
    if let m = a.mau { out += mauLines(m) }
    if let r = a.reasonForNone, !r.isEmpty {
      out.append(Format.wrap("no compensation: " + r, indent: "    ", firstIndent: "  "))
    }
    if a.deficit > .zero {
      out.append("")
      var b = TextTable(
        headers: ["band", "deficit in band", "compensation"], alignments: [.left, .right, .right])
      for x in a.bandBreakdown {
        b.add([x.band.label, Format.euros(x.deficitInBand), Format.euros(x.compensation)])
      }
      out.append(b.render(indent: "  "))
    }
    if !a.conditionsAssumed.isEmpty {
      out.append("")
      out.append("  Conditions assumed met (not checked):")
      for c in a.conditionsAssumed {
        out.append(
          Format.wrap(
            assumed(c, priorResults: priorResults), indent: "      ", firstIndent: "    - "))
      }
    }
    if !a.conditionsChecked.isEmpty {
      out.append("")
      out.append("  Conditions checked:")
      for c in a.conditionsChecked {
        out.append(
          Format.wrap(
            "\(c.regime): \(c.text): \(c.met ? "met" : "NOT met") (\(c.detail))", indent: "      ",
            firstIndent: "    - "))
      }
    }
    if !a.caveats.isEmpty {
      out.append("")
      out.append("  Caveats:")
      for c in a.caveats { out.append(Format.wrap(c, indent: "      ", firstIndent: "    - ")) }
    }
    out.append("")
    out.append(Format.wrap("Source: " + a.regime.source, indent: "    ", firstIndent: "  "))
    return out.joined(separator: "\n") + "\n"
  }
}
