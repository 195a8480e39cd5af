import BuigJSON
import Foundation

extension RuleTable {
  /// The rule table that ships with the package (`Resources/rules.json`).
  ///
  /// The file is part of the package; a failure to read it is a packaging fault, reported with
  /// the file's problems rather than a crash trace.
  public static func builtIn() throws(InputIssues) -> RuleTable {
    try decode(try Resource.bytes("rules.json", in: .module), origin: "built-in rules.json")
  }

  /// Reads a rule table (or a table of overrides) from JSON bytes; all problems are reported
  /// together, each with its JSON path. `origin` names the file in syntax errors.
  public static func decode(_ bytes: [UInt8], origin: String) throws(InputIssues) -> RuleTable {
    let value = try JSONParser.document(bytes, origin: origin)
    let log = IssueLog()
    let table = decode(JSONReader(value, log: log))
    try log.throwIfAny()
    return table!
  }

  /// Reads a rule table from a JSON value, reporting problems to the reader's log; returns
  /// `nil` only when the value is not an object at all.
  public static func decode(_ r: JSONReader) -> RuleTable? {
    guard
      let o = r.object(keys: [
        "$schema", "ruleTableVersion", "title", "units", "confidenceScale", "discountRate",
        "missing", "years", "budgetBasisBySize", "engine",
      ])
    else { return nil }
    defer { o.finish() }
    // The engine that printed the table (`buig rules --format json`): informational, so that
    // such a file can be given back with --rules.
    _ = o.optional("engine")
    if let v = o.optional("ruleTableVersion")?.int(in: 1...1) { _ = v }
    let title = o.optional("title")?.string() ?? "Rule overrides"
    let units = o.optional("units")?.string() ?? ""
    let scale = o.optional("confidenceScale")?.string() ?? ""
    var discount: DiscountRate?
    if let d = o.optional("discountRate")?.object(keys: [
      "percent", "validFrom", "source", "confidence", "note",
    ]) {
      let percent = d.required("percent", "the rate in percent per year, from -5 to 20")?.decimal(
        in: -5...20)
      let from = d.optional("validFrom")?.int(in: 1900...2200)
      let source = d.required("source", "where the rate is set")?.string(nonEmpty: true)
      _ = d.optional("confidence")?.string(allowed: ["high", "medium", "low"])
      let note = d.optional("note")?.string()
      d.finish()
      if let percent, let source {
        discount = DiscountRate(rate: percent / 100, validFrom: from, source: source, note: note)
      }
    }
    var missing: [MissingRule] = []
    for m in o.optional("missing")?.array() ?? [] {
      guard let mo = m.object(keys: ["year", "part", "reason"]) else { continue }
      let year = mo.required("year", "a year")?.int(in: 1900...2200)
      let part = mo.required("part", "a part")?.string(allowed: [
        "vangnet", "reservation", "macrobudget",
      ])
      let reason = mo.required("reason", "a reason")?.string(nonEmpty: true)
      mo.finish()
      if let year, let part, let reason {
        missing.append(MissingRule(year: year, part: part, reason: reason))
      }
    }
    var years: [Int: YearRule] = [:]
    var sameAs: [(year: Int, target: Int, reader: JSONReader)] = []
    for y in o.required("years", "an array of year entries")?.array() ?? [] {
      guard
        let yo = y.object(keys: [
          "year", "macrobudget", "reservation", "holdback", "nationalOutcome", "vangnet", "notes",
        ])
      else { continue }
      guard let year = yo.required("year", "a year from 1900 to 2200")?.int(in: 1900...2200) else {
        yo.finish()
        continue
      }
      if years[year] != nil {
        y.log.report(y.path.appending("year"), expected: "each year once", found: "\(year) again")
      }
      var rule = YearRule(year: year)
      if let m = yo.optional("macrobudget") { rule.macrobudget = decodeMacrobudget(m) }
      if let r = yo.optional("reservation") { rule.reservation = decodeReservation(r) }
      if let h = yo.optional("holdback") { rule.holdback = decodeReservation(h) }
      if let n = yo.optional("nationalOutcome") { rule.nationalOutcome = decodeNationalOutcome(n) }
      if let v = yo.optional("vangnet") {
        if case .object(let members) = v.value, members.contains(where: { $0.key == "sameAs" }) {
          if let vo = v.object(keys: ["sameAs"]),
            let target = vo.required("sameAs", "a year")?.int(in: 1900...2200)
          {
            sameAs.append((year, target, v))
            vo.finish()
          }
        } else {
          rule.vangnet = decodeVangnet(v)
        }
      }
      rule.notes = (yo.optional("notes")?.array() ?? []).compactMap { $0.string() }
      yo.finish()
      years[year] = rule
    }
    for s in sameAs {
      if let target = years[s.target]?.vangnet {
        years[s.year]?.vangnet = target
      } else {
        s.reader.log.report(
          s.reader.path.appending("sameAs"),
          expected: "a year whose vangnet rule is written out in the same table",
          found: "\(s.target)")
      }
    }
    let periods = o.optional("budgetBasisBySize").map(decodeSizeBasisPeriods) ?? []
    return RuleTable(
      title: title, units: units, confidenceScale: scale, years: years, missing: missing,
      discountRate: discount, sizeBasisPeriods: periods)
  }

