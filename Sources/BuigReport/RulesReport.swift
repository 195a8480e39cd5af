import BuigCore
import BuigJSON
import Foundation

/// Renders the rule table, sources included, so a controller can see which rule a number came
/// from.
public enum RulesReport {
  /// The table (or one year of it) as JSON, in the shape of the rule file with every `sameAs`
  /// written out.
  public static func json(_ table: RuleTable, year: Int? = nil) -> JSONValue {
    let years = table.sortedYears.filter { year == nil || $0 == year }
    let discount: [(key: String, value: JSONValue)] =
      table.discountRate.map { [("discountRate", discountJSON($0))] } ?? []
    return .object(
      [
        ("ruleTableVersion", .int(1)),
        ("title", .string(table.title)),
        ("units", .string(table.units)),
        ("confidenceScale", .string(table.confidenceScale)),
      ] + discount + [
        (
          "missing",
          .array(
            table.missing.filter { year == nil || $0.year == year }.map { m in
              .object([
                ("year", .int(m.year)), ("part", .string(m.part)), ("reason", .string(m.reason)),
              ])
            })
        ),
        (
          "budgetBasisBySize",
          .array(
            table.sizeBasisPeriods.filter { p in year.map { p.covers($0) } ?? true }.map(periodJSON)
          )
        ),
        ("years", .array(years.compactMap { table.years[$0] }.map(yearJSON))),
        ("engine", .object([("version", .string(BuigVersion.current))])),
      ])
  }

  /// The discount rate in the shape of the rule file.
  private static func discountJSON(_ d: DiscountRate) -> JSONValue {
    var m: [(key: String, value: JSONValue)] = [("percent", Format.json(d.rate * 100))]
    if let v = d.validFrom { m.append(("validFrom", .int(v))) }
    m.append(("source", .string(d.source)))
    if let n = d.note { m.append(("note", .string(n))) }
    return .object(m)
  }

  /// A period of the budget bases by size, in the shape of the rule file.
  private static func periodJSON(_ p: SizeBasisPeriod) -> JSONValue {
    var m: [(key: String, value: JSONValue)] = [("fromYear", .int(p.fromYear))]
    if let t = p.toYear { m.append(("toYear", .int(t))) }
    m += [
      ("historicUpToInhabitants", .int(p.historicUpTo)),
      ("objectiveFromInhabitants", .int(p.objectiveFrom)),
    ]
    if !p.phaseIn.isEmpty {
      m.append(
        (
          "phaseIn",
          .array(
            p.phaseIn.keys.sorted().map { y in
              .object([
                ("year", .int(y)),
                ("historicPercent", Format.json(p.phaseIn[y]!.historicWeight * 100)),
                ("basisPercent", Format.json(p.phaseIn[y]!.basisWeight * 100)),
              ])
            })
        ))
    }
    m += [("source", .string(p.source)), ("confidence", .string(p.confidence.rawValue))]
    if let c = p.cap {
      var cm: [(key: String, value: JSONValue)] = [
        ("lowerPercent", Format.json(c.lower * 100)), ("upperPercent", Format.json(c.upper * 100)),
        ("maximumPercent", Format.json(c.maximum * 100)), ("applied", .bool(c.applied)),
        ("source", .string(c.source)),
      ]
      if let n = c.note { cm.append(("note", .string(n))) }
      m.append(("herverdeeleffectCap", .object(cm)))
    }
    if !p.notes.isEmpty { m.append(("notes", .array(p.notes.map { .string($0) }))) }
    return .object(m)
  }

