import BuigCore
import BuigJSON
import Foundation

/// The default flow model and economy (`Resources/flows.json`), with the sources and notes of
/// every rate.
public enum DefaultFlows {
  /// The default file as JSON.
  public static func json() -> JSONValue? {
    try? Resource.json("flows.json", in: .module)
  }
}

extension Scenario {
  /// The numeric fields of the flow model a scenario may set (`flows.KEY`, `flows.economy.KEY`
  /// as `economy.KEY`), in the format's order.
  public static let flowParameterNames =
    ScenarioReader.flowArrayKeys + ScenarioReader.flowScalarKeys
    + ScenarioReader.economyKeys.map { "economy." + $0 }

  /// Where each flow parameter of the run comes from, from the audit trail: `fitted` (a value
  /// `buig calibrate` wrote, its source the data file and its hash), `scenario` (the file's own
  /// value, with its source when given) or `default` (flows.json, the engine's assumptions).
  public var flowEvidence: [(parameter: String, evidence: String, source: String?)] {
    Self.flowParameterNames.map { name in
      let path = "flows." + name
      let entries = trail.filter { $0.path == path || $0.path.hasPrefix(path + "[") }
      guard let first = entries.first else { return (name, "default", nil) }
      if entries.contains(where: { $0.note?.hasPrefix("Fitted by buig calibrate") == true }) {
        return (name, "fitted", first.source)
      }
      return (name, "scenario", first.source)
    }
  }
}

extension ScenarioReader {
  static let flowArrayKeys = [
    "exitToWorkPerMonth", "fullTimeShare", "exitToSchoolPerMonth", "durationFactor",
    "durationProgressionPerMonth",
    "ladderUpPerMonth", "ladderDownPerMonth", "initialRungShares", "initialDurationShares",
    "priceFactors", "inflowSeasonality",
  ]
  static let flowScalarKeys = [
    "exitOtherPerMonth", "returnFromWorkPerMonth", "returnRung", "workBecomesDurablePerMonth",
  ]
  static let economyKeys = [
    "persistence", "innovationSD", "workExitElasticity",
    "nationalCaseloadElasticity",
    "macrobudgetGrowth",
  ]

  /// An array of numbers, plain or as `{"value": [...], "source", "note"}`; every element goes
  /// into the audit trail with the array's source and note.
  func sourcedArray(_ r: JSONReader, count: Int, range: ClosedRange<Double>, record: Bool)
    -> [Double]?
  {
    var items = r
    var source: String?
    var note: String?
    if case .object = r.value {
      guard let o = r.object(keys: ["value", "source", "note"]) else { return nil }
      defer { o.finish() }
      source = o.optional("source")?.string()
      note = o.optional("note")?.string()
      guard let v = o.required("value", "an array of \(count) numbers") else { return nil }
      items = v
    }
    guard let list = items.array(minCount: count, maxCount: count) else { return nil }
    let values = list.compactMap { $0.double(in: range) }
    guard values.count == count else { return nil }
    if record {
      for (i, item) in list.enumerated() {
        if case .number(let literal) = item.value {
          trail.add(
            Provenance(
              path: r.path.appending(i).description, value: literal, source: source, note: note))
        }
      }
    }
    return values
  }