  /// Reads the budget bases by size: an array of periods, oldest first, that do not overlap.
  static func decodeSizeBasisPeriods(_ r: JSONReader) -> [SizeBasisPeriod] {
    var out: [SizeBasisPeriod] = []
    for p in r.array(minCount: 1) ?? [] {
      guard
        let o = p.object(keys: [
          "fromYear", "toYear", "historicUpToInhabitants", "objectiveFromInhabitants", "phaseIn",
          "herverdeeleffectCap", "source", "confidence", "notes",
        ])
      else { continue }
      defer { o.finish() }
      let from = o.required("fromYear", "the first budget year of the period")?.int(
        in: 1900...2200)
      let to = o.optional("toYear")?.int(in: 1900...2200)
      let lower = o.required(
        "historicUpToInhabitants", "the number of inhabitants up to which the basis is historic")?
        .int(in: 0...10_000_000)
      let upperReader = o.required(
        "objectiveFromInhabitants", "the number of inhabitants from which the basis is objective")
      let upper = upperReader?.int(in: 0...10_000_000)
      if let lower, let upper, upper <= lower, let upperReader {
        upperReader.report(expected: "a number above historicUpToInhabitants \(lower)")
        continue
      }
      if let from, let to, to < from {
        p.log.report(
          p.path.appending("toYear"), expected: "a year from fromYear \(from) on",
          found: "number \(to)")
        continue
      }
      if let from, let last = out.last, last.toYear.map({ from <= $0 }) ?? true {
        p.log.report(
          p.path.appending("fromYear"),
          expected: "a year after the previous period (periods are in order and do not overlap)",
          found: "number \(from)")
        continue
      }
      var phaseIn: [Int: SizeBasisPhaseIn] = [:]
      for item in o.optional("phaseIn")?.array() ?? [] {
        guard let po = item.object(keys: ["year", "historicPercent", "basisPercent"]) else {
          continue
        }
        let year = po.required("year", "a budget year of the period")?.int(in: 1900...2200)
        let h = po.required("historicPercent", "the weight of the historic budget in percent")?
          .decimal(in: percentRange, unit: "%")
        let b = po.required("basisPercent", "the weight of the budget by the basis in percent")?
          .decimal(in: percentRange, unit: "%")
        po.finish()
        guard let year, let h, let b else { continue }
        if h + b != 100 {
          item.log.report(
            item.path, expected: "historicPercent and basisPercent that add up to 100",
            found: "\(h.plainText) + \(b.plainText)")
          continue
        }
        if let from, year < from || (to.map { year > $0 } ?? false) {
          item.log.report(
            item.path.appending("year"), expected: "a year of the period", found: "number \(year)")
          continue
        }
        phaseIn[year] = SizeBasisPhaseIn(historicWeight: h / 100, basisWeight: b / 100)
      }
      var cap: HerverdeeleffectCap?
      if let c = o.optional("herverdeeleffectCap")?.object(keys: [
        "lowerPercent", "upperPercent", "maximumPercent", "applied", "source", "note",
      ]) {
        let lo = c.required("lowerPercent", "the lowest limit in percent")?.decimal(
          in: percentRange, unit: "%")
        let up = c.required("upperPercent", "the effect above which the limit is the maximum")?
          .decimal(in: percentRange, unit: "%")
        let max = c.required("maximumPercent", "the highest limit in percent")?.decimal(
          in: percentRange, unit: "%")
        let applied = c.required("applied", "false (the engine does not apply the cap)")?.bool()
        let source = c.required("source", "where the cap is written")?.string(nonEmpty: true)
        let note = c.optional("note")?.string()
        c.finish()
        if let lo, let up, let max, let applied, let source {
          cap = HerverdeeleffectCap(
            lower: lo / 100, upper: up / 100, maximum: max / 100, applied: applied,
            source: source, note: note)
        }
      }
      let source = o.required("source", "where the bounds are written")?.string(nonEmpty: true)
      let conf = confidence(o)
      let notes = (o.optional("notes")?.array() ?? []).compactMap { $0.string() }
      guard let from, let lower, let upper, let source, let conf else { continue }
      out.append(
        SizeBasisPeriod(
          fromYear: from, toYear: to, historicUpTo: lower, objectiveFrom: upper, phaseIn: phaseIn,
          cap: cap, source: source, confidence: conf, notes: notes))
    }
    return out
  }