  /// A period of the budget bases by size as table lines.
  private static func periodLines(_ p: SizeBasisPeriod) -> [String] {
    let years = "\(p.fromYear)" + (p.toYear.map { "-\($0)" } ?? " onwards")
    var out = [
      Format.wrap(
        "budget basis by size \(years): historic up to \(Money.group(String(p.historicUpTo))) "
          + "inhabitants, mixed (G = m × O + (1 − m) × BL) in between, objective from "
          + "\(Money.group(String(p.objectiveFrom))) [\(p.confidence.rawValue)]",
        indent: "      ", firstIndent: "  ")
    ]
    for y in p.phaseIn.keys.sorted() {
      let w = p.phaseIn[y]!
      out.append(
        "    transition \(y): B = \(w.historicWeight.plainText) × BL + \(w.basisWeight.plainText) × G"
      )
    }
    if let c = p.cap {
      out.append(
        Format.wrap(
          "herverdeeleffect cap \(Percent.text(c.lower))-\(Percent.text(c.maximum))"
            + (c.applied ? "" : " (not applied)") + (c.note.map { ": \($0)" } ?? ""),
          indent: "        ", firstIndent: "    "))
    }
    out.append(Format.wrap("source: " + p.source, indent: "        ", firstIndent: "    "))
    for n in p.notes {
      out.append(Format.wrap("note: " + n, indent: "        ", firstIndent: "    "))
    }
    return out
  }

  private static func millions(_ m: Money) -> JSONValue {
    Format.json(m.euros / 1_000_000)
  }

  private static func sourced(_ s: SourcedAmount) -> JSONValue {
    .object([
      ("eurMillion", millions(s.amount)), ("source", .string(s.source)),
      ("confidence", .string(s.confidence.rawValue)),
    ])
  }

  private static func yearJSON(_ y: YearRule) -> JSONValue {
    var members: [(key: String, value: JSONValue)] = [("year", .int(y.year))]
    if let m = y.macrobudget {
      var mm: [(key: String, value: JSONValue)] = []
      for phase in MacrobudgetPhase.allCases {
        if let a = m.amount(phase) { mm.append((phase.rawValue, sourced(a))) }
      }
      if let d = m.distributed { mm.append(("distributed", sourced(d))) }
      members.append(("macrobudget", .object(mm)))
    }
    for (key, held) in [("reservation", y.reservation), ("holdback", y.holdback)] {
      guard let r = held else { continue }
      var rm: [(key: String, value: JSONValue)] = [("eurMillion", millions(r.amount.amount))]
      if let f = r.forDeficitYear { rm.append(("forDeficitYear", .int(f))) }
      if let d = r.description { rm.append(("description", .string(d))) }
      rm += [
        ("source", .string(r.amount.source)), ("confidence", .string(r.amount.confidence.rawValue)),
      ]
      members.append((key, .object(rm)))
    }
    if let n = y.nationalOutcome {
      var nm: [(key: String, value: JSONValue)] = []
      if let c = n.costs { nm.append(("costsEurMillion", millions(c))) }
      if let r = n.revenues { nm.append(("revenuesEurMillion", millions(r))) }
      if let b = n.balance { nm.append(("balanceEurMillion", millions(b))) }
      if let s = n.shortfall { nm.append(("shortfallEurMillion", millions(s))) }
      nm += [("source", .string(n.source)), ("confidence", .string(n.confidence.rawValue))]
      members.append(("nationalOutcome", .object(nm)))
    }
    if let v = y.vangnet {
      var vm: [(key: String, value: JSONValue)] = [("regimes", .array(v.regimes.map(regimeJSON)))]
      if let d = v.deductsUnlawfulSpending { vm.append(("deductsUnlawfulSpending", .string(d))) }
      members.append(("vangnet", .object(vm)))
    }
    if !y.notes.isEmpty { members.append(("notes", .array(y.notes.map { .string($0) }))) }
    return .object(members)
  }

