import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// What a sensitivity analysis needs beside its results to be rendered: the run's identity, the
/// horizon, the BLAS core and the engine's warnings.
public struct SensitivityContext: Sendable {
  /// The scenario, its hash and origin, the seed.
  public var identity: RunIdentity
  /// The horizon's years.
  public var years: [Int]
  /// Years whose rules the scenario overrides.
  public var rulesOverridden: [Int]
  /// The kernel used.
  public var kernel: KernelKind
  /// The OpenBLAS core type in use.
  public var blasCore: String
  /// Warnings of the engine's set-up (calibration, correlation repair).
  public var warnings: [String]

  /// A context.
  public init(
    identity: RunIdentity, years: [Int], rulesOverridden: [Int], kernel: KernelKind,
    blasCore: String, warnings: [String]
  ) {
    self.identity = identity
    self.years = years
    self.rulesOverridden = rulesOverridden
    self.kernel = kernel
    self.blasCore = blasCore
    self.warnings = warnings
  }
}

/// Renders a sensitivity analysis (`buig sensitivity`): the tornado and the Sobol indices with
/// their bootstrap intervals, as JSON (docs/output-format.md, schema
/// docs/sensitivity.schema.json) or as a table for an 80-column terminal.
public enum SensitivityRender {
  /// The period in words: `2018`, or `2018-2021 (sum)`.
  static func period(_ a: SensitivityAnalysis, years: [Int]) -> String {
    switch a.period {
    case .year(let y): String(y)
    case .horizon: "\(years.first ?? 0)-\(years.last ?? 0) (sum)"
    }
  }

  /// The notes for people: what the tornado's economy row means, the correlation caveat (when
  /// inputs are correlated), a tornado-only run, an undefined variance and the verdict's
  /// advice on paths.
  public static func notes(_ a: SensitivityAnalysis) -> [String] {
    var out: [String] = []
    if a.inputs.contains(where: { $0.kind == .economy }) {
      out.append(
        "economy is one input: all its yearly innovations at once, at their P10 (sigma times the normal quantile of 0.1, the same every year) and at their P90 in the tornado, at 0 as its median; in the Sobol design its whole path of yearly indices comes from A or from B."
      )
    }
    let correlated = a.inputs.filter(\.isCorrelated).map(\.name)
    if !correlated.isEmpty {
      out.append(
        "Correlated inputs: \(correlated.joined(separator: ", ")). Saltelli's design and Jansen's estimators assume independent inputs. Here A and B are drawn with the scenario's correlation, but each A_B matrix takes one input from B and the others from A, so that input's correlation with the others is broken there. For these inputs the indices are approximate: they measure each input moving along its own distribution, not the share of the variance it carries together with its correlated partners, and they need not add up as for independent inputs. Read them as a ranking. The tornado, too, moves one input at a time with the others at their medians."
      )
    }
    if a.countNoise {
      out.append(
        "Count noise (flows.countNoise): the chance in each month's moves is not an input. The tornado's rows share one stream of it, so a bar is its input's effect alone; in the Sobol design a row of A_B shares A's, so the chance is an input no matrix switches, and its share of the variance is in no index: the first-order indices add up to less than 1 by at least that share."
      )
    }
    guard let sobol = a.sobol else {
      out.append("--paths 0: the tornado only; no Sobol indices were computed.")
      return out
    }
    if !(sobol.variance > 0) {
      out.append(
        "The quantity takes the same value on every path (variance 0): the Sobol indices are undefined. Choose another quantity or year."
      )
    } else if !sobol.converged, let needed = sobol.rowsNeeded {
      let widest = widestInterval(a)
      out.append(
        "Not converged: with \(Money.group(String(sobol.rows))) rows the widest interval is \(MonteCarloInfo.fixed(widest.width, 4)) (\(widest.name), \(widest.which)); intervals narrower than \(MonteCarloInfo.fixed(Sobol.convergedWidth, 1)) need about --paths \(Money.group(String(needed))) (a width shrinks as 1/sqrt(N))."
      )
    }
    return out
  }

  /// The widest interval of the analysis: its width, the input and which index.
  static func widestInterval(_ a: SensitivityAnalysis) -> (
    width: Double, name: String, which: String
  ) {
    var best = (width: -Double.infinity, name: "", which: "")
    guard let s = a.sobol else { return best }
    for (input, i) in zip(a.inputs, s.indices) {
      for (w, which) in [
        (i.firstHigh - i.firstLow, "first order"), (i.totalHigh - i.totalLow, "total"),
      ]
      where w.isFinite && w > best.width {
        best = (w, input.name, which)
      }
    }
    return best
  }

