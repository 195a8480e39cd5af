import BuigCore
import BuigEngine
import BuigJSON
import Foundation

/// One checked value of a scenario's output.
public struct CheckedValue: Equatable, Sendable {
  /// `netBurden`, `yield:vouchers`, `pDeficitAboveThreshold`.
  public var quantity: String
  /// The year.
  public var year: Int
  /// `expected` (deterministic), or a Monte Carlo statistic: `mean`, `p5`, `p50`, `p95`,
  /// `probability`.
  public var statistic: String
  /// The value.
  public var value: Double
  /// Its Monte Carlo standard error (0 for deterministic values).
  public var se: Double

  /// A value.
  public init(quantity: String, year: Int, statistic: String, value: Double, se: Double) {
    self.quantity = quantity
    self.year = year
    self.statistic = statistic
    self.value = value
    self.se = se
  }

  /// `netBurden 2019 mean`.
  public var name: String { "\(quantity) \(year) \(statistic)" }
}

/// The committed outputs of a scenario that `buig check` compares new runs with.
public struct Golden: Equatable, Sendable {
  /// The golden file format version.
  public static let version = 1

  /// The scenario's name.
  public var scenario: String
  /// SHA-256 of the scenario's bytes when the golden was written.
  public var scenarioSHA256: String
  /// The seed used.
  public var seed: UInt64
  /// The paths used.
  public var paths: Int
  /// The engine version that wrote it.
  public var engineVersion: String
  /// The OpenBLAS core type that ran it.
  public var blasCore: String
  /// The values.
  public var values: [CheckedValue]

  /// A golden.
  public init(
    scenario: String, scenarioSHA256: String, seed: UInt64, paths: Int, engineVersion: String,
    blasCore: String,
    values: [CheckedValue]
  ) {
    self.scenario = scenario
    self.scenarioSHA256 = scenarioSHA256
    self.seed = seed
    self.paths = paths
    self.engineVersion = engineVersion
    self.blasCore = blasCore
    self.values = values
  }

  /// The values `buig check` compares: every quantity's expected value; with Monte Carlo paths
  /// its mean, p5, p50 and p95 with their standard errors (a quantile's se estimated as the
  /// width of its 95% order-statistic interval over 2·1.96); the probability that the deficit
  /// crosses the vangnet threshold; each intervention's expected cost and yield and the mean of
  /// its yield.
  public static func values(projection p: Projection, summary: MonteCarloSummary?) -> [CheckedValue]
  {
    var out: [CheckedValue] = []
    for y in p.years {
      for q in Quantity.reported {
        out.append(
          CheckedValue(
            quantity: q.rawValue, year: y.year, statistic: "expected",
            value: y.value(q).doubleValue, se: 0))
        guard let s = summary?[q, year: y.year] else { continue }
        out.append(
          CheckedValue(
            quantity: q.rawValue, year: y.year, statistic: "mean", value: s.mean, se: s.se))
        for level in [0.05, 0.5, 0.95] {
          let interval = s.interval(level)!
          let se = (interval.high - interval.low) / (2 * 1.96)
          out.append(
            CheckedValue(
              quantity: q.rawValue, year: y.year, statistic: Summary.name(level),
              value: s.quantile(level)!, se: se))
        }
      }
      if let d = summary?.deficitAboveThreshold[y.year] {
        out.append(
          CheckedValue(
            quantity: "pDeficitAboveThreshold", year: y.year, statistic: "probability",
            value: d.exceedance.probability,
            se: d.exceedance.se))
      }
    }
    for (i, io) in p.interventions.enumerated() {
      for y in io.years {
        out.append(
          CheckedValue(
            quantity: "cost:\(io.intervention.id)", year: y.year, statistic: "expected",
            value: y.cost.doubleValue, se: 0))
        if let v = y.yield {
          out.append(
            CheckedValue(
              quantity: "\(Quantity.yield.rawValue):\(io.intervention.id)", year: y.year,
              statistic: "expected", value: v.doubleValue, se: 0))
        }
        if let s = summary?[.yield, year: y.year, intervention: i] {
          out.append(
            CheckedValue(
              quantity: "\(Quantity.yield.rawValue):\(io.intervention.id)", year: y.year,
              statistic: "mean", value: s.mean, se: s.se))
        }
      }
    }
    return out
  }

  /// The golden as JSON (values rounded to 1e-6, which is far below any tolerance).
  public func json() -> JSONValue {
    func number(_ v: Double) -> JSONValue {
      guard v.isFinite else { return .null }
      let r = (v * 1e6).rounded() / 1e6
      return .double(r)
    }
    return .object([
      ("goldenVersion", .int(Self.version)), ("scenario", .string(scenario)),
      ("scenarioSha256", .string(scenarioSHA256)),
      ("seed", .number(String(seed))), ("paths", .int(paths)), ("engine", .string(engineVersion)),
      ("blasCore", .string(blasCore)),
      (
        "values",
        .array(
          values.map { v in
            .object([
              ("quantity", .string(v.quantity)), ("year", .int(v.year)),
              ("statistic", .string(v.statistic)),
              ("value", number(v.value)), ("se", number(v.se)),
            ])
          })
      ),
    ])
  }

