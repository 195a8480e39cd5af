import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// Renders a comparison of two packages: expected values, and with paths their distributions on
/// common random numbers.
public enum ComparisonRender {
  /// Which of the two is cheaper over the horizon, all in (net burden + intervention cost), and
  /// how sure that is, in one sentence.
  public static func verdict(_ c: Comparison, base: RunIdentity, variant: RunIdentity) -> String {
    guard let item = c.horizon[.total], let first = c.years.first, let last = c.years.last else {
      return ""
    }
    let d = item.expectedDifference
    let amount = Money(d < 0 ? -d : d).groupedEuros
    var s: String
    if d == 0 {
      s =
        "Over \(first)-\(last) \(variant.scenario) and \(base.scenario) cost the same, all in (expected)"
    } else {
      let (cheap, dear) = d < 0 ? (variant, base) : (base, variant)
      s =
        "Over \(first)-\(last) \(cheap.scenario) is cheaper than \(dear.scenario) by EUR \(amount), all in (net burden + intervention cost, expected)"
    }
    if let p = c.horizonCheaper, let spread = item.spread {
      let mean = spread.difference.mean
      s +=
        "; the variant is cheaper in \(MonteCarloInfo.fixed(p.probability * 100, 1))% of \(Money.group(String(c.paths))) paths (mean difference EUR \(Money.group(MonteCarloInfo.fixed(mean, 0))), se \(Money.group(MonteCarloInfo.fixed(spread.difference.se, 0))))"
      s +=
        abs(mean) < 2 * spread.difference.se
        ? ", a mean difference within two standard errors of zero: more paths would tell."
        : "."
    } else {
      s += "; run with paths to see how sure that is."
    }
    return s
  }

  /// The comparison as JSON: per year and quantity (and over the horizon) the expected values
  /// of base, variant and difference; with paths, the base's and the variant's mean and se, the
  /// distribution of the difference (variant − base), the se two independent runs would have,
  /// and the probabilities that the variant's net burden (`pVariantBetter`) and total
  /// (`pVariantCheaper`) are lower.
  public static func json(
    _ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64, kernel: KernelKind?,
    blasCore: String?
  ) -> JSONValue {
    func id(_ r: RunIdentity) -> JSONValue {
      .object([
        ("name", .string(r.scenario)), ("sha256", .string(r.sha256)), ("origin", .string(r.origin)),
      ])
    }
    func money(_ d: Decimal) -> JSONValue { .number(d.rounded(2).plainText) }
    func side(_ expected: Decimal, _ s: Summary?) -> JSONValue {
      var m: [(key: String, value: JSONValue)] = [("expected", money(expected))]
      if let s {
        m += [("mean", MonteCarloInfo.number(s.mean, 2)), ("se", MonteCarloInfo.number(s.se, 2))]
      }
      return .object(m)
    }
    func item(_ i: Comparison.Item) -> JSONValue {
      var diff: [(key: String, value: JSONValue)] = [("expected", money(i.expectedDifference))]
      if let s = i.spread { diff += MonteCarloInfo.statistics(s.difference) }
      var m: [(key: String, value: JSONValue)] = [
        ("base", side(i.expectedBase, i.spread?.base)),
        ("variant", side(i.expectedVariant, i.spread?.variant)),
        ("difference", .object(diff)),
      ]
      if let s = i.spread { m.append(("independentSE", MonteCarloInfo.number(s.independentSE, 2))) }
      return .object(m)
    }
    func probability(_ e: Exceedance) -> JSONValue {
      .object([
        ("probability", MonteCarloInfo.number(e.probability, 6)),
        ("se", MonteCarloInfo.number(e.se, 6)),
      ])
    }
    let years: [JSONValue] = c.years.map { y in
      var m: [(key: String, value: JSONValue)] = [("year", .int(y))]
      for q in Quantity.compared {
        guard let i = c.items[y]?[q] else { continue }
        m.append((q.rawValue, item(i)))
      }
      if let b = c.variantBetter[y] { m.append(("pVariantBetter", probability(b))) }
      if let b = c.variantCheaper[y] { m.append(("pVariantCheaper", probability(b))) }
      return .object(m)
    }
    var horizon: [(key: String, value: JSONValue)] = [
      ("firstYear", .int(c.years.first ?? 0)), ("lastYear", .int(c.years.last ?? 0)),
    ]
    for q in Comparison.horizonQuantities {
      if let i = c.horizon[q] { horizon.append((q.rawValue, item(i))) }
    }
    if let b = c.horizonBetter { horizon.append(("pVariantBetter", probability(b))) }
    if let b = c.horizonCheaper { horizon.append(("pVariantCheaper", probability(b))) }
    var engine: [(key: String, value: JSONValue)] = [("version", .string(BuigVersion.current))]
    if let blasCore { engine.append(("blasCore", .string(blasCore))) }
    var run: [(key: String, value: JSONValue)] = [
      ("mode", .string(c.paths > 0 ? "commonRandomNumbers" : "deterministic")),
      ("seed", .number(String(seed))), ("paths", .int(c.paths)),
    ]
    if let kernel { run.append(("kernel", .string(kernel.rawValue))) }
    run.append(("set", .array(variant.edits.map { .string($0) })))
    return .object([
      ("comparison", .object([("base", id(base)), ("variant", id(variant))])),
      ("engine", .object(engine)),
      ("run", .object(run)),
      ("verdict", .string(verdict(c, base: base, variant: variant))),
      ("horizon", .object(horizon)),
      ("years", .array(years)),
    ])
  }

