import BuigCore
import BuigJSON
import BuigScenario
import Foundation

extension Quantity {
  /// The label in tables.
  public var label: String {
    switch self {
    case .budget: "budget"
    case .spending: "spending"
    case .result: "result"
    case .vangnet: "vangnet"
    case .netBurden: "net burden"
    case .caseload: "caseload (households)"
    case .interventionCost: "intervention cost"
    case .interventionYield: "intervention yield"
    case .baselineNetBurden: "baseline net burden"
    case .yield: "yield"
    case .effectAfterVangnet: "after vangnet"
    case .cost: "cost"
    case .total: "total (net burden + intervention cost)"
    }
  }
}

/// What identifies a run in every output: the scenario, its hash, the seed, the engine.
public struct RunIdentity: Sendable {
  /// The scenario's name.
  public var scenario: String
  /// Its title.
  public var title: String
  /// The municipality.
  public var municipality: String
  /// SHA-256 of the scenario file's bytes (of the edited document with `edits`).
  public var sha256: String
  /// Where the scenario came from (a path, or `embedded:NAME`).
  public var origin: String
  /// The seed.
  public var seed: UInt64
  /// The `--set` edits made to the scenario (`Scenario.edits`), in order.
  public var edits: [String]

  /// The identity of a scenario run.
  public init(scenario: Scenario, origin: String) {
    self.scenario = scenario.name
    title = scenario.title
    municipality = scenario.municipality
    sha256 = scenario.sha256
    self.origin = origin
    seed = scenario.seed
    edits = scenario.edits
  }
}

/// How a CSV file is written.
public enum CSVDialect: String, Sendable, CaseIterable {
  /// Comma separator, decimal point, no byte-order mark (RFC 4180).
  case comma
  /// What Excel with Dutch settings opens as columns: semicolon separator, decimal comma, a
  /// UTF-8 byte-order mark.
  case excelNL = "excel-nl"

  /// The rows as CSV text: fields quoted when they hold the separator, a quote or a line
  /// break; the numbers of `numericColumns` with a decimal comma in `excelNL`; CRLF line ends.
  public func write(_ rows: [[String]], numericColumns: Set<Int>) -> String {
    let separator: Character = self == .comma ? "," : ";"
    var out = self == .excelNL ? "\u{FEFF}" : ""
    for (r, row) in rows.enumerated() {
      let fields = row.enumerated().map { i, field -> String in
        var f = field
        if self == .excelNL, r > 0, numericColumns.contains(i), Double(f) != nil {
          f = f.replacingOccurrences(of: ".", with: ",")
        }
        return RunRender.csvField(f, separator: separator)
      }
      out += fields.joined(separator: String(separator)) + "\r\n"
    }
    return out
  }
}

/// Renders the deterministic meerjarenbeeld of a scenario.
public enum RunRender {
  /// The text of an intervention's yield that a realised year does not give (CSV).
  static let notKnown = "not known"

  /// A decimal quantity as JSON: euros to the cent, households to two decimals.
  static func json(_ q: Quantity, _ d: Decimal) -> JSONValue {
    .number(d.rounded(2).plainText)
  }

