import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation

/// `buig calibrate`: the flow model's levels fitted to a municipality's observed flows.
struct CalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract: "Fit the flow model to observed caseload and flows (a CSV of months or quarters).",
    discussion: """
      DATA.csv (docs/calibration-data.md): period, caseload, inflow and, where known, \
      outflowWork, outflowSchool, outflowOther (or outflow). The fit: Poisson maximum likelihood \
      of each period's counts given the model's expected flows from the previous stock, with \
      standard errors and correlations from the observed information (quasi-Poisson when the \
      counts are overdispersed). --output writes a scenario fragment: the fitted flows with the \
      data file's name and SHA-256 as their source, uncertainty and correlation entries for the \
      Monte Carlo, and the fit itself (estimates, standard errors, observed against fitted). \
      --write-scenario writes the scenario with the fragment merged in.
      """)

  @Argument(help: ArgumentHelp("Observed periods (CSV).", valueName: "DATA.csv"))
  var data: String

  @Option(help: ArgumentHelp("The scenario whose flow model is fitted.", valueName: "FILE"))
  var scenario: String

  @Option(
    help: ArgumentHelp("Write the fitted fragment (JSON) to this file.", valueName: "PATH"))
  var output: String

  @Option(
    name: .customLong("write-scenario"),
    help: ArgumentHelp(
      "Also write the scenario with the fitted fragment merged in.", valueName: "PATH"))
  var writeScenario: String?

  @Option(
    help: ArgumentHelp(
      "Also write the calibration report (HTML): observed against fitted per period in a chart and tables, the parameters, the residual checks and the backtest.",
      valueName: "PATH"))
  var report: String?

  @Option(help: "The report's language: nl or en.")
  var lang: ReportLanguage = .nl

  @Option(
    help: ArgumentHelp(
      "Fit on all but the last K periods, forecast those K from that fit (parameter uncertainty and count noise, 1,000 draws under the scenario's seed) and report the forecast error and the bands' coverage.",
      valueName: "K"))
  var holdout: Int?

  @OptionGroup var rules: RuleOptions

  func validate() throws {
    if let holdout, holdout < 1 {
      throw ValidationError("--holdout: expected at least 1 period to hold out, found \(holdout)")
    }
  }

  func run() throws {
    try checkWritable(output, command: "calibrate")
    if let writeScenario { try checkWritable(writeScenario, command: "calibrate") }
    if let report { try checkWritable(report, command: "calibrate") }
    let bytes = try readFile(data, command: "calibrate")
    let name = URL(fileURLWithPath: data).lastPathComponent
    let observed: ObservedData
    do {
      observed = try ObservedData.read(bytes, name: name)
    } catch {
      throw InputFailure(command: "calibrate", error.issues.map(\.description))
    }
    if let holdout, holdout > observed.periods.count - 3 {
      throw InputFailure(
        command: "calibrate",
        [
          "--holdout: expected at most \(max(0, observed.periods.count - 3)) periods (the fit keeps the starting stock and at least two periods of \(observed.periods.count)), found \(holdout)"
        ])
    }
    let table = try rules.table(command: "calibrate")
    let loaded = try loadScenario(scenario, command: "calibrate", rules: table)
    let flows = loaded.scenario.stochastic.flows
    let calibration = FlowFit(flows: flows, data: observed.calibrationData)
    var fit: FlowFit.Fit
    var durationUnidentified = false
    do {
      do {
        fit = try calibration.fit()
      } catch .notIdentified where calibration.identifiable.contains(.durationFall) {
        // The duration columns may not move enough to tell the fall from the level.
        fit = try calibration.fit(calibration.identifiable.filter { $0 != .durationFall })
        durationUnidentified = true
      }
    } catch {
      throw InputFailure(command: "calibrate", ["\(name): \(error.description)"])
    }
    // The inflow's seasonal factors, from 36 months on: kept when they lower the AIC.
    var season = SeasonTest(tested: calibration.seasonIdentified)
    if calibration.seasonIdentified {
      season.aicWithout = fit.aic
      if let seasonal = try? calibration.fit(fit.parameters + FlowFit.Parameter.season) {
        season.aicWith = seasonal.aic
        if seasonal.aic < fit.aic {
          fit = seasonal
          season.kept = true
        }
      }
    }
    var backtest: Backtest?
    if let holdout {
      var training = observed.calibrationData
      training.periods.removeLast(holdout)
      let trainingFit = FlowFit(flows: flows, data: training)
      let fitted: FlowFit.Fit
      do {
        fitted = try trainingFit.fit(fit.parameters)
      } catch {
        throw InputFailure(
          command: "calibrate", ["\(name): --holdout \(holdout): \(error.description)"])
      }
      let bands = trainingFit.forecast(
        fitted, periods: holdout, draws: 1_000, seed: loaded.scenario.seed)
      backtest = Backtest(
        periods: observed.periods.suffix(holdout).map { ($0.label, $0.counts.caseload) },
        bands: bands, seed: loaded.scenario.seed)
    }
    // The default model on the same data: the scenario's levels, only the inflow fitted (the
    // scenario has no inflow level of its own; a run calibrates it to the caseload).
    let baseline = try? calibration.fit([.inflowPerMonth])
    let fragment = CalibrationFragment(
      fit: fit, calibration: calibration, flows: flows, data: observed, backtest: backtest,
      baseline: baseline, horizon: loaded.scenario.input.years, season: season,
      durationUnidentified: durationUnidentified)
    try write(JSONWriter.write(fragment.json), to: output, command: "calibrate")
    if let report {
      try write(
        CalibrationReport.html(fragment.reportInput(scenario: loaded.origin), language: lang),
        to: report, command: "calibrate")
    }
    var summary = fit.parameters.enumerated().filter { $0.element.month == nil }.map { i, p in
      "  \(p.rawValue): \(String(format: "%.6g", fit.estimates[i])) (standard error \(String(format: "%.3g", fit.standardErrors[i])); \(p == .inflowPerMonth ? "the data's mean" : "the scenario's") \(String(format: "%.6g", calibration.start(p))))"
    }
    summary.insert(
      "buig calibrate: \(observed.periods.count - 1) \(observed.monthsPerPeriod == 1 ? "months" : "quarters") of \(name), \(fit.observations) counts, dispersion \(String(format: "%.3g", fit.dispersion)); written to \(output)",
      at: 0)
    if let baseline {
      summary.append(
        "  against the scenario's levels (only the inflow fitted): log-likelihood \(String(format: "%.1f", fit.logLikelihood)) against \(String(format: "%.1f", baseline.logLikelihood)), AIC \(String(format: "%.1f", fit.aic)) against \(String(format: "%.1f", baseline.aic))"
      )
    }
    summary.append("  " + season.text)
    if let backtest { summary.append("  backtest: " + backtest.verdict) }
    let overlap = observed.fullYears.filter { loaded.scenario.input.years.contains($0.year) }
    if !overlap.isEmpty {
      summary.append(
        "  the data covers \(overlap.map { "\($0.year) (mean caseload \(String(format: "%.0f", $0.caseload)))" }.joined(separator: ", ")) of the horizon in full: mark them realised with their budget and spending from the accounts (the scenario's realised block)"
      )
    }
    emit(summary.joined(separator: "\n") + "\n")
    if let writeScenario {
      let merged = try fragment.merged(into: loaded.bytes, origin: loaded.origin)
      do {
        _ = try Scenario.decode(Array(merged.utf8), origin: writeScenario, rules: table)
      } catch {
        throw InputFailure(
          command: "calibrate",
          ["the merged scenario does not read back:"] + error.issues.map(\.description))
      }
      try write(merged, to: writeScenario, command: "calibrate")
    }
  }
}

