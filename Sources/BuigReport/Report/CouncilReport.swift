import BuigXLSX
import BuigCore
import BuigEngine
import BuigJSON
import BuigScenario
import Foundation

/// Everything a council report shows, computed before it is written.
public struct CouncilReportInput: Sendable {
  /// The scenario as run (with its `--set` edits and seed).
  public var scenario: Scenario
  /// Its deterministic meerjarenbeeld.
  public var projection: Projection
  /// Its identity in outputs.
  public var identity: RunIdentity
  /// The Monte Carlo run.
  public var monteCarlo: MonteCarloInfo
  /// The discount rate of the net present values.
  public var discount: DiscountSetting
  /// The tornado and Sobol indices of the cumulative net burden.
  public var sensitivity: SensitivityAnalysis?
  /// The switching value of each intervention with a quantified yield.
  public var switching: [SwitchingRender.Result]
  /// With `--compare`: the comparison and the two packages' identities.
  public var comparison: (comparison: Comparison, base: RunIdentity, variant: RunIdentity)?

  /// An input.
  public init(
    scenario: Scenario, projection: Projection, identity: RunIdentity,
    monteCarlo: MonteCarloInfo, discount: DiscountSetting, sensitivity: SensitivityAnalysis?,
    switching: [SwitchingRender.Result],
    comparison: (comparison: Comparison, base: RunIdentity, variant: RunIdentity)?
  ) {
    self.scenario = scenario
    self.projection = projection
    self.identity = identity
    self.monteCarlo = monteCarlo
    self.discount = discount
    self.sensitivity = sensitivity
    self.switching = switching
    self.comparison = comparison
  }
}

/// The council report: one self-contained HTML file (inline CSS and SVG, nothing fetched), in
/// Dutch or English, that prints on A4 with page numbers. The same input gives the same bytes:
/// no date or clock is written into it.
public enum CouncilReport {
  /// The page's style: screen and A4 print, page numbers in the bottom margin.
  static let style = """
    @page { size: A4; margin: 16mm 14mm 18mm 14mm;
      @bottom-right { content: counter(page) " / " counter(pages); font: 9pt sans-serif; color: #444; } }
    body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #111;
      max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
    h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem;
      border-bottom: 1px solid #999; break-after: avoid; } h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; break-after: avoid; }
    p.meta { color: #444; font-size: .9rem; margin: 0 0 1rem; }
    table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; break-inside: avoid; }
    th, td { padding: .2rem .55rem; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
    th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 2px solid #555; }
    td.text, th.text { text-align: left; } tr.total td { font-weight: 600; border-top: 2px solid #555; }
    .summary li { margin: .35rem 0; } .note { color: #444; font-size: .85rem; }
    figure { margin: .6rem 0 1.2rem; break-inside: avoid; }
    figcaption { font-weight: 600; font-size: .95rem; margin: 0 0 .2rem; } svg.chart { width: 100%; height: auto; display: block; }
    .trail td { font-size: .8rem; text-align: left; } code { font-size: .85em; }
    @media print { body { margin: 0; max-width: none; } section { break-before: auto; } }
    """

  /// Escapes text for HTML.
  static func esc(_ s: String) -> String { XMLText.escape(s) }

  /// A table: header cells and rows (cells already escaped or formatted).
  static func table(_ header: [String], _ rows: [[String]], totalLast: Bool = false) -> String {
    var h = "<table><thead><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
    for (i, r) in rows.enumerated() {
      let cls = totalLast && i == rows.count - 1 ? " class=\"total\"" : ""
      h += "<tr\(cls)>" + r.map { "<td>\($0)</td>" }.joined() + "</tr>"
    }
    return h + "</tbody></table>"
  }

  /// A chart with its title as a caption.
  static func figure(_ title: String, _ svg: String) -> String {
    "<figure><figcaption>\(esc(title))</figcaption>\(svg)</figure>"
  }