  /// The run as JSON (docs/output-format.md); with `mc`, every quantity also carries the Monte
  /// Carlo statistics.
  public static func json(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo? = nil
  ) -> JSONValue {
    var years: [JSONValue] = []
    for y in p.years {
      var m: [(key: String, value: JSONValue)] = [
        ("year", .int(y.year)), ("realised", .bool(y.realised)),
      ]
      for q in Quantity.reported {
        var stat: [(key: String, value: JSONValue)] = [("expected", json(q, y.value(q)))]
        if q == .interventionYield {
          stat.append(("unquantified", .array(y.unquantified.map { .string($0) })))
        }
        if let summary = mc?.summary[q, year: y.year] {
          stat += MonteCarloInfo.statistics(summary)
        }
        m.append((q.rawValue, .object(stat)))
      }
      if let mc {
        if let d = mc.summary.deficitAboveThreshold[y.year] {
          m.append(
            (
              "pDeficitAboveThreshold",
              MonteCarloInfo.probability(
                d.exceedance,
                ("thresholdPercent", .number(MonteCarloInfo.fixed(d.threshold * 100, 4))))
            ))
        }
        if let b = mc.summary.netBurdenAbove[y.year] {
          m.append(
            (
              "pNetBurdenAbove",
              MonteCarloInfo.probability(
                b.exceedance, ("limit", .number(MonteCarloInfo.fixed(b.limit, 2))))
            ))
        }
      }
      m.append(
        (
          "baseline",
          .object([
            ("spending", Format.json(y.baselineSpending)),
            ("result", Format.json(y.baseline.result)),
            ("vangnet", Format.json(y.baseline.compensation)),
            ("netBurden", Format.json(y.baseline.netBurden)),
            ("caseload", .number(y.baselineCaseload.rounded(2).plainText)),
          ])
        ))
      if let v = y.vangnet {
        m.append(
          (
            "vangnetRule",
            .object([
              ("regime", .string(v.regime.name)),
              ("deficitPercent", Format.jsonPercent(v.deficitRatio)),
              ("band", v.band.map { .string($0.label) } ?? .null),
              (
                "conditionsAssumed",
                .array(v.conditionsAssumed.map { .string(RunRender.assumed($0)) })
              ),
              ("caveats", .array(v.caveats.map { .string($0) })),
              ("ratesKnown", .bool(v.ratesKnown)),
              ("mau", v.mau.map(VangnetReport.mauJSON) ?? .null),
              ("unlawfulSpending", v.unlawfulSpending.map { Format.json($0) } ?? .null),
            ])
          ))
      } else {
        m.append(
          (
            "vangnetRule",
            .object([
              ("regime", .null), ("reason", y.vangnetMissingReason.map { .string($0) } ?? .null),
            ])
          ))
      }
      let budget = y.budget
      m.append(
        (
          "budgetBasis",
          .object([
            ("share", budget.share.map { .number($0.rounded(8).plainText) } ?? .null),
            ("macrobudget", Format.json(budget.macrobudget)),
            ("reservation", Format.json(budget.reservation)),
            ("distributed", Format.json(budget.distributed)),
            ("phase", budget.phase.map { .string($0.rawValue) } ?? .null),
            ("bySize", budget.sizeBasis.map(sizeBasisJSON) ?? .null),
            ("assumptions", .array(budget.assumptions.map { .string($0) })),
          ])
        ))
      years.append(.object(m))
    }
    let realised = Set(p.years.filter(\.realised).map(\.year))
    let interventions: [JSONValue] = p.interventions.enumerated().map { index, io in
      let i = io.intervention
      var m: [(key: String, value: JSONValue)] = [
        ("id", .string(i.id)), ("name", .string(i.name)), ("kind", .string(i.kind.name)),
        ("pm", .bool(i.isPM)),
        ("source", i.source.map { .string($0) } ?? .null),
        ("notes", .array(i.notes.map { .string($0) })),
      ]
      if case .schedule(let sc) = i.kind, !sc.costComponents.isEmpty {
        m.append(
          (
            "costComponents",
            .array(
              sc.costComponents.map { c in
                .object([
                  ("name", .string(c.name)),
                  (
                    "costs",
                    .object(c.costs.keys.sorted().map { (String($0), Format.json(c.costs[$0]!)) })
                  ),
                ])
              })
          ))
      }
      m.append(
        (
          "years",
          .array(
            io.years.map { y in
              var ym: [(key: String, value: JSONValue)] = [
                ("year", .int(y.year)), ("cost", Format.json(y.cost)),
                ("yield", Format.json(y.yield)),
                ("effectBeforeVangnet", Format.json(y.effectBeforeVangnet)),
                ("effectAfterVangnet", Format.json(y.effectAfterVangnet)),
                ("caseloadEffect", .number(y.caseloadEffect.rounded(2).plainText)),
              ]
              // A realised year that gives no actual yield has no statistics of it either.
              let known = !(realised.contains(y.year) && y.yield == nil)
              if known, let summary = mc?.summary[.yield, year: y.year, intervention: index] {
                ym.append(("yieldStatistics", .object(MonteCarloInfo.statistics(summary))))
              }
              if known,
                let summary = mc?.summary[.effectAfterVangnet, year: y.year, intervention: index]
              {
                ym.append(
                  ("effectAfterVangnetStatistics", .object(MonteCarloInfo.statistics(summary))))
              }
              return .object(ym)
            })
        ))
      m.append(
        (
          "total",
          totalJSON(p.worth(intervention: index, rate: discount.rate), years: p.years.map(\.year))
        ))
      if let stats = mc?.summary.horizon.interventions[index] {
        m.append(("totalStatistics", totalStatisticsJSON(stats)))
      }
      return .object(m)
    }
    let attribution: [JSONValue] = p.years.map { y in
      guard case .object(let a) = PositionRender.attributionJSON(y.attribution) else {
        return .null
      }
      return .object([("year", .int(y.year))] + a)
    }
    var engine: [(key: String, value: JSONValue)] = [("version", .string(BuigVersion.current))]
    if let mc { engine.append(("blasCore", .string(mc.blasCore))) }
    var out: [(key: String, value: JSONValue)] = [
      (
        "scenario",
        .object([
          ("name", .string(identity.scenario)), ("title", .string(identity.title)),
          ("municipality", .string(identity.municipality)), ("sha256", .string(identity.sha256)),
          ("origin", .string(identity.origin)),
        ])
      ),
      ("engine", .object(engine)),
      (
        "run",
        .object([
          ("mode", .string(mc == nil ? "deterministic" : "monteCarlo")),
          ("seed", .number(String(identity.seed))),
          ("rulesOverridden", .array(s.overriddenYears.map { .int($0) })),
          ("discountRate", discount.json),
          ("set", .array(identity.edits.map { .string($0) })),
        ])
      ),
      ("years", .array(years)),
      ("horizon", horizonJSON(p, mc: mc)),
      ("package", packageJSON(p, discount: discount, mc: mc)),
      ("interventions", .array(interventions)),
      ("attribution", .array(attribution)),
      ("notes", .array(s.notes.map { .string($0) })),
      ("auditTrail", PositionRender.trailJSON(s.trail)),
    ]
    if let mc { out.insert(("monteCarlo", mc.json(flowEvidence: s.flowEvidence)), at: 3) }
    return .object(out)
  }

