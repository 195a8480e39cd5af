import BuigCore
import BuigJSON
import Foundation

extension ScenarioReader {
  /// The fields of a realised year.
  static let realisedKeys = ["budget", "spending", "caseload", "interventions", "source", "note"]

  /// Reads `realised`: `{"2023": {"budget", "spending", "caseload", "interventions": {id:
  /// {"cost", "yield"}}, "source", "note"}}`, whose years must be a leading run of the horizon
  /// followed by at least one forecast year. Sets `realisedYears` (so that series may leave
  /// those years out) and returns the facts; the intervention ids are checked later by
  /// `checkRealisedInterventions`, once the package is read.
  func readRealised(_ r: JSONReader?) -> [Int: RealisedYear] {
    guard let r, !years.isEmpty, let members = objectOfYears(r) else { return [:] }
    let horizonText = "a year of the horizon (\(years.first!)-\(years.last!)) as key"
    var out: [Int: RealisedYear] = [:]
    var keyed: [(Int, JSONReader)] = []
    for (key, reader) in members {
      guard key.count == 4, let y = Int(key), years.contains(y) else {
        let before = Int(key).map { $0 < years.first! } ?? false
        log.report(
          reader.path, expected: horizonText, found: "\"\(key)\"",
          hint: before
            ? "a result before the horizon belongs in priorResults; a realised year must be in the horizon"
            : nil)
        continue
      }
      keyed.append((y, reader))
    }
    // A leading run: the first k horizon years, without a gap, and a forecast year after them.
    let marked = Set(keyed.map(\.0))
    let run = years.prefix { marked.contains($0) }.count
    for (y, reader) in keyed where !years.prefix(run).contains(y) {
      let gap = years.filter { $0 < y && !marked.contains($0) }
      log.report(
        reader.path,
        expected: "realised years that form a leading run of the horizon (\(years.first!), "
          + "then \(years.first! + 1), ... without a gap)",
        found: "\(y) realised while \(RuleTable.rangesText(gap)) is not",
        hint: "mark \(RuleTable.rangesText(gap)) realised too, or move horizon.firstYear")
    }
    if run == years.count {
      log.report(
        r.path, expected: "at least one forecast year after the realised years",
        found: "every year of the horizon (\(years.first!)-\(years.last!)) realised",
        hint: "extend horizon.lastYear, or give the years as budget and spending without realised")
    }
    realisedYears = Set(years.prefix(run))
    for (y, reader) in keyed where realisedYears.contains(y) {
      if let fact = readRealisedYear(reader) { out[y] = fact }
    }
    return out
  }

  /// One realised year's facts; numbers without a source of their own take the year's.
  func readRealisedYear(_ r: JSONReader) -> RealisedYear? {
    guard let o = r.object(keys: Self.realisedKeys) else { return nil }
    defer { o.finish() }
    let source = o.optional("source")?.string(nonEmpty: true)
    _ = o.optional("note")?.string(nonEmpty: true)
    let budget = o.required("budget", "the budget as granted (EUR)").flatMap {
      fact($0, source: source, range: Self.money, unit: "EUR")
    }
    let spending = o.required("spending", "the actual BUIG spending (EUR)").flatMap {
      fact($0, source: source, range: Self.money, unit: "EUR")
    }
    let caseload = o.required("caseload", "households on benefit (annual average)").flatMap {
      fact($0, source: source, range: Self.households, unit: "households")
    }
    var actual: [String: RealisedIntervention] = [:]
    if let i = o.optional("interventions") {
      if case .object(let members) = i.value {
        for m in members {
          let ir = JSONReader(m.value, path: i.path.appending(m.key), log: log)
          guard let io = ir.object(keys: ["cost", "yield"]) else { continue }
          let cost = io.optional("cost").flatMap {
            fact($0, source: source, range: Self.money, unit: "EUR")
          }
          let yield = io.optional("yield").flatMap {
            fact($0, source: source, range: Self.money, unit: "EUR")
          }
          io.finish()
          if !io.has("cost") && !io.has("yield") {
            ir.report(expected: "the intervention's actual \"cost\", \"yield\" or both")
          }
          actual[m.key] = RealisedIntervention(
            cost: cost.map { Money($0) }, yield: yield.map { Money($0) })
          realisedInterventionPaths.append((m.key, ir.path))
        }
      } else {
        i.report(
          expected: "an object with intervention ids as keys, for example "
            + "{\"vouchers\": {\"cost\": 150000, \"yield\": 90000}}")
      }
    }
    guard let budget, let spending, let caseload else { return nil }
    return RealisedYear(
      budget: Money(budget), spending: Money(spending), caseload: caseload,
      interventions: actual, source: source)
  }

  /// A number of a realised year, plain or with its own source; recorded in the audit trail
  /// with its own source, else the year's.
  func fact(_ r: JSONReader, source: String?, range: ClosedRange<Decimal>, unit: String)
    -> Decimal?
  {
    guard let v = r.sourcedNumber(trail: nil), let d = v.decimal(in: range, unit: unit) else {
      return nil
    }
    var own: String?
    var note: String?
    if case .object(let members) = r.value {
      if case .string(let s)? = members.first(where: { $0.key == "source" })?.value { own = s }
      if case .string(let s)? = members.first(where: { $0.key == "note" })?.value { note = s }
    }
    if case .number(let literal) = v.value {
      trail.add(
        Provenance(path: r.path.description, value: literal, source: own ?? source, note: note))
    }
    return d
  }

  /// Reports every realised intervention id that is not an id of the scenario's interventions
  /// (`ids`: the ids written in the `interventions` array, read or not).
  func checkRealisedInterventions(ids: [String]) {
    for (id, path) in realisedInterventionPaths where !ids.contains(id) {
      log.report(
        path,
        expected: ids.isEmpty
          ? "no interventions (the scenario has none)"
          : "the id of one of the scenario's interventions (\(JSONReader.list(ids)))",
        found: "\"\(id)\"",
        hint: JSONReader.closest(to: id, in: ids).map { "did you mean \"\($0)\"?" })
    }
  }

  /// The ids written in the scenario's `interventions` array (also of interventions that did
  /// not read cleanly, so that their realised figures are not reported twice).
  static func writtenIDs(_ r: JSONReader?) -> [String] {
    guard case .array(let items)? = r?.value else { return [] }
    return items.compactMap { item in
      if case .string(let id)? = item["id"] { return id }
      return nil
    }
  }
}
