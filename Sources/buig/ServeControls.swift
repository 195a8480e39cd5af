import BuigCore
import BuigJSON
import BuigScenario
import Foundation

/// The controls `buig serve`'s page shows for a scenario: its key inputs, each with the
/// `--set` path it changes, its unit, its current value and the range the scenario format
/// accepts (`FieldRange`, the same bounds a file is checked against), with a slider range
/// around the current value inside it.
///
/// A `number` control sets its path to the slider's value; a `scale` control multiplies every
/// number of its `base` (a schedule's costs or yields by year) by the slider's value, rounded
/// to cents, and sets its path to the result.
enum ServeControls {
  /// One control.
  struct Control {
    var path: String
    var label: String
    var unit: String
    /// The label and unit in Dutch (GLOSSARY-nl).
    var dutch: (label: String, unit: String)
    var value: Double
    var valid: ClosedRange<Double>
    var slider: ClosedRange<Double>
    var step: Double
    var kind = "number"
    var base: JSONValue? = nil
    var group: String
    /// Whether the Monte Carlo draws this field from a distribution (`uncertainty`): the slider
    /// then moves the expected meerjarenbeeld, and the spread keeps the distribution's.
    var drawn = false

    var json: JSONValue {
      var members: [(key: String, value: JSONValue)] = [
        ("path", .string(path)), ("label", .string(label)), ("unit", .string(unit)),
        ("labelNl", .string(dutch.label)), ("unitNl", .string(dutch.unit)),
        ("kind", .string(kind)), ("group", .string(group)), ("value", .double(value)),
        ("validMin", .double(valid.lowerBound)), ("validMax", .double(valid.upperBound)),
        ("min", .double(slider.lowerBound)), ("max", .double(slider.upperBound)),
        ("step", .double(step)), ("drawn", .bool(drawn)),
      ]
      if let base { members.append(("base", base)) }
      return .object(members)
    }
  }

  /// A slider from `low × value` to `high × value` (at least `floor` wide), inside `valid`.
  static func around(
    _ value: Double, _ valid: ClosedRange<Double>, low: Double = 0, high: Double = 3,
    floor: Double = 1
  ) -> ClosedRange<Double> {
    let lo = max(valid.lowerBound, value * low)
    let hi = min(valid.upperBound, max(value * high, lo + floor))
    return lo...hi
  }

  /// The path of a top-level number field in `document` (`caseload`, `netPrice`): the member
  /// itself when it is a number, its `value` when it is `{"value": number, …}`; `nil` when it
  /// varies by year or rung (the page leaves it to the file, and says so).
  static func numberPath(_ key: String, in document: JSONValue) -> String? {
    switch document[key] {
    case .number?: key
    case .object?:
      document[key]?["value"].flatMap { if case .number = $0 { key + ".value" } else { nil } }
    default: nil
    }
  }

