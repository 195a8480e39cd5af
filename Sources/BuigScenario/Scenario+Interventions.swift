import BuigCore
import BuigJSON
import Foundation

/// The intervention presets that ship with buig: the seeds' interventions with every figure's
/// source (`Resources/presets.json`).
public enum InterventionPresets {
  /// The presets by id, as JSON objects in the scenario's intervention shape (without their
  /// `scale`, which `scale(of:)` reads).
  public static func all() -> [(id: String, value: JSONValue)] {
    guard let value = try? Resource.json("presets.json", in: .module),
      case .array(let items) = value["presets"] ?? .null
    else { return [] }
    return items.compactMap { item in
      guard case .string(let id) = item["id"] ?? .null, case .object(let members) = item else {
        return nil
      }
      return (id, .object(members.filter { $0.key != "scale" }))
    }
  }

  /// Which municipality a preset's figures belong to and which of them scale with the number
  /// of inhabitants (`presets.json`, `scale` and `references`); `nil` for a preset without.
  public static func scale(of id: String) -> PresetScale? {
    guard let value = try? Resource.json("presets.json", in: .module),
      case .array(let items) = value["presets"] ?? .null,
      let item = items.first(where: { $0["id"] == .string(id) }),
      let scale = item["scale"], case .string(let ref) = scale["reference"] ?? .null,
      case .array(let refs) = value["references"] ?? .null,
      let reference = refs.first(where: { $0["id"] == .string(ref) }),
      case .string(let municipality) = reference["municipality"] ?? .null,
      case .string(let when) = reference["when"] ?? .null,
      let inhabitants = reference["inhabitants"],
      case .number(let count) = inhabitants["value"] ?? .null, let n = Int(count),
      case .string(let source) = inhabitants["source"] ?? .null,
      case .array(let fields) = scale["fields"] ?? .null,
      case .string(let why) = scale["why"] ?? .null
    else { return nil }
    return PresetScale(
      reference: ref, municipality: municipality, when: when, inhabitants: n, source: source,
      fields: fields.compactMap { if case .string(let f) = $0 { f } else { nil } }, why: why)
  }

  /// Merges a scenario's intervention object over a preset: the scenario's members win; the
  /// `costs` objects merge member by member.
  static func merge(preset: JSONValue, over: JSONValue) -> JSONValue {
    guard case .object(let base) = preset, case .object(let top) = over else { return over }
    var out = base.filter { $0.key != "id" }
    for (key, value) in top {
      if let i = out.firstIndex(where: { $0.key == key }) {
        if key == "costs", case .object = out[i].value, case .object = value {
          out[i].value = merge(preset: out[i].value, over: value)
        } else {
          out[i].value = value
        }
      } else {
        out.append((key, value))
      }
    }
    // The scenario's own keys first, in its order; then what only the preset has.
    let topKeys = top.map(\.key)
    let ordered =
      topKeys.compactMap { k in out.first { $0.key == k } }
      + out.filter { !topKeys.contains($0.key) }
    return .object(ordered)
  }
}

/// The municipality a preset's figures come from, and the fields that scale with the number of
/// inhabitants: a scenario with N inhabitants gets each such field × N / `inhabitants`.
public struct PresetScale: Equatable, Sendable {
  /// The reference's id in `presets.json` (`groningen-2016`).
  public var reference: String
  /// The municipality (`Groningen`).
  public var municipality: String
  /// When it counted `inhabitants` (`at the end of 2016`).
  public var when: String
  /// Its number of inhabitants in the preset's source year.
  public var inhabitants: Int
  /// Where that number comes from.
  public var source: String
  /// The fields that scale: `intake`, `costs.fixedPerYear`; empty when none does.
  public var fields: [String]
  /// Why they scale (or why not), from the preset's source.
  public var why: String
}