  /// The analysis as JSON: `scenario`, `engine`, `run`, then `quantity`, `unit`, `year` or
  /// `horizon: true`, `years`, `paths` (rows N), `evaluations`, `resamples`, `atMedians`,
  /// `tornado`, `mean` and `sd` of the quantity over A and B, `sobol`, `converged` (null for
  /// --paths 0), `pathsNeeded`, `correlated`, `notes`, `warnings`. Amounts to the cent,
  /// indices to 4 decimals, input values to 6.
  public static func json(_ a: SensitivityAnalysis, context c: SensitivityContext) -> JSONValue {
    let id = c.identity
    var out: [(key: String, value: JSONValue)] = [
      (
        "scenario",
        .object([
          ("name", .string(id.scenario)), ("title", .string(id.title)),
          ("municipality", .string(id.municipality)), ("sha256", .string(id.sha256)),
          ("origin", .string(id.origin)),
        ])
      ),
      (
        "engine",
        .object([("version", .string(BuigVersion.current)), ("blasCore", .string(c.blasCore))])
      ),
      (
        "run",
        .object([
          ("mode", .string("sensitivity")), ("seed", .number(String(id.seed))),
          ("kernel", .string(c.kernel.rawValue)),
          ("rulesOverridden", .array(c.rulesOverridden.map { .int($0) })),
          ("set", .array(id.edits.map { .string($0) })),
        ])
      ),
      ("quantity", .string(a.quantity.rawValue)),
      ("unit", .string(a.quantity.unit)),
    ]
    switch a.period {
    case .year(let y): out.append(("year", .int(y)))
    case .horizon: out.append(("horizon", .bool(true)))
    }
    out.append(("years", .array(c.years.map { .int($0) })))
    out.append(("paths", .int(a.sobol?.rows ?? 0)))
    out.append(("evaluations", .int(a.evaluations)))
    out.append(("resamples", a.sobol.map { .int($0.resamples) } ?? .null))
    out.append(("atMedians", MonteCarloInfo.number(a.tornado.atMedians, 2)))
    out.append(
      (
        "tornado",
        .array(
          a.tornado.bars.map { b in
            .object([
              ("input", .string(b.input.name)), ("low", MonteCarloInfo.number(b.low, 2)),
              ("high", MonteCarloInfo.number(b.high, 2)),
              ("swing", MonteCarloInfo.number(b.swing, 2)),
              ("inputLow", MonteCarloInfo.number(b.inputLow, 6)),
              ("inputHigh", MonteCarloInfo.number(b.inputHigh, 6)),
            ])
          })
      ))
    let s = a.sobol
    out.append(("mean", s.map { MonteCarloInfo.number($0.mean, 2) } ?? .null))
    out.append(("sd", s.map { MonteCarloInfo.number($0.variance.squareRoot(), 2) } ?? .null))
    let sobol: [JSONValue] =
      s.map { s in
        zip(a.inputs, s.indices).map { input, i in
          .object([
            ("input", .string(input.name)), ("first", MonteCarloInfo.number(i.first, 4)),
            ("firstLow", MonteCarloInfo.number(i.firstLow, 4)),
            ("firstHigh", MonteCarloInfo.number(i.firstHigh, 4)),
            ("total", MonteCarloInfo.number(i.total, 4)),
            ("totalLow", MonteCarloInfo.number(i.totalLow, 4)),
            ("totalHigh", MonteCarloInfo.number(i.totalHigh, 4)),
            ("converged", .bool(i.converged)),
          ])
        }
      } ?? []
    out.append(("sobol", .array(sobol)))
    out.append(("converged", s.map { .bool($0.converged) } ?? .null))
    out.append(("pathsNeeded", s?.rowsNeeded.map { .int($0) } ?? .null))
    out.append(("correlated", .array(a.inputs.filter(\.isCorrelated).map { .string($0.name) })))
    out.append(("notes", .array(notes(a).map { .string($0) })))
    out.append(("warnings", .array(c.warnings.map { .string($0) })))
    return .object(out)
  }