extension ObservedData {
  /// The calendar years the data covers in full (12 months or 4 quarters), each with the mean of
  /// its period-end caseloads (households; the annual average a realised year states).
  var fullYears: [(year: Int, caseload: Double)] {
    let byYear = Dictionary(grouping: periods) { $0.index / 12 }
    return byYear.keys.sorted().compactMap { year in
      let list = byYear[year]!
      guard list.count * monthsPerPeriod == 12 else { return nil }
      return (year, list.map(\.counts.caseload).reduce(0, +) / Double(list.count))
    }
  }

  /// The periods as the fit reads them.
  var calibrationData: CalibrationData {
    CalibrationData(
      monthsPerPeriod: monthsPerPeriod,
      periods: periods.map {
        // The total outflow counts only where the file has no split.
        var counts = $0.counts
        if counts.outflowWork != nil || counts.outflowOther != nil { counts.outflow = nil }
        return counts
      }, startMonth: ((periods.first?.index ?? 0) + monthsPerPeriod) % 12)
  }
}

/// The scenario fragment `buig calibrate` writes: `flows` with the fitted values, `uncertainty`
/// and `correlation` for the Monte Carlo, and `calibration` with the fit.
struct CalibrationFragment {
  let fit: FlowFit.Fit
  let calibration: FlowFit
  let flows: FlowParameters
  let data: ObservedData
  let backtest: Backtest?
  let baseline: FlowFit.Fit?
  /// The scenario's horizon years.
  let horizon: [Int]
  /// Whether the seasonal factors were tried and kept.
  let season: SeasonTest
  /// Whether the file's duration columns failed to identify the fall of exits with duration.
  let durationUnidentified: Bool

