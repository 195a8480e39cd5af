import BuigCore
import Foundation

/// What the calibration report shows: the data, the fitted parameters, observed against fitted per
/// period, the residual checks, the comparison with the scenario's own levels and the backtest.
public struct CalibrationReportInput: Sendable {
  /// One fitted parameter.
  public struct Parameter: Sendable {
    /// Its name (`workExitLevel`, `inflowPerMonth`, …).
    public var name: String
    /// The estimate.
    public var estimate: Double
    /// Its standard error.
    public var standardError: Double
    /// The scenario's value before the fit (the inflow: the data's mean).
    public var before: Double

    /// A parameter.
    public init(name: String, estimate: Double, standardError: Double, before: Double) {
      self.name = name
      self.estimate = estimate
      self.standardError = standardError
      self.before = before
    }
  }

  /// One count column: observed (nil where the file has none) and fitted per period.
  public struct Column: Sendable {
    /// Its name in the data (`inflow`, `outflowWork`, …).
    public var name: String
    /// Observed counts per period.
    public var observed: [Double?]
    /// Fitted (expected) counts per period.
    public var fitted: [Double]
    /// The Pearson residuals' mean, standard deviation and lag-1 autocorrelation, when computed.
    public var residuals: (mean: Double, sd: Double, lag1: Double)?

    /// A column.
    public init(
      name: String, observed: [Double?], fitted: [Double],
      residuals: (mean: Double, sd: Double, lag1: Double)?
    ) {
      self.name = name
      self.observed = observed
      self.fitted = fitted
      self.residuals = residuals
    }
  }

  /// The backtest: the held-out periods' caseloads with the forecast's quantiles.
  public struct Backtest: Sendable {
    /// The held-out periods' labels.
    public var periods: [String]
    /// Observed caseloads.
    public var observed: [Double]
    /// Quantiles of the forecast per period: p5, p25, p50, p75, p95.
    public var p5: [Double]
    /// p25.
    public var p25: [Double]
    /// p50.
    public var p50: [Double]
    /// p75.
    public var p75: [Double]
    /// p95.
    public var p95: [Double]
    /// Mean absolute percentage error of the median (fraction).
    public var mape: Double
    /// Held-out periods inside p5–p95.
    public var inside90: Int
    /// Held-out periods inside p25–p75.
    public var inside50: Int

    /// A backtest.
    public init(
      periods: [String], observed: [Double], p5: [Double], p25: [Double], p50: [Double],
      p75: [Double], p95: [Double], mape: Double, inside90: Int, inside50: Int
    ) {
      self.periods = periods
      self.observed = observed
      self.p5 = p5
      self.p25 = p25
      self.p50 = p50
      self.p75 = p75
      self.p95 = p95
      self.mape = mape
      self.inside90 = inside90
      self.inside50 = inside50
    }
  }

  /// The data file's name.
  public var dataName: String
  /// Its SHA-256 (hex).
  public var sha256: String
  /// The scenario whose flow model was fitted.
  public var scenario: String
  /// Months per period (1 or 3).
  public var monthsPerPeriod: Int
  /// The fitted periods' labels (from the second period of the file).
  public var periods: [String]
  /// The observed caseload at each period's end.
  public var observedCaseload: [Double]
  /// The caseload one period ahead (previous observed + expected inflow − expected outflow).
  public var fittedCaseload: [Double]
  /// The count columns the fit used.
  public var columns: [Column]
  /// The fitted parameters.
  public var parameters: [Parameter]
  /// Parameters kept at the scenario's value (the data do not identify them), with why.
  public var notIdentified: [(name: String, why: String)]
  /// Pearson's χ²/(n − p).
  public var dispersion: Double
  /// AIC of the fit and of the scenario's levels with only the inflow fitted.
  public var aic: (fitted: Double, scenario: Double)?
  /// The backtest, when asked for.
  public var backtest: Backtest?

  /// An input.
  public init(
    dataName: String, sha256: String, scenario: String, monthsPerPeriod: Int, periods: [String],
    observedCaseload: [Double], fittedCaseload: [Double], columns: [Column],
    parameters: [Parameter], notIdentified: [(name: String, why: String)], dispersion: Double,
    aic: (fitted: Double, scenario: Double)?, backtest: Backtest?
  ) {
    self.dataName = dataName
    self.sha256 = sha256
    self.scenario = scenario
    self.monthsPerPeriod = monthsPerPeriod
    self.periods = periods
    self.observedCaseload = observedCaseload
    self.fittedCaseload = fittedCaseload
    self.columns = columns
    self.parameters = parameters
    self.notIdentified = notIdentified
    self.dispersion = dispersion
    self.aic = aic
    self.backtest = backtest
  }
}