  /// The comparison as CSV: `base,variant,year,quantity,series,statistic,value`, with `year`
  /// `horizon` for the sums over the years and `series` one of base, variant, difference,
  /// independentSE, pVariantBetter, pVariantCheaper; CRLF line ends.
  public static func csv(
    _ c: Comparison, base: RunIdentity, variant: RunIdentity, dialect: CSVDialect
  ) -> String {
    var rows: [[String]] = [
      ["base", "variant", "year", "quantity", "series", "statistic", "value"]
    ]
    func add(_ year: String, _ q: String, _ series: String, _ stat: String, _ v: String) {
      rows.append([base.scenario, variant.scenario, year, q, series, stat, v])
    }
    func item(_ year: String, _ q: Quantity, _ i: Comparison.Item) {
      add(year, q.rawValue, "base", "expected", i.expectedBase.rounded(2).plainText)
      add(year, q.rawValue, "variant", "expected", i.expectedVariant.rounded(2).plainText)
      add(year, q.rawValue, "difference", "expected", i.expectedDifference.rounded(2).plainText)
      guard let s = i.spread else { return }
      for (series, summary) in [("base", s.base), ("variant", s.variant)] {
        add(year, q.rawValue, series, "mean", MonteCarloInfo.fixed(summary.mean, 2))
        add(year, q.rawValue, series, "se", MonteCarloInfo.fixed(summary.se, 2))
      }
      let d = s.difference
      add(year, q.rawValue, "difference", "mean", MonteCarloInfo.fixed(d.mean, 2))
      add(year, q.rawValue, "difference", "se", MonteCarloInfo.fixed(d.se, 2))
      for (level, v) in zip(d.levels, d.quantiles) {
        add(year, q.rawValue, "difference", Summary.name(level), MonteCarloInfo.fixed(v, 2))
      }
      add(year, q.rawValue, "independentSE", "se", MonteCarloInfo.fixed(s.independentSE, 2))
    }
    func probability(_ year: String, _ name: String, _ e: Exceedance?) {
      guard let e else { return }
      add(year, "", name, "probability", MonteCarloInfo.fixed(e.probability, 6))
    }
    for q in Comparison.horizonQuantities {
      if let i = c.horizon[q] { item("horizon", q, i) }
    }
    probability("horizon", "pVariantBetter", c.horizonBetter)
    probability("horizon", "pVariantCheaper", c.horizonCheaper)
    for y in c.years {
      for q in Quantity.compared {
        if let i = c.items[y]?[q] { item(String(y), q, i) }
      }
      probability(String(y), "pVariantBetter", c.variantBetter[y])
      probability(String(y), "pVariantCheaper", c.variantCheaper[y])
    }
    return dialect.write(rows, numericColumns: [6])
  }