extension ScenarioReader {
  /// A preset's figures scaled to the scenario's municipality: each of the preset's scaling
  /// fields that the scenario does not give itself becomes value × N / N_ref (N the scenario's
  /// `municipality.inhabitants`, N_ref the reference's; intake to 10 decimals, amounts to the
  /// cent), its note saying so. Returns the preset to merge and the note for the intervention,
  /// which says which figures are the reference municipality's; without N nothing is scaled and
  /// the note says the preset is used at the reference's scale.
  func scaled(_ preset: JSONValue, id: String, over given: JSONValue) -> (JSONValue, String?) {
    guard let scale = InterventionPresets.scale(of: id) else { return (preset, nil) }
    let ref = Money.group(String(scale.inhabitants))
    let of = "\(scale.municipality)'s figures (\(ref) inhabitants \(scale.when))"
    guard !scale.fields.isEmpty else {
      return (preset, "Preset \(id): \(of), not scaled: \(scale.why).")
    }
    func label(_ f: String) -> String { f == "costs.fixedPerYear" ? "fixed costs per year" : f }
    func shown(_ f: String, _ v: Decimal) -> String {
      let parts = v.rounded(2).plainText.split(separator: ".")
      guard f != "intake" else { return v.rounded(2).plainText }
      let cents =
        parts.count > 1 ? "." + parts[1].padding(toLength: 2, withPad: "0", startingAt: 0) : ""
      return "EUR " + Money.group(String(parts[0])) + cents
    }
    func value(_ v: JSONValue?, _ path: [String]) -> JSONValue? {
      guard let v else { return nil }
      guard let first = path.first else { return v }
      return value(v[first], Array(path.dropFirst()))
    }
    let own = scale.fields.filter { value(given, $0.split(separator: ".").map(String.init)) != nil }
    let scaling = scale.fields.filter { !own.contains($0) }
    let owned =
      own.isEmpty ? "" : " The scenario gives \(own.map(label).joined(separator: " and ")) itself."
    let names = scaling.map(label).joined(separator: " and ")
    guard let n = inhabitants else {
      let figures = scaling.compactMap { f in
        number(value(preset, f.split(separator: ".").map(String.init))).map {
          "\(label(f)) \(shown(f, $0))"
        }
      }
      return (
        preset,
        "Preset \(id): \(of). \(scale.why); municipality.inhabitants is not given, so "
          + "\(scale.municipality)'s scale is used (\(figures.joined(separator: ", "))): give it "
          + "to scale \(names).\(owned)"
      )
    }
    let factor = Decimal(n) / Decimal(scale.inhabitants)
    let ratio = "\(Money.group(String(n))) / \(ref)"
    guard n != scale.inhabitants else {
      return (
        preset,
        "Preset \(id): \(of). \(scale.why); at this scenario's "
          + "\(Money.group(String(n))) inhabitants \(names) \(scaling.count == 1 ? "stays" : "stay") as stated (scale 1).\(owned)"
      )
    }
    var out = preset
    var changes: [String] = []
    for field in scaling {
      let path = field.split(separator: ".").map(String.init)
      guard let v = number(value(preset, path)) else { continue }
      let places = field == "intake" ? 10 : 2
      let new = (v * factor).rounded(places)
      changes.append("\(label(field)) \(shown(field, v)) → \(shown(field, new))")
      out = replacing(
        out, at: path, with: new,
        note: "\(scale.municipality)'s \(shown(field, v)) scaled by \(ratio) inhabitants.")
    }
    return (
      out,
      "Preset \(id): \(of). \(scale.why), so scaled by \(ratio) inhabitants: "
        + "\(changes.joined(separator: ", ")); the other figures are \(scale.municipality)'s as "
        + "stated.\(owned)"
    )
  }

  /// The number of a plain or sourced JSON number (`{"value": ...}`).
  private func number(_ v: JSONValue?) -> Decimal? {
    switch v {
    case .number(let t)?: Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    case .object?: number(v?["value"])
    default: nil
    }
  }

  /// `v` with the number at `path` replaced by `new`, keeping its source and adding `note`.
  private func replacing(_ v: JSONValue, at path: [String], with new: Decimal, note: String)
    -> JSONValue
  {
    guard case .object(var members) = v else { return v }
    guard let first = path.first, let i = members.firstIndex(where: { $0.key == first }) else {
      return v
    }
    if path.count > 1 {
      members[i].value = replacing(
        members[i].value, at: Array(path.dropFirst()), with: new, note: note)
      return .object(members)
    }
    var sourced: [(key: String, value: JSONValue)] = [("value", .number(new.plainText))]
    var notes = [note]
    if case .object(let old) = members[i].value {
      if let s = old.first(where: { $0.key == "source" }) { sourced.append(s) }
      if case .string(let n)? = old.first(where: { $0.key == "note" })?.value {
        notes.insert(n, at: 0)
      }
    }
    sourced.append(("note", .string(notes.joined(separator: " "))))
    members[i].value = .object(sourced)
    return .object(members)
  }

