import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// The required reserve (weerstandsvermogen): the net burden not exceeded with 75, 80, 90, 95
/// and 99% certainty, per year and for the horizon's cumulative net burden, as a controller
/// pastes it into the risk paragraph.
public enum ReserveRender {
  /// The certainty levels of the table.
  public static let levels: [Double] = [0.75, 0.80, 0.90, 0.95, 0.99]

  /// One column of the table: a year's net burden or the cumulative one.
  struct Column {
    var label: String
    var expected: Decimal
    var summary: Summary
  }

  static func columns(_ p: Projection, _ mc: MonteCarloInfo) -> [Column] {
    var out: [Column] = []
    for y in p.years {
      guard let s = mc.summary[.netBurden, year: y.year] else { continue }
      out.append(Column(label: String(y.year), expected: y.netBurden.euros, summary: s))
    }
    if let first = p.years.first?.year, let last = p.years.last?.year {
      out.append(
        Column(
          label: "\(first)-\(last)",
          expected: p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros },
          summary: mc.summary.horizon.netBurden))
    }
    return out
  }

  /// The reserve as JSON: per year and cumulative, the expected net burden, the mean, and the
  /// amount at each certainty level with its 95% interval; the probability that the cumulative
  /// net burden exceeds the reserve when one is given.
  public static func json(
    _ p: Projection, identity: RunIdentity, mc: MonteCarloInfo
  ) -> JSONValue {
    func column(_ c: Column) -> [(key: String, value: JSONValue)] {
      [
        ("expected", .number(c.expected.rounded(2).plainText)),
        ("mean", MonteCarloInfo.number(c.summary.mean, 2)),
        ("se", MonteCarloInfo.number(c.summary.se, 2)),
        (
          "reserve",
          .array(
            levels.map { level in
              let i = c.summary.interval(level)!
              return .object([
                ("certaintyPercent", .int(Int((level * 100).rounded()))),
                ("amount", MonteCarloInfo.number(c.summary.quantile(level)!, 2)),
                ("low", MonteCarloInfo.number(i.low, 2)),
                ("high", MonteCarloInfo.number(i.high, 2)),
              ])
            })
        ),
      ]
    }
    let cols = columns(p, mc)
    var cumulative: [(key: String, value: JSONValue)] = [
      ("firstYear", .int(p.years.first?.year ?? 0)), ("lastYear", .int(p.years.last?.year ?? 0)),
    ]
    cumulative += column(cols.last!)
    if let a = mc.summary.horizon.netBurdenAbove {
      cumulative.append(
        (
          "pNetBurdenAbove",
          MonteCarloInfo.probability(
            a.exceedance, ("limit", .number(MonteCarloInfo.fixed(a.limit, 2))))
        ))
    }
    return .object([
      (
        "scenario",
        .object([
          ("name", .string(identity.scenario)), ("sha256", .string(identity.sha256)),
          ("origin", .string(identity.origin)),
        ])
      ),
      (
        "engine",
        .object([("version", .string(BuigVersion.current)), ("blasCore", .string(mc.blasCore))])
      ),
      (
        "run",
        .object([
          ("mode", .string("monteCarlo")), ("seed", .number(String(identity.seed))),
          ("paths", .int(mc.summary.paths)), ("kernel", .string(mc.kernel.rawValue)),
          ("set", .array(identity.edits.map { .string($0) })),
        ])
      ),
      ("quantity", .string("netBurden")),
      (
        "years",
        .array(
          cols.dropLast().map { c in .object([("year", .int(Int(c.label)!))] + column(c)) })
      ),
      ("cumulative", .object(cumulative)),
      ("warnings", .array(mc.warnings.map { .string($0) })),
    ])
  }

  /// The reserve as CSV: `scenario,period,certaintyPercent,statistic,value` (period a year or
  /// `FIRST-LAST` for the cumulative net burden); CRLF line ends.
  public static func csv(
    _ p: Projection, identity: RunIdentity, mc: MonteCarloInfo, dialect: CSVDialect
  ) -> String {
    var rows: [[String]] = [["scenario", "period", "certaintyPercent", "statistic", "value"]]
    for c in columns(p, mc) {
      rows.append([identity.scenario, c.label, "", "expected", c.expected.rounded(2).plainText])
      rows.append([identity.scenario, c.label, "", "mean", MonteCarloInfo.fixed(c.summary.mean, 2)])
      for level in levels {
        let pct = String(Int((level * 100).rounded()))
        let i = c.summary.interval(level)!
        for (name, v) in [
          ("amount", c.summary.quantile(level)!), ("low", i.low), ("high", i.high),
        ] {
          rows.append([identity.scenario, c.label, pct, name, MonteCarloInfo.fixed(v, 2)])
        }
      }
    }
    return dialect.write(rows, numericColumns: [4])
  }

  /// The reserve as a table for the risk paragraph (EUR): one row per certainty level, one
  /// column per year and one for the horizon's cumulative net burden.
  public static func table(_ p: Projection, identity: RunIdentity, mc: MonteCarloInfo) -> String {
    var out: [String] = []
    out.append(
      Format.wrap("buig \(BuigVersion.current): \(identity.scenario): \(identity.title)"))
    out.append(
      Format.wrap(
        "Required reserve (weerstandsvermogen): the net burden not exceeded with the given certainty; \(Money.group(String(mc.summary.paths))) paths, seed \(identity.seed), scenario sha256 \(identity.sha256.prefix(16))"
      ))
    if let edits = Format.editsLine(identity.edits) { out.append(edits) }
    let cols = columns(p, mc)
    // Blocks of at most four years; the cumulative column closes the last block.
    var blocks: [[Column]] = []
    let yearly = Array(cols.dropLast())
    for start in stride(from: 0, to: yearly.count, by: 4) {
      blocks.append(Array(yearly[start..<min(start + 4, yearly.count)]))
    }
    if blocks.isEmpty { blocks.append([]) }
    blocks[blocks.count - 1].append(cols.last!)
    func eur(_ v: Double) -> String { Money.group(MonteCarloInfo.fixed(v, 0)) }
    for block in blocks {
      out.append("")
      var t = TextTable(
        headers: ["certainty (EUR)"] + block.map(\.label),
        alignments: [.left] + block.map { _ in .right })
      for level in levels {
        t.add(
          ["\(Int((level * 100).rounded()))%"] + block.map { eur($0.summary.quantile(level)!) })
      }
      t.add(["mean"] + block.map { eur($0.summary.mean) })
      t.add(["expected"] + block.map { Money($0.expected).groupedEuros })
      out.append(t.render())
    }
    let c = cols.last!
    out.append("")
    out.append("  95% intervals of the cumulative amounts (\(c.label)):")
    for level in levels {
      let i = c.summary.interval(level)!
      out.append("    \(Int((level * 100).rounded()))%: \(eur(i.low)) to \(eur(i.high))")
    }
    if let a = mc.summary.horizon.netBurdenAbove {
      out.append("")
      out.append(
        Format.wrap(
          "P(cumulative net burden \(c.label) > reserve \(eur(a.limit))) = \(MonteCarloInfo.fixed(a.exceedance.probability * 100, 1))% (se \(MonteCarloInfo.fixed(a.exceedance.se * 100, 1))%)",
          indent: "  ", firstIndent: "  "))
    }
    out.append("")
    out.append(
      Format.wrap(
        "expected: the deterministic meerjarenbeeld; mean: over the paths. The net burden is what the general funds bear after the vangnet; intervention costs are not in it.",
        indent: "  ", firstIndent: "  "))
    for w in mc.warnings {
      out.append(Format.wrap("warning: " + w, indent: "    ", firstIndent: "  "))
    }
    return out.joined(separator: "\n") + "\n"
  }
}
