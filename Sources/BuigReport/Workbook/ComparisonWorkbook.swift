import BuigCore
import BuigEngine
import BuigXLSX
import Foundation

/// The workbook of `buig compare --format xlsx`: the per-year and horizon items and the
/// metadata, from the same `Comparison` the JSON renderer reads.
public enum ComparisonWorkbook {
  typealias L = WorkbookLabels

  /// The comparison as `.xlsx` bytes; the same comparison always gives the same bytes.
  public static func xlsx(
    _ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64, kernel: KernelKind?,
    blasCore: String?
  ) throws -> Data {
    try XLSXWriter.write(
      sheets(c, base: base, variant: variant, seed: seed, kernel: kernel, blasCore: blasCore),
      title: "buig compare: \(variant.scenario) against \(base.scenario)")
  }

  /// The comparison sheet (the horizon first, then each year) and the metadata.
  public static func sheets(
    _ c: Comparison, base: RunIdentity, variant: RunIdentity, seed: UInt64, kernel: KernelKind?,
    blasCore: String?
  ) -> [XLSXSheet] {
    var sheet = XLSXSheet(name: L.Sheet.comparison)
    sheet.add(RunWorkbook.header(L.comparison))
    func money(_ v: Double) -> XLSXCell { RunWorkbook.stat(v, .euro) }
    func row(_ period: XLSXCell, _ q: Quantity, _ i: Comparison.Item, _ p: Exceedance?) {
      var cells: [XLSXCell] = [
        period, .text(q == .total ? "total (net burden + intervention cost)" : q.label),
        .text(q.rawValue), RunWorkbook.value(q, i.expectedBase),
        RunWorkbook.value(q, i.expectedVariant), RunWorkbook.value(q, i.expectedDifference),
      ]
      if let s = i.spread {
        let format: NumberFormat = q == .caseload ? .households : .euro
        let d = s.difference
        cells += [
          RunWorkbook.stat(s.base.mean, format), RunWorkbook.stat(s.base.se, format),
          RunWorkbook.stat(s.variant.mean, format), RunWorkbook.stat(s.variant.se, format),
          RunWorkbook.stat(d.mean, format), RunWorkbook.stat(d.se, format),
        ]
        for name in ["p5", "p25", "p50", "p75", "p95"] {
          cells.append(
            RunWorkbook.statistic(d, name).map { RunWorkbook.stat($0, format) } ?? .empty)
        }
        cells.append(RunWorkbook.stat(s.independentSE, format))
        if let p {
          cells += [RunWorkbook.probability(p.probability), RunWorkbook.probability(p.se)]
        }
      }
      sheet.add(cells)
    }
    let span = L.horizon(c.years.first ?? 0, c.years.last ?? 0)
    for q in Comparison.horizonQuantities {
      guard let i = c.horizon[q] else { continue }
      let p = q == .netBurden ? c.horizonBetter : q == .total ? c.horizonCheaper : nil
      row(.text(span), q, i, p)
    }
    for y in c.years {
      for q in Quantity.compared {
        guard let i = c.items[y]?[q] else { continue }
        let p = q == .netBurden ? c.variantBetter[y] : q == .total ? c.variantCheaper[y] : nil
        row(.int(y), q, i, p)
      }
    }
    var meta = XLSXSheet(name: L.Sheet.metadata)
    meta.add(RunWorkbook.header(L.metadata))
    for (side, r) in [("base", base), ("variant", variant)] {
      meta.add([.text("\(side) scenario"), .text(r.scenario)])
      meta.add([.text("\(side) scenario sha256"), .text(r.sha256)])
      meta.add([.text("\(side) scenario origin"), .text(r.origin)])
    }
    meta.add([.text("seed"), .number(String(seed), .integer)])
    meta.add([.text("engine version"), .text(BuigVersion.current)])
    meta.add([.text("mode"), .text(c.paths > 0 ? "commonRandomNumbers" : "deterministic")])
    meta.add([.text("paths"), .int(c.paths, .count)])
    if let kernel { meta.add([.text("kernel"), .text(kernel.rawValue)]) }
    if let blasCore { meta.add([.text("BLAS core"), .text(blasCore)]) }
    meta.add([.text("--set"), .text(variant.edits.joined(separator: "\n"))])
    meta.add([.text("difference"), .text("variant - base")])
    meta.add([
      .text("P(variant lower)"),
      .text(
        "the share of paths in which the variant's figure is lower: its net burden (pVariantBetter), its total (pVariantCheaper)"
      ),
    ])
    meta.add([
      .text("verdict"), .text(ComparisonRender.verdict(c, base: base, variant: variant)),
    ])
    return [sheet, meta]
  }
}