  /// The report as HTML.
  public static func html(_ r: CouncilReportInput, language: ReportLanguage) -> String {
    let w = language.words
    let n = w.numbers
    let p = r.projection
    let years = p.years.map(\.year)
    let span = "\(years.first ?? 0)-\(years.last ?? 0)"
    let mc = r.monteCarlo
    let summary = mc.summary
    var body: [String] = []
    body.append("<header><h1>\(esc(w.title(r.identity.title)))</h1>")
    body.append(
      "<p class=\"meta\">\(esc(r.identity.municipality)) · \(esc(w.scenario)) <code>\(esc(r.identity.scenario))</code> · \(esc(w.paths)) \(n.number(Double(summary.paths))) · \(esc(w.seed)) \(r.identity.seed) · \(esc(w.generated(BuigVersion.current)))</p></header>"
    )

    body.append(summarySection(r, w))
    body.append(meerjarenbeeldSection(r, w))
    body.append(uncertaintySection(r, w))

    // Band view.
    body.append(bandSection(r, w))

    // Interventions.
    body.append(interventionSection(r, w))

    // Attribution.
    let euroFormat = ChartFormat { n.euros($0) }
    var falls: [String] = []
    for y in p.years {
      let steps = y.attribution.lines.map { (w.cause($0.cause), $0.amount?.doubleValue) }
      falls.append(
        figure(
          "\(w.attribution) \(y.year)",
          Chart.waterfall(
            id: "chart-attribution-\(y.year)", title: "\(w.attribution) \(y.year)",
            description: "\(w.attribution) \(y.year): "
              + y.attribution.lines.map {
                "\(w.cause($0.cause)) \($0.amount.map { n.euros($0.doubleValue) } ?? w.pm)"
              }.joined(separator: "; "),
            steps: steps, totalLabel: w.deficit, format: euroFormat, pmText: w.pm,
            increaseLabel: w.increases, decreaseLabel: w.decreases)))
    }
    body.append(
      "<section id=\"tekortoorzaken\"><h2>\(esc(w.attribution))</h2>" + falls.joined()
        + "</section>")

    // Sensitivity and switching values.
    body.append(sensitivitySection(r, w))

    // Reserve.
    let burden = p.years.reduce(0.0) { $0 + $1.netBurden.doubleValue }
    let h = summary.horizon
    var reserveRows: [[String]] = []
    for level in ReserveRender.levels {
      reserveRows.append(
        ["\(n.number(level * 100))%"]
          + years.map { y in summary[.netBurden, year: y].map { n.euros($0.quantile(level)!) } ?? ""
          }
          + [n.euros(h.netBurden.quantile(level)!)])
    }
    reserveRows.append(
      [esc(w.expected)] + p.years.map { n.euros($0.netBurden.doubleValue) } + [n.euros(burden)])
    body.append(
      "<section id=\"weerstandsvermogen\"><h2>\(esc(w.reserve))</h2>"
        + table([esc(w.certainty)] + years.map(String.init) + [span], reserveRows)
        + "<p class=\"note\">\(esc(w.reserveNote))</p></section>")

    // Comparison.
    if let c = r.comparison { body.append(comparisonSection(c, w)) }

    // Accountability.
    body.append(accountabilitySection(r, w))

    return "<!DOCTYPE html>\n<html lang=\"\(w.htmlLanguage)\"><head><meta charset=\"utf-8\">"
      + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      + "<title>\(esc(w.title(r.identity.title)))</title><style>\(style)</style></head><body>\n"
      + body.joined(separator: "\n") + "\n</body></html>\n"
  }