  static let interventionKeys = [
    "id", "name", "kind", "preset", "source", "notes", "duration", "costs", "yields",
    "costComponents",
    "caseloadEffects", "activeYears", "intake", "programmeYears", "successRate", "deadweight",
    "exitTiming", "savingPerSuccess", "retention", "fromState", "firstYear", "repeatEveryYears",
    "peakSaving",
    "firstYearFraction", "decayPerYear", "costPerRound",
  ]

  func readInterventions(_ r: JSONReader?) -> [Intervention] {
    guard let r, let items = r.array(maxCount: Scenario.maximumInterventions) else { return [] }
    var out: [Intervention] = []
    var ids: Set<String> = []
    for item in items {
      guard let i = readIntervention(item) else { continue }
      if ids.contains(i.id) {
        log.report(
          item.path.appending("id"), expected: "an id used once in the scenario",
          found: "\"\(i.id)\" again")
        continue
      }
      ids.insert(i.id)
      out.append(i)
    }
    return out
  }

  func readIntervention(_ original: JSONReader) -> Intervention? {
    var r = original
    var presetNote: String?
    if case .object(let members) = original.value,
      let p = members.first(where: { $0.key == "preset" })
    {
      let presets = InterventionPresets.all()
      let pr = JSONReader(p.value, path: original.path.appending("preset"), log: log)
      guard let name = pr.string(allowed: presets.map(\.id)),
        let preset = presets.first(where: { $0.id == name })
      else {
        return nil
      }
      let (base, note) = scaled(preset.value, id: name, over: original.value)
      presetNote = note
      r = JSONReader(
        InterventionPresets.merge(preset: base, over: original.value), path: original.path,
        log: log)
    }
    guard let o = r.object(keys: Self.interventionKeys) else { return nil }
    defer { o.finish() }
    _ = o.optional("preset")
    let id = o.required("id", "a short id of lowercase letters, digits and '-'").flatMap(identifier)
    let name = o.required("name", "the intervention's name")?.string(nonEmpty: true)
    let kindName = o.required("kind", "\"schedule\", \"mechanistic\" or \"screening\"")?.string(
      allowed: ["schedule", "mechanistic", "screening"])
    let source = o.optional("source")?.string()
    let notes = (o.optional("notes")?.array() ?? []).compactMap { $0.string(nonEmpty: true) }
    let kindKeys: [String: [String]] = [
      "schedule": ["duration", "costs", "yields", "costComponents", "caseloadEffects"],
      "mechanistic": [
        "activeYears", "intake", "programmeYears", "successRate", "deadweight", "exitTiming",
        "savingPerSuccess",
        "retention", "fromState", "costs",
      ],
      "screening": [
        "firstYear", "repeatEveryYears", "peakSaving", "firstYearFraction", "decayPerYear",
        "costPerRound",
      ],
    ]
    guard let kindName else { return nil }
    // Fields of another kind are errors too.
    let common = ["id", "name", "kind", "preset", "source", "notes"]
    for key in Self.interventionKeys
    where !common.contains(key) && !(kindKeys[kindName] ?? []).contains(key) && o.has(key) {
      log.report(
        o.path.appending(key), expected: "only fields of a \(kindName) intervention",
        found: "\"\(key)\", a field of another kind")
    }
    let kind: Intervention.Kind?
    switch kindName {
    case "schedule": kind = readSchedule(o).map { .schedule($0) }
    case "mechanistic": kind = readMechanistic(o).map { .mechanistic($0) }
    default: kind = readScreening(o).map { .screening($0) }
    }
    guard let id, let name, let kind else { return nil }
    return Intervention(
      id: id, name: name, kind: kind, source: source, notes: notes + [presetNote].compactMap { $0 })
  }

  private var horizonText: String {
    "years of the horizon (\(years.first.map(String.init) ?? "?")-\(years.last.map(String.init) ?? "?"))"
  }

  private func moneyByYear(_ r: JSONReader) -> [Int: Money]? {
    yearMap(
      r, range: Self.money, unit: "EUR",
      allowed: { [years] in years.isEmpty || years.contains($0) }, allowedText: horizonText)?
      .mapValues { Money($0) }
  }