  /// A budget basis by size: the basis, the inhabitants, m, the transition weights, BL, O, G and
  /// the rule table's source.
  static func sizeBasisJSON(_ b: AppliedSizeBasis) -> JSONValue {
    .object([
      ("basis", .string(b.kind.rawValue)),
      ("inhabitants", .int(b.inhabitants)),
      ("bounds", .string(b.period.boundsText(b.kind))),
      ("m", .number(b.m.rounded(8).plainText)),
      (
        "phaseIn",
        b.phaseIn.map {
          .object([
            ("historicWeight", .number($0.historicWeight.plainText)),
            ("basisWeight", .number($0.basisWeight.plainText)),
          ])
        } ?? .null
      ),
      ("historicBudget", Format.json(b.historicBudget)),
      ("objectiveBudget", Format.json(b.objectiveBudget)),
      ("basisAmount", Format.json(b.basis)),
      ("formula", .string(b.text)),
      ("source", .string(b.period.source)),
    ])
  }

  /// The caveats of the vangnet rules the projection used, each once, prefixed by the years it
  /// applies to (`2012, 2014: ...`), in the order of their first year.
  static func vangnetCaveats(_ p: Projection) -> [String] {
    var order: [String] = []
    var years: [String: [Int]] = [:]
    for y in p.years {
      for c in y.vangnet?.caveats ?? [] {
        if years[c] == nil { order.append(c) }
        years[c, default: []].append(y.year)
      }
    }
    return order.map { c in years[c]!.map(String.init).joined(separator: ", ") + ": " + c }
  }