  /// Reads a golden file; problems are reported with their JSON path.
  public static func decode(_ bytes: [UInt8], origin: String) throws(InputIssues) -> Golden {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      throw InputIssues([
        InputIssue(
          path: origin, expected: "a golden file (JSON)", found: "a syntax error at \(error)")
      ])
    }
    let log = IssueLog()
    let r = JSONReader(value, log: log)
    guard
      let o = r.object(keys: [
        "goldenVersion", "scenario", "scenarioSha256", "seed", "paths", "engine", "blasCore",
        "values",
      ])
    else { throw InputIssues(log.issues) }
    _ = o.required("goldenVersion", "1")?.int(in: 1...1)
    let scenario = o.required("scenario", "a name")?.string()
    let sha = o.required("scenarioSha256", "a hash")?.string()
    let seed = o.required("seed", "a seed")?.int(in: Seed.range)
    let paths = o.required("paths", "a path count")?.int(in: 0...PathCount.maximum)
    let engine = o.required("engine", "an engine version")?.string()
    let core = o.required("blasCore", "a core type")?.string()
    var values: [CheckedValue] = []
    for item in o.required("values", "values")?.array() ?? [] {
      guard let vo = item.object(keys: ["quantity", "year", "statistic", "value", "se"]) else {
        continue
      }
      let q = vo.required("quantity", "a quantity")?.string()
      let y = vo.required("year", "a year")?.int(in: 1900...2200)
      let s = vo.required("statistic", "a statistic")?.string()
      let v = vo.required("value", "a number")?.double(in: -1e15...1e15)
      let se = vo.required("se", "a number")?.double(in: 0...1e15)
      vo.finish()
      if let q, let y, let s, let v, let se {
        values.append(CheckedValue(quantity: q, year: y, statistic: s, value: v, se: se))
      }
    }
    o.finish()
    try log.throwIfAny()
    return Golden(
      scenario: scenario!, scenarioSHA256: sha!, seed: UInt64(seed!), paths: paths!,
      engineVersion: engine!, blasCore: core!,
      values: values)
  }
}

/// How a new value is judged against its golden.
public struct Tolerance: Sendable {
  /// Deterministic values may move this many euros (or households, or probability points ×
  /// nothing: it applies as is) before they count as moved: 0.5 by default, half a euro, so that
  /// only a change a controller would see in whole euros fails.
  public var absolute: Double
  /// Monte Carlo values may move this many standard errors of the difference,
  /// √(se_old² + se_new²): 4 by default. Two estimates from independent seeds differ by more
  /// than 4 combined se with probability 6·10⁻⁵ (normal tails), so a check of a few hundred
  /// values fails by chance about once in a hundred runs of a changed seed, and never from a
  /// BLAS kernel's last bits; a real change of a few percent in a quantity is tens of se.
  public var standardErrors: Double

  /// A tolerance.
  public init(absolute: Double = 0.5, standardErrors: Double = 4) {
    self.absolute = absolute
    self.standardErrors = standardErrors
  }
}

/// A value that moved beyond its tolerance.
public struct MovedValue: Equatable, Sendable {
  /// The golden value.
  public var old: CheckedValue
  /// The new value.
  public var new: CheckedValue
  /// new − old.
  public var difference: Double
  /// The difference in combined standard errors (0 for deterministic values).
  public var inStandardErrors: Double
  /// The tolerance that was exceeded.
  public var tolerance: Double
}

/// The comparison of a run with its golden.
public struct CheckResult: Sendable {
  /// Every value compared, with whether it moved.
  public var compared: [(value: CheckedValue, moved: MovedValue?)]
  /// Values in the golden that the run no longer has, and new ones.
  public var missing: [CheckedValue]
  /// Values the run has that the golden does not.
  public var added: [CheckedValue]

  /// Compares `new` with the golden's values: deterministic (se 0 on both sides) within
  /// `tolerance.absolute`; Monte Carlo within max(absolute, k·√(se_old² + se_new²)).
  public init(golden: Golden, new: [CheckedValue], tolerance: Tolerance) {
    var byName: [String: CheckedValue] = [:]
    for v in golden.values { byName[v.name] = v }
    var compared: [(CheckedValue, MovedValue?)] = []
    var added: [CheckedValue] = []
    for v in new {
      guard let old = byName.removeValue(forKey: v.name) else {
        added.append(v)
        continue
      }
      let combined = (old.se * old.se + v.se * v.se).squareRoot()
      let limit = max(tolerance.absolute, tolerance.standardErrors * combined)
      let d = v.value - old.value
      let moved = abs(d) > limit || (d.isNaN && !(v.value.isNaN && old.value.isNaN))
      compared.append(
        (
          v,
          moved
            ? MovedValue(
              old: old, new: v, difference: d, inStandardErrors: combined > 0 ? d / combined : 0,
              tolerance: limit) : nil
        ))
    }
    self.compared = compared
    self.added = added
    missing = golden.values.filter { byName[$0.name] != nil }
  }

  /// The values that moved.
  public var moved: [MovedValue] { compared.compactMap(\.moved) }
}