  private static func confidence(_ o: ObjectReader, required: Bool = true) -> Confidence? {
    let names = Confidence.allCases.map(\.rawValue)
    let r =
      required
      ? o.required("confidence", "one of \(JSONReader.list(names))") : o.optional("confidence")
    return r?.string(allowed: names).flatMap(Confidence.init(rawValue:))
  }

  private static let maxMillions: ClosedRange<Decimal> = 0...1_000_000

  private static func decodeSourcedMillions(_ r: JSONReader) -> SourcedAmount? {
    guard let o = r.object(keys: ["eurMillion", "source", "confidence"]) else { return nil }
    defer { o.finish() }
    let amount = o.required("eurMillion", "an amount in EUR million")?.decimal(
      in: maxMillions, unit: "EUR million")
    let source = o.required("source", "a source")?.string(nonEmpty: true)
    let conf = confidence(o)
    guard let amount, let source, let conf else { return nil }
    return SourcedAmount(amount: Money(millions: amount), source: source, confidence: conf)
  }

  private static func decodeMacrobudget(_ r: JSONReader) -> Macrobudget? {
    guard let o = r.object(keys: ["voorlopig", "naderVoorlopig", "definitief", "distributed"])
    else { return nil }
    defer { o.finish() }
    return Macrobudget(
      voorlopig: o.optional("voorlopig").flatMap(decodeSourcedMillions),
      naderVoorlopig: o.optional("naderVoorlopig").flatMap(decodeSourcedMillions),
      definitief: o.optional("definitief").flatMap(decodeSourcedMillions),
      distributed: o.optional("distributed").flatMap(decodeSourcedMillions))
  }

  private static func decodeReservation(_ r: JSONReader) -> Reservation? {
    guard
      let o = r.object(keys: [
        "eurMillion", "forDeficitYear", "description", "source", "confidence",
      ])
    else {
      return nil
    }
    defer { o.finish() }
    let amount = o.required("eurMillion", "an amount in EUR million")?.decimal(
      in: maxMillions, unit: "EUR million")
    let forYear = o.optional("forDeficitYear")?.int(in: 1900...2200)
    let description = o.optional("description")?.string()
    let source = o.required("source", "a source")?.string(nonEmpty: true)
    let conf = confidence(o)
    guard let amount, let source, let conf else { return nil }
    return Reservation(
      amount: SourcedAmount(amount: Money(millions: amount), source: source, confidence: conf),
      forDeficitYear: forYear, description: description)
  }

  private static func decodeNationalOutcome(_ r: JSONReader) -> NationalOutcome? {
    guard
      let o = r.object(keys: [
        "costsEurMillion", "revenuesEurMillion", "balanceEurMillion", "shortfallEurMillion",
        "source",
        "confidence",
      ])
    else { return nil }
    defer { o.finish() }
    let signed: ClosedRange<Decimal> = -1_000_000...1_000_000
    func m(_ k: String, _ range: ClosedRange<Decimal>) -> Money? {
      o.optional(k)?.decimal(in: range, unit: "EUR million").map { Money(millions: $0) }
    }
    let costs = m("costsEurMillion", maxMillions)
    let revenues = m("revenuesEurMillion", maxMillions)
    let balance = m("balanceEurMillion", signed)
    let shortfall = m("shortfallEurMillion", signed)
    let source = o.required("source", "a source")?.string(nonEmpty: true)
    let conf = confidence(o)
    guard let source, let conf else { return nil }
    return NationalOutcome(
      costs: costs, revenues: revenues, balance: balance, shortfall: shortfall, source: source,
      confidence: conf)
  }

