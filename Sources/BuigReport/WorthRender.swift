import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// The discount rate a run's net present values use, and where it comes from.
public struct DiscountSetting: Sendable {
  /// The rate, a fraction per year.
  public var rate: Decimal
  /// Its source: the rule table's, or the command line.
  public var source: String
  /// Where it was taken from, in two or three words (`the rule table`, `--discount-rate`).
  public var origin: String

  /// A setting.
  public init(rate: Decimal, source: String, origin: String) {
    self.rate = rate
    self.source = source
    self.origin = origin
  }

  /// What the rate is applied to, in words, for every output that shows a net present value.
  public static let appliedTo =
    "each year's net after the vangnet, discounted to the horizon's first year, applied to the euros as the scenario states them (no price index is applied)"

  /// The `discountRate` object of the run metadata.
  var json: JSONValue {
    .object([
      ("percent", .number((rate * 100).rounded(4).plainText)), ("source", .string(source)),
      ("appliedTo", .string(Self.appliedTo)),
    ])
  }
}

/// The worth of the package and of each intervention, and the horizon's totals, in every
/// output format.
extension RunRender {
  /// The note a `null` ROI carries.
  static let noCostNote = "no cost: a return per euro of cost is not defined"
  /// The note a p.m. item's worth carries.
  static let pmNote = "p.m.: the yield is not quantified, so only the cost is counted"

  /// A worth's deterministic figures as JSON: `cost`, `yield`, `effectAfterVangnet`,
  /// `netAfterVangnet`, `npv` (EUR, to the cent), `roi` (4 decimals), `paybackYear`, and a note
  /// where a figure is `null`.
  static func totalJSON(_ w: Worth<Decimal>, years: [Int]) -> JSONValue {
    func money(_ d: Decimal?) -> JSONValue { Format.json(d.map { Money($0) }) }
    var m: [(key: String, value: JSONValue)] = [
      ("cost", money(w.cost)), ("yield", money(w.yield)),
      ("effectAfterVangnet", money(w.effectAfterVangnet)),
      ("netAfterVangnet", money(w.netAfterVangnet)), ("npv", money(w.npv)),
      ("roi", w.roi.map { .number($0.rounded(4).plainText) } ?? .null),
      ("paybackYear", w.payback.map { .int(years[$0]) } ?? .null),
    ]
    m.append(("notes", .array(worthNotes(w).map { .string($0) })))
    return .object(m)
  }

  /// The notes of a worth where a figure is not defined: the p.m. yield, the ROI without cost,
  /// a payback beyond the horizon. The JSON, the table and the workbook print the same words.
  static func worthNotes(_ w: Worth<Decimal>) -> [String] {
    var notes: [String] = []
    if w.yield == nil {
      notes.append(pmNote)
    } else if w.roi == nil {
      notes.append(noCostNote)
    }
    if w.yield != nil && w.payback == nil {
      notes.append("the cumulative net after the vangnet stays below zero within the horizon")
    }
    return notes
  }

  /// A worth's Monte Carlo statistics as JSON: each figure's statistics, the ROI to 4
  /// decimals, and the payback year's share within the horizon and its quantiles.
  static func totalStatisticsJSON(_ w: WorthStatistics) -> JSONValue {
    .object([
      ("cost", .object(MonteCarloInfo.statistics(w.cost))),
      ("yield", .object(MonteCarloInfo.statistics(w.yield))),
      ("effectAfterVangnet", .object(MonteCarloInfo.statistics(w.effectAfterVangnet))),
      ("netAfterVangnet", .object(MonteCarloInfo.statistics(w.netAfterVangnet))),
      ("npv", .object(MonteCarloInfo.statistics(w.npv))),
      ("roi", w.roi.map { .object(MonteCarloInfo.statistics($0, decimals: 4)) } ?? .null),
      (
        "paybackYear",
        .object(
          [
            (
              "pWithinHorizon",
              .object([
                ("probability", MonteCarloInfo.number(w.payback.withinHorizon.probability, 6)),
                ("se", MonteCarloInfo.number(w.payback.withinHorizon.se, 6)),
              ])
            )
          ]
            + zip(Summary.levels, w.payback.quantiles).map { level, year in
              (Summary.name(level), year.map { .int($0) } ?? .null)
            })
      ),
    ])
  }

  /// The `package` object: its worth, with statistics when paths ran.
  static func packageJSON(_ p: Projection, discount: DiscountSetting, mc: MonteCarloInfo?)
    -> JSONValue
  {
    let years = p.years.map(\.year)
    var m: [(key: String, value: JSONValue)] = [
      ("total", totalJSON(p.packageWorth(rate: discount.rate), years: years))
    ]
    if let h = mc?.summary.horizon { m.append(("totalStatistics", totalStatisticsJSON(h.package))) }
    let pm = p.interventions.filter { $0.intervention.isPM }.map(\.intervention.id)
    m.append(
      (
        "unquantified",
        .array(pm.map { .string($0) })
      ))
    return .object(m)
  }

