import BuigCore
import BuigEngine
import BuigScenario
import BuigXLSX
import Foundation

/// The workbook of `buig run --format xlsx` (docs/output-format.md): a sheet per part of the run,
/// from the same `Projection` and `MonteCarloInfo` the JSON renderer reads, with the numbers
/// rounded as the JSON output rounds them.
public enum RunWorkbook {
  typealias L = WorkbookLabels

  /// The run as `.xlsx` bytes; the same run always gives the same bytes.
  public static func xlsx(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo? = nil
  ) throws -> Data {
    try XLSXWriter.write(
      sheets(s, p, identity: identity, discount: discount, mc: mc),
      title: "buig: \(identity.scenario)")
  }

  /// The sheets: meerjarenbeeld, interventions, worth, Monte Carlo and reserve (when paths ran),
  /// attribution, audit trail, metadata.
  public static func sheets(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo? = nil
  ) -> [XLSXSheet] {
    var out = [
      meerjarenbeeld(p, mc: mc), interventions(p), worth(p, discount: discount),
    ]
    if let mc {
      out.append(monteCarlo(p, mc: mc))
      out.append(ReserveWorkbook.reserveSheet(p, mc: mc))
    }
    out.append(attribution(p))
    out.append(auditTrail(s, identity: identity))
    out.append(metadata(s, p, identity: identity, discount: discount, mc: mc))
    return out
  }

  // MARK: - Cells

  /// Euros to the cent, as the JSON output rounds them.
  static func euro(_ d: Decimal) -> XLSXCell { .number(d.rounded(2).plainText, .euro) }
  /// An amount, or `p.m.` when it is not quantified.
  static func euro(_ m: Money?, missing: String = L.pm) -> XLSXCell {
    m.map { .number($0.roundedToCents.euros.plainText, .euro) } ?? .text(missing)
  }
  /// A quantity's value: euros, or households to two decimals.
  static func value(_ q: Quantity, _ d: Decimal) -> XLSXCell {
    .number(d.rounded(2).plainText, q == .caseload ? .households : .euro)
  }
  /// A Monte Carlo statistic to `decimals` decimals, as the JSON output rounds it.
  static func stat(_ v: Double, _ format: NumberFormat, _ decimals: Int = 2) -> XLSXCell {
    .number(MonteCarloInfo.fixed(v, decimals), format)
  }
  /// A probability to six decimals, shown as a percentage.
  static func probability(_ v: Double) -> XLSXCell { stat(v, .probability, 6) }

  static func header(_ names: [String]) -> [XLSXCell] { names.map { .header($0) } }

  /// The value of a named statistic (`mean`, `se`, `sd`, `p5` …) of a summary, if it has it.
  static func statistic(_ s: Summary, _ name: String) -> Double? {
    switch name {
    case "mean": return s.mean
    case "se": return s.se
    case "sd": return s.sd
    default:
      guard let i = s.levels.firstIndex(where: { Summary.name($0) == name }) else { return nil }
      return s.quantiles[i]
    }
  }

  /// The names of a summary's statistics, in the order of the JSON output.
  static func statisticNames(_ s: Summary) -> [String] {
    ["mean", "se", "sd"] + s.levels.map(Summary.name)
  }

  /// A row of the Monte Carlo sheet: labels, then the summary's statistics in their columns.
  static func statisticsRow(
    _ labels: [XLSXCell], _ s: Summary, _ format: NumberFormat, decimals: Int = 2
  ) -> [XLSXCell] {
    labels
      + L.statistics.map { name in statistic(s, name).map { stat($0, format, decimals) } ?? .empty }
  }

  // MARK: - Sheets