  /// The controls of a loaded scenario, with the fields it has no control for and why.
  static func json(_ loaded: LoadedScenario) -> JSONValue {
    let s = loaded.scenario
    let document = (try? JSONParser.parse(loaded.bytes)) ?? .null
    var controls: [Control] = []
    var omitted: [JSONValue] = []
    let households = FieldRange.households.doubleRange
    let price = FieldRange.pricePerHousehold.doubleRange
    let first = s.input.years.first ?? 0
    if let path = numberPath("caseload", in: document),
      let v = s.input.caseload[first]?.doubleValue
    {
      controls.append(
        Control(
          path: path, label: "Caseload", unit: "households",
          dutch: ("Bijstandsvolume", "huishoudens"), value: v, valid: households,
          slider: around(v, households, low: 0.5, high: 1.5), step: 10, group: "Caseload and price")
      )
    } else {
      omitted.append(.string("caseload: varies by year; change it in the file"))
    }
    if let path = numberPath("netPrice", in: document),
      let v = s.input.netPrice[first]?.net.euros.doubleValue
    {
      controls.append(
        Control(
          path: path, label: "Net price", unit: "EUR per household per year",
          dutch: ("Nettoprijs", "euro per huishouden per jaar"), value: v,
          valid: price, slider: around(v, price, low: 0.5, high: 1.5), step: 10,
          group: "Caseload and price"))
    } else {
      omitted.append(.string("netPrice: varies by year or rung; change it in the file"))
    }
    let sd = FieldRange.innovationSD
    let economyPath: String =
      switch (document["flows"], document["flows"]?["economy"]) {
      case (nil, _): "flows"
      case (_, nil): "flows.economy"
      default: "flows.economy.innovationSD"
      }
    controls.append(
      Control(
        path: economyPath, label: "Economy: spread of the yearly shock (innovationSD)",
        unit: "index points",
        dutch: ("Economie: spreiding van de jaarlijkse schok (innovationSD)", "indexpunten"),
        value: s.stochastic.economy.innovationSD, valid: sd,
        slider: around(s.stochastic.economy.innovationSD, sd, high: 4, floor: 0.1), step: 0.005,
        kind: economyPath.hasSuffix("innovationSD") ? "number" : "wrap",
        base: economyPath == "flows"
          ? .object([("economy", .object([("innovationSD", .null)]))])
          : economyPath == "flows.economy" ? .object([("innovationSD", .null)]) : nil,
        group: "Economy"))
    for item in s.input.interventions {
      let at = "interventions.\(item.id)"
      switch item.kind {
      case .mechanistic(let m):
        let intake = m.intake.doubleValue
        let saving = m.savingPerSuccess.doubleValue
        controls += [
          Control(
            path: "\(at).intake", label: "\(item.name): intake", unit: "participants a year",
            dutch: ("\(item.name): instroom", "deelnemers per jaar"),
            value: intake, valid: households, slider: around(intake, households, floor: 10),
            step: 1, group: item.name),
          Control(
            path: "\(at).successRate", label: "\(item.name): success rate", unit: "share",
            dutch: ("\(item.name): slagingskans", "aandeel"),
            value: m.successRate.doubleValue, valid: FieldRange.fraction.doubleRange,
            slider: 0...1, step: 0.01, group: item.name),
          Control(
            path: "\(at).savingPerSuccess", label: "\(item.name): saving per success",
            unit: "EUR per household per year",
            dutch: ("\(item.name): besparing per succes", "euro per huishouden per jaar"),
            value: saving, valid: price,
            slider: around(saving, price, floor: 100), step: 10, group: item.name),
        ]
      case .schedule(let sch):
        func byYear(_ m: [Int: Money]) -> JSONValue {
          .object(m.keys.sorted().map { (key: String($0), value: .number(m[$0]!.euros.plainText)) })
        }
        controls.append(
          Control(
            path: "\(at).costs", label: "\(item.name): costs ×", unit: "multiplier",
            dutch: ("\(item.name): kosten ×", "factor"), value: 1,
            valid: 0...1000, slider: 0...3, step: 0.05, kind: "scale", base: byYear(sch.costs),
            group: item.name))
        if let yields = sch.yields {
          controls.append(
            Control(
              path: "\(at).yields", label: "\(item.name): yields ×", unit: "multiplier",
              dutch: ("\(item.name): opbrengsten ×", "factor"), value: 1,
              valid: 0...1000, slider: 0...3, step: 0.05, kind: "scale", base: byYear(yields),
              group: item.name))
        }
      case .screening:
        omitted.append(
          .string("\(at): a screening has no slider; change its fields in the file"))
      }
    }
    let drawn = Set(s.stochastic.uncertain.map(\.target.description))
    for i in controls.indices where drawn.contains(controls[i].path) { controls[i].drawn = true }
    return .object([
      ("scenario", .string(s.name)), ("title", .string(s.title)),
      ("origin", .string(loaded.origin)),
      ("years", .array(s.input.years.map { .int($0) })), ("paths", .int(s.monteCarlo.paths)),
      ("seed", .int(Int(s.seed))), ("maxPaths", .int(ServeLimits.paths)),
      ("controls", .array(controls.map(\.json))), ("omitted", .array(omitted)),
    ])
  }
}

extension ClosedRange where Bound == Decimal {
  /// The range in doubles.
  var doubleRange: ClosedRange<Double> { lowerBound.doubleValue...upperBound.doubleValue }
}