  /// The comparison as a table for an 80-column terminal (EUR 1,000): the horizon's totals
  /// first with the verdict, then the net burden and the total per year.
  public static func table(_ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64)
    -> String
  {
    var out: [String] = []
    out.append(
      Format.wrap("buig \(BuigVersion.current): \(variant.scenario) against \(base.scenario)"))
    out.append(
      Format.wrap(
        c.paths > 0
          ? "common random numbers: \(Money.group(String(c.paths))) paths each, seed \(seed); difference = variant - base"
          : "expected values (no paths); difference = variant - base"))
    if let edits = Format.editsLine(variant.edits) { out.append(edits) }
    let k = RunRender.thousands
    let withPaths = c.paths > 0
    let headers =
      withPaths
      ? ["base", "variant", "diff", "se", "p5", "p95", "P(lower)"] : ["base", "variant", "diff"]
    func row(_ label: String, _ i: Comparison.Item, _ p: Exceedance?) -> [String] {
      var cells = [
        label, k(i.expectedBase.doubleValue), k(i.expectedVariant.doubleValue),
        k(i.expectedDifference.doubleValue),
      ]
      if let s = i.spread {
        cells[1] = k(s.base.mean)
        cells[2] = k(s.variant.mean)
        cells[3] = k(s.difference.mean)
        cells += [
          k(s.difference.se), k(s.difference.quantile(0.05)!), k(s.difference.quantile(0.95)!),
          p.map { MonteCarloInfo.fixed($0.probability * 100, 1) + "%" } ?? "",
        ]
      }
      return cells
    }
    if let first = c.years.first, let last = c.years.last {
      out.append("")
      var h = TextTable(
        headers: ["\(first)-\(last) (EUR 1,000)"] + headers,
        alignments: [.left] + headers.map { _ in .right })
      let probabilities: [Quantity: Exceedance?] = [
        .netBurden: c.horizonBetter, .interventionCost: nil, .total: c.horizonCheaper,
      ]
      for q in Comparison.horizonQuantities {
        guard let i = c.horizon[q] else { continue }
        h.add(row(q == .total ? "total (burden + cost)" : q.label, i, probabilities[q] ?? nil))
      }
      out.append(h.render())
      out.append(Format.wrap(verdict(c, base: base, variant: variant), indent: "  "))
    }
    for (q, label, p) in [
      (Quantity.netBurden, "Net burden (EUR 1,000)", c.variantBetter),
      (Quantity.total, "Total (EUR 1,000)", c.variantCheaper),
    ] {
      out.append("")
      var t = TextTable(
        headers: [label] + headers, alignments: [.left] + headers.map { _ in .right })
      for y in c.years {
        guard let i = c.items[y]?[q] else { continue }
        t.add(row(String(y), i, p[y]))
      }
      out.append(t.render())
    }
    out.append("")
    if withPaths {
      for y in c.years {
        guard let s = c.items[y]?[.netBurden]?.spread, s.difference.se > 0 else { continue }
        out.append(
          "  \(y): se \(k(s.difference.se)) on common random numbers, \(k(s.independentSE)) for independent runs"
        )
      }
      out.append(
        Format.wrap(
          "P(lower): the share of paths in which the variant's figure is lower; total = net burden + intervention cost (what the municipality pays, all in).",
          indent: "  "))
    } else {
      out.append(
        Format.wrap(
          "total = net burden + intervention cost (what the municipality pays, all in).",
          indent: "  "))
    }
    return out.joined(separator: "\n") + "\n"
  }
}