  private static func regimeJSON(_ r: VangnetRegime) -> JSONValue {
    var m: [(key: String, value: JSONValue)] = [
      ("name", .string(r.name)), ("description", .string(r.description)),
    ]
    if let mau = r.mau {
      m.append(
        (
          "mau",
          .object([
            ("ownRiskPercentOptions", .array(mau.ownRiskOptions.map { Format.json($0 * 100) })),
            ("blockYears", .int(mau.blockYears)),
            ("atLeastAbovePercent", Format.json(mau.atLeastAbove * 100)),
          ])
        ))
    } else {
      m += [
        ("entryPercent", Format.json(r.entry * 100)),
        (
          "bands",
          .array(
            r.bands.map { b in
              var bm: [(key: String, value: JSONValue)] = [
                ("fromPercent", Format.json(b.from * 100))
              ]
              if let to = b.to { bm.append(("toPercent", Format.json(to * 100))) }
              bm.append(("ratePercent", Format.json(b.rate * 100)))
              if let c = b.confidence { bm.append(("confidence", .string(c.rawValue))) }
              if let n = b.note { bm.append(("note", .string(n))) }
              return .object(bm)
            })
        ),
      ]
    }
    if let limit = r.moreThanInhabitants { m.append(("moreThanInhabitants", .int(limit))) }
    if let e = r.perInhabitantEntry { m.append(("perInhabitantEntryEur", Format.json(e.euros))) }
    if !r.compensationKnown { m.append(("compensationKnown", .bool(false))) }
    if !r.assessed.isEmpty {
      m.append(
        (
          "assessed",
          .array(
            r.assessed.map { a in
              var am: [(key: String, value: JSONValue)] = []
              if let l = a.aboveInhabitants { am.append(("aboveInhabitants", .int(l))) }
              am.append(("text", .string(a.text)))
              return .object(am)
            })
        ))
    }
    if let c = r.condition {
      switch c {
      case .cumulative(let k, let t, let note):
        var cm: [(key: String, value: JSONValue)] = [
          ("kind", .string("cumulative")), ("priorYears", .int(k)),
          ("thresholdPercent", Format.json(t * 100)),
        ]
        if let note { cm.append(("note", .string(note))) }
        m.append(("condition", .object(cm)))
      case .consecutiveDeficits(let n, let lag, let note):
        var cm: [(key: String, value: JSONValue)] = [
          ("kind", .string("consecutiveDeficits")), ("years", .int(n)), ("lag", .int(lag)),
        ]
        if let note { cm.append(("note", .string(note))) }
        m.append(("condition", .object(cm)))
      case .deficitShares(let n, let req, let thresholds, let other, let note):
        var cm: [(key: String, value: JSONValue)] = [
          ("kind", .string("deficitShares")), ("years", .int(n)), ("required", .int(req)),
          (
            "thresholdPercentByYear",
            .object(
              thresholds.sorted { $0.key < $1.key }.map {
                ("\($0.key)", Format.json($0.value * 100))
              })
          ),
          ("otherYearsPercent", Format.json(other * 100)),
        ]
        if let note { cm.append(("note", .string(note))) }
        m.append(("condition", .object(cm)))
      }
    }
    m += [("source", .string(r.source)), ("confidence", .string(r.confidence.rawValue))]
    if !r.notes.isEmpty { m.append(("notes", .array(r.notes.map { .string($0) }))) }
    return .object(m)
  }