  /// Reads a vangnet rule object (`{"regimes": [...]}`).
  static func decodeVangnet(_ r: JSONReader) -> VangnetRule? {
    guard let o = r.object(keys: ["regimes", "deductsUnlawfulSpending"]) else { return nil }
    defer { o.finish() }
    let unlawful = o.optional("deductsUnlawfulSpending")?.string(nonEmpty: true)
    guard let items = o.required("regimes", "an array of regimes")?.array(minCount: 1) else {
      return nil
    }
    let regimes = items.compactMap(decodeRegime)
    return regimes.count == items.count
      ? VangnetRule(regimes: regimes, deductsUnlawfulSpending: unlawful) : nil
  }

  private static let percentRange: ClosedRange<Decimal> = 0...100

  private static func decodeRegime(_ r: JSONReader) -> VangnetRegime? {
    guard
      let o = r.object(keys: [
        "name", "description", "entryPercent", "bands", "condition", "source", "confidence",
        "notes", "moreThanInhabitants", "assessed", "mau", "compensationKnown",
        "perInhabitantEntryEur",
      ])
    else { return nil }
    defer { o.finish() }
    let name = o.required("name", "a name")?.string(nonEmpty: true)
    let description = o.optional("description")?.string() ?? ""
    var mau: MAUTerms?
    var mauOK = true
    if let m = o.optional("mau") {
      mau = decodeMAU(m)
      mauOK = mau != nil
    }
    let entry =
      mau != nil
      ? mau?.ownRiskOptions.first
      : o.required("entryPercent", "a percentage of the budget")?.decimal(
        in: percentRange, unit: "%"
      ).map { $0 / 100 }
    var bands: [Band] = []
    var bandsOK = true
    if mau != nil {
      if o.has("bands") || o.has("entryPercent") {
        r.log.report(
          r.path,
          expected: "no bands or entryPercent on an MAU regime (its own contribution sets them)",
          found: "bands or entryPercent")
        bandsOK = false
      }
    } else if let items = o.required("bands", "an array of bands")?.array(minCount: 1) {
      for (i, b) in items.enumerated() {
        guard
          let bo = b.object(keys: ["fromPercent", "toPercent", "ratePercent", "confidence", "note"])
        else {
          bandsOK = false
          continue
        }
        let from = bo.required("fromPercent", "a percentage")?.decimal(in: percentRange, unit: "%")
        let to = bo.optional("toPercent")?.decimal(in: percentRange, unit: "%")
        let rate = bo.required("ratePercent", "a percentage")?.decimal(in: percentRange, unit: "%")
        let conf = confidence(bo, required: false)
        let note = bo.optional("note")?.string()
        bo.finish()
        guard let from, let rate else {
          bandsOK = false
          continue
        }
        let expectedFrom = bands.last?.to ?? 0
        if from / 100 != expectedFrom {
          b.log.report(
            b.path.appending("fromPercent"),
            expected:
              "\((expectedFrom * 100).plainText) (bands start at 0 and follow each other without gaps)",
            found: "number \(from.plainText)")
          bandsOK = false
        }
        if let to, to <= from {
          b.log.report(
            b.path.appending("toPercent"), expected: "a number above fromPercent \(from.plainText)",
            found: "number \(to.plainText)")
          bandsOK = false
        }
        if to == nil && i != items.count - 1 {
          b.log.report(
            b.path, expected: "a toPercent on every band but the last",
            found: "an open band before the last")
          bandsOK = false
        }
        if to != nil && i == items.count - 1 {
          b.log.report(
            b.path.appending("toPercent"),
            expected: "no toPercent on the last band (it is open upwards)",
            found: "number \(to!.plainText)")
          bandsOK = false
        }
        bands.append(
          Band(
            from: from / 100, to: to.map { $0 / 100 }, rate: rate / 100, confidence: conf,
            note: note))
      }
    } else {
      bandsOK = false
    }
    var condition: MultiYearCondition?
    if let c = o.optional("condition") {
      condition = decodeCondition(c)
      if condition == nil { bandsOK = false }
    }
    let source = o.required("source", "a source")?.string(nonEmpty: true)
    let conf = confidence(o)
    let notes = (o.optional("notes")?.array() ?? []).compactMap { $0.string() }
    let above = o.optional("moreThanInhabitants")?.int(in: 0...20_000_000)
    var assessed: [AssessedCondition] = []
    for a in o.optional("assessed")?.array() ?? [] {
      guard let ao = a.object(keys: ["aboveInhabitants", "text"]) else {
        bandsOK = false
        continue
      }
      let limit = ao.optional("aboveInhabitants")?.int(in: 0...20_000_000)
      if let text = ao.required("text", "the condition in words")?.string(nonEmpty: true) {
        assessed.append(AssessedCondition(aboveInhabitants: limit, text: text))
      } else {
        bandsOK = false
      }
      ao.finish()
    }
    let known = o.optional("compensationKnown")?.bool() ?? true
    let perInhabitant = o.optional("perInhabitantEntryEur")?.decimal(in: 0...10_000, unit: "EUR")
    guard let name, let entry, bandsOK, mauOK, let source, let conf else { return nil }
    var regime = VangnetRegime(
      name: name, description: description, entry: entry, bands: bands, condition: condition,
      source: source, confidence: conf, notes: notes)
    regime.moreThanInhabitants = above
    regime.assessed = assessed
    regime.compensationKnown = known
    regime.perInhabitantEntry = perInhabitant.map { Money($0) }
    if let mau {
      regime.mau = mau
      regime = regime.withOwnRisk(mau.ownRiskOptions[0])
    }
    return regime
  }

