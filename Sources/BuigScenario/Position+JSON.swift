import BuigCore
import BuigJSON
import Foundation

extension Position {
  /// The built-in position: Groningen 2018 from seed 003.
  public static func groningen2018(rules: RuleTable) throws(InputIssues) -> Position {
    try decode(
      try Resource.bytes("groningen-2018-position.json", in: .module),
      origin: "groningen-2018-position.json", rules: rules)
  }

  /// Reads a position from JSON; shares left out are derived from the budget and the rule
  /// table's distributed budget of the part's year (s = B / D_year). All problems are reported
  /// together.
  public static func decode(_ bytes: [UInt8], origin: String, rules: RuleTable) throws(InputIssues)
    -> Position
  {
    let value = try JSONParser.document(bytes, origin: origin)
    let log = IssueLog()
    let trail = AuditTrail()
    let r = JSONReader(value, log: log)
    guard
      let o = r.object(keys: [
        "name", "source", "year", "budget", "spending", "priorResults", "attribution",
      ])
    else {
      try log.throwIfAny()
      fatalError("unreachable: a non-object is reported")
    }
    let name = o.required("name", "a name")?.string(nonEmpty: true)
    let source = o.optional("source")?.string()
    let year = o.required("year", "a year")?.int(in: 1900...2200)
    let amountRange = ScenarioReader.money
    let budget = o.required("budget", "an amount in EUR")?.sourcedNumber(trail: trail)?.decimal(
      in: amountRange, unit: "EUR")
    let spending = o.required("spending", "an amount in EUR")?.sourcedNumber(trail: trail)?.decimal(
      in: amountRange, unit: "EUR")
    let priors = o.optional("priorResults")?.array()?.compactMap {
      $0.sourcedNumber(trail: trail)?.decimal(
        in: -amountRange.upperBound...amountRange.upperBound, unit: "EUR")
    }.map { Money($0) }
    var parts: [(AttributionCause, AttributionPart, source: String?)] = []
    if let a = o.optional("attribution"),
      let ao = a.object(keys: [
        "macroShortfall", "herverdeeleffect", "priceDeviation", "volumeDeviation", "reservation",
      ])
    {
      parts = PartContext(budget: budget.map { Money($0) }, rules: rules, trail: trail).parts(ao)
      ao.finish()
    }
    o.finish()
    try log.throwIfAny()
    return Position(
      name: name!, source: source, year: year!, budget: Money(budget!), spending: Money(spending!),
      priorResults: priors, attribution: parts, trail: trail.records)
  }
}

/// Reads attribution parts; shares left out are derived from the position's budget.
struct PartContext {
  let budget: Money?
  let rules: RuleTable
  let trail: AuditTrail
  let amountRange = ScenarioReader.signedMoney

  /// The attribution parts of an object with the members `macroShortfall`, `herverdeeleffect`,
  /// `priceDeviation`, `volumeDeviation` and `reservation`, each optional.
  func parts(_ o: ObjectReader) -> [(AttributionCause, AttributionPart, source: String?)] {
    var parts: [(AttributionCause, AttributionPart, source: String?)] = []
    if let m = o.optional("macroShortfall"), let p = macroShortfall(m) { parts.append(p) }
    if let h = o.optional("herverdeeleffect"), let x = deviation(h, cause: .herverdeeleffect) {
      parts.append(x)
    }
    if let p = o.optional("priceDeviation"), let x = deviation(p, cause: .priceDeviation) {
      parts.append(x)
    }
    if let v = o.optional("volumeDeviation"), let x = deviation(v, cause: .volumeDeviation) {
      parts.append(x)
    }
    if let v = o.optional("reservation"), let x = reservation(v) { parts.append(x) }
    return parts
  }

  /// s = B / D_year, reporting at `path` when the rule table has no distributed budget.
  func share(_ o: ObjectReader, year: Int?) -> (Decimal, String)? {
    if let s = o.optional("share")?.sourcedNumber(trail: trail)?.decimal(in: 0...1) {
      return (s, "share as given")
    }
    guard let year, let budget else { return nil }
    guard let d = rules.years[year]?.distributedBudget(phase: .definitief) else {
      o.log.report(
        o.path.appending("share"),
        expected:
          "a share (fraction), since the rule table has no definitief macrobudget for \(year)",
        found: "nothing")
      return nil
    }
    return (
      budget.euros / d.amount.euros,
      "share = budget / distributed budget \(year) (\(d.amount.groupedEuros))"
    )
  }

