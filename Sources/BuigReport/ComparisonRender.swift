import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// Renders a comparison of two scenarios on common random numbers.
public enum ComparisonRender {
  /// The comparison as JSON: per year and quantity the base's and the variant's mean and se,
  /// the distribution of the difference (variant − base), the se two independent runs would
  /// have, and the probability that the variant's net burden is lower.
  public static func json(
    _ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64, kernel: KernelKind,
    blasCore: String
  ) -> JSONValue {
    func id(_ r: RunIdentity) -> JSONValue {
      .object([
        ("name", .string(r.scenario)), ("sha256", .string(r.sha256)), ("origin", .string(r.origin)),
      ])
    }
    func meanSE(_ s: Summary) -> JSONValue {
      .object([
        ("mean", MonteCarloInfo.number(s.mean, 2)), ("se", MonteCarloInfo.number(s.se, 2)),
      ])
    }
    let years: [JSONValue] = c.years.map { y in
      var m: [(key: String, value: JSONValue)] = [("year", .int(y))]
      for q in Quantity.reported {
        guard let item = c.items[y]?[q] else { continue }
        m.append(
          (
            q.rawValue,
            .object([
              ("base", meanSE(item.base)), ("variant", meanSE(item.variant)),
              ("difference", .object(MonteCarloInfo.statistics(item.difference))),
              ("independentSE", MonteCarloInfo.number(item.independentSE, 2)),
            ])
          ))
      }
      if let b = c.variantBetter[y] {
        m.append(
          (
            "pVariantBetter",
            .object([
              ("probability", MonteCarloInfo.number(b.probability, 6)),
              ("se", MonteCarloInfo.number(b.se, 6)),
            ])
          ))
      }
      return .object(m)
    }
    return .object([
      ("comparison", .object([("base", id(base)), ("variant", id(variant))])),
      (
        "engine",
        .object([("version", .string(BuigVersion.current)), ("blasCore", .string(blasCore))])
      ),
      (
        "run",
        .object([
          ("mode", .string("commonRandomNumbers")), ("seed", .number(String(seed))),
          ("paths", .int(c.paths)),
          ("kernel", .string(kernel.rawValue)),
          ("set", .array(variant.edits.map { .string($0) })),
        ])
      ),
      ("years", .array(years)),
    ])
  }

  /// The comparison as a table for an 80-column terminal (EUR 1,000).
  public static func table(_ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64)
    -> String
  {
    var out: [String] = []
    out.append(
      Format.wrap("buig \(BuigVersion.current): \(variant.scenario) against \(base.scenario)"))
    out.append(
      Format.wrap(
        "common random numbers: \(Money.group(String(c.paths))) paths each, seed \(seed); difference = variant - base"
      ))
    if let edits = Format.editsLine(variant.edits) { out.append(edits) }
    out.append("")
    var t = TextTable(
      headers: [
        "Net burden (EUR 1,000)", "base", "variant", "diff", "se", "p5", "p95", "P(better)",
      ],
      alignments: [.left] + Array(repeating: .right, count: 7))
    func k(_ v: Double) -> String {
      abs(v) < 100_000
        ? MonteCarloInfo.fixed(v / 1000, 1) : Money.group(MonteCarloInfo.fixed(v / 1000, 0))
    }
    for y in c.years {
      guard let i = c.items[y]?[.netBurden] else { continue }
      let p = c.variantBetter[y].map { MonteCarloInfo.fixed($0.probability * 100, 1) + "%" } ?? ""
      t.add([
        String(y), k(i.base.mean), k(i.variant.mean), k(i.difference.mean), k(i.difference.se),
        k(i.difference.quantiles[0]),
        k(i.difference.quantiles[4]), p,
      ])
    }
    out.append(t.render())
    out.append("")
    for y in c.years {
      guard let i = c.items[y]?[.netBurden], i.difference.se > 0 else { continue }
      out.append(
        "  \(y): se \(k(i.difference.se)) on common random numbers, \(k(i.independentSE)) for independent runs"
      )
    }
    out.append("  P(better): the share of paths in which the variant's net burden is lower.")
    return out.joined(separator: "\n") + "\n"
  }
}
