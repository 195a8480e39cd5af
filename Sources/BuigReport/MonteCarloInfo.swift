import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// A Monte Carlo run, ready to render.
public struct MonteCarloInfo: Sendable {
  /// The engine set-up (years, flow model, expected durations).
  public var engine: MonteCarlo
  /// The statistics.
  public var summary: MonteCarloSummary
  /// The kernel used.
  public var kernel: KernelKind
  /// The OpenBLAS core type in use.
  public var blasCore: String
  /// Warnings (calibration, correlation repair).
  public var warnings: [String]

  /// A run's information.
  public init(
    engine: MonteCarlo, summary: MonteCarloSummary, kernel: KernelKind, blasCore: String,
    warnings: [String]
  ) {
    self.engine = engine
    self.summary = summary
    self.kernel = kernel
    self.blasCore = blasCore
    self.warnings = warnings
  }

  /// A number with exactly `decimals` decimals, rounded half away from zero (for Monte Carlo
  /// statistics, which are `Double`): the same value always gives the same text. NaN and the
  /// infinities, which no statistic of finite paths should be, read `NaN`, `inf` and `-inf`:
  /// never a plausible number (`number` turns them into JSON null).
  public static func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "inf" : "-inf" }
    let scale = pow(10.0, Double(decimals))
    let r = (abs(v) * scale).rounded(.toNearestOrAwayFromZero) / scale * (v < 0 ? -1 : 1)
    let text = String(format: "%.\(decimals)f", r)
    return text == "-0.00" || text == "-0" ? String(text.dropFirst()) : text
  }

  /// A number for JSON with exactly `decimals` decimals (`fixed`), or null when it is NaN or
  /// infinite (JSON has no such numbers).
  public static func number(_ v: Double, _ decimals: Int) -> JSONValue {
    v.isFinite ? .number(fixed(v, decimals)) : .null
  }

  /// `mean`, `se`, `sd`, the quantiles (`p5` … `p95`, and `p80`, `p90`, `p99` where the summary
  /// has them), `intervals`, to `decimals` decimals (the cent by default).
  public static func statistics(_ s: Summary, decimals: Int = 2) -> [(
    key: String, value: JSONValue
  )] {
    var out: [(key: String, value: JSONValue)] = [
      ("mean", number(s.mean, decimals)), ("se", number(s.se, decimals)),
      ("sd", number(s.sd, decimals)),
    ]
    let names = s.levels.map(Summary.name)
    for (i, n) in names.enumerated() { out.append((n, number(s.quantiles[i], decimals))) }
    out.append(
      (
        "intervals",
        .object(
          names.enumerated().map { i, n in
            (
              n,
              .object([
                ("low", number(s.intervals[i].low, decimals)),
                ("high", number(s.intervals[i].high, decimals)),
              ])
            )
          })
      ))
    return out
  }

  /// `{"probability", "se", <extra>}`.
  static func probability(_ e: Exceedance, _ extra: (String, JSONValue)) -> JSONValue {
    .object([
      extra, ("probability", number(e.probability, 6)), ("se", number(e.se, 6)),
    ])
  }

  /// The `monteCarlo` object: paths, seed, kernel, whether the flows draw count noise, BLAS
  /// core, the expected months on benefit per
  /// state, the calibrated inflow, where each flow parameter comes from (fitted, the scenario's
  /// or the default) and the warnings. Thread count and batch size are left out: they do not
  /// change the results.
  public func json(flowEvidence: [(parameter: String, evidence: String, source: String?)] = [])
    -> JSONValue
  {
    .object([
      ("paths", .int(summary.paths)), ("seed", .number(String(engine.seed))),
      ("kernel", .string(kernel.rawValue)),
      ("countNoise", .bool(engine.model.parameters.countNoise)),
      ("blasCore", .string(blasCore)),
      (
        "calibratedInflowPerMonth",
        .array(engine.calibration.inflow.map { Self.number($0, 4) })
      ),
      (
        "expectedMonthsOnBenefit",
        .array(
          engine.expectedMonths.enumerated().map { i, m in
            .object([
              ("state", .string(FlowModel.stateNames[i])), ("months", Self.number(m, 4)),
            ])
          })
      ),
      (
        "flowEvidence",
        .array(
          flowEvidence.map {
            .object([
              ("parameter", .string($0.parameter)), ("evidence", .string($0.evidence)),
              ("source", $0.source.map { .string($0) } ?? .null),
            ])
          })
      ),
      ("warnings", .array(warnings.map { .string($0) })),
    ])
  }

  /// Rows for the CSV output: `statistic` mean, se, p5 … p95 per year and quantity.
  public func csvRows(scenario: String, years: [Int]) -> [[String]] {
    var rows: [[String]] = []
    for y in years {
      for q in Quantity.reported {
        guard let s = summary[q, year: y] else { continue }
        let stats: [(String, Double)] =
          [("mean", s.mean), ("se", s.se)]
          + zip(s.levels.map(Summary.name), s.quantiles).map { ($0, $1) }
        for (name, v) in stats {
          rows.append([scenario, String(y), q.rawValue, "", q.unit, name, Self.fixed(v, 2)])
        }
      }
      if let d = summary.deficitAboveThreshold[y] {
        rows.append([
          scenario, String(y), "pDeficitAboveThreshold", "", "probability", "mean",
          Self.fixed(d.exceedance.probability, 6),
        ])
      }
      if let b = summary.netBurdenAbove[y] {
        rows.append([
          scenario, String(y), "pNetBurdenAbove", "", "probability", "mean",
          Self.fixed(b.exceedance.probability, 6),
        ])
      }
    }
    return rows
  }

  /// The Monte Carlo section of the table output.
  public func table(years: [Int]) -> String {
    var out: [String] = []
    out.append(
      Format.wrap(
        "Monte Carlo: \(Money.group(String(summary.paths))) paths, seed \(engine.seed), kernel \(kernel.rawValue)"
          + (kernel == .blas ? " (OpenBLAS \(blasCore))" : "")))
    var t = TextTable(
      headers: ["Net burden (EUR 1,000)", "mean", "se", "p5", "p50", "p95", "P(def>thr)"],
      alignments: [.left, .right, .right, .right, .right, .right, .right])
    for y in years {
      guard let s = summary[.netBurden, year: y] else { continue }
      let p =
        summary.deficitAboveThreshold[y].map {
          Self.fixed($0.exceedance.probability * 100, 1) + "%"
        } ?? "no rule"
      t.add([
        String(y), k(s.mean), k(s.se), k(s.quantile(0.05)!), k(s.quantile(0.5)!),
        k(s.quantile(0.95)!), p,
      ])
    }
    out.append(t.render())
    var u = TextTable(
      headers: ["Package yield (EUR 1,000)", "mean", "p5", "p50", "p95"],
      alignments: [.left, .right, .right, .right, .right])
    for y in years {
      guard let s = summary[.interventionYield, year: y] else { continue }
      u.add([
        String(y), k(s.mean), k(s.quantile(0.05)!), k(s.quantile(0.5)!), k(s.quantile(0.95)!),
      ])
    }
    out.append("")
    out.append(u.render())
    if summary.netBurdenAbove.values.first != nil {
      out.append("")
      for y in years {
        if let b = summary.netBurdenAbove[y] {
          out.append(
            "  \(y): P(net burden > \(eur(b.limit))) = \(Self.fixed(b.exceedance.probability * 100, 1))%"
          )
        }
      }
    }
    for w in warnings {
      out.append(Format.wrap("warning: " + w, indent: "    ", firstIndent: "  "))
    }
    return out.joined(separator: "\n")
  }

  private func eur(_ v: Double) -> String {
    Money.group(Self.fixed(v, 0))
  }

  /// Thousands of euros with one decimal below 100 (so that a standard error of EUR 30 reads
  /// 0.0 and not 0): 7,180 or 12.3.
  private func k(_ v: Double) -> String {
    abs(v) < 100_000 ? Self.fixed(v / 1000, 1) : Money.group(Self.fixed(v / 1000, 0))
  }
}