  /// The table (or one year) as text for an 80-column terminal.
  public static func table(_ table: RuleTable, year: Int? = nil) -> String {
    var out: [String] = []
    out.append(Format.wrap(table.title))
    out.append(Format.wrap(table.units))
    out.append(Format.wrap("Confidence: " + table.confidenceScale))
    let years = table.sortedYears.filter { year == nil || $0 == year }
    for y in years.compactMap({ table.years[$0] }) {
      out.append("")
      out.append("\(y.year)")
      if let m = y.macrobudget {
        for phase in MacrobudgetPhase.allCases {
          if let a = m.amount(phase) { out.append(line("macrobudget \(phase.rawValue)", a)) }
        }
        if let d = m.distributed { out.append(line("distributed (excl. vangnet)", d)) }
      }
      if let r = y.reservation {
        let what = r.forDeficitYear.map { "reservation (for \($0))" } ?? "reservation"
        out.append(line(what, r.amount))
      }
      if let h = y.holdback {
        out.append(line("held back (not for the vangnet)", h.amount))
        if let d = h.description {
          out.append(Format.wrap(d, indent: "      ", firstIndent: "      "))
        }
      }
      if let n = y.nationalOutcome {
        var parts: [String] = []
        if let c = n.costs { parts.append("costs \(mln(c))") }
        if let r = n.revenues { parts.append("revenues \(mln(r))") }
        if let b = n.balance { parts.append("balance \(mln(b))") }
        if let s = n.shortfall { parts.append("shortfall \(mln(s))") }
        out.append(
          Format.wrap(
            "national outcome: " + parts.joined(separator: ", ") + " [\(n.confidence.rawValue)]",
            indent: "      ", firstIndent: "  "))
        out.append(Format.wrap("source: " + n.source, indent: "      ", firstIndent: "    "))
      }
      if let v = y.vangnet {
        for r in v.regimes {
          let head =
            r.mau.map { mau in
              "\(r.name): own contribution "
                + mau.ownRiskOptions.map { Percent.text($0) }.joined(separator: ", ")
                + " of the budget (set by the Toetsingscommissie), at least the costs above "
                + "\(Percent.text(1 + mau.atLeastAbove)) of the budget; a block of \(mau.blockYears) years"
            } ?? "\(r.name): entry above \(Percent.text(r.entry))"
          out.append(
            Format.wrap(
              head + " [\(r.confidence.rawValue)]", indent: "      ", firstIndent: "  "))
          if let limit = r.moreThanInhabitants {
            out.append("    only above \(Money.group(String(limit))) inhabitants")
          }
          if let e = r.perInhabitantEntry {
            out.append("    also entered by a deficit above \(e.groupedEuros) per inhabitant")
          }
          if !r.compensationKnown {
            out.append("    rate not known: judged and named, not paid in results")
          }
          for a in r.assessed {
            out.append(
              Format.wrap(
                "assessed, taken as met"
                  + (a.aboveInhabitants.map { " above \(Money.group(String($0))) inhabitants" }
                    ?? "")
                  + ": " + a.text, indent: "        ", firstIndent: "    "))
          }
          for b in r.bands where r.mau == nil {
            let conf = b.confidence.map { " [\($0.rawValue)]" } ?? ""
            out.append(
              Format.wrap(
                b.label + conf + (b.note.map { ": \($0)" } ?? ""), indent: "        ",
                firstIndent: "    - "))
          }
          if let c = r.condition {
            out.append(
              Format.wrap(
                "condition: " + c.text(year: y.year), indent: "        ", firstIndent: "    "))
          } else {
            out.append("    condition: none")
          }
          out.append(Format.wrap("source: " + r.source, indent: "        ", firstIndent: "    "))
          for n in r.notes {
            out.append(Format.wrap("note: " + n, indent: "        ", firstIndent: "    "))
          }
        }
        if let d = v.deductsUnlawfulSpending {
          out.append(
            Format.wrap(
              "unlawful or uncertain spending is deducted from the costs: " + d, indent: "      ",
              firstIndent: "  "))
        }
      } else {
        let reason =
          table.missing.first { $0.year == y.year && $0.part == "vangnet" }?.reason
          ?? "not in the table"
        out.append(Format.wrap("vangnet: none. " + reason, indent: "      ", firstIndent: "  "))
      }
      for n in y.notes {
        out.append(Format.wrap("note: " + n, indent: "      ", firstIndent: "  "))
      }
    }
    let periods = table.sizeBasisPeriods.filter { p in year.map { p.covers($0) } ?? true }
    if !periods.isEmpty {
      out.append("")
      for p in periods { out += periodLines(p) }
    }
    let missing = table.missing.filter { year == nil || $0.year == year }
    if !missing.isEmpty {
      out.append("")
      out.append("Left out of the table:")
      for m in missing {
        out.append(
          Format.wrap("\(m.year) \(m.part): \(m.reason)", indent: "      ", firstIndent: "  - "))
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  private static func mln(_ m: Money) -> String { "EUR " + Format.millions(m) }

  private static func line(_ label: String, _ a: SourcedAmount) -> String {
    Format.wrap(
      "\(label): \(mln(a.amount)) [\(a.confidence.rawValue)]", indent: "      ", firstIndent: "  ")
      + "\n" + Format.wrap("source: " + a.source, indent: "      ", firstIndent: "    ")
  }
}