  /// Reads the flow model: the default file, with the scenario's `flows` fields replacing its
  /// fields one by one.
  func readFlows(_ scenarioFlows: JSONReader?) -> (FlowParameters, EconomyModel)? {
    guard let defaults = DefaultFlows.json() else {
      log.report(
        JSONPath.root.appending("flows"), expected: "the default flow model shipped with buig",
        found: "none: reinstall buig")
      return nil
    }
    // Defaults are read without a trail (their notes live in the file); the scenario's values
    // are read with it.
    let defaultLog = IssueLog()
    var merged: [String: JSONReader] = [:]
    var economy: [String: JSONReader] = [:]
    if case .object(let members) = defaults {
      for m in members where m.key != "description" {
        let r = JSONReader(
          m.value, path: JSONPath.root.appending("flows").appending(m.key), log: defaultLog)
        if m.key == "economy", case .object(let e) = m.value {
          for em in e {
            economy[em.key] = JSONReader(em.value, path: r.path.appending(em.key), log: defaultLog)
          }
        } else {
          merged[m.key] = r
        }
      }
    }
    var fromScenario: Set<String> = []
    var countNoise = false
    if let f = scenarioFlows,
      let o = f.object(
        keys: Self.flowArrayKeys + Self.flowScalarKeys + ["inflowSources", "economy", "countNoise"])
    {
      // A wrong type is reported by `bool()`, and the scenario is refused with it.
      if let flag = o.optional("countNoise")?.bool() { countNoise = flag }
      for key in Self.flowArrayKeys + Self.flowScalarKeys + ["inflowSources"] {
        if let r = o.optional(key) {
          merged[key] = r
          fromScenario.insert(key)
        }
      }
      if let e = o.optional("economy"), let eo = e.object(keys: Self.economyKeys) {
        for key in Self.economyKeys {
          if let r = eo.optional(key) {
            economy[key] = r
            fromScenario.insert("economy." + key)
          }
        }
        eo.finish()
      }
      o.finish()
    }
    func array(_ key: String, _ range: ClosedRange<Double>) -> [Double]? {
      guard let r = merged[key] else { return nil }
      return sourcedArray(
        r, count: FlowParameters.lengths[key]!, range: range, record: fromScenario.contains(key))
    }
    func scalar(_ key: String, _ range: ClosedRange<Double>) -> Double? {
      guard let r = merged[key] else { return nil }
      return r.sourcedNumber(trail: fromScenario.contains(key) ? trail : nil)?.double(in: range)
    }
    func econ(_ key: String, _ range: ClosedRange<Double>) -> Double? {
      guard let r = economy[key] else { return nil }
      return r.sourcedNumber(trail: fromScenario.contains("economy." + key) ? trail : nil)?.double(
        in: range)
    }
    let p = 0.0...1.0
    let positive = 0.0...100.0
    guard let work = array("exitToWorkPerMonth", p), let full = array("fullTimeShare", p),
      let school = array("exitToSchoolPerMonth", p), let other = scalar("exitOtherPerMonth", p),
      let duration = array("durationFactor", 0...10),
      let progression = array("durationProgressionPerMonth", p),
      let up = array("ladderUpPerMonth", p), let down = array("ladderDownPerMonth", p),
      let back = scalar("returnFromWorkPerMonth", p), let rung = scalar("returnRung", 1...7),
      let durable = scalar("workBecomesDurablePerMonth", p),
      let initialRung = array("initialRungShares", positive),
      let initialDuration = array("initialDurationShares", positive),
      let inflow = merged["inflowSources"].flatMap({
        inflowSources($0, record: fromScenario.contains("inflowSources"))
      }),
      let price = array("priceFactors", 0...10),
      let season = array("inflowSeasonality", 0...10),
      let phi = econ("persistence", 0...0.99),
      let sd = econ("innovationSD", FieldRange.innovationSD),
      let workE = econ("workExitElasticity", -1...1),
      let national = econ("nationalCaseloadElasticity", -1...1),
      let growth = econ("macrobudgetGrowth", -0.5...1)
    else {
      for i in defaultLog.issues { log.report(i) }
      return nil
    }
    for i in defaultLog.issues { log.report(i) }
    let seasonMean = season.reduce(0, +) / 12
    if abs(seasonMean - 1) > 1e-3 {
      log.report(
        JSONPath.root.appending("flows").appending("inflowSeasonality"),
        expected: "12 monthly factors (January to December) with mean 1",
        found: "mean \(String(format: "%.6g", seasonMean))",
        hint: "divide each factor by their mean")
      return nil
    }
    for (key, values) in [
      ("initialRungShares", initialRung), ("initialDurationShares", initialDuration),
      ("inflowSources", inflow.map(\.share)),
    ]
    where values.reduce(0, +) <= 0 {
      log.report(
        JSONPath.root.appending("flows").appending(key), expected: "shares with a positive sum",
        found: "all zero")
      return nil
    }
    let params = FlowParameters(
      exitToWorkPerMonth: work, fullTimeShare: full, exitToSchoolPerMonth: school,
      exitOtherPerMonth: other,
      durationFactor: duration, durationProgressionPerMonth: progression, ladderUpPerMonth: up,
      ladderDownPerMonth: down,
      returnFromWorkPerMonth: back, returnRung: Int(rung), workBecomesDurablePerMonth: durable,
      initialRungShares: initialRung, initialDurationShares: initialDuration,
      inflowSources: inflow,
      priceFactors: price, inflowSeasonality: season, countNoise: countNoise)
    let model = FlowModel(params)
    for problem in model.problems {
      log.report(
        JSONPath.root.appending("flows"),
        expected: "monthly rates whose sum out of every state is at most 1", found: problem)
    }
    return (
      params,
      EconomyModel(
        persistence: phi, innovationSD: sd, workExitElasticity: workE,
        nationalCaseloadElasticity: national, macrobudgetGrowth: growth)
    )
  }

