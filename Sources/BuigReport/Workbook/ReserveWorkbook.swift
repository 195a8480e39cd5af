import BuigCore
import BuigEngine
import BuigXLSX
import Foundation

/// The workbook of `buig reserve --format xlsx`: the reserve table and the run's metadata.
public enum ReserveWorkbook {
  typealias L = WorkbookLabels

  /// The reserve as `.xlsx` bytes; the same run always gives the same bytes.
  public static func xlsx(_ p: Projection, identity: RunIdentity, mc: MonteCarloInfo) throws
    -> Data
  {
    var meta = XLSXSheet(name: L.Sheet.metadata)
    meta.add(RunWorkbook.header(L.metadata))
    meta.rows += RunWorkbook.identityRows(identity)
    meta.add([.text("mode"), .text("monteCarlo")])
    meta.add([.text("paths"), .int(mc.summary.paths, .count)])
    meta.add([.text("kernel"), .text(mc.kernel.rawValue)])
    meta.add([.text("BLAS core"), .text(mc.blasCore)])
    meta.add([.text("quantity"), .text("netBurden")])
    if let a = mc.summary.horizon.netBurdenAbove {
      meta.add([.text("reserve"), RunWorkbook.stat(a.limit, .euro)])
      meta.add([
        .text("P(cumulative net burden above the reserve)"),
        RunWorkbook.probability(a.exceedance.probability),
      ])
      meta.add([.text("se of that probability"), RunWorkbook.probability(a.exceedance.se)])
    }
    for w in mc.warnings { meta.add([.text("warning"), .text(w)]) }
    return try XLSXWriter.write(
      [reserveSheet(p, mc: mc), meta], title: "buig reserve: \(identity.scenario)")
  }

  /// One row per year and one for the horizon's cumulative net burden: expected, mean, se, the
  /// net burden not exceeded with 75, 80, 90, 95 and 99% certainty, and each level's 95%
  /// interval (the figures of `buig reserve --format json`).
  static func reserveSheet(_ p: Projection, mc: MonteCarloInfo) -> XLSXSheet {
    let levels = ReserveRender.levels
    let pct = levels.map { "\(Int(($0 * 100).rounded()))%" }
    var sheet = XLSXSheet(name: L.Sheet.reserve)
    sheet.add(
      RunWorkbook.header(
        L.reserve + pct + pct.flatMap { ["\($0) low", "\($0) high"] }))
    for c in ReserveRender.columns(p, mc) {
      var row: [XLSXCell] = [
        .text(c.label), RunWorkbook.euro(c.expected), RunWorkbook.stat(c.summary.mean, .euro),
        RunWorkbook.stat(c.summary.se, .euro),
      ]
      row += levels.map { RunWorkbook.stat(c.summary.quantile($0)!, .euro) }
      for level in levels {
        let i = c.summary.interval(level)!
        row += [RunWorkbook.stat(i.low, .euro), RunWorkbook.stat(i.high, .euro)]
      }
      sheet.add(row)
    }
    return sheet
  }
}