  private static func decodeMAU(_ r: JSONReader) -> MAUTerms? {
    guard
      let o = r.object(keys: ["ownRiskPercentOptions", "blockYears", "atLeastAbovePercent"])
    else { return nil }
    defer { o.finish() }
    var options: [Decimal] = []
    var ok = true
    for item in o.required("ownRiskPercentOptions", "the own contributions in percent, ascending")?
      .array(minCount: 1) ?? []
    {
      guard let v = item.decimal(in: percentRange, unit: "%") else {
        ok = false
        continue
      }
      if let last = options.last, v / 100 <= last {
        item.report(expected: "a percentage above the one before (ascending)")
        ok = false
      }
      options.append(v / 100)
    }
    let block = o.required("blockYears", "the years a granted MAU covers")?.int(in: 1...10)
    let floor = o.required("atLeastAbovePercent", "the IAU's threshold in percent")?.decimal(
      in: percentRange, unit: "%")
    guard ok, !options.isEmpty, let block, let floor else { return nil }
    return MAUTerms(ownRiskOptions: options, blockYears: block, atLeastAbove: floor / 100)
  }

  private static func decodeCondition(_ r: JSONReader) -> MultiYearCondition? {
    guard
      let o = r.object(keys: [
        "kind", "priorYears", "thresholdPercent", "years", "lag", "note", "required",
        "thresholdPercentByYear", "otherYearsPercent",
      ])
    else { return nil }
    defer { o.finish() }
    let kind = o.required(
      "kind", "\"cumulative\", \"consecutiveDeficits\" or \"deficitShares\""
    )?.string(allowed: [
      "cumulative", "consecutiveDeficits", "deficitShares",
    ])
    let note = o.optional("note")?.string()
    switch kind {
    case "cumulative":
      let k = o.required("priorYears", "a number of prior years")?.int(in: 1...10)
      let t = o.required("thresholdPercent", "a percentage")?.decimal(in: percentRange, unit: "%")
      guard let k, let t else { return nil }
      return .cumulative(priorYears: k, threshold: t / 100, note: note)
    case "consecutiveDeficits":
      let lag = o.optional("lag")?.int(in: 0...5) ?? 0
      guard let n = o.required("years", "a number of years")?.int(in: 2...10) else { return nil }
      return .consecutiveDeficits(years: n, lag: lag, note: note)
    case "deficitShares":
      let n = o.required("years", "the number of years before the deficit year")?.int(in: 1...10)
      let m = o.required("required", "how many of those years must exceed")?.int(in: 1...10)
      let other = o.required("otherYearsPercent", "the threshold of a year not listed")?.decimal(
        in: percentRange, unit: "%")
      var thresholds: [Int: Decimal] = [:]
      var ok = true
      if let t = o.optional("thresholdPercentByYear") {
        guard case .object(let members) = t.value else {
          t.report(expected: "an object with years as keys, for example {\"2010\": 6.7}")
          return nil
        }
        for (key, value) in members {
          let item = JSONReader(value, path: t.path.appending(key), log: t.log)
          guard let year = Int(key), (1900...2200).contains(year) else {
            item.report(expected: "a year as key")
            ok = false
            continue
          }
          if let v = item.decimal(in: percentRange, unit: "%") {
            thresholds[year] = v / 100
          } else {
            ok = false
          }
        }
      }
      guard let n, let m, let other, ok else { return nil }
      if m > n {
        r.log.report(
          r.path.appending("required"), expected: "at most the number of years (\(n))",
          found: "\(m)")
        return nil
      }
      return .deficitShares(
        years: n, required: m, thresholds: thresholds, otherYears: other / 100, note: note)
    default:
      return nil
    }
  }
}