  /// Years as columns and the horizon last; per quantity its expected value and, with paths, its
  /// statistics; then the probabilities, the baseline, the vangnet and the budget basis.
  static func meerjarenbeeld(_ p: Projection, mc: MonteCarloInfo?) -> XLSXSheet {
    let years = p.years.map(\.year)
    let first = years.first ?? 0
    let last = years.last ?? 0
    var sheet = XLSXSheet(name: L.Sheet.meerjarenbeeld)
    sheet.add(header(L.meerjarenbeeld + years.map(String.init) + [L.horizon(first, last)]))
    let burden = p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros }
    let cost = p.years.reduce(Decimal(0)) { $0 + $1.interventionCost.euros }
    let horizonExpected: [Quantity: Decimal] = [
      .netBurden: burden, .interventionCost: cost, .total: burden + cost,
    ]
    func row(_ label: String, _ key: String, _ unit: String, _ stat: String, _ cells: [XLSXCell])
      -> [XLSXCell]
    {
      [.text(label), .text(key), .text(unit), .text(stat)] + cells
    }
    for q in Quantity.reported + [.total] {
      let format: NumberFormat = q == .caseload ? .households : .euro
      sheet.add(
        row(
          q.label, q.rawValue, q.unit, L.expected,
          p.years.map { value(q, $0.value(q)) }
            + [horizonExpected[q].map { value(q, $0) } ?? .empty]))
      guard let mc, let sample = mc.summary[q, year: first] else { continue }
      for name in statisticNames(sample) {
        var cells: [XLSXCell] = years.map { y in
          mc.summary[q, year: y].flatMap { statistic($0, name) }.map { stat($0, format) } ?? .empty
        }
        cells.append(
          q == .netBurden
            ? statistic(mc.summary.horizon.netBurden, name).map { stat($0, format) } ?? .empty
            : .empty)
        sheet.add(row(q.label, q.rawValue, q.unit, name, cells))
      }
    }
    if let mc {
      if mc.summary.deficitAboveThreshold[first] != nil {
        let d = years.map { mc.summary.deficitAboveThreshold[$0] }
        let label = "P(deficit above the vangnet threshold)"
        sheet.add(
          row(
            label, "pDeficitAboveThreshold", "probability", "probability",
            d.map { $0.map { probability($0.exceedance.probability) } ?? .empty }))
        sheet.add(
          row(
            label, "pDeficitAboveThreshold", "probability", "se",
            d.map { $0.map { probability($0.exceedance.se) } ?? .empty }))
        sheet.add(
          row(
            label, "pDeficitAboveThreshold", "fraction", "threshold",
            d.map { $0.map { stat($0.threshold, .percent, 6) } ?? .empty }))
      }
      if mc.summary.netBurdenAbove[first] != nil || mc.summary.horizon.netBurdenAbove != nil {
        let b = years.map { mc.summary.netBurdenAbove[$0] }
        let h = mc.summary.horizon.netBurdenAbove
        let label = "P(net burden above the limit)"
        sheet.add(
          row(
            label, "pNetBurdenAbove", "probability", "probability",
            b.map { $0.map { probability($0.exceedance.probability) } ?? .empty }
              + [h.map { probability($0.exceedance.probability) } ?? .empty]))
        sheet.add(
          row(
            label, "pNetBurdenAbove", "probability", "se",
            b.map { $0.map { probability($0.exceedance.se) } ?? .empty }
              + [h.map { probability($0.exceedance.se) } ?? .empty]))
        sheet.add(
          row(
            label, "pNetBurdenAbove", "EUR", "limit",
            b.map { $0.map { stat($0.limit, .euro) } ?? .empty }
              + [h.map { stat($0.limit, .euro) } ?? .empty]))
      }
    }
    let baseline: [(String, String, String, (ProjectionYear) -> XLSXCell)] = [
      ("baseline spending", "baseline.spending", "EUR", { euro($0.baselineSpending) }),
      ("baseline result", "baseline.result", "EUR", { euro($0.baseline.result) }),
      ("baseline vangnet", "baseline.vangnet", "EUR", { euro($0.baseline.compensation) }),
      ("baseline net burden", "baseline.netBurden", "EUR", { euro($0.baseline.netBurden) }),
      (
        "baseline caseload", "baseline.caseload", "households",
        { .number($0.baselineCaseload.rounded(2).plainText, .households) }
      ),
      (
        "vangnet regime", "vangnetRule.regime", "",
        { $0.vangnet.map { .text($0.regime.name) } ?? .text("none") }
      ),
      (
        "deficit / budget", "vangnetRule.deficitPercent", "fraction",
        { y in y.vangnet.map { .number($0.deficitRatio.rounded(6).plainText, .percent) } ?? .empty }
      ),
      (
        "vangnet band", "vangnetRule.band", "",
        { y in y.vangnet.flatMap { $0.band }.map { .text($0.label) } ?? .empty }
      ),
      (
        "budget share", "budgetBasis.share", "fraction",
        { y in y.budget.share.map { .number($0.rounded(8).plainText, .probability) } ?? .empty }
      ),
      (
        "macrobudget", "budgetBasis.macrobudget", "EUR",
        { euro($0.budget.macrobudget, missing: "") }
      ),
      (
        "vangnet reservation", "budgetBasis.reservation", "EUR",
        { euro($0.budget.reservation, missing: "") }
      ),
      (
        "distributed budget", "budgetBasis.distributed", "EUR",
        { euro($0.budget.distributed, missing: "") }
      ),
    ]
    for (label, key, unit, cell) in baseline {
      sheet.add(row(label, key, unit, L.expected, p.years.map(cell)))
    }
    return sheet
  }

  /// One row per intervention and year: cost, yield, effect before and after the vangnet,
  /// caseload effect.
  static func interventions(_ p: Projection) -> XLSXSheet {
    var sheet = XLSXSheet(name: L.Sheet.interventions)
    sheet.add(header(L.interventions))
    for io in p.interventions {
      for y in io.years {
        sheet.add([
          .text(io.intervention.id), .text(io.intervention.name), .int(y.year), euro(y.cost),
          euro(y.yield), euro(y.effectBeforeVangnet), euro(y.effectAfterVangnet),
          .number(y.caseloadEffect.rounded(2).plainText, .households),
        ])
      }
    }
    return sheet
  }

  /// The worth over the horizon of each intervention and of the package.
  static func worth(_ p: Projection, discount: DiscountSetting) -> XLSXSheet {
    let years = p.years.map(\.year)
    var sheet = XLSXSheet(name: L.Sheet.worth)
    sheet.add(header(L.worth))
    var rows: [(String, String, Worth<Decimal>)] = p.interventions.enumerated().map { i, io in
      (io.intervention.id, io.intervention.name, p.worth(intervention: i, rate: discount.rate))
    }
    rows.append((L.package, "", p.packageWorth(rate: discount.rate)))
    for (id, name, w) in rows {
      func money(_ d: Decimal?) -> XLSXCell { d.map(euro) ?? .text(L.pm) }
      let notes = RunRender.worthNotes(w)
      sheet.add([
        .text(id), .text(name), money(w.cost), money(w.yield), money(w.effectAfterVangnet),
        money(w.netAfterVangnet), money(w.npv),
        w.roi.map { .number($0.rounded(4).plainText, .percent) }
          ?? .text(w.yield == nil ? L.pm : "n.a."),
        w.payback.map { .int(years[$0]) } ?? .text(w.yield == nil ? L.pm : "none"),
        .text(notes.joined(separator: "; ")),
      ])
    }
    return sheet
  }

  /// Every Monte Carlo statistic: the yearly quantities, the horizon, each intervention's yield
  /// and effect per year, each worth figure, the payback year and the probabilities.
  static func monteCarlo(_ p: Projection, mc: MonteCarloInfo) -> XLSXSheet {
    let years = p.years.map(\.year)
    let span = L.horizon(years.first ?? 0, years.last ?? 0)
    var sheet = XLSXSheet(name: L.Sheet.monteCarlo)
    sheet.add(header(L.monteCarlo + L.statistics))
    for y in years {
      for q in Quantity.reported {
        guard let s = mc.summary[q, year: y] else { continue }
        sheet.add(
          statisticsRow(
            [.text(q.label), .text(q.rawValue), .empty, .int(y), .text(q.unit)], s,
            q == .caseload ? .households : .euro))
      }
      if let d = mc.summary.deficitAboveThreshold[y] {
        sheet.add(
          [
            .text("P(deficit above the vangnet threshold)"), .text("pDeficitAboveThreshold"),
            .empty, .int(y), .text("probability"), probability(d.exceedance.probability),
            probability(d.exceedance.se),
          ])
      }
      if let b = mc.summary.netBurdenAbove[y] {
        sheet.add(
          [
            .text("P(net burden above \(Money.group(MonteCarloInfo.fixed(b.limit, 0))))"),
            .text("pNetBurdenAbove"), .empty, .int(y), .text("probability"),
            probability(b.exceedance.probability), probability(b.exceedance.se),
          ])
      }
    }
    let h = mc.summary.horizon
    sheet.add(
      statisticsRow(
        [
          .text("cumulative net burden"), .text("netBurden"), .empty, .text(span), .text("EUR"),
        ], h.netBurden, .euro))
    if let a = h.netBurdenAbove {
      sheet.add(
        [
          .text("P(cumulative net burden above \(Money.group(MonteCarloInfo.fixed(a.limit, 0))))"),
          .text("pNetBurdenAbove"), .empty, .text(span), .text("probability"),
          probability(a.exceedance.probability), probability(a.exceedance.se),
        ])
    }
    for (i, io) in p.interventions.enumerated() {
      for y in years {
        for q in [Quantity.yield, .effectAfterVangnet] {
          guard let s = mc.summary[q, year: y, intervention: i] else { continue }
          sheet.add(
            statisticsRow(
              [
                .text(q.label), .text(q.rawValue), .text(io.intervention.id), .int(y), .text("EUR"),
              ],
              s, .euro))
        }
      }
    }
    var worths: [(String, WorthStatistics)] = []
    for (i, io) in p.interventions.enumerated() {
      if let w = h.interventions[i] { worths.append((io.intervention.id, w)) }
    }
    worths.append((L.package, h.package))
    for (id, w) in worths {
      let figures: [(String, String, Summary?)] = [
        ("cost", "cost", w.cost), ("yield", "yield", w.yield),
        ("effect after vangnet", "effectAfterVangnet", w.effectAfterVangnet),
        ("net after vangnet", "netAfterVangnet", w.netAfterVangnet), ("NPV", "npv", w.npv),
      ]
      for (label, key, s) in figures {
        guard let s else { continue }
        sheet.add(
          statisticsRow(
            [.text(label), .text(key), .text(id), .text(span), .text("EUR")], s, .euro))
      }
      if let roi = w.roi {
        sheet.add(
          statisticsRow(
            [.text("ROI"), .text("roi"), .text(id), .text(span), .text("ratio")], roi, .percent,
            decimals: 4))
      }
      sheet.add(
        [
          .text("P(payback within the horizon)"), .text("paybackYear.pWithinHorizon"), .text(id),
          .text(span), .text("probability"), probability(w.payback.withinHorizon.probability),
          probability(w.payback.withinHorizon.se),
        ])
      var payback: [XLSXCell] = [
        .text("payback year"), .text("paybackYear"), .text(id), .text(span), .text("year"),
      ]
      for name in L.statistics {
        if let i = Summary.levels.firstIndex(where: { Summary.name($0) == name }) {
          payback.append(w.payback.quantiles[i].map { .int($0) } ?? .text("none"))
        } else {
          payback.append(.empty)
        }
      }
      sheet.add(payback)
    }
    return sheet
  }

  /// Per year the deficit's causes, amounts, bases and sources, and the deficit.
  static func attribution(_ p: Projection) -> XLSXSheet {
    var sheet = XLSXSheet(name: L.Sheet.attribution)
    sheet.add(header(L.attribution))
    for y in p.years {
      let a = y.attribution
      for l in a.lines {
        sheet.add([
          .int(y.year), .text(l.cause.rawValue), .text(l.cause.label),
          euro(l.amount, missing: L.notQuantified), .text(l.basis), .text(l.source ?? ""),
        ])
      }
      sheet.add([
        .int(y.year), .text("deficit"), .text("deficit (spending - budget)"), euro(a.deficit),
        .empty, .empty,
      ])
    }
    return sheet
  }

  /// Every number of the scenario with its source and note, then the `--set` edits.
  static func auditTrail(_ s: Scenario, identity: RunIdentity) -> XLSXSheet {
    var sheet = XLSXSheet(name: L.Sheet.auditTrail)
    sheet.add(header(L.auditTrail))
    for t in s.trail {
      sheet.add([
        .text(t.path), .number(t.value, .general), .text(t.source ?? ""), .text(t.note ?? ""),
      ])
    }
    sheet.add([])
    sheet.add([.header(L.setEdits)])
    if identity.edits.isEmpty { sheet.add([.text("none")]) }
    for e in identity.edits { sheet.add([.text(e)]) }
    return sheet
  }

  /// The run's identity: scenario, hash, origin, seed, engine, paths, BLAS core, discount rate.
  static func metadata(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo?
  ) -> XLSXSheet {
    var rows: [[XLSXCell]] = identityRows(identity)
    rows += [
      [.text("mode"), .text(mc == nil ? "deterministic" : "monteCarlo")],
      [.text("paths"), .int(mc?.summary.paths ?? 0, .count)],
    ]
    if let mc {
      rows += [
        [.text("kernel"), .text(mc.kernel.rawValue)], [.text("BLAS core"), .text(mc.blasCore)],
      ]
    }
    rows += [
      [.text("discount rate"), .number(discount.rate.rounded(6).plainText, .percent)],
      [.text("discount rate source"), .text(discount.source)],
      [.text("discount rate applied to"), .text(DiscountSetting.appliedTo)],
      [
        .text("rules overridden (years)"),
        .text(s.overriddenYears.map(String.init).joined(separator: ", ")),
      ],
    ]
    if let mc {
      for (y, v) in zip(
        p.years.dropFirst(mc.engine.realisedCount).map(\.year), mc.engine.calibration.inflow)
      {
        rows.append([.text("calibrated inflow per month \(y)"), stat(v, .households, 4)])
      }
      for (i, m) in mc.engine.expectedMonths.enumerated() {
        rows.append([
          .text("expected months on benefit: \(FlowModel.stateNames[i])"),
          stat(m, .households, 4),
        ])
      }
      for w in mc.warnings { rows.append([.text("warning"), .text(w)]) }
    }
    for y in p.years {
      for c in y.vangnet?.conditionsAssumed ?? [] {
        rows.append([
          .text("vangnet condition assumed"), .text("\(y.year): \(RunRender.assumed(c))"),
        ])
      }
    }
    for c in RunRender.vangnetCaveats(p) { rows.append([.text("vangnet caveat"), .text(c)]) }
    for io in p.interventions {
      for n in io.intervention.notes {
        rows.append([.text("intervention note"), .text("\(io.intervention.id): \(n)")])
      }
    }
    for n in s.notes { rows.append([.text("note"), .text(n)]) }
    return XLSXSheet(name: L.Sheet.metadata, rows: [header(L.metadata)] + rows)
  }

  /// The rows that identify a run: scenario, title, municipality, sha256, origin, seed, engine
  /// version, `--set` edits.
  static func identityRows(_ identity: RunIdentity) -> [[XLSXCell]] {
    [
      [.text("scenario"), .text(identity.scenario)], [.text("title"), .text(identity.title)],
      [.text("municipality"), .text(identity.municipality)],
      [.text("scenario sha256"), .text(identity.sha256)],
      [.text("scenario origin"), .text(identity.origin)],
      [.text("seed"), .number(String(identity.seed), .integer)],
      [.text("engine version"), .text(BuigVersion.current)],
      [.text("--set"), .text(identity.edits.joined(separator: "\n"))],
    ]
  }
}