  func macroShortfall(_ r: JSONReader) -> (AttributionCause, AttributionPart, source: String?)? {
    guard
      let o = r.object(keys: [
        "year", "nationalShortfall", "fractionAtLocalCost", "localCost", "share", "note",
      ])
    else { return nil }
    defer { o.finish() }
    let year = o.required("year", "a year")?.int(in: 1900...2200)
    let s = o.required("nationalShortfall", "an amount in EUR")?.sourcedNumber(trail: trail)?
      .decimal(in: amountRange, unit: "EUR")
    let f = o.optional("fractionAtLocalCost")?.sourcedNumber(trail: trail)?.decimal(in: 0...1) ?? 0
    let local =
      o.optional("localCost")?.sourcedNumber(trail: trail)?.decimal(
        in: 0...amountRange.upperBound, unit: "EUR") ?? 0
    let note = o.optional("note")?.string()
    guard let (share, how) = self.share(o, year: year), let year, let s else { return nil }
    return (
      .macroShortfall,
      .macroShortfall(
        year: year, nationalShortfall: Money(s), share: share, fractionAtLocalCost: f,
        localCost: Money(local)),
      [how, note].compactMap { $0 }.joined(separator: "; ")
    )
  }

  func reservation(_ r: JSONReader) -> (AttributionCause, AttributionPart, source: String?)? {
    guard let o = r.object(keys: ["year", "amount", "share", "note"]) else { return nil }
    defer { o.finish() }
    let year = o.required("year", "a year")?.int(in: 1900...2200)
    let note = o.optional("note")?.string()
    var amount = o.optional("amount")?.sourcedNumber(trail: trail)?.decimal(
      in: 0...amountRange.upperBound, unit: "EUR"
    ).map { Money($0) }
    var from = "reservation as given"
    if amount == nil, let year {
      guard let v = rules.years[year]?.reservation else {
        o.log.report(
          o.path.appending("amount"),
          expected: "an amount in EUR, since the rule table has no reservation for \(year)",
          found: "nothing")
        return nil
      }
      amount = v.amount.amount
      from = "reservation \(year) from the rule table: \(v.amount.source)"
    }
    guard let (share, how) = self.share(o, year: year), let year, let amount else { return nil }
    return (
      .reservation, .reservation(year: year, reservation: amount, share: share),
      [from, how, note].compactMap { $0 }.joined(separator: "; ")
    )
  }

  func deviation(_ r: JSONReader, cause: AttributionCause) -> (
    AttributionCause, AttributionPart, source: String?
  )? {
    guard case .object(let members) = r.value else {
      guard let v = r.sourcedNumber(trail: trail)?.decimal(in: amountRange, unit: "EUR") else {
        return nil
      }
      return (cause, .given(Money(v)), nil)
    }
    let keys = Set(members.map(\.key))
    if keys.contains("value") {
      guard let v = r.sourcedNumber(trail: trail)?.decimal(in: amountRange, unit: "EUR") else {
        return nil
      }
      return (cause, .given(Money(v)), trail.records.last?.source)
    }
    if keys.contains("notQuantified") {
      guard let o = r.object(keys: ["notQuantified", "note"]) else { return nil }
      defer { o.finish() }
      _ = o.required("notQuantified", "true")?.bool()
      return (cause, .notQuantified, o.optional("note")?.string())
    }
    if cause == .herverdeeleffect {
      r.report(
        expected:
          "an amount in EUR (a number or {\"value\": ..., \"source\": ...}) or {\"notQuantified\": true}",
        hint: "a computed herverdeeleffect comes from a budget by size with historic costs")
      return nil
    }
    let second = cause == .priceDeviation ? "actualPrice" : "objectiveVolume"
    guard let o = r.object(keys: ["caseload", second, "modelPrice", "source"]) else { return nil }
    defer { o.finish() }
    let n = o.required("caseload", "a number of households")?.sourcedNumber(trail: trail)?.decimal(
      in: ScenarioReader.households, unit: "households")
    let model = o.required("modelPrice", "EUR per household per year")?.sourcedNumber(trail: trail)?
      .decimal(in: ScenarioReader.pricePerHousehold, unit: "EUR")
    let source = o.optional("source")?.string()
    if cause == .priceDeviation {
      let p = o.required("actualPrice", "EUR per household per year")?.sourcedNumber(trail: trail)?
        .decimal(in: ScenarioReader.pricePerHousehold, unit: "EUR")
      guard let n, let model, let p else { return nil }
      return (
        cause, .priceDeviation(caseload: n, actualPrice: Money(p), modelPrice: Money(model)), source
      )
    }
    let v = o.required("objectiveVolume", "a number of households")?.sourcedNumber(trail: trail)?
      .decimal(in: ScenarioReader.households, unit: "households")
    guard let n, let model, let v else { return nil }
    return (
      cause, .volumeDeviation(caseload: n, objectiveVolume: v, modelPrice: Money(model)), source
    )
  }
}