  func readSchedule(_ o: ObjectReader) -> ScheduleIntervention? {
    let duration = o.required("duration", "\"incidental\" or \"structural\"")?.string(allowed: [
      "incidental", "structural",
    ])
    let costs = o.required("costs", "costs by year, for example {\"2018\": 150000}").flatMap(
      moneyByYear)
    var yields: [Int: Money]?? = nil
    if let y = o.required(
      "yields", "yields by year, or \"p.m.\" for a yield that is not quantified")
    {
      if case .string = y.value {
        if y.string(allowed: ["p.m."]) != nil { yields = .some(nil) }
      } else {
        yields = moneyByYear(y).map { .some($0) }
      }
    }
    var components: [(name: String, costs: [Int: Money])] = []
    var componentsOK = true
    for c in o.optional("costComponents")?.array() ?? [] {
      guard let co = c.object(keys: ["name", "costs", "source"]) else {
        componentsOK = false
        continue
      }
      let n = co.required("name", "a name")?.string(nonEmpty: true)
      let cc = co.required("costs", "costs by year").flatMap(moneyByYear)
      _ = co.optional("source")?.string()
      co.finish()
      if let n, let cc { components.append((n, cc)) } else { componentsOK = false }
    }
    if componentsOK, !components.isEmpty, let costs {
      for y in Set(costs.keys).union(components.flatMap(\.costs.keys)).sorted() {
        let sum = components.reduce(Money.zero) { $0 + ($1.costs[y] ?? .zero) }
        if sum != (costs[y] ?? .zero) {
          log.report(
            o.path.appending("costComponents"),
            expected: "components that add up to costs[\"\(y)\"] = \(costs[y] ?? .zero)",
            found: "a sum of \(sum)")
        }
      }
    }
    let effects =
      o.optional("caseloadEffects").flatMap {
        yearMap(
          $0, range: Self.households, unit: "households",
          allowed: { [years] in years.isEmpty || years.contains($0) }, allowedText: horizonText)
      } ?? [:]
    guard let duration, let costs, let yields else { return nil }
    return ScheduleIntervention(
      costs: costs, yields: yields, caseloadEffects: effects, structural: duration == "structural",
      costComponents: components)
  }

  private func number(
    _ o: ObjectReader, _ key: String, _ expected: String, _ range: ClosedRange<Decimal>,
    _ unit: String? = nil, default d: Decimal? = nil
  ) -> Decimal? {
    if let d, !o.has(key) { return d }
    return o.required(key, expected)?.sourcedNumber(trail: trail)?.decimal(in: range, unit: unit)
  }