  /// Reads the inflow sources: an array (plain, or `{"value": [...], "source", "note"}`) of
  /// `{"source": name, "share": number, "rungShares": [7 numbers], "economyElasticity": number}`.
  func inflowSources(_ r: JSONReader, record: Bool) -> [InflowSource]? {
    var items = r
    var note: String?
    var source: String?
    if case .object = r.value {
      guard let o = r.object(keys: ["value", "source", "note"]) else { return nil }
      defer { o.finish() }
      source = o.optional("source")?.string()
      note = o.optional("note")?.string()
      guard let v = o.required("value", "an array of inflow sources") else { return nil }
      items = v
    }
    guard let list = items.array(minCount: 1) else { return nil }
    var out: [InflowSource] = []
    for item in list {
      guard let o = item.object(keys: ["source", "share", "rungShares", "economyElasticity"]) else {
        continue
      }
      let name = o.required("source", "a name (ww, schoolLeavers, vergunninghouders, other)")?
        .string(nonEmpty: true)
      let share = o.required("share", "a share of the inflow")?.double(in: 0...100)
      let rungs = o.required("rungShares", "7 shares by rung").flatMap {
        sourcedArray($0, count: 7, range: 0...100, record: false)
      }
      let elasticity = o.required("economyElasticity", "a relative change per unit of the index")?
        .double(in: -1...1)
      o.finish()
      if let rungs, rungs.reduce(0, +) <= 0 {
        log.report(
          o.path.appending("rungShares"), expected: "shares with a positive sum", found: "all zero")
        continue
      }
      guard let name, let share, let rungs, let elasticity else { continue }
      if record {
        trail.add(
          Provenance(
            path: o.path.appending("share").description, value: "\(share)", source: source,
            note: note))
      }
      out.append(
        InflowSource(name: name, share: share, rungShares: rungs, economyElasticity: elasticity))
    }
    return out.count == list.count ? out : nil
  }

  /// Reads a distribution object.
  func readDistribution(_ r: JSONReader) -> Distribution? {
    let kinds = ["normal", "lognormal", "beta", "betaCounts", "triangular", "uniform"]
    guard case .object(let members) = r.value else {
      r.report(expected: "a distribution object with \"kind\": one of " + JSONReader.list(kinds))
      return nil
    }
    let kindReader = JSONReader(
      members.first { $0.key == "kind" }?.value ?? .null, path: r.path.appending("kind"), log: log)
    guard members.contains(where: { $0.key == "kind" }) else {
      log.report(
        r.path.appending("kind"), expected: "one of " + JSONReader.list(kinds),
        found: "nothing (the field is missing)")
      return nil
    }
    guard let kind = kindReader.string(allowed: kinds) else { return nil }
    let fields: [String: [String]] = [
      "normal": ["mean", "sd"], "lognormal": ["mean", "sd"], "beta": ["alpha", "beta"],
      "betaCounts": ["successes", "trials"], "triangular": ["min", "mode", "max"],
      "uniform": ["min", "max"],
    ]
    guard let o = r.object(keys: ["kind"] + fields[kind]!) else { return nil }
    defer { o.finish() }
    func v(_ key: String, _ range: ClosedRange<Double>) -> Double? {
      o.required(key, "a number")?.sourcedNumber(trail: trail)?.double(in: range)
    }
    let big = -1e12...1e12
    switch kind {
    case "normal":
      guard let m = v("mean", big), let s = v("sd", 0...1e12) else { return nil }
      return .normal(mean: m, sd: s)
    case "lognormal":
      guard let m = v("mean", 1e-12...1e12), let s = v("sd", 0...1e12) else { return nil }
      return .lognormal(mean: m, sd: s)
    case "beta":
      guard let a = v("alpha", 1e-6...1e9), let b = v("beta", 1e-6...1e9) else { return nil }
      return .beta(alpha: a, beta: b)
    case "betaCounts":
      guard let s = v("successes", 0...1e9), let n = v("trials", 0...1e9) else { return nil }
      guard s <= n else {
        log.report(
          o.path.appending("successes"), expected: "at most the number of trials (\(n))",
          found: "number \(s)")
        return nil
      }
      return .betaCounts(successes: s, trials: n)
    case "triangular":
      guard let lo = v("min", big), let mode = v("mode", big), let hi = v("max", big) else {
        return nil
      }
      guard lo <= mode, mode <= hi, lo < hi else {
        log.report(
          o.path, expected: "min ≤ mode ≤ max with min < max", found: "\(lo), \(mode), \(hi)")
        return nil
      }
      return .triangular(min: lo, mode: mode, max: hi)
    default:
      guard let lo = v("min", big), let hi = v("max", big) else { return nil }
      guard lo < hi else {
        log.report(
          o.path.appending("max"), expected: "a number above min (\(lo))", found: "number \(hi)")
        return nil
      }
      return .uniform(min: lo, max: hi)
    }
  }