  /// Six significant digits, as text a JSON number keeps.
  static func number(_ v: Double) -> JSONValue { .number(String(format: "%.6g", v)) }

  var source: String { "\(data.name) (sha256 \(data.sha256))" }

  func note(_ p: FlowFit.Parameter) -> String {
    let i = fit.parameters.firstIndex(of: p)!
    return
      "Fitted by buig calibrate: \(String(format: "%.6g", fit.estimates[i])) (standard error \(String(format: "%.3g", fit.standardErrors[i]))), Poisson maximum likelihood on \(fit.observations) counts of \(data.periods.count - 1) \(data.monthsPerPeriod == 1 ? "months" : "quarters") (\(data.periods[1].label) to \(data.periods.last!.label)); dispersion \(String(format: "%.3g", fit.dispersion))."
  }

  /// Parameters the Monte Carlo draws (as multipliers with their fitted uncertainty).
  static let drawn: [(FlowFit.Parameter, String)] = [
    (.workExitLevel, "workExitRate"), (.inflowPerMonth, "inflow"),
    (.exitOtherPerMonth, "exitOtherRate"), (.returnFromWorkPerMonth, "returnFromWorkRate"),
    (.ladderLevel, "ladderProgression"),
  ]

  /// The flow model's parts this calibration does not fit, kept at the scenario's values, with
  /// why: the duration fall and the ladder's pace when the file lacks the stocks they need (or
  /// its bands do not identify the fall), the response to the economy without a moving
  /// unemployment rate (and the exits' response always), and the economy's persistence and
  /// spread, which need a longer series than a municipality's months.
  var notFittedYet: [(name: String, why: String)] {
    let years = Double(data.periods.count * data.monthsPerPeriod) / 12
    var out: [(name: String, why: String)] = []
    if durationUnidentified {
      out.append(
        (
          "durationFactor",
          "the stock by duration band does not move enough to tell the fall of exits with duration from their level (the observed information is singular): kept"
        ))
    } else if fit.estimate(.durationFall) == nil {
      let bands = data.periods.dropFirst().contains { $0.counts.durationBands != nil }
      out.append(
        (
          "durationFactor",
          bands
            ? "the fall of exits with duration needs the exits to work (outflowWork) beside the stock by duration band"
            : "the fall of exits with duration needs the stock by duration band (durationLt1 … durationGt5, all four in a row): the file has none"
        ))
    }
    if fit.estimate(.ladderLevel) == nil {
      out.append(
        (
          "ladderUpPerMonth, ladderDownPerMonth",
          "the ladder's pace needs the stock by rung (rung1 … rung7, all seven in a row): the file has none"
        ))
    }
    return out + [
      fit.estimate(.inflowPerUnemploymentPoint) == nil
        ? (
          "inflowSources[].economyElasticity, economy.workExitElasticity",
          "the flows' response to the economy is not fitted: it needs unemploymentRate in 12 or more periods, and moving: "
            + (data.periods.contains { $0.unemploymentRate != nil }
              ? "the file's column has too few periods or does not move" : "the file has none")
        )
        : (
          "inflowSources[].economyElasticity, economy.workExitElasticity",
          "the inflow's response to unemployment is fitted (calibration.economyResponse) but not written into flows: the engine's conjunctuur index counts in its own yearly innovations, not in points of unemployment; the exits' response is not fitted"
        ),
      (
        "economy.persistence, economy.innovationSD",
        "the data span \(String(format: "%.1f", years)) years; the economy's yearly persistence and spread need a yearly series of 20 years or more, so the defaults (flows.json) are kept"
      ),
    ]
  }