  func readMechanistic(_ o: ObjectReader) -> MechanisticIntervention? {
    var active: [Int]?
    if let a = o.required(
      "activeYears", "\"horizon\", a list of years, or {\"first\": year, \"last\": year}")
    {
      switch a.value {
      case .string:
        if a.string(allowed: ["horizon"]) != nil { active = years }
      case .array:
        let ys = (a.array(minCount: 1) ?? []).compactMap { y -> Int? in
          guard let v = y.int(in: 1900...2200) else { return nil }
          if !years.isEmpty && !years.contains(v) {
            y.report(expected: horizonText)
            return nil
          }
          return v
        }
        if case .array(let items) = a.value, ys.count == items.count, !ys.isEmpty { active = ys }
      default:
        if let ao = a.object(keys: ["first", "last"]) {
          let f = ao.required("first", "a year")?.int(in: 1900...2200)
          let l = ao.required("last", "a year")?.int(in: 1900...2200)
          ao.finish()
          if let f, let l {
            if f <= l, years.isEmpty || (years.contains(f) && years.contains(l)) {
              active = Array(f...l)
            } else {
              a.report(expected: "first and last within the \(horizonText), first ≤ last")
            }
          }
        }
      }
    }
    let intake = number(
      o, "intake", "participants starting per active year", Self.households, "participants")
    let programme =
      o.has("programmeYears")
      ? o.required("programmeYears", "years")?.sourcedNumber(trail: trail)?.int(in: 1...10) : 1
    let success = number(o, "successRate", "a share of participants (0 to 1)", Self.fraction)
    let deadweight = number(
      o, "deadweight", "a share of successes (0 to 1)", Self.fraction, default: 0)
    let timing = number(
      o, "exitTiming", "a share of a year (0 to 1)", Self.fraction, default: Decimal(string: "0.5")!
    )
    let saving = number(
      o, "savingPerSuccess", "EUR per household per year", Self.pricePerHousehold, "EUR")
    var retention = number(o, "retention", "a share per year (0 to 1)", Self.fraction, default: 1)
    if let f = o.optional("fromState"), let fo = f.object(keys: ["rung", "band"]) {
      let rung = fo.required("rung", "a rung of the ontwikkelladder (1 to 7)")?.int(
        in: 1...FlowModel.rungs)
      let band = fo.required("band", "a duration band (0: < 1 year, 1: 1-2, 2: 2-5, 3: > 5)")?.int(
        in: 0...3)
      fo.finish()
      if o.has("retention") {
        log.report(
          o.path.appending("fromState"), expected: "either retention or fromState",
          found: "both (fromState derives the retention)")
      } else if let rung, let band, let model = flowModel {
        let derived = model.retention(rung: rung, band: band)
        retention = derived.retention
        let months = derived.months
        trail.add(
          Provenance(
            path: o.path.appending("retention").description,
            value: String(format: "%.6f", derived.retention.doubleValue),
            source:
              "the flow model's expected remaining months on benefit in rung \(rung), band \(band)",
            note: "T = \(String(format: "%.1f", months)) months; retention = (1 - 1/T)^12"))
      }
    }
    var fixed: Decimal = 0
    var perParticipant: Decimal = 0
    var perSuccess: Decimal = 0
    var followUps: [FollowUpPayment] = []
    var costsOK = true
    if let c = o.optional("costs") {
      if let co = c.object(keys: ["fixedPerYear", "perParticipant", "perSuccess", "followUps"]) {
        fixed =
          number(co, "fixedPerYear", "EUR per active year", Self.money, "EUR", default: 0)
          ?? {
            costsOK = false; return 0
          }()
        perParticipant =
          number(
            co, "perParticipant", "EUR per participant per year", Self.pricePerHousehold, "EUR",
            default: 0)
          ?? {
            costsOK = false; return 0
          }()
        perSuccess =
          number(co, "perSuccess", "EUR per success", Self.pricePerHousehold, "EUR", default: 0)
          ?? {
            costsOK = false; return 0
          }()
        for f in co.optional("followUps")?.array() ?? [] {
          guard let fo = f.object(keys: ["amount", "probability", "delayMonths", "source", "note"])
          else {
            costsOK = false
            continue
          }
          let amount = number(fo, "amount", "EUR per payment", Self.pricePerHousehold, "EUR")
          let p = number(fo, "probability", "a probability (0 to 1)", Self.fraction)
          let delay = number(fo, "delayMonths", "months (0 to 12)", 0...12, "months", default: 0)
          _ = fo.optional("source")?.string()
          _ = fo.optional("note")?.string()
          fo.finish()
          if let amount, let p, let delay {
            followUps.append(
              FollowUpPayment(amount: Money(amount), probability: p, delayMonths: delay))
          } else {
            costsOK = false
          }
        }
        co.finish()
      } else {
        costsOK = false
      }
    }
    guard let active, let intake, let programme, let success, let deadweight, let timing,
      let saving, let retention, costsOK
    else {
      return nil
    }
    return MechanisticIntervention(
      activeYears: active, intake: intake, programmeYears: programme, successRate: success,
      deadweight: deadweight,
      exitTiming: timing, savingPerSuccess: Money(saving), retention: retention,
      fixedPerYear: Money(fixed),
      perParticipant: Money(perParticipant), perSuccess: Money(perSuccess), followUps: followUps)
  }

  func readScreening(_ o: ObjectReader) -> ScreeningIntervention? {
    var first: Int?
    if let f = o.required("firstYear", horizonText) {
      if let y = f.int(in: 1900...2200) {
        if years.isEmpty || years.contains(y) { first = y } else { f.report(expected: horizonText) }
      }
    }
    let repeatEvery = o.optional("repeatEveryYears")?.sourcedNumber(trail: trail)?.int(in: 1...20)
    let peak = number(o, "peakSaving", "EUR per year", Self.money, "EUR")
    let f = number(o, "firstYearFraction", "a share of the peak (0 to 1)", Self.fraction)
    let decay = number(o, "decayPerYear", "a share of the peak per year (0 to 1)", Self.fraction)
    let cost = number(o, "costPerRound", "EUR per round", Self.money, "EUR", default: 0)
    guard let first, let peak, let f, let decay, let cost else { return nil }
    return ScreeningIntervention(
      firstYear: first, repeatEveryYears: repeatEvery, peakSaving: Money(peak),
      firstYearFraction: f,
      decayPerYear: decay, costPerRound: Money(cost))
  }
}