/// The calibration report (`buig calibrate --report FILE.html`): one HTML page in the council
/// report's style, with a chart of the observed caseload against the fit one period ahead and the
/// backtest's bands over the held-out periods, and the tables behind it.
public enum CalibrationReport {
  /// The page.
  public static func html(_ r: CalibrationReportInput, language: ReportLanguage) -> String {
    let nl = language == .nl
    func t(_ dutch: String, _ english: String) -> String { nl ? dutch : english }
    let n = language.words.numbers
    let esc = CouncilReport.esc
    let unit = r.monthsPerPeriod == 1 ? t("maanden", "months") : t("kwartalen", "quarters")
    let title = t("Kalibratie van het stromenmodel", "Calibration of the flow model")
    var body: [String] = []
    body.append("<header><h1>\(esc(title))</h1>")
    body.append(
      "<p class=\"meta\">\(esc(t("Gegevens", "Data"))) <code>\(esc(r.dataName))</code> (SHA-256 <code>\(esc(r.sha256))</code>) · \(esc(t("scenario", "scenario"))) <code>\(esc(r.scenario))</code> · \(r.periods.count) \(esc(unit)) (\(esc(r.periods.first ?? ""))–\(esc(r.periods.last ?? ""))) · \(esc(language.words.generated(BuigVersion.current)))</p></header>"
    )

    // The chart: observed, fitted one period ahead, the backtest's bands; and the backtest's
    // periods (with as many before them) close up.
    let count = r.periods.count
    func fan(_ range: Range<Int>, id: String, title: String) -> String {
      var q = [[Double]](repeating: [Double](repeating: .nan, count: count), count: 5)
      var lines: [ChartLine] = []
      if let b = r.backtest {
        let offset = count - b.periods.count
        for k in b.periods.indices where offset + k >= 0 {
          for (i, series) in [b.p5, b.p25, b.p50, b.p75, b.p95].enumerated() {
            q[i][offset + k] = series[k]
          }
        }
        lines.append(
          ChartLine(
            label: t("backtest: mediaan", "backtest: median"), values: Array(q[2][range])))
      }
      let labels = Array(r.periods[range])
      // A label on each January (or first quarter) and on the first period; every label when
      // there are few.
      let axis =
        labels.count <= 12
        ? nil
        : Set(
          labels.indices.filter {
            $0 == 0 || labels[$0].hasSuffix("-01") || labels[$0].hasSuffix("-Q1")
          })
      return Chart.fan(
        id: id, title: title,
        description: t(
          "Huishoudens in de bijstand aan het eind van elke periode, waargenomen en volgens het gefitte model vanuit de vorige periode",
          "Households on benefit at each period's end, observed and by the fitted model from the period before"
        )
          + (r.backtest.map {
            t(
              "; de band van de backtest over de laatste \($0.periods.count)",
              "; the backtest's band over the last \($0.periods.count)")
          } ?? ""),
        labels: labels, axis: axis, p5: Array(q[0][range]), p25: Array(q[1][range]),
        p50: Array(r.observedCaseload[range]), p75: Array(q[3][range]), p95: Array(q[4][range]),
        expected: Array(r.fittedCaseload[range]), lines: lines,
        format: ChartFormat { n.number($0) },
        legend: FanLegend(
          band90: "backtest p5–p95", band50: "backtest p25–p75",
          median: t("waargenomen", "observed"),
          expected: t("gefit, één periode vooruit", "fitted, one period ahead")))
    }
    let chartTitle = t(
      "Bijstandsvolume: waargenomen en gefit (één periode vooruit)",
      "Caseload: observed and fitted (one period ahead)")
    var figures = CouncilReport.figure(
      chartTitle, fan(0..<count, id: "chart-calibration", title: chartTitle))
    if let b = r.backtest {
      let from = max(0, count - 2 * b.periods.count)
      let closeUp = t(
        "Backtest: de laatste \(b.periods.count) \(unit) voorspeld vanuit de fit op de periodes ervoor",
        "Backtest: the last \(b.periods.count) \(unit) forecast from the fit on the periods before")
      figures += CouncilReport.figure(
        closeUp, fan(from..<count, id: "chart-backtest", title: closeUp))
    }
    body.append(
      "<section id=\"fit\"><h2>\(esc(t("Waargenomen en gefit", "Observed and fitted")))</h2>"
        + figures + "</section>")

    // Parameters.
    var rows = r.parameters.map { p in
      [
        "<code>\(esc(p.name))</code>", n.number(p.estimate, decimals: decimals(p.estimate)),
        n.number(p.standardError, decimals: decimals(p.standardError)),
        n.number(p.before, decimals: decimals(p.before)),
      ]
    }
    rows += r.notIdentified.map { ["<code>\(esc($0.name))</code>", "–", "–", esc($0.why)] }
    var parameters =
      "<section id=\"parameters\"><h2>\(esc(t("Geschatte parameters", "Fitted parameters")))</h2>"
      + CouncilReport.table(
        [
          t("parameter", "parameter"), t("schatting", "estimate"),
          t("standaardfout", "standard error"), t("scenario vooraf", "scenario before"),
        ], rows)
    parameters +=
      "<p class=\"note\">\(esc(t("Poisson-maximum-likelihood op de tellingen per periode, gegeven de verwachte stromen vanuit de voorraad van de vorige periode; standaardfouten uit de waargenomen informatie, vergroot met de dispersie waar die boven 1 ligt. Dispersie", "Poisson maximum likelihood on each period's counts given the expected flows from the previous period's stock; standard errors from the observed information, widened by the dispersion where above 1. Dispersion"))) \(n.number(r.dispersion, decimals: 3)).</p>"
    if let aic = r.aic {
      parameters +=
        "<p class=\"note\">AIC \(esc(t("van de fit", "of the fit"))) \(n.number(aic.fitted, decimals: 1)) \(esc(t("tegen", "against"))) \(n.number(aic.scenario, decimals: 1)) \(esc(t("met de niveaus van het scenario (alleen de instroom gefit); lager past beter", "with the scenario's levels (only the inflow fitted); lower fits better"))).</p>"
    }
    body.append(parameters + "</section>")

    // Residual checks.
    let checked = r.columns.compactMap { c in c.residuals.map { (c.name, $0) } }
    if !checked.isEmpty {
      body.append(
        "<section id=\"residuals\"><h2>\(esc(t("Residuen", "Residuals")))</h2>"
          + CouncilReport.table(
            [t("kolom", "column"), t("gemiddelde", "mean"), "sd", "lag 1"],
            checked.map {
              [
                "<code>\(esc($0.0))</code>", n.number($0.1.mean, decimals: 2),
                n.number($0.1.sd, decimals: 2), n.number($0.1.lag1, decimals: 2),
              ]
            })
          + "<p class=\"note\">\(esc(t("Pearson-residuen (y − μ)/√μ: bij een passend model rond 0, 1 en 0; een grote lag-1-correlatie wijst op een gemiste trend of een seizoen.", "Pearson residuals (y − μ)/√μ: for a model that fits, about 0, 1 and 0; a large lag-1 correlation says the model misses a trend or a season.")))</p></section>"
      )
    }

    // Backtest.
    if let b = r.backtest {
      body.append(
        "<section id=\"backtest\"><h2>Backtest</h2><p>\(esc(verdict(b, language: language, unit: unit)))</p>"
          + CouncilReport.table(
            [
              t("periode", "period"), t("waargenomen", "observed"), "p5", "p25", "p50", "p75",
              "p95",
            ],
            b.periods.indices.map { k in
              [esc(b.periods[k])]
                + [b.observed[k], b.p5[k], b.p25[k], b.p50[k], b.p75[k], b.p95[k]]
                .map { n.number($0) }
            }) + "</section>")
    }

    // Observed against fitted per period.
    var header = [t("periode", "period"), t("volume", "caseload"), t("gefit", "fitted")]
    for c in r.columns { header += [esc(c.name), t("gefit", "fitted")] }
    let table = r.periods.indices.map { k in
      [
        esc(r.periods[k]), n.number(r.observedCaseload[k]),
        n.number(r.fittedCaseload[k], decimals: 1),
      ]
        + r.columns.flatMap { c in
          [c.observed[k].map { n.number($0) } ?? "–", n.number(c.fitted[k], decimals: 1)]
        }
    }
    body.append(
      "<section id=\"periods\"><h2>\(esc(t("Per periode", "Per period")))</h2>"
        + CouncilReport.table(header, table) + "</section>")

    return "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\">"
      + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      + "<title>\(esc(title))</title><style>\(CouncilReport.styleSheet)</style></head><body>\n"
      + body.joined(separator: "\n") + "\n</body></html>\n"
  }