  /// Reads `uncertainty` and `correlation`; intervention targets must name interventions of
  /// the scenario with a parameter of their kind.
  func readUncertainty(_ u: JSONReader?, _ c: JSONReader?, interventions: [Intervention]) -> (
    [UncertainInput], [UncertaintyTarget], [[Double]], Bool
  ) {
    var inputs: [UncertainInput] = []
    func target(_ r: JSONReader) -> UncertaintyTarget? {
      guard let name = r.string(nonEmpty: true) else { return nil }
      guard let t = UncertaintyTarget.parse(name) else {
        r.report(
          expected:
            "workExitRate, inflow, ladderProgression, exitOtherRate, returnFromWorkRate, netPrice, macrobudgetGrowth, or interventions.ID.FIELD with FIELD one of successRate, savingPerSuccess, retention, deadweight, yield"
        )
        return nil
      }
      if case .intervention(let id, let field) = t {
        guard let i = interventions.first(where: { $0.id == id }) else {
          r.report(
            expected:
              "an intervention id of this scenario (\(interventions.map(\.id).joined(separator: ", ")))"
          )
          return nil
        }
        let mechanistic: Bool = if case .mechanistic = i.kind { true } else { false }
        if mechanistic == (field == .yield) || i.isPM {
          r.report(
            expected: mechanistic
              ? "successRate, savingPerSuccess, retention or deadweight for a mechanistic intervention"
              : i.isPM
                ? "an intervention with a quantified yield (\(id) is p.m.)"
                : "yield for a \(i.kind.name) intervention")
          return nil
        }
      }
      return t
    }
    var seen: Set<UncertaintyTarget> = []
    for item in u?.array(maxCount: Scenario.maximumUncertainInputs) ?? [] {
      guard let o = item.object(keys: ["target", "distribution", "source", "note"]) else {
        continue
      }
      let t = o.required("target", "the input it changes").flatMap(target)
      let d = o.required("distribution", "a distribution").flatMap {
        readDistribution($0)
      }
      _ = o.optional("source")?.string()
      _ = o.optional("note")?.string()
      o.finish()
      if let t, seen.contains(t) {
        log.report(
          item.path.appending("target"), expected: "each target once", found: "\"\(t)\" again")
        continue
      }
      if let t, let d {
        seen.insert(t)
        inputs.append(UncertainInput(target: t, distribution: d))
      }
    }
    var targets: [UncertaintyTarget] = []
    var rows: [[Double]] = []
    var repair = false
    if let c, let co = c.object(keys: ["targets", "matrix", "repair", "source", "note"]) {
      defer { co.finish() }
      for r in co.required("targets", "the uncertain targets in matrix order")?.array(minCount: 2)
        ?? []
      {
        guard let t = target(r) else { continue }
        if !seen.contains(t) {
          r.report(expected: "a target listed under \"uncertainty\"")
          continue
        }
        targets.append(t)
      }
      for (i, row) in (co.required("matrix", "rows of correlations")?.array() ?? []).enumerated() {
        guard let cells = row.array() else { continue }
        rows.append(cells.compactMap { $0.double(in: -1...1) })
        if rows[i].count != cells.count { rows[i] = [] }
      }
      repair = co.optional("repair")?.bool() ?? false
      _ = co.optional("source")?.string()
      _ = co.optional("note")?.string()
      if rows.count != targets.count || rows.contains(where: { $0.count != targets.count }) {
        log.report(
          co.path.appending("matrix"),
          expected: "a \(targets.count)×\(targets.count) matrix (one row and column per target)",
          found:
            "\(rows.count) rows of \(rows.map { String($0.count) }.joined(separator: ", ")) numbers"
        )
      }
    }
    return (inputs, targets, rows, repair)
  }
}
