import Foundation
import Testing

@Suite("buig calibrate")
struct CalibrateCLITests {
  static let data = packageRoot.appendingPathComponent("scenarios/data/groningen-like-monthly.csv")

  /// The example data with `change` made to its lines (0 is the header).
  func changed(_ change: (inout [String]) -> Void) throws -> URL {
    var lines = try String(contentsOf: Self.data, encoding: .utf8).split(separator: "\n").map(
      String.init)
    change(&lines)
    let url = try scratchDirectory().appendingPathComponent("data.csv")
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test func badDataIsRefusedWithItsRowAndColumnBeforeAnyFit() throws {
    let scenario = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
    let cases: [((inout [String]) -> Void, String)] = [
      (
        { $0[5] = $0[5].replacingOccurrences(of: ",", with: ",x", range: $0[5].range(of: ",")) },
        "row 6, column caseload: expected a number with a decimal point"
      ),
      (
        { $0.insert($0[8], at: 9) },
        "row 10, column period: expected each period once, found 2016-07 again (row 9)"
      ),
      (
        { $0.remove(at: 20) },
        "row 21, column period: expected the period after 2017-06 (no gaps, in order), found 2017-08"
      ),
      (
        { $0[30] = "2018-05,12000,-3,,," },
        "row 31, column inflow: expected a count of 0 or more, found -3"
      ),
      (
        {
          $0[40] = $0[40].split(separator: ",").enumerated().map {
            $0.offset == 1 ? "9000" : String($0.element)
          }.joined(separator: ",")
        },
        "row 41, column caseload: expected previous caseload + inflow − outflow = caseload within 1%"
      ),
      (
        { $0[0] = $0[0] + ",outflowSick" },
        "row 1, column outflowSick: expected one of period, caseload"
      ),
    ]
    for (change, message) in cases {
      let url = try changed(change)
      let out = try scratchDirectory().appendingPathComponent("fitted.json")
      let r = try buig(["calibrate", url.path, "--scenario", scenario, "--output", out.path])
      #expect(r.status == 1, "\(message): \(r.stderr)")
      #expect(r.stderr.contains("buig calibrate: error: data.csv: \(message)"), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out.path))
    }
  }

  @Test func theFallOfExitsWithDurationIsFittedFromTheBandColumns() throws {
    // 60 months simulated with exits falling with duration as the default factors to the
    // power 1.6 and the ladder at 1.3 times its pace, with the stock by duration band and by
    // rung (CalibrationTests' example data).
    let data = packageRoot.appendingPathComponent(
      "scenarios/data/groningen-like-monthly-stocks.csv")
    let fitted = try scratchDirectory().appendingPathComponent("fitted.json")
    let r = try buig([
      "calibrate", data.path, "--scenario", "groningen-2018", "--output", fitted.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("  durationFall: "), "\(r.stdout)")
    let fragment = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: fitted)) as? [String: Any])
    let calibration = try #require(fragment["calibration"] as? [String: Any])
    let parameters = try #require(calibration["parameters"] as? [[String: Any]])
    let fall = try #require(parameters.first { $0["name"] as? String == "durationFall" })
    let gamma = try #require(fall["estimate"] as? Double)
    let se = try #require(fall["standardError"] as? Double)
    #expect(abs(gamma - 1.6) <= 3 * se && se < 0.3, "\(gamma) ± \(se)")
    // The fragment's factors are the defaults to the power γ.
    let defaults = try #require(
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: packageRoot.appendingPathComponent(
            "Sources/BuigScenario/Resources/flows.json"))) as? [String: Any])
    let base = try #require((defaults["durationFactor"] as? [String: Any])?["value"] as? [Double])
    let factors = try #require(
      ((fragment["flows"] as? [String: Any])?["durationFactor"] as? [String: Any])?["value"]
        as? [Double])
    for (f, d) in zip(factors, base) {
      #expect(abs(f - pow(d, gamma)) <= 1e-5 * max(1, f), "\(f) against \(d)^\(gamma)")
    }
    // The ladder's pace (simulated at 1.3 times the model's) from the stock by rung: written as
    // the ladder's rates × the level, and drawn as ladderProgression with its standard error.
    let ladder = try #require(parameters.first { $0["name"] as? String == "ladderLevel" })
    let level = try #require(ladder["estimate"] as? Double)
    let levelSE = try #require(ladder["standardError"] as? Double)
    #expect(abs(level - 1.3) <= 3 * levelSE && levelSE < 0.3, "\(level) ± \(levelSE)")
    let up = try #require((defaults["ladderUpPerMonth"] as? [String: Any])?["value"] as? [Double])
    let fittedUp = try #require(
      ((fragment["flows"] as? [String: Any])?["ladderUpPerMonth"] as? [String: Any])?["value"]
        as? [Double])
    for (f, u) in zip(fittedUp, up) { #expect(abs(f - u * level) <= 1e-5 * max(1e-3, f)) }
    let uncertainty = try #require(fragment["uncertainty"] as? [[String: Any]])
    let drawn = try #require(
      uncertainty.first { $0["target"] as? String == "ladderProgression" }?["distribution"]
        as? [String: Any])
    #expect(abs((drawn["sd"] as! Double) - levelSE / level) <= 1e-5)
    let notFitted = try #require(calibration["notFitted"] as? [[String: String]])
    #expect(!notFitted.contains { $0["name"] == "durationFactor" })
    #expect(!notFitted.contains { $0["name"]?.hasPrefix("ladderUp") == true })
  }

  @Test func theInflowsResponseToUnemploymentIsReported() throws {
    // The example data with an unemployment rate that moves but does not drive the inflow: the
    // factor per point is reported, near 1, and not written into flows.
    let data = try changed { lines in
      lines[0] += ",unemploymentRate"
      for i in 1..<lines.count {
        lines[i] += "," + String(format: "%.2f", 4 + sin(2 * Double.pi * Double(i) / 40))
      }
    }
    let fitted = try scratchDirectory().appendingPathComponent("fitted.json")
    let r = try buig([
      "calibrate", data.path, "--scenario", "groningen-2018", "--output", fitted.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let fragment = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: fitted)) as? [String: Any])
    let calibration = try #require(fragment["calibration"] as? [String: Any])
    let response = try #require(calibration["economyResponse"] as? [String: Any])
    let factor = try #require(response["factorPerPoint"] as? Double)
    let se = try #require(response["standardError"] as? Double)
    #expect(abs(factor - 1) <= 3 * se && se < 0.05, "\(factor) ± \(se)")
    #expect((response["note"] as? String)?.contains("Not written into flows") == true)
    let flows = try #require(fragment["flows"] as? [String: Any])
    #expect(flows["inflowSources"] == nil)
  }

  @Test func aSeasonalInflowIsKeptAndRuns() throws {
    // The example data with 60·cos(2π(month − 1)/12) more new households each month (the
    // caseload shifted by the running sum, so every row's stock identity still holds).
    let data = try changed { lines in
      var shift = 0
      for i in 2..<lines.count {
        var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(
          String.init)
        let month = Int(cells[0].suffix(2))! - 1
        let extra = Int((60 * cos(2 * Double.pi * Double(month) / 12)).rounded())
        shift += extra
        cells[1] = String(Int(cells[1])! + shift)
        cells[2] = String(Int(cells[2])! + extra)
        lines[i] = cells.joined(separator: ",")
      }
    }
    let dir = try scratchDirectory()
    let fitted = dir.appendingPathComponent("fitted.json")
    let merged = dir.appendingPathComponent("seasonal.json")
    let r = try buig([
      "calibrate", data.path, "--scenario", "groningen-2018", "--output", fitted.path,
      "--write-scenario", merged.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("seasonal factors of the inflow: kept, AIC"), "\(r.stdout)")
    let fragment = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: fitted)) as? [String: Any])
    let season = try #require(
      ((fragment["flows"] as? [String: Any])?["inflowSeasonality"] as? [String: Any])?["value"]
        as? [Double])
    // January brings most, July least; the factors average 1.
    #expect(season.count == 12 && abs(season.reduce(0, +) / 12 - 1) < 1e-5)
    #expect(season[0] == season.max() && season[6] == season.min(), "\(season)")
    #expect(season[0] > 1.15 && season[6] < 0.85, "\(season)")
    let run = try buig(["run", merged.path, "--paths", "500", "--format", "json", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    let mc = try #require(try run.json()["monteCarlo"] as? [String: Any])
    let ladder = try #require(mc["flowEvidence"] as? [[String: Any]])
    #expect(
      ladder.first { $0["parameter"] as? String == "inflowSeasonality" }?["evidence"] as? String
        == "fitted")
    // A file whose factors do not average 1 is refused with its path.
    let bad = try buig([
      "run", "groningen-2018", "--set",
      #"flows={"inflowSeasonality": [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}"#,
    ])
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains(
        "flows.inflowSeasonality: expected 12 monthly factors (January to December) with mean 1, found mean 1.08333"
      ), "\(bad.stderr)")
  }

  @Test func theFragmentNamesItsDataAndTheMergedScenarioRuns() throws {
    let dir = try scratchDirectory()
    let fitted = dir.appendingPathComponent("fitted.json")
    let merged = dir.appendingPathComponent("g2018-fitted.json")
    let r = try buig([
      "calibrate", Self.data.path, "--scenario",
      packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path, "--output",
      fitted.path, "--write-scenario", merged.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let sha = try runProgram(URL(fileURLWithPath: "/usr/bin/sha256sum"), [Self.data.path]).stdout
      .prefix(64)
    let fragment = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: fitted)) as? [String: Any])
    let flows = try #require(fragment["flows"] as? [String: Any])
    let work = try #require(flows["exitToWorkPerMonth"] as? [String: Any])
    #expect(work["source"] as? String == "groningen-like-monthly.csv (sha256 \(sha))")
    let calibration = try #require(fragment["calibration"] as? [String: Any])
    let parameters = try #require(calibration["parameters"] as? [[String: Any]])
    // The data were simulated with a work level of 1.2 and exitOther 0.007 (CalibrationTests).
    let level = try #require(parameters.first { $0["name"] as? String == "workExitLevel" })
    let estimate = try #require(level["estimate"] as? Double)
    let se = try #require(level["standardError"] as? Double)
    #expect(abs(estimate - 1.2) < 3 * se && se > 0.005 && se < 0.1, "\(estimate) ± \(se)")
    // Goodness of fit: residuals like a model that fits, and a better fit than the scenario's
    // own levels (the data were simulated with other levels).
    let residuals = try #require(calibration["residuals"] as? [String: [String: Double]])
    #expect(Set(residuals.keys) == ["inflow", "outflowWork", "outflowSchool", "outflowOther"])
    for (column, r) in residuals {
      #expect(abs(r["mean"]!) < 0.2 && r["sd"]! > 0.8 && r["sd"]! < 1.2, "\(column): \(r)")
    }
    let baseline = try #require(calibration["defaultModel"] as? [String: Any])
    #expect((baseline["fittedAic"] as! Double) < (baseline["aic"] as! Double) - 100)
    let uncertainty = try #require(fragment["uncertainty"] as? [[String: Any]])
    let targets = ["workExitRate", "inflow", "exitOtherRate", "returnFromWorkRate"]
    #expect(uncertainty.compactMap { $0["target"] as? String } == targets)
    // Each target's sd is its parameter's relative standard error, and the correlation matrix is
    // the fit's over the four.
    let names = ["workExitLevel", "inflowPerMonth", "exitOtherPerMonth", "returnFromWorkPerMonth"]
    for (entry, name) in zip(uncertainty, names) {
      let p = try #require(parameters.first { $0["name"] as? String == name })
      let sd = try #require((entry["distribution"] as? [String: Any])?["sd"] as? Double)
      let relative = (p["standardError"] as! Double) / (p["estimate"] as! Double)
      #expect(abs(sd - relative) <= 1e-5 * relative, "\(name): \(sd) against \(relative)")
    }
    let correlation = try #require(fragment["correlation"] as? [String: Any])
    #expect(correlation["targets"] as? [String] == targets)
    let matrix = try #require(correlation["matrix"] as? [[Double]])
    let fitCorrelation = try #require(calibration["correlation"] as? [[Double]])
    let order = try names.map { n in
      try #require(parameters.firstIndex { $0["name"] as? String == n })
    }
    for i in 0..<4 {
      for j in 0..<4 {
        #expect(abs(matrix[i][j] - fitCorrelation[order[i]][order[j]]) < 1e-5)
      }
    }
    #expect(flows["countNoise"] as? Bool == true)
    // What the calibration leaves at the scenario's values, with why.
    let notFitted = try #require(calibration["notFitted"] as? [[String: String]])
    #expect(notFitted.count == 4)
    #expect(
      notFitted.last?["why"]?.hasPrefix(
        "the data span 10.1 years; the economy's yearly persistence and spread need") == true)
    #expect(notFitted[0]["why"]?.hasSuffix("the file has none") == true)
    // The fit's table: the caseload one month ahead is the previous observed caseload plus the
    // fitted inflow minus the fitted outflow.
    let table = try #require(calibration["fit"] as? [[String: Any]])
    #expect(table.count == 120)
    for k in [0, 57, 119] {
      let row = table[k]
      func cell(_ c: String) -> (observed: Double?, fitted: Double) {
        let v = row[c] as! [String: Any]
        return (v["observed"] as? Double, v["fitted"] as! Double)
      }
      let previous =
        k == 0 ? 10_000 : ((table[k - 1]["caseload"] as! [String: Any])["observed"] as! Double)
      let ahead = previous + cell("inflow").fitted - cell("outflow").fitted
      // Six significant digits in the file: 0.06 households at 12,000.
      #expect(abs(cell("caseload").fitted - ahead) <= 5e-6 * ahead + 0.002, "row \(k)")
    }
    // The merged scenario runs, and its audit trail names the data file and its hash.
    let run = try buig(["run", merged.path, "--paths", "1000", "--format", "json", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect((try run.json()["monteCarlo"] as? [String: Any])?["countNoise"] as? Bool == true)
    // The council report says the same in its accountability section.
    let councilReport = dir.appendingPathComponent("report.html")
    let rr = try buig([
      "report", merged.path, "--paths", "300", "--lang", "en", "--output", councilReport.path,
    ])
    #expect(rr.status == 0, "\(rr.stderr)")
    let reportText = try String(contentsOf: councilReport, encoding: .utf8)
    #expect(
      reportText.contains(
        "<tr><td><code>flows.exitOtherPerMonth</code></td><td>fitted to own data</td><td>groningen-like-monthly.csv (sha256 \(sha))</td></tr>"
      ))
    #expect(
      reportText.contains(
        "<tr><td><code>flows.fullTimeShare</code></td><td>assumption (default)</td><td></td></tr>"))
    #expect(
      reportText.contains(
        "<tr><td>Chance in the monthly flows (whole households)</td><td>yes</td><td></td></tr>"))
    let trail = try #require(try run.json()["auditTrail"] as? [[String: Any]])
    let fittedEntries = trail.filter {
      ($0["source"] as? String)?.contains("groningen-like-monthly.csv (sha256 \(sha))") == true
    }
    #expect(fittedEntries.contains { $0["path"] as? String == "flows.exitOtherPerMonth" })
    #expect(fittedEntries.contains { $0["path"] as? String == "flows.returnFromWorkPerMonth" })
    // The ladder of evidence: fitted, the scenario's own, or the default.
    func evidence(_ json: [String: Any]) throws -> [String: String] {
      let mc = try #require(json["monteCarlo"] as? [String: Any])
      let rows = try #require(mc["flowEvidence"] as? [[String: Any]])
      return Dictionary(
        uniqueKeysWithValues: rows.map { ($0["parameter"] as! String, $0["evidence"] as! String) })
    }
    let ladder = try evidence(try run.json())
    #expect(
      ladder["exitToWorkPerMonth"] == "fitted" && ladder["returnFromWorkPerMonth"] == "fitted")
    #expect(ladder["fullTimeShare"] == "default" && ladder["economy.innovationSD"] == "default")
    let own = try buig([
      "run", "groningen-2018", "--set", #"flows={"exitOtherPerMonth": 0.01}"#, "--paths", "500",
      "--format", "json",
    ])
    #expect(own.status == 0, "\(own.stderr)")
    let ownLadder = try evidence(try own.json())
    #expect(
      ownLadder["exitOtherPerMonth"] == "scenario" && ownLadder["exitToWorkPerMonth"] == "default")
    #expect(fittedEntries.contains { $0["path"] as? String == "flows.exitToWorkPerMonth[6]" })

    // The backtest: the last 12 months against the forecast from the 108 before.
    let heldOut = dir.appendingPathComponent("holdout.json")
    let report = dir.appendingPathComponent("calibration.html")
    let h = try buig([
      "calibrate", Self.data.path, "--scenario",
      packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path, "--output",
      heldOut.path, "--holdout", "12", "--report", report.path, "--lang", "en",
    ])
    #expect(h.status == 0, "\(h.stderr)")
    #expect(h.stdout.contains("backtest: the last 12 periods forecast"))
    // The data cover 2016-2025 in full; the horizon's years among them are named.
    #expect(h.stdout.contains("the data covers 2018 (mean caseload"))
    // The example data have no season: the factors are tried and not kept.
    #expect(h.stdout.contains("seasonal factors of the inflow: not kept, AIC"))
    let hb = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: heldOut)) as? [String: Any])
    let backtest = try #require(
      (hb["calibration"] as? [String: Any])?["backtest"] as? [String: Any])
    let periods = try #require(backtest["periods"] as? [[String: Any]])
    #expect(periods.count == 12 && periods.first?["period"] as? String == "2025-01")
    let inside = periods.filter {
      let o = $0["observed"] as! Double
      return o >= $0["p5"] as! Double && o <= $0["p95"] as! Double
    }.count
    #expect(backtest["coverage90"] as? Int == inside)
    #expect(
      inside >= 9, "the 90% band held \(inside) of 12 months of data simulated from the model")
    // The report: the whole series and the backtest close up, the observed line carrying the
    // file's caseloads, the backtest's table its twelve months and its verdict.
    let html = try String(contentsOf: report, encoding: .utf8)
    #expect(html.contains("id=\"chart-calibration\"") && html.contains("id=\"chart-backtest\""))
    let csv = try String(contentsOf: Self.data, encoding: .utf8).split(separator: "\n")
    let caseloads = csv.dropFirst(2).map { Double($0.split(separator: ",")[1])! }
    let median = try #require(
      html.range(of: "class=\"median\" data-label=\"observed\" data-values=\""))
    let values = html[median.upperBound...].prefix { $0 != "\"" }.split(separator: " ").map {
      Double($0)!
    }
    #expect(values == caseloads)
    #expect(html.contains("the 90% band (p5–p95) holds \(inside) of 12"))
    #expect(html.components(separatedBy: "<td>2025-").count - 1 == 24, "backtest and period rows")
    let tooMany = try buig([
      "calibrate", Self.data.path, "--scenario",
      packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path, "--output",
      heldOut.path, "--holdout", "119",
    ])
    #expect(tooMany.status == 1)
    #expect(tooMany.stderr.contains("--holdout: expected at most 118 periods"))

    // The excel-nl dialect of the same data gives the same fit.
    let nl = try changed { lines in
      lines = lines.map { $0.replacingOccurrences(of: ",", with: ";") }
    }
    let fittedNL = dir.appendingPathComponent("fitted-nl.json")
    let rNL = try buig([
      "calibrate", nl.path, "--scenario",
      packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path, "--output",
      fittedNL.path,
    ])
    #expect(rNL.status == 0, "\(rNL.stderr)")
    let a = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: fittedNL)) as? [String: Any])
    let b = try #require(a["calibration"] as? [String: Any])
    #expect(
      (b["parameters"] as? [[String: Any]])?.compactMap { $0["estimate"] as? Double }
        == parameters.compactMap { $0["estimate"] as? Double })
  }
}