  /// The inflow's response to unemployment, when fitted: the factor per percentage point, its
  /// standard error, the data's mean rate, and how to carry it into a scenario.
  var economyResponse: JSONValue {
    guard let i = fit.parameters.firstIndex(of: .inflowPerUnemploymentPoint) else { return .null }
    let factor = fit.estimates[i]
    return .object([
      ("factorPerPoint", Self.number(factor)),
      ("standardError", Self.number(fit.standardErrors[i])),
      ("meanUnemploymentRate", Self.number(calibration.meanUnemployment)),
      (
        "note",
        .string(
          "New households × \(String(format: "%.4g", factor)) per percentage point of unemployment above the data's mean of \(String(format: "%.3g", calibration.meanUnemployment))%. Not written into flows: the engine's conjunctuur index counts in its own yearly innovations, not in points of unemployment. To use it, set flows.inflowSources[].economyElasticity so that their share-weighted mean is \(String(format: "%.4g", factor - 1)) × the points of unemployment one unit of the index stands for."
        )
      ),
    ])
  }

  /// The calibration report's input.
  func reportInput(scenario: String) -> CalibrationReportInput {
    let checks = Dictionary(uniqueKeysWithValues: residualStatistics.map { ($0.column, $0) })
    let notFitted = FlowFit.Parameter.allCases.filter {
      !fit.parameters.contains($0) && $0.month == nil
    }
    return CalibrationReportInput(
      dataName: data.name, sha256: data.sha256, scenario: scenario,
      monthsPerPeriod: data.monthsPerPeriod, periods: data.periods.dropFirst().map(\.label),
      observedCaseload: fit.fitted.map { $0["caseload"]!.observed ?? .nan },
      fittedCaseload: fit.fitted.map { $0["caseload"]!.fitted },
      columns: calibration.columns.map { FlowFit.countColumns[$0] }.map { c in
        CalibrationReportInput.Column(
          name: c, observed: fit.fitted.map { $0[c]?.observed },
          fitted: fit.fitted.map { $0[c]?.fitted ?? .nan },
          residuals: checks[c].map { ($0.mean, $0.sd, $0.lag1) })
      },
      parameters: fit.parameters.enumerated().map { i, p in
        CalibrationReportInput.Parameter(
          name: p.rawValue, estimate: fit.estimates[i], standardError: fit.standardErrors[i],
          before: calibration.start(p))
      },
      notIdentified: notFitted.map { ($0.rawValue, "the data has no column that counts it") }
        + notFittedYet,
      dispersion: fit.dispersion,
      aic: baseline.map {
        (
          fit.aic,
          $0.aic
        )
      },
      backtest: backtest.map { b in
        func q(_ level: Double) -> [Double] { b.periods.indices.map { b.quantile($0, level) } }
        return CalibrationReportInput.Backtest(
          periods: b.periods.map(\.label), observed: b.periods.map(\.observed), p5: q(0.05),
          p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95), mape: b.mape,
          inside90: b.inside90, inside50: b.inside50)
      })
  }

  /// Per count column the fit uses: the Pearson residuals' mean, standard deviation and lag-1
  /// autocorrelation.
  var residualStatistics: [(column: String, mean: Double, sd: Double, lag1: Double)] {
    calibration.columns.filter { $0 < FlowFit.stockColumns }.map { FlowFit.countColumns[$0] }
      .compactMap { c in
        let r = fit.fitted.compactMap { row -> Double? in
          guard let v = row[c], let y = v.observed, v.fitted > 0 else { return nil }
          return (y - v.fitted) / v.fitted.squareRoot()
        }
        guard r.count > 2 else { return nil }
        let mean = r.reduce(0, +) / Double(r.count)
        let variance = r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(r.count - 1)
        let lag1 =
          zip(r.dropFirst(), r).map { ($0 - mean) * ($1 - mean) }.reduce(0, +)
          / (variance * Double(r.count - 1))
        return (c, mean, variance.squareRoot(), lag1)
      }
  }

  /// Per count column the fit uses: the Pearson residuals' mean, standard deviation and lag-1
  /// autocorrelation ((y − μ)/√μ; for a model that fits, about 0, 1 and 0; a large lag-1
  /// correlation says the model misses a trend or a season).
  var residuals: [(key: String, value: JSONValue)] {
    residualStatistics.map {
      (
        $0.column,
        .object([
          ("mean", Self.number($0.mean)), ("sd", Self.number($0.sd)),
          ("lag1", Self.number($0.lag1)),
        ])
      )
    }
  }

  var json: JSONValue {
    var flowMembers: [(key: String, value: JSONValue)] = []
    func sourced(_ value: JSONValue, _ p: FlowFit.Parameter) -> JSONValue {
      .object([("value", value), ("source", .string(source)), ("note", .string(note(p)))])
    }
    if let a = fit.estimate(.workExitLevel) {
      flowMembers.append(
        (
          "exitToWorkPerMonth",
          sourced(
            .array(flows.exitToWorkPerMonth.map { Self.number(min(1, $0 * a)) }), .workExitLevel)
        ))
    }
    if let b = fit.estimate(.schoolExitLevel) {
      flowMembers.append(
        (
          "exitToSchoolPerMonth",
          sourced(
            .array(flows.exitToSchoolPerMonth.map { Self.number(min(1, $0 * b)) }), .schoolExitLevel
          )
        ))
    }
    if let level = fit.estimate(.ladderLevel) {
      for key in ["ladderUpPerMonth", "ladderDownPerMonth"] {
        let base = key == "ladderUpPerMonth" ? flows.ladderUpPerMonth : flows.ladderDownPerMonth
        flowMembers.append(
          (key, sourced(.array(base.map { Self.number(min(1, $0 * level)) }), .ladderLevel)))
      }
    }
    if let g = fit.estimate(.durationFall) {
      flowMembers.append(
        (
          "durationFactor",
          sourced(
            .array(flows.durationFactor.map { Self.number(min(10, pow($0, g))) }), .durationFall)
        ))
    }
    if let e = fit.estimate(.exitOtherPerMonth) {
      flowMembers.append(("exitOtherPerMonth", sourced(Self.number(e), .exitOtherPerMonth)))
    }
    if season.kept {
      let factors = calibration.seasonality(fit)
      flowMembers.append(
        (
          "inflowSeasonality",
          .object([
            ("value", .array(factors.map(Self.number))), ("source", .string(source)),
            (
              "note",
              .string(
                "Fitted by buig calibrate: the inflow's factors January to December (mean 1), kept as they lower the AIC (\(String(format: "%.1f", season.aicWith ?? .nan)) against \(String(format: "%.1f", season.aicWithout ?? .nan)) without); Poisson maximum likelihood on \(fit.observations) counts of \(data.periods.count - 1) months. Not drawn in the Monte Carlo."
              )
            ),
          ])
        ))
    }
    if let r = fit.estimate(.returnFromWorkPerMonth) {
      flowMembers.append(
        ("returnFromWorkPerMonth", sourced(Self.number(r), .returnFromWorkPerMonth)))
    }
    // The backtest forecasts with count noise, so the runs of the fitted model draw it too.
    flowMembers.append(("countNoise", .bool(true)))
    var uncertainty: [JSONValue] = []
    var drawnIndices: [Int] = []
    for (p, target) in Self.drawn {
      guard let i = fit.parameters.firstIndex(of: p) else { continue }
      drawnIndices.append(i)
      uncertainty.append(
        .object([
          ("target", .string(target)),
          (
            "distribution",
            .object([
              ("kind", .string("normal")), ("mean", .int(1)),
              ("sd", Self.number(fit.standardErrors[i] / fit.estimates[i])),
            ])
          ),
          ("source", .string(source)),
          (
            "note",
            .string(
              "The fitted \(p.rawValue)'s relative standard error, as a multiplier around the fitted value. "
                + note(p))
          ),
        ]))
    }
    let n = fit.parameters.count
    let corr = fit.correlation
    var members: [(key: String, value: JSONValue)] = [("flows", .object(flowMembers))]
    members.append(("uncertainty", .array(uncertainty)))
    if drawnIndices.count >= 2 {
      let targets = Self.drawn.filter { fit.parameters.contains($0.0) }.map(\.1)
      members.append(
        (
          "correlation",
          .object([
            ("targets", .array(targets.map { .string($0) })),
            (
              "matrix",
              .array(
                drawnIndices.map { i in
                  .array(drawnIndices.map { j in i == j ? .int(1) : Self.number(corr[i * n + j]) })
                })
            ),
            (
              "note",
              .string(
                "The fit's correlation of the estimates (observed information). Source: \(source).")
            ),
          ])
        ))
    }
    // The fit itself.
    let notFitted = FlowFit.Parameter.allCases.filter {
      !fit.parameters.contains($0) && $0.month == nil
    }
    var table: [JSONValue] = []
    for (k, row) in fit.fitted.enumerated() {
      var cells: [(key: String, value: JSONValue)] = [
        ("period", .string(data.periods[k + 1].label))
      ]
      for c in ["caseload"] + FlowFit.countColumns {
        guard let v = row[c] else { continue }
        cells.append(
          (
            c,
            .object([
              ("observed", v.observed.map(Self.number) ?? .null), ("fitted", Self.number(v.fitted)),
            ])
          ))
      }
      table.append(.object(cells))
    }
    members.append(
      (
        "calibration",
        .object([
          (
            "data",
            .object([
              ("name", .string(data.name)), ("sha256", .string(data.sha256)),
              ("periods", .int(data.periods.count)),
              ("monthsPerPeriod", .int(data.monthsPerPeriod)),
            ])
          ),
          (
            "model",
            .string(
              "Poisson counts per period given the model's expected flows from the previous stock (scaled to the observed caseload at each period's end); maximum likelihood over log θ by Newton steps; covariance from the observed information (LAPACK dpotrf/dpotri), by the delta method, scaled by the dispersion when it is above 1 (quasi-Poisson)"
            )
          ),
          ("dispersion", Self.number(fit.dispersion)),
          ("logLikelihood", Self.number(fit.logLikelihood)),
          (
            "parameters",
            .array(
              fit.parameters.enumerated().map { i, p in
                .object([
                  ("name", .string(p.rawValue)), ("estimate", Self.number(fit.estimates[i])),
                  ("standardError", Self.number(fit.standardErrors[i])),
                  ("default", Self.number(calibration.start(p))),
                ])
              })
          ),
          (
            "correlation",
            .array((0..<n).map { i in .array((0..<n).map { j in Self.number(corr[i * n + j]) }) })
          ),
          (
            "notIdentified",
            .array(
              notFitted.map {
                .object([
                  ("name", .string($0.rawValue)), ("kept", Self.number(calibration.start($0))),
                  ("why", .string("the data has no column that counts it")),
                ])
              })
          ),
          (
            "notFitted",
            .array(
              notFittedYet.map {
                .object([("name", .string($0.name)), ("why", .string($0.why))])
              })
          ),
          ("fit", .array(table)),
          ("residuals", .object(residuals)),
          (
            "defaultModel",
            baseline.map { b in
              .object([
                ("parameters", .array(b.parameters.map { .string($0.rawValue) })),
                ("logLikelihood", Self.number(b.logLikelihood)),
                ("aic", Self.number(b.aic)),
                (
                  "fittedAic", Self.number(fit.aic)
                ),
                (
                  "note",
                  .string(
                    "The scenario's flow levels with only the inflow fitted, on the same counts; the lower AIC (2·parameters − 2·log-likelihood) fits better for its size."
                  )
                ),
              ])
            } ?? .null
          ),
          ("backtest", backtest?.json ?? .null),
          ("seasonality", season.json(factors: season.kept ? calibration.seasonality(fit) : nil)),
          ("economyResponse", economyResponse),
          (
            "observedYears",
            .array(
              data.fullYears.map {
                .object([
                  ("year", .int($0.year)), ("caseload", Self.number($0.caseload)),
                  ("inHorizon", .bool(horizon.contains($0.year))),
                ])
              })
          ),
          (
            "observedYearsNote",
            .string(
              "Calendar years the data covers in full, with the mean of their period-end caseloads. A year of the horizon among them can be marked realised (the scenario's realised block), with its budget and spending from the accounts, which these data do not hold; the fit does not mark them."
            )
          ),
        ])
      ))
    return .object(members)
  }

  /// The scenario document with the fragment's flows, uncertainty and correlation merged in.
  func merged(into bytes: [UInt8], origin: String) throws -> String {
    guard case .object(var doc) = try? JSONParser.parse(bytes),
      case .object(let fragment) = json
    else {
      throw InputFailure(command: "calibrate", ["\(origin): expected a scenario JSON object"])
    }
    func member(_ key: String, in members: [(key: String, value: JSONValue)]) -> JSONValue? {
      members.first { $0.key == key }?.value
    }
    func set(_ key: String, _ value: JSONValue, in members: inout [(key: String, value: JSONValue)])
    {
      if let i = members.firstIndex(where: { $0.key == key }) {
        members[i].value = value
      } else {
        members.append((key, value))
      }
    }
    // flows: the fitted members replace the scenario's.
    var flowMembers: [(key: String, value: JSONValue)] = []
    if case .object(let f)? = member("flows", in: doc) { flowMembers = f }
    if case .object(let fitted)? = member("flows", in: fragment) {
      for m in fitted { set(m.key, m.value, in: &flowMembers) }
    }
    set("flows", .object(flowMembers), in: &doc)
    // uncertainty: the fitted targets replace the scenario's entries for them.
    var entries: [JSONValue] = []
    if case .array(let u)? = member("uncertainty", in: doc) { entries = u }
    if case .array(let fitted)? = member("uncertainty", in: fragment) {
      let targets = Set(
        fitted.compactMap { if case .string(let t)? = $0["target"] { t } else { nil } })
      entries =
        entries.filter {
          if case .string(let t)? = $0["target"] { !targets.contains(t) } else { true }
        } + fitted
    }
    set("uncertainty", .array(entries), in: &doc)
    // correlation: the scenario's targets and the fitted ones, the scenario's entries kept, the
    // fitted pair's entry set, the rest 0 (the merged scenario is read back, so a matrix that
    // is no longer positive definite is reported, not used).
    if case .object(let fitted)? = member("correlation", in: fragment),
      case .array(let fittedTargets)? = member("targets", in: fitted),
      case .array(let fittedRows)? = member("matrix", in: fitted)
    {
      var c: [(key: String, value: JSONValue)] = []
      var names: [String] = []
      var rows: [[JSONValue]] = []
      if case .object(let existing)? = member("correlation", in: doc),
        case .array(let targets)? = member("targets", in: existing),
        case .array(let matrix)? = member("matrix", in: existing)
      {
        c = existing
        names = targets.compactMap { if case .string(let t) = $0 { t } else { nil } }
        rows = matrix.map { if case .array(let r) = $0 { r } else { [] } }
      }
      let wanted = fittedTargets.compactMap { if case .string(let t) = $0 { t } else { nil } }
      for t in wanted where !names.contains(t) {
        for i in rows.indices { rows[i].append(.int(0)) }
        names.append(t)
        rows.append([JSONValue](repeating: .int(0), count: names.count - 1) + [.int(1)])
      }
      for (i, ti) in wanted.enumerated() {
        for (j, tj) in wanted.enumerated() where i != j {
          guard case .array(let r) = fittedRows[i] else { continue }
          rows[names.firstIndex(of: ti)!][names.firstIndex(of: tj)!] = r[j]
        }
      }
      set("targets", .array(names.map { .string($0) }), in: &c)
      set("matrix", .array(rows.map { .array($0) }), in: &c)
      if member("note", in: c) == nil, let note = member("note", in: fitted) {
        set("note", note, in: &c)
      }
      set("correlation", .object(c), in: &doc)
    }
    var notes: [JSONValue] = []
    if case .array(let n)? = member("notes", in: doc) { notes = n }
    notes.append(
      .string(
        "Flow model fitted by buig calibrate to \(source): \(fit.parameters.map(\.rawValue).joined(separator: ", "))."
      ))
    set("notes", .array(notes), in: &doc)
    return JSONWriter.write(.object(doc))
  }
}