  /// An assumed vangnet condition in the words of a run: the results it needs come from the
  /// scenario's `priorResults`.
  static func assumed(_ c: AssumedCondition) -> String {
    "\(c.regime): \(c.condition) (not checked: give the scenario's priorResults for those years to check it)"
  }

  /// A CSV field, quoted when it holds a separator, a quote or a line break.
  static func csvField(_ s: String, separator: Character = ",") -> String {
    if s.contains(separator) || s.contains("\"") || s.contains("\n") || s.contains("\r") {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }

  /// The run as CSV, one row per year × quantity (and per intervention × year × quantity):
  /// `scenario,year,quantity,intervention,unit,statistic,value`; values with a decimal point,
  /// rows in a fixed order, CRLF line ends (RFC 4180). Each year starts with a row
  /// `realised` (statistic `flag`, value 1 or 0, a number like every other value), and a year
  /// with a vangnet rule a row `vangnetRatesKnown` (flag 0 when a regime's rate is unknown); an
  /// intervention's yield that a
  /// realised year does not give is `not known`, a p.m. yield `p.m.`.
  public static func csv(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo? = nil, dialect: CSVDialect = .comma
  ) -> String {
    var rows: [[String]] = [
      ["scenario", "year", "quantity", "intervention", "unit", "statistic", "value"]
    ]
    for y in p.years {
      rows.append([
        identity.scenario, String(y.year), "realised", "", "", "flag", y.realised ? "1" : "0",
      ])
      if let rule = s.rules.years[y.year]?.vangnet {
        // 0 when a regime of the year's rule has no known rate (the 2025 uitgebreid vangnet):
        // the compensation may then be too low, as the JSON and table caveats say.
        rows.append([
          identity.scenario, String(y.year), "vangnetRatesKnown", "", "", "flag",
          rule.regimes.allSatisfy(\.compensationKnown) ? "1" : "0",
        ])
      }
      for q in Quantity.reported {
        rows.append([
          identity.scenario, String(y.year), q.rawValue, "", q.unit, "expected",
          y.value(q).rounded(2).plainText,
        ])
      }
    }
    if let mc { rows += mc.csvRows(scenario: identity.scenario, years: p.years.map(\.year)) }
    let realised = Set(p.years.filter(\.realised).map(\.year))
    for io in p.interventions {
      for y in io.years {
        let missing = realised.contains(y.year) ? notKnown : "p.m."
        let items: [(String, Money?)] = [
          ("cost", y.cost), ("yield", y.yield), ("effectBeforeVangnet", y.effectBeforeVangnet),
          ("effectAfterVangnet", y.effectAfterVangnet),
        ]
        for (name, value) in items {
          rows.append([
            identity.scenario, String(y.year), name, io.intervention.id, "EUR", "expected",
            value.map { $0.roundedToCents.euros.plainText } ?? missing,
          ])
        }
      }
    }
    rows += worthCSVRows(p, scenario: identity.scenario, discount: discount, mc: mc)
    return dialect.write(rows, numericColumns: [6])
  }

  /// The run as text for an 80-column terminal: the meerjarenbeeld, the interventions, the
  /// attribution, notes and sources.
  public static func table(
    _ s: Scenario, _ p: Projection, identity: RunIdentity, discount: DiscountSetting,
    mc: MonteCarloInfo? = nil
  ) -> String {
    var out: [String] = []
    out.append(Format.wrap("buig \(BuigVersion.current): \(identity.scenario): \(identity.title)"))
    out.append(
      "scenario sha256 \(identity.sha256.prefix(16)), seed \(identity.seed), deterministic projection"
    )
    // `buig run` names the command the edits go to, so that `buig merge` (which has no --set)
    // prints the same bytes as one run.
    if let edits = Format.editsLine(identity.edits, givenTo: "buig run") {
      out.append(edits)
    }
    let blocks = stride(from: 0, to: p.years.count, by: 4).map {
      Array(p.years[$0..<min($0 + 4, p.years.count)])
    }
    for block in blocks {
      out.append("")
      var t = TextTable(
        headers: ["Meerjarenbeeld (EUR)"] + block.map { String($0.year) },
        alignments: [.left] + block.map { _ in .right })
      if p.years.contains(where: \.realised) {
        t.add(["realised"] + block.map { $0.realised ? "yes" : "no" })
      }
      for q in Quantity.reported {
        t.add(
          [q.label]
            + block.map { y in
              let v = y.value(q)
              return q == .caseload ? Money.group(v.rounded(0).plainText) : Money(v).groupedEuros
            })
      }
      t.add(
        [Quantity.baselineNetBurden.label] + block.map { $0.baseline.netBurden.groupedEuros })
      out.append(t.render())
    }
    let bySize = p.years.filter { $0.budget.sizeBasis != nil }
    if !bySize.isEmpty {
      out.append("")
      out.append("Budget basis by size (Besluit WWB 2007 art. 4-8a, from the rule table):")
      for y in bySize {
        out.append(
          Format.wrap(y.budget.sizeBasis!.text, indent: "    ", firstIndent: "  \(y.year): "))
      }
      // The same assumption in several years once, with its years.
      var byText: [(text: String, years: [Int])] = []
      for y in bySize {
        for a in y.budget.assumptions {
          let text = a.hasPrefix("\(y.year): ") ? String(a.dropFirst(6)) : a
          if let i = byText.firstIndex(where: { $0.text == text }) {
            byText[i].years.append(y.year)
          } else {
            byText.append((text, [y.year]))
          }
        }
      }
      for a in byText {
        out.append(
          Format.wrap(
            "\(RuleTable.rangesText(a.years)): \(a.text)", indent: "    ", firstIndent: "  - "))
      }
    }
    // The other budgets' assumptions (a year without a known reservation), each once.
    var budgetAssumptions: [String] = []
    for y in p.years where y.budget.sizeBasis == nil {
      for a in y.budget.assumptions where !budgetAssumptions.contains(a) {
        budgetAssumptions.append(a)
      }
    }
    if !budgetAssumptions.isEmpty {
      out.append("")
      out.append("Budget assumptions:")
      for a in budgetAssumptions {
        out.append(Format.wrap(a, indent: "    ", firstIndent: "  - "))
      }
    }
    let realisedYears = p.years.filter(\.realised).map { String($0.year) }
    if !realisedYears.isEmpty {
      out.append(
        Format.wrap(
          "realised: \(realisedYears.joined(separator: ", ")) (facts the scenario gives, the same in every path; no modelled yield is subtracted from their spending)",
          indent: "  "))
    }
    let pm = p.interventions.filter { $0.intervention.isPM }.map(\.intervention.id)
    if !pm.isEmpty {
      out.append(
        Format.wrap(
          "p.m. (cost counted, yield not quantified): " + pm.joined(separator: ", "), indent: "  "))
    }
    for block in stride(from: 0, to: p.years.count, by: 4).map({ ($0, min($0 + 4, p.years.count)) })
    {
      out.append("")
      let ys = p.years[block.0..<block.1].map(\.year)
      var t = TextTable(
        headers: ["Interventions (EUR)"] + ys.map(String.init),
        alignments: [.left] + ys.map { _ in .right })
      let facts = p.years[block.0..<block.1].map(\.realised)
      for io in p.interventions {
        let slice = io.years[block.0..<block.1]
        t.add([String(io.intervention.id.prefix(22))] + slice.map { _ in "" })
        t.add(["  cost"] + slice.map { $0.cost.groupedEuros })
        t.add(
          ["  yield"]
            + zip(slice, facts).map { $0.yield?.groupedEuros ?? ($1 ? "n.k." : "p.m.") })
        t.add(
          ["  after vangnet"]
            + zip(slice, facts).map {
              $0.effectAfterVangnet?.groupedEuros ?? ($1 ? "n.k." : "p.m.")
            })
      }
      out.append(t.render())
    }
    let interventionNotes = p.interventions.flatMap { io in
      io.intervention.notes.map { "\(io.intervention.id): \($0)" }
    }
    if !interventionNotes.isEmpty {
      out.append("  Notes on the interventions:")
      for n in interventionNotes {
        out.append(Format.wrap(n, indent: "      ", firstIndent: "    - "))
      }
    }
    out.append(
      Format.wrap(
        "'after vangnet' is the lower net burden: a saving inside a compensated band lowers the vangnet payment, not the burden.",
        indent: "  "))
    if p.interventions.contains(where: { io in
      zip(io.years, p.years).contains { $1.realised && $0.yield == nil }
    }) {
      out.append(
        Format.wrap(
          "n.k.: not known: the realised year gives no actual yield (its spending holds whatever the intervention did).",
          indent: "  "))
    }
    out += worthTable(p, discount: discount, mc: mc)
    for block in stride(from: 0, to: p.years.count, by: 4).map({ ($0, min($0 + 4, p.years.count)) })
    {
      out.append("")
      let ys = Array(p.years[block.0..<block.1])
      var t = TextTable(
        headers: ["Deficit by cause (EUR)"] + ys.map { String($0.year) },
        alignments: [.left] + ys.map { _ in .right })
      for cause in AttributionCause.allCases
      where p.years.contains(where: { $0.attribution.line(cause) != nil }) {
        t.add(
          [cause.shortLabel] + ys.map { $0.attribution.line(cause)?.amount?.groupedEuros ?? "n.q." }
        )
      }
      t.add(["deficit"] + ys.map { $0.attribution.deficit.groupedEuros })
      out.append(t.render())
    }
    out.append("  n.q.: not quantified (part of the rest)")
    if let mc {
      out.append("")
      out.append(mc.table(years: p.years.map(\.year)))
    }
    var assumed: [String] = []
    for y in p.years {
      for c in y.vangnet?.conditionsAssumed ?? [] {
        assumed.append("\(y.year): \(RunRender.assumed(c))")
      }
      if y.vangnet == nil {
        assumed.append(
          "\(y.year): no vangnet rule in the rule table; none is counted"
            + (y.vangnetMissingReason.map { " (\($0))" } ?? ""))
      }
    }
    if !assumed.isEmpty {
      out.append("")
      out.append("Vangnet conditions assumed met (not checked):")
      for a in assumed { out.append(Format.wrap(a, indent: "    ", firstIndent: "  - ")) }
    }
    let judged = p.years.filter {
      $0.vangnet?.mau != nil || ($0.vangnet?.unlawfulSpending ?? .zero) != .zero
    }
    if !judged.isEmpty {
      out.append("")
      out.append("Vangnet by year (IAU and MAU, unlawful spending):")
      for y in judged {
        guard let v = y.vangnet else { continue }
        if let m = v.mau {
          var text =
            "MAU " + (m.covered ? "covers the year: " : "does not cover the year: ") + m.basis
          if m.covered {
            text +=
              "; own contribution \(Percent.text(m.ownRisk))"
              + (m.ownRiskAssumed ? " (assumed: the lowest)" : "") + "; compensation "
              + m.range.map { "\($0.compensation.groupedEuros) at \(Percent.text($0.ownRisk))" }
              .joined(separator: ", ")
          }
          out.append(Format.wrap(text, indent: "    ", firstIndent: "  \(y.year): "))
        }
        if let u = v.unlawfulSpending, u != .zero {
          out.append(
            Format.wrap(
              "unlawful spending of \(u.groupedEuros) deducted from the costs before the deficit is judged",
              indent: "    ", firstIndent: "  \(y.year): "))
        }
      }
    }
    let caveats = vangnetCaveats(p)
    if !caveats.isEmpty {
      out.append("")
      out.append("Vangnet rule caveats:")
      for c in caveats { out.append(Format.wrap(c, indent: "    ", firstIndent: "  - ")) }
    }
    if !s.notes.isEmpty {
      out.append("")
      out.append("Notes:")
      for n in s.notes { out.append(Format.wrap(n, indent: "    ", firstIndent: "  - ")) }
    }
    out += PositionRender.trailLines(s.trail)
    return out.joined(separator: "\n") + "\n"
  }
}