  /// The `horizon` object: the sums over the years of the net burden, the interventions' cost
  /// and their total (what the municipality pays, all in), with the cumulative net burden's
  /// statistics and the probability that it exceeds the reserve when paths ran.
  static func horizonJSON(_ p: Projection, mc: MonteCarloInfo?) -> JSONValue {
    let burden = p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros }
    let cost = p.years.reduce(Decimal(0)) { $0 + $1.interventionCost.euros }
    var nb: [(key: String, value: JSONValue)] = [("expected", json(.netBurden, burden))]
    if let h = mc?.summary.horizon { nb += MonteCarloInfo.statistics(h.netBurden) }
    var m: [(key: String, value: JSONValue)] = [
      ("firstYear", .int(p.years.first?.year ?? 0)), ("lastYear", .int(p.years.last?.year ?? 0)),
      ("netBurden", .object(nb)),
      ("interventionCost", .object([("expected", json(.interventionCost, cost))])),
      ("total", .object([("expected", json(.netBurden, burden + cost))])),
    ]
    if let above = mc?.summary.horizon.netBurdenAbove {
      m.append(
        (
          "pNetBurdenAbove",
          MonteCarloInfo.probability(
            above.exceedance, ("limit", .number(MonteCarloInfo.fixed(above.limit, 2))))
        ))
    }
    return .object(m)
  }

  /// CSV rows of the horizon and of every worth: year `horizon`, the package as intervention
  /// `(package)`.
  static func worthCSVRows(
    _ p: Projection, scenario: String, discount: DiscountSetting, mc: MonteCarloInfo?
  ) -> [[String]] {
    var rows: [[String]] = []
    let burden = p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros }
    let cost = p.years.reduce(Decimal(0)) { $0 + $1.interventionCost.euros }
    for (name, v) in [("netBurden", burden), ("interventionCost", cost), ("total", burden + cost)] {
      rows.append([scenario, "horizon", name, "", "EUR", "expected", v.rounded(2).plainText])
    }
    if let h = mc?.summary.horizon {
      rows += statisticRows(h.netBurden, scenario, "netBurden", "", "EUR", 2)
      if let a = h.netBurdenAbove {
        rows.append([
          scenario, "horizon", "pNetBurdenAbove", "", "probability", "mean",
          MonteCarloInfo.fixed(a.exceedance.probability, 6),
        ])
      }
    }
    let years = p.years.map(\.year)
    var entities: [(String, Worth<Decimal>, WorthStatistics?)] = [
      ("(package)", p.packageWorth(rate: discount.rate), mc?.summary.horizon.package)
    ]
    for (i, io) in p.interventions.enumerated() {
      entities.append(
        (
          io.intervention.id, p.worth(intervention: i, rate: discount.rate),
          mc?.summary.horizon.interventions[i]
        ))
    }
    for (id, w, stats) in entities {
      let figures: [(String, Decimal?, String, Int)] = [
        ("cost", w.cost, "EUR", 2), ("yield", w.yield, "EUR", 2),
        ("effectAfterVangnet", w.effectAfterVangnet, "EUR", 2),
        ("netAfterVangnet", w.netAfterVangnet, "EUR", 2), ("npv", w.npv, "EUR", 2),
        ("roi", w.roi, "ratio", 4),
      ]
      for (name, v, unit, decimals) in figures {
        rows.append([
          scenario, "horizon", name, id, unit, "expected",
          v.map { $0.rounded(decimals).plainText } ?? (w.yield == nil ? "p.m." : ""),
        ])
      }
      rows.append([
        scenario, "horizon", "paybackYear", id, "year", "expected",
        w.payback.map { String(years[$0]) } ?? (w.yield == nil ? "p.m." : "none"),
      ])
      guard let stats else { continue }
      let summaries: [(String, Summary?, String, Int)] = [
        ("cost", stats.cost, "EUR", 2), ("yield", stats.yield, "EUR", 2),
        ("effectAfterVangnet", stats.effectAfterVangnet, "EUR", 2),
        ("netAfterVangnet", stats.netAfterVangnet, "EUR", 2), ("npv", stats.npv, "EUR", 2),
        ("roi", stats.roi, "ratio", 4),
      ]
      for (name, s, unit, decimals) in summaries {
        guard let s else { continue }
        rows += statisticRows(s, scenario, name, id, unit, decimals)
      }
      rows.append([
        scenario, "horizon", "paybackYear", id, "probability", "pWithinHorizon",
        MonteCarloInfo.fixed(stats.payback.withinHorizon.probability, 6),
      ])
      for (level, year) in zip(Summary.levels, stats.payback.quantiles) {
        rows.append([
          scenario, "horizon", "paybackYear", id, "year", Summary.name(level),
          year.map(String.init) ?? "none",
        ])
      }
    }
    return rows
  }

  /// The CSV rows of one summary over the horizon: mean, se, the quantiles.
  static func statisticRows(
    _ s: Summary, _ scenario: String, _ name: String, _ id: String, _ unit: String,
    _ decimals: Int
  ) -> [[String]] {
    let stats: [(String, Double)] =
      [("mean", s.mean), ("se", s.se)]
      + zip(s.levels.map(Summary.name), s.quantiles).map { ($0, $1) }
    return stats.map { stat, v in
      [scenario, "horizon", name, id, unit, stat, MonteCarloInfo.fixed(v, decimals)]
    }
  }

  /// The worth table for an 80-column terminal (EUR 1,000): per intervention and for the
  /// package, cost, effect after the vangnet, net, NPV, ROI and payback year; with paths, the
  /// net's spread and the share of paths that pay back.
  static func worthTable(_ p: Projection, discount: DiscountSetting, mc: MonteCarloInfo?)
    -> [String]
  {
    guard let first = p.years.first?.year, let last = p.years.last?.year else { return [] }
    let years = p.years.map(\.year)
    var out: [String] = [""]
    var t = TextTable(
      headers: [
        "Worth \(first)-\(last) (EUR 1,000)", "cost", "after vn", "net", "NPV", "ROI", "payback",
      ],
      alignments: [.left] + Array(repeating: .right, count: 6))
    var rows: [(String, Worth<Decimal>, WorthStatistics?)] = p.interventions.enumerated().map {
      i, io in
      (
        String(io.intervention.id.prefix(22)), p.worth(intervention: i, rate: discount.rate),
        mc?.summary.horizon.interventions[i]
      )
    }
    rows.append(("package", p.packageWorth(rate: discount.rate), mc?.summary.horizon.package))
    func k(_ d: Decimal?) -> String {
      guard let d else { return "p.m." }
      return thousands(d.doubleValue)
    }
    for (name, w, _) in rows {
      t.add([
        name, k(w.cost), k(w.effectAfterVangnet), k(w.netAfterVangnet), k(w.npv),
        w.yield == nil ? "p.m." : w.roi.map { MonteCarloInfo.fixed($0.doubleValue, 2) } ?? "n.a.",
        w.yield == nil ? "p.m." : w.payback.map { String(years[$0]) } ?? "none",
      ])
    }
    out.append(t.render())
    for (name, w, _) in rows {
      for n in worthNotes(w) {
        out.append(Format.wrap("\(name): \(n)", indent: "    ", firstIndent: "  - "))
      }
    }
    out.append(
      Format.wrap(
        "net = after vangnet - cost; NPV at \(Format.percent(discount.rate)) a year (\(discount.origin)): \(DiscountSetting.appliedTo); ROI = net / cost; payback = the first year in which the cumulative net is not negative.",
        indent: "  "))
    if mc != nil {
      var u = TextTable(
        headers: ["Net over the paths (EUR 1,000)", "mean", "p5", "p50", "p95", "P(payback)"],
        alignments: [.left] + Array(repeating: .right, count: 5))
      for (name, _, stats) in rows {
        guard let s = stats else { continue }
        let n = s.netAfterVangnet
        u.add([
          name, thousands(n.mean), thousands(n.quantile(0.05)!), thousands(n.quantile(0.5)!),
          thousands(n.quantile(0.95)!),
          MonteCarloInfo.fixed(s.payback.withinHorizon.probability * 100, 1) + "%",
        ])
      }
      out.append("")
      out.append(u.render())
    }
    let burden = p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros }
    let cost = p.years.reduce(Decimal(0)) { $0 + $1.interventionCost.euros }
    out.append("")
    out.append(
      Format.wrap(
        "Over \(first)-\(last): net burden \(Money(burden).groupedEuros), intervention cost \(Money(cost).groupedEuros), total \(Money(burden + cost).groupedEuros) (EUR, expected)."
      ))
    if let h = mc?.summary.horizon {
      var line =
        "Cumulative net burden over the paths: mean \(Money.group(MonteCarloInfo.fixed(h.netBurden.mean, 0))), 90% certain at most \(Money.group(MonteCarloInfo.fixed(h.netBurden.quantile(0.9)!, 0))), 95% at most \(Money.group(MonteCarloInfo.fixed(h.netBurden.quantile(0.95)!, 0)))"
      if let a = h.netBurdenAbove {
        line +=
          "; P(cumulative net burden > \(Money.group(MonteCarloInfo.fixed(a.limit, 0)))) = \(MonteCarloInfo.fixed(a.exceedance.probability * 100, 1))%"
      }
      out.append(Format.wrap(line + ".", indent: "  "))
    }
    return out
  }

  /// Thousands of euros: 7,180, or 12.3 below 100,000 euros.
  static func thousands(_ v: Double) -> String {
    abs(v) < 100_000
      ? MonteCarloInfo.fixed(v / 1000, 1) : Money.group(MonteCarloInfo.fixed(v / 1000, 0))
  }
}