  /// The summary: the net burden by year and over the horizon, the reserve at 90% and 95%
  /// certainty, the chance of a deficit beyond the vangnet's threshold, and the package after the
  /// vangnet.
  static func summarySection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    let p = r.projection
    let years = p.years.map(\.year)
    let span = "\(years.first ?? 0)-\(years.last ?? 0)"
    let summary = r.monteCarlo.summary
    let burden = p.years.reduce(0.0) { $0 + $1.netBurden.doubleValue }
    var sentences: [String] = []
    sentences.append(
      w.sentenceNetBurden(
        p.years.map { (String($0.year), n.eurosText($0.netBurden.doubleValue)) }, span,
        n.eurosText(burden)))
    let h = summary.horizon
    sentences.append(
      w.sentenceReserve(
        span, n.eurosText(h.netBurden.quantile(0.9)!), n.eurosText(h.netBurden.quantile(0.95)!)))
    let thresholds = years.compactMap { y in
      summary.deficitAboveThreshold[y].map { (String(y), n.percent($0.exceedance.probability)) }
    }
    if !thresholds.isEmpty { sentences.append(w.sentenceThreshold(thresholds)) }
    let package = p.packageWorth(rate: r.discount.rate)
    if let effect = package.effectAfterVangnet, let net = package.netAfterVangnet,
      let npv = package.npv
    {
      sentences.append(
        w.sentencePackage(
          n.eurosText(package.cost.doubleValue), n.eurosText(effect.doubleValue),
          n.eurosText(net.doubleValue), n.eurosText(npv.doubleValue)))
    }
    return "<section id=\"samenvatting\"><h2>\(esc(w.summary))</h2><ul class=\"summary\">"
      + sentences.map { "<li>\(esc($0))</li>" }.joined() + "</ul><p class=\"note\">"
      + esc(w.explainAfterVangnet) + "</p></section>"
  }

  /// The meerjarenbeeld: each reported quantity by year, and its horizon total where a sum means
  /// something (euros; the caseload is not summed).
  static func meerjarenbeeldSection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    let p = r.projection
    let years = p.years.map(\.year)
    var rows: [[String]] = []
    for q in Quantity.reported + [.baselineNetBurden] {
      var cells = [esc(w.quantity(q))]
      for y in p.years {
        let v = y.value(q).doubleValue
        cells.append(q == .caseload ? n.number(v) : n.euros(v))
      }
      let sum = p.years.reduce(0.0) { $0 + $1.value(q).doubleValue }
      cells.append(
        [
          .budget, .spending, .result, .vangnet, .netBurden, .interventionCost, .interventionYield,
          .baselineNetBurden,
        ].contains(q) ? n.euros(sum) : "")
      rows.append(cells)
    }
    return "<section id=\"meerjarenbeeld\"><h2>\(esc(w.meerjarenbeeld))</h2>"
      + table([""] + years.map(String.init) + [esc(w.horizon)], rows) + "</section>"
  }

  /// Fan charts (p5-p95, p25-p75, median, expected) of the result, the net burden and the
  /// caseload, with the vangnet's entry threshold on the result's chart.
  static func uncertaintySection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    let p = r.projection
    let years = p.years.map(\.year)
    let span = "\(years.first ?? 0)-\(years.last ?? 0)"
    let summary = r.monteCarlo.summary
    var fans: [String] = []
    let euroFormat = ChartFormat { n.euros($0) }
    let countFormat = ChartFormat { n.number($0) }
    for (q, id) in [
      (Quantity.result, "result"), (.netBurden, "net-burden"), (.caseload, "caseload"),
    ] {
      let s = years.map { summary[q, year: $0] }
      guard s.allSatisfy({ $0 != nil }) else { continue }
      let ss = s.map { $0! }
      var lines: [ChartLine] = []
      if q == .result {
        let entries = p.years.enumerated().map { k, y -> Double? in
          r.monteCarlo.engine.accounting.schedules[k].map {
            -$0.entry * y.budget.budget.doubleValue
          }
        }
        if entries.allSatisfy({ $0 != nil }) {
          lines.append(ChartLine(label: w.vangnetThreshold, values: entries.map { $0! }))
        }
      }
      let label = w.quantity(q)
      fans.append(
        figure(
          w.fanTitle(label),
          Chart.fan(
            id: "chart-fan-\(id)", title: w.fanTitle(label),
            description: w.fanDescription(label, span), years: years,
            p5: ss.map { $0.quantile(0.05)! }, p25: ss.map { $0.quantile(0.25)! },
            p50: ss.map { $0.quantile(0.5)! }, p75: ss.map { $0.quantile(0.75)! },
            p95: ss.map { $0.quantile(0.95)! }, expected: p.years.map { $0.value(q).doubleValue },
            lines: lines, format: q == .caseload ? countFormat : euroFormat,
            legend: FanLegend(
              band90: w.band90, band50: w.band50, median: w.median, expected: w.expected))))
    }
    return "<section id=\"onzekerheid\"><h2>\(esc(w.uncertainty))</h2>" + fans.joined()
      + "</section>"
  }

  /// What `buig serve`'s page shows of a run, as the report draws it: the summary, the
  /// meerjarenbeeld with its horizon totals, the fan charts, the vangnet band view and the
  /// interventions with their effect after the vangnet (sections in the report's markup, to be
  /// styled by `styleSheet`).
  public static func whatIfSections(_ r: CouncilReportInput, language: ReportLanguage) -> [String] {
    let w = language.words
    return [
      summarySection(r, w), meerjarenbeeldSection(r, w), uncertaintySection(r, w),
      bandSection(r, w), interventionSection(r, w),
    ]
  }

  /// The report's style sheet, for pages that show its sections.
  public static var styleSheet: String { style }

  /// The vangnet band view and, per year, what a euro saved is worth at the deficit: 1 − the
  /// compensation rate of the band the deficit falls in (0 below the entry threshold).
  static func bandSection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    let p = r.projection
    var shapes: [[VangnetBandShape]] = []
    var rows: [[String]] = []
    for y in p.years {
      let regime = r.scenario.rules.years[y.year]?.vangnet?.regimes.first
      let bands =
        regime?.bands.map {
          VangnetBandShape(
            fromPercent: ($0.from * 100).doubleValue,
            toPercent: $0.to.map { ($0 * 100).doubleValue },
            ratePercent: ($0.rate * 100).doubleValue)
        } ?? []
      shapes.append(bands)
      guard let answer = y.vangnet, let regime else {
        rows.append([String(y.year), "", esc(w.noRule), "", n.euros(1)])
        continue
      }
      let ratio = answer.deficitRatio.doubleValue
      let above = ratio > regime.entry.doubleValue
      let band = above ? regime.bands.last { ratio > $0.from.doubleValue } : nil
      let rate = band?.rate.doubleValue ?? 0
      rows.append([
        String(y.year), n.percent(ratio),
        esc(
          band.map {
            "\(n.percent($0.from.doubleValue))–\($0.to.map { n.percent($0.doubleValue) } ?? "…")"
          } ?? w.belowThreshold), n.percent(rate, decimals: 0),
        "€ " + n.number(1 - rate, decimals: 2),
      ])
    }
    let chart = Chart.bandView(
      id: "chart-vangnet-bands", title: w.vangnet,
      description: w.vangnet + " "
        + p.years.map { y in
          "\(y.year): \(y.vangnet.map { n.percent($0.deficitRatio.doubleValue) } ?? w.noRule)"
        }.joined(separator: "; "),
      years: p.years.map(\.year),
      deficitPercent: p.years.map { $0.vangnet.map { ($0.deficitRatio * 100).doubleValue } },
      bands: shapes, format: ChartFormat { n.number($0, decimals: 1) + "%" },
      percentFormat: ChartFormat { n.number($0, decimals: 1) + "%" }, deficitLabel: w.deficitMarker,
      thresholdLabel: w.threshold, bandLabel: w.bandWithCompensation, pmText: w.pm)
    return "<section id=\"vangnet\"><h2>\(esc(w.vangnet))</h2>"
      + figure(w.deficitPercent, chart)
      + table(
        [
          esc(w.year), esc(w.deficitPercent), esc(w.band), esc(w.compensationRate),
          esc(w.euroSavedWorth),
        ], rows)
      + "<p class=\"note\">\(esc(w.explainAfterVangnet))</p></section>"
  }

  /// Per intervention: cost, yield and effect after the vangnet per year (bars; p.m. marked),
  /// and the worth table with the package.
  static func interventionSection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    let p = r.projection
    let years = p.years.map(\.year)
    var out = "<section id=\"maatregelen\"><h2>\(esc(w.interventions))</h2>"
    for io in p.interventions {
      let series = [
        BarSeries(label: w.cost, values: io.years.map { $0.cost.doubleValue }),
        BarSeries(label: w.yield, values: io.years.map { $0.yield?.doubleValue }),
        BarSeries(
          label: w.effectAfterVangnet, values: io.years.map { $0.effectAfterVangnet?.doubleValue }),
      ]
      out +=
        "<h3>\(esc(io.intervention.name))</h3>"
        + figure(
          "\(w.cost), \(w.yield), \(w.effectAfterVangnet)",
          Chart.bars(
            id: "chart-intervention-\(io.intervention.id)", title: io.intervention.name,
            description: "\(io.intervention.name): \(w.cost), \(w.yield), \(w.effectAfterVangnet) "
              + years.map(String.init).joined(separator: ", "),
            categories: years.map(String.init), series: series, format: ChartFormat { n.euros($0) })
        )
    }
    var rows: [[String]] = []
    func row(_ name: String, _ wv: Worth<Decimal>) -> [String] {
      let pm = wv.yield == nil
      func eur(_ d: Decimal?) -> String { d.map { n.euros($0.doubleValue) } ?? w.pm }
      return [
        esc(name), eur(wv.cost), eur(wv.yield), eur(wv.effectAfterVangnet), eur(wv.netAfterVangnet),
        eur(wv.npv),
        pm ? w.pm : wv.roi.map { n.number($0.doubleValue, decimals: 2) } ?? w.notApplicable,
        pm ? w.pm : wv.payback.map { String(years[$0]) } ?? w.none,
      ]
    }
    for (i, io) in p.interventions.enumerated() {
      rows.append(row(io.intervention.name, p.worth(intervention: i, rate: r.discount.rate)))
    }
    rows.append(row(w.package, p.packageWorth(rate: r.discount.rate)))
    out += table(
      [
        "", esc(w.cost), esc(w.yield), esc(w.effectAfterVangnet), esc(w.netAfterVangnet),
        esc(w.npv), esc(w.roi), esc(w.payback),
      ], rows, totalLast: true)
    out +=
      "<p class=\"note\">\(esc(w.discountRate)): \(n.percent(r.discount.rate.doubleValue, decimals: 2)) (\(esc(r.discount.source))).</p></section>"
    return out
  }

  /// The tornado, the Sobol table and the switching values.
  static func sensitivitySection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    var out = "<section id=\"gevoeligheid\"><h2>\(esc(w.sensitivity))</h2>"
    func name(_ input: SensitivityInput) -> String {
      input.kind == .economy ? w.economy : input.name
    }
    if let a = r.sensitivity {
      let span = "\(r.projection.years.first?.year ?? 0)-\(r.projection.years.last?.year ?? 0)"
      let what = "\(w.quantity(a.quantity)) \(span)"
      out += figure(
        "\(w.sensitivity): \(what)",
        Chart.tornado(
          id: "chart-tornado", title: "\(w.sensitivity): \(what)",
          description: a.tornado.bars.map {
            "\(name($0.input)): \(n.euros($0.low)) – \(n.euros($0.high))"
          }.joined(separator: "; "),
          bars: a.tornado.bars.map { (name($0.input), $0.low, $0.high) },
          base: a.tornado.atMedians, lowLabel: w.atP10, highLabel: w.atP90,
          format: ChartFormat { n.eurosText($0) }, baseLabel: w.base50))
      if let sobol = a.sobol {
        let rows = zip(a.inputs, sobol.indices).map { input, i in
          [
            esc(name(input)), n.number(i.first, decimals: 3),
            "\(n.number(i.firstLow, decimals: 3)) – \(n.number(i.firstHigh, decimals: 3))",
            n.number(i.total, decimals: 3),
            "\(n.number(i.totalLow, decimals: 3)) – \(n.number(i.totalHigh, decimals: 3))",
          ]
        }
        out += table(
          [esc(w.input), esc(w.firstOrder), esc(w.interval), esc(w.totalOrder), esc(w.interval)],
          rows)
        out += "<p class=\"note\">\(esc(w.sensitivityNote(what, sobol.rows)))</p>"
      }
    }
    if !r.switching.isEmpty {
      out += "<h3>\(esc(w.switchingValue))</h3>"
      let rows = r.switching.map { s in
        [
          esc(s.intervention), esc(s.parameter.rawValue),
          s.value.map { n.number($0, decimals: s.parameter == .savingPerSuccess ? 0 : 3) }
            ?? w.none,
          n.number(s.current.doubleValue, decimals: s.parameter == .savingPerSuccess ? 0 : 3),
        ]
      }
      out += table(
        [esc(w.intervention), esc(w.parameter), esc(w.switchingValue), esc(w.current)], rows)
      out += "<p class=\"note\">\(esc(w.switchingNote))</p>"
    }
    return out + "</section>"
  }

  /// Two packages side by side and the distribution of the difference in total cost.
  static func comparisonSection(
    _ c: (comparison: Comparison, base: RunIdentity, variant: RunIdentity), _ w: ReportWords
  ) -> String {
    let n = w.numbers
    let cmp = c.comparison
    var rows: [[String]] = []
    for q in Comparison.horizonQuantities {
      guard let i = cmp.horizon[q] else { continue }
      var cells = [
        esc(w.quantity(q)), n.euros(i.expectedBase.doubleValue),
        n.euros(i.expectedVariant.doubleValue), n.euros(i.expectedDifference.doubleValue),
      ]
      if let s = i.spread {
        cells += [
          n.euros(s.difference.quantile(0.05)!), n.euros(s.difference.quantile(0.5)!),
          n.euros(s.difference.quantile(0.95)!),
        ]
      }
      rows.append(cells)
    }
    var header = [
      "", esc("\(w.base): \(c.base.scenario)"), esc("\(w.variant): \(c.variant.scenario)"),
      esc(w.difference),
    ]
    if cmp.paths > 0 { header += ["p5", "p50", "p95"] }
    var verdict = ""
    if let total = cmp.horizon[.total] {
      let d = total.expectedDifference.doubleValue
      let (cheaper, dearer) = d < 0 ? (c.variant, c.base) : (c.base, c.variant)
      verdict = w.compareVerdict(
        cheaper.scenario, dearer.scenario, n.eurosText(abs(d)),
        cmp.horizonCheaper.map { n.percent($0.probability) })
    }
    return "<section id=\"vergelijking\"><h2>\(esc(w.comparison))</h2>"
      + table(header, rows) + "<p>\(esc(verdict))</p></section>"
  }

  /// Every input with its source and note, the `--set` edits, the run's metadata and the rule
  /// table's entries used, with their sources and confidence.
  static func accountabilitySection(_ r: CouncilReportInput, _ w: ReportWords) -> String {
    let n = w.numbers
    var out = "<section id=\"verantwoording\"><h2>\(esc(w.accountability))</h2>"
    let meta: [(String, String)] = [
      (w.scenario, "\(r.identity.scenario) (\(r.identity.origin))"),
      (w.municipality, r.identity.municipality), (w.sha256, r.identity.sha256),
      (w.seed, String(r.identity.seed)), (w.paths, n.number(Double(r.monteCarlo.summary.paths))),
      (w.engine, "buig \(BuigVersion.current)"), (w.blasCore, r.monteCarlo.blasCore),
      (
        w.discountRate,
        "\(n.percent(r.discount.rate.doubleValue, decimals: 2)) (\(r.discount.source))"
      ),
    ]
    out += "<h3>\(esc(w.metadata))</h3>"
    out += table(["", ""], meta.map { [esc($0.0), "<span class=\"text\">\(esc($0.1))</span>"] })
    // The flow model's ladder of evidence: fitted, the scenario's own, or an assumption.
    out += "<h3>\(esc(w.flowEvidence))</h3>"
    out +=
      "<table class=\"trail\"><thead><tr><th>\(esc(w.inputPath))</th><th>\(esc(w.evidence))</th><th>\(esc(w.source))</th></tr></thead><tbody>"
    for e in r.scenario.flowEvidence {
      let kind =
        switch e.evidence {
        case "fitted": w.fitted
        case "scenario": w.ownValue
        default: w.assumption
        }
      out +=
        "<tr><td><code>flows.\(esc(e.parameter))</code></td><td>\(esc(kind))</td><td>\(esc(e.source ?? ""))</td></tr>"
    }
    out +=
      "<tr><td>\(esc(w.countNoise))</td><td>\(esc(r.scenario.stochastic.flows.countNoise ? w.yes : w.no))</td><td></td></tr></tbody></table>"
    if !r.identity.edits.isEmpty {
      out +=
        "<h3>\(esc(w.setEdits))</h3><ul>"
        + r.identity.edits.map { "<li><code>\(esc($0))</code></li>" }.joined() + "</ul>"
    }
    out +=
      "<h3>\(esc(w.inputPath))</h3><table class=\"trail\"><thead><tr><th>\(esc(w.inputPath))</th><th>\(esc(w.value))</th><th>\(esc(w.source))</th><th>\(esc(w.note))</th></tr></thead><tbody>"
    for t in r.scenario.trail {
      out +=
        "<tr><td><code>\(esc(t.path))</code></td><td>\(esc(t.value))</td><td>\(esc(t.source ?? ""))</td><td>\(esc(t.note ?? ""))</td></tr>"
    }
    out += "</tbody></table>"
    var rules: [[String]] = []
    for y in r.projection.years.map(\.year) {
      guard let rule = r.scenario.rules.years[y] else { continue }
      for regime in rule.vangnet?.regimes ?? [] {
        rules.append([
          String(y), esc("vangnet \(regime.name)"), esc(regime.source),
          esc(regime.confidence.rawValue),
        ])
      }
      if let res = rule.reservation {
        rules.append([
          String(y), "reservation", esc(res.amount.source), esc(res.amount.confidence.rawValue),
        ])
      }
    }
    if !rules.isEmpty {
      out +=
        "<h3>\(esc(w.rulesUsed))</h3>"
        + table([esc(w.year), "", esc(w.source), esc(w.confidence)], rules)
    }
    return out + "</section>"
  }
}