/// Whether the inflow's seasonal factors were fitted, and kept: they are tried from 36 monthly
/// periods on and kept when their AIC is lower than without them.
struct SeasonTest {
  var tested: Bool
  var aicWith: Double?
  var aicWithout: Double?
  var kept = false

  /// A line for the command's summary.
  var text: String {
    guard tested else {
      return
        "seasonal factors of the inflow: not fitted (they need at least 36 monthly periods with the inflow)"
    }
    guard let with = aicWith, let without = aicWithout else {
      return "seasonal factors of the inflow: not fitted (the fit with them did not converge)"
    }
    return
      "seasonal factors of the inflow: \(kept ? "kept" : "not kept"), AIC \(String(format: "%.1f", with)) with them against \(String(format: "%.1f", without)) without"
  }

  /// The `calibration.seasonality` member.
  func json(factors: [Double]?) -> JSONValue {
    .object([
      ("tested", .bool(tested)), ("kept", .bool(kept)),
      ("aicWith", aicWith.map(CalibrationFragment.number) ?? .null),
      ("aicWithout", aicWithout.map(CalibrationFragment.number) ?? .null),
      ("factors", factors.map { .array($0.map(CalibrationFragment.number)) } ?? .null),
      ("note", .string(text)),
    ])
  }
}