  /// The backtest in words: the error, the coverage, and whether the bands are too narrow
  /// (fewer than 80% of the periods inside the 90% band); `unit` names the periods.
  static func verdict(
    _ b: CalibrationReportInput.Backtest, language: ReportLanguage, unit: String
  ) -> String {
    func t(_ dutch: String, _ english: String) -> String { language == .nl ? dutch : english }
    let n = language.words.numbers
    let k = b.periods.count
    var text = t(
      "De laatste \(k) \(unit) voorspeld vanuit de fit op de periodes ervoor: gemiddelde absolute procentuele fout van de mediaan \(n.percent(b.mape, decimals: 2)); de 90%-band (p5–p95) bevat \(b.inside90) van de \(k), de 50%-band (p25–p75) \(b.inside50) van de \(k)",
      "The last \(k) \(unit) forecast from the fit on the periods before: mean absolute percentage error of the median \(n.percent(b.mape, decimals: 2)); the 90% band (p5–p95) holds \(b.inside90) of \(k), the 50% band (p25–p75) \(b.inside50) of \(k)"
    )
    if Double(b.inside90) < 0.8 * Double(k) {
      text += t(
        ": het model is te zeker, de banden zijn smaller dan de bewegingen in deze gegevens.",
        ": overconfident, the bands are narrower than these data's movements.")
    } else if k < 10 {
      text += t(
        " (bij minder dan 10 periodes zegt de dekking weinig).",
        " (with fewer than 10 periods the coverage says little).")
    } else {
      text += "."
    }
    return text
  }

  /// Decimals that show a parameter to about four significant digits.
  static func decimals(_ v: Double) -> Int {
    guard v != 0, v.isFinite else { return 0 }
    return max(0, min(8, 3 - Int(floor(log10(abs(v))))))
  }
}