  /// The analysis as text for an 80-column terminal: the tornado sorted by swing with a bar,
  /// the Sobol indices with their intervals, the verdict and the notes.
  public static func table(_ a: SensitivityAnalysis, context c: SensitivityContext) -> String {
    let id = c.identity
    let what = "\(a.quantity.label) \(period(a, years: c.years))"
    let unit = a.quantity.unit
    var out: [String] = []
    out.append(Format.wrap("buig \(BuigVersion.current): \(id.scenario): \(id.title)"))
    out.append(
      Format.wrap(
        "scenario sha256 \(id.sha256.prefix(16)), seed \(id.seed), sensitivity of \(what)"))
    if let edits = Format.editsLine(id.edits) { out.append(edits) }
    out.append("")
    out.append(
      Format.wrap(
        "Tornado (\(unit)): each input at its P10 and at its P90, all others at their medians; \(what) with every input at its median: \(whole(a.tornado.atMedians))"
      ))
    let bars = a.tornado.bars
    let names = labels(a.inputs.map(\.name), width: 24)
    let short = Dictionary(uniqueKeysWithValues: zip(a.inputs.map(\.name), names))
    let labels = bars.map { short[$0.input.name] ?? $0.input.name }
    let cells = bars.map { [whole($0.low), whole($0.high), whole($0.swing)] }
    let widths = [
      max(5, labels.map(\.count).max() ?? 0), max(6, cells.map { $0[0].count }.max() ?? 0),
      max(6, cells.map { $0[1].count }.max() ?? 0), max(5, cells.map { $0[2].count }.max() ?? 0),
    ]
    let used = widths.reduce(0, +) + 2 * widths.count
    let maxSwing = bars.map(\.swing).max() ?? 0
    // Bars only when something swings and there is room for them.
    let barWidth = maxSwing > 0 ? min(20, 78 - used) : 0
    var t = TextTable(
      headers: ["input", "at P10", "at P90", "swing"] + (barWidth >= 5 ? [""] : []),
      alignments: [.left, .right, .right, .right, .left])
    for (i, b) in bars.enumerated() {
      var row = [labels[i]] + cells[i]
      if barWidth >= 5 {
        let n = maxSwing > 0 ? Int((b.swing / maxSwing * Double(barWidth)).rounded()) : 0
        row.append(String(repeating: "#", count: n))
      }
      t.add(row)
    }
    out.append(t.render())
    if names != a.inputs.map(\.name) {
      out.append("  ID.field stands for interventions.ID.field")
    }
    if let s = a.sobol {
      out.append("")
      out += sobolLines(s, names: names, evaluations: a.evaluations, what: what)
    }
    let notes = notes(a)
    if !notes.isEmpty {
      out.append("")
      out.append("Notes:")
      for n in notes { out.append(Format.wrap(n, indent: "    ", firstIndent: "  - ")) }
    }
    for w in c.warnings {
      out.append(Format.wrap("warning: " + w, indent: "    ", firstIndent: "  "))
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// The Sobol section of the table: the design, the quantity's spread, the indices with their
  /// intervals (`*` marks an index that has not converged) and the verdict.
  static func sobolLines(_ s: Sobol.Result, names: [String], evaluations: Int, what: String)
    -> [String]
  {
    var out: [String] = []
    out.append(
      Format.wrap(
        "Sobol indices: N = \(Money.group(String(s.rows))) rows (\(Money.group(String(evaluations))) paths in all), Jansen's estimators, 95% bootstrap intervals of \(Money.group(String(s.resamples))) resamples"
      ))
    out.append(
      Format.wrap(
        "\(what) over A and B: mean \(whole(s.mean)), sd \(whole(s.variance.squareRoot()))"))
    let flagged = s.indices.contains { !$0.converged }
    var u = TextTable(
      headers: ["input", "first", "interval", "total", "interval"] + (flagged ? [""] : []),
      alignments: [.left, .right, .left, .right, .left, .left])
    for (name, i) in zip(names, s.indices) {
      u.add(
        [
          name, MonteCarloInfo.fixed(i.first, 3), interval(i.firstLow, i.firstHigh),
          MonteCarloInfo.fixed(i.total, 3), interval(i.totalLow, i.totalHigh),
        ] + (flagged ? [i.converged ? "" : "*"] : []))
    }
    out.append(u.render())
    out.append("")
    if s.converged {
      out.append(
        Format.wrap(
          "Converged: every interval is at most \(MonteCarloInfo.fixed(Sobol.convergedWidth, 1)) wide and none lies outside [0, 1]."
        ))
    } else if !(s.variance > 0) {
      out.append("No indices: the quantity takes the same value on every path.")
    } else {
      out.append(
        Format.wrap(
          "Not converged (*: an interval wider than \(MonteCarloInfo.fixed(Sobol.convergedWidth, 1)) or outside [0, 1])\(s.rowsNeeded.map { "; run again with about --paths \(Money.group(String($0)))" } ?? "")."
        ))
    }
    return out
  }

  /// An amount in whole units with thousands separators, rounded half away from zero.
  static func whole(_ v: Double) -> String {
    v.isFinite ? Money.group(MonteCarloInfo.fixed(v, 0)) : MonteCarloInfo.fixed(v, 0)
  }

  /// An interval as `0.390 to 0.435`.
  static func interval(_ low: Double, _ high: Double) -> String {
    "\(MonteCarloInfo.fixed(low, 3)) to \(MonteCarloInfo.fixed(high, 3))"
  }

  /// The inputs' names in at most `width` characters each: as they are when all fit;
  /// otherwise every `interventions.ID.field` as `ID.field`, and a name still too long cut
  /// with `~` at the end.
  static func labels(_ names: [String], width: Int) -> [String] {
    guard names.contains(where: { $0.count > width }) else { return names }
    return names.map { name in
      var n = name
      if n.hasPrefix("interventions.") { n = String(n.dropFirst("interventions.".count)) }
      if n.count > width { n = String(n.prefix(width - 1)) + "~" }
      return n
    }
  }
}