/// The backtest of `--holdout K`: the held-out periods' caseloads against the forecast's bands.
struct Backtest {
  let periods: [(label: String, observed: Double)]
  let bands: [[Double]]
  let seed: UInt64

  /// The level's quantile of a period's sorted forecast (nearest rank).
  func quantile(_ k: Int, _ level: Double) -> Double {
    let sorted = bands[k]
    return sorted[min(sorted.count - 1, Int(level * Double(sorted.count)))]
  }

  var inside90: Int {
    periods.indices.filter {
      periods[$0].observed >= quantile($0, 0.05) && periods[$0].observed <= quantile($0, 0.95)
    }.count
  }

  var inside50: Int {
    periods.indices.filter {
      periods[$0].observed >= quantile($0, 0.25) && periods[$0].observed <= quantile($0, 0.75)
    }.count
  }

  /// Mean absolute percentage error of the forecast's median.
  var mape: Double {
    periods.indices.map { abs(quantile($0, 0.5) - periods[$0].observed) / periods[$0].observed }
      .reduce(0, +) / Double(periods.count)
  }

  /// In words: the error, the coverage, and whether the bands are too narrow.
  var verdict: String {
    let k = periods.count
    var text =
      "the last \(k) periods forecast from the fit on the ones before: mean absolute percentage error of the median \(String(format: "%.2f", mape * 100))%; the 90% band (p5-p95) holds \(inside90) of \(k), the 50% band (p25-p75) \(inside50) of \(k)"
    if Double(inside90) < 0.8 * Double(k) {
      text += ": overconfident, the bands are narrower than these data's movements"
    } else if k < 10 {
      text += " (with fewer than 10 periods the coverage says little)"
    }
    return text
  }

  var json: JSONValue {
    .object([
      ("heldOut", .int(periods.count)), ("draws", .int(bands.first?.count ?? 0)),
      ("seed", .int(Int(seed))), ("meanAbsolutePercentageError", CalibrationFragment.number(mape)),
      ("coverage90", .int(inside90)), ("coverage50", .int(inside50)),
      ("verdict", .string(verdict)),
      (
        "periods",
        .array(
          periods.indices.map { i in
            .object(
              [
                ("period", .string(periods[i].label)),
                ("observed", CalibrationFragment.number(periods[i].observed)),
              ]
                + [("p5", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)].map {
                  (key: $0.0, value: CalibrationFragment.number(quantile(i, $0.1)))
                })
          })
      ),
    ])
  }
}
