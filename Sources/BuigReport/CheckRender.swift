import BuigXLSX
import BuigCheck
import BuigCore
import BuigEngine
import Foundation

/// The outcome of checking one scenario.
public struct ScenarioCheck: Sendable {
  /// The scenario's name.
  public var scenario: String
  /// The comparison, when the scenario ran and had a golden.
  public var result: CheckResult?
  /// The scenario's bytes changed since its golden: (golden's hash, new hash).
  public var changedScenario: (old: String, new: String)?
  /// Paths run.
  public var paths: Int
  /// A problem that kept the scenario from being checked.
  public var error: String?

  /// A scenario's outcome.
  public init(
    scenario: String, result: CheckResult?, changedScenario: (old: String, new: String)?,
    paths: Int, error: String?
  ) {
    self.scenario = scenario
    self.result = result
    self.changedScenario = changedScenario
    self.paths = paths
    self.error = error
  }

  /// Whether every value held.
  public var passed: Bool {
    error == nil && (result?.moved.isEmpty ?? false) && (result?.missing.isEmpty ?? false)
  }

  /// Whether the scenario ran against its golden and a value moved beyond tolerance or went
  /// missing: a regression, as opposed to a problem that kept it from being checked.
  public var regressed: Bool {
    guard error == nil, let result else { return false }
    return !result.moved.isEmpty || !result.missing.isEmpty
  }

  /// The note that the scenario's bytes changed since its golden, when they did.
  public var changedNote: String? {
    guard let changed = changedScenario else { return nil }
    return
      "\(scenario) changed since its golden (sha256 \(changed.old.prefix(12)) -> \(changed.new.prefix(12))); run buig check --update after reviewing"
  }
}

/// Renders `buig check`.
public enum CheckRender {
  /// A value as people read it: euros with separators and cents, households with two
  /// decimals, probabilities in percent.
  static func show(_ v: Double, _ quantity: String) -> String {
    if quantity.hasPrefix("p") && !quantity.hasPrefix("pm") {
      return MonteCarloInfo.fixed(v * 100, 2) + "%"
    }
    let text = MonteCarloInfo.fixed(v, 2)
    let parts = text.split(separator: ".")
    return Money.group(String(parts[0])) + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// One line for a moved value: scenario, quantity, year, statistic, old, new, difference in
  /// euros and in standard errors.
  public static func line(_ scenario: String, _ m: MovedValue) -> String {
    let sign = m.difference >= 0 ? "+" : ""
    var text =
      "\(scenario): \(m.new.quantity) \(m.new.year) \(m.new.statistic): old \(show(m.old.value, m.new.quantity)), new \(show(m.new.value, m.new.quantity)), difference \(sign)\(show(m.difference, m.new.quantity))"
    if m.inStandardErrors != 0 {
      text +=
        " (\(sign)\(MonteCarloInfo.fixed(m.inStandardErrors, 1)) se; tolerance \(show(m.tolerance, m.new.quantity)))"
    } else {
      text += " (tolerance \(show(m.tolerance, m.new.quantity)))"
    }
    return text
  }

  /// The report on standard output: a line per scenario, a line per moved value, a summary.
  public static func text(_ checks: [ScenarioCheck]) -> String {
    var out: [String] = []
    for c in checks {
      if let e = c.error {
        out.append("ERROR \(c.scenario): \(e)")
        continue
      }
      guard let r = c.result else { continue }
      let status = c.passed ? "PASS" : "FAIL"
      out.append(
        "\(status) \(c.scenario): \(r.compared.count) values, \(Money.group(String(c.paths))) paths, \(r.moved.count) moved"
      )
      if let note = c.changedNote { out.append("  note: \(note)") }
      for m in r.moved { out.append("  " + line(c.scenario, m)) }
      for v in r.missing {
        out.append("  \(c.scenario): \(v.name) is in the golden but no longer in the output")
      }
      for v in r.added { out.append("  note: \(c.scenario): \(v.name) is new (not in the golden)") }
    }
    let failed = checks.filter { !$0.passed }.count
    var summary = "\(checks.count - failed) of \(checks.count) scenarios hold"
    let regressed = checks.filter(\.regressed).count
    let errors = checks.filter { $0.error != nil }.count
    if regressed > 0 && errors > 0 {
      summary += " (\(regressed) with values that moved, \(errors) not checked)"
    }
    out.append(summary)
    return out.joined(separator: "\n") + "\n"
  }

  /// XML text with &, <, >, " and ' escaped.
  static func escape(_ s: String) -> String { XMLText.escape(s) }

  /// JUnit XML: one testsuite per scenario, one testcase per checked value (scenario × quantity
  /// × year × statistic), a failure with the diff line for each value that moved, and the
  /// suite's system-out with the note when the scenario changed since its golden.
  public static func junit(_ checks: [ScenarioCheck]) -> String {
    var suites: [String] = []
    var totalTests = 0
    var totalFailures = 0
    var totalErrors = 0
    for c in checks {
      var cases: [String] = []
      var failures = 0
      var errors = 0
      if let e = c.error {
        errors = 1
        cases.append(
          "    <testcase classname=\"buig.check.\(escape(c.scenario))\" name=\"scenario\">\n      <error message=\"\(escape(e))\">\(escape(e))</error>\n    </testcase>"
        )
      }
      for (v, moved) in c.result?.compared ?? [] {
        let name = escape(v.name)
        if let m = moved {
          failures += 1
          let l = escape(line(c.scenario, m))
          cases.append(
            "    <testcase classname=\"buig.check.\(escape(c.scenario))\" name=\"\(name)\">\n      <failure message=\"\(l)\" type=\"regression\">\(l)</failure>\n    </testcase>"
          )
        } else {
          cases.append(
            "    <testcase classname=\"buig.check.\(escape(c.scenario))\" name=\"\(name)\"/>")
        }
      }
      for v in c.result?.missing ?? [] {
        failures += 1
        let l = escape("\(c.scenario): \(v.name) is in the golden but no longer in the output")
        cases.append(
          "    <testcase classname=\"buig.check.\(escape(c.scenario))\" name=\"\(escape(v.name))\">\n      <failure message=\"\(l)\" type=\"missing\">\(l)</failure>\n    </testcase>"
        )
      }
      let tests = cases.count
      totalTests += tests
      totalFailures += failures
      totalErrors += errors
      if let note = c.changedNote {
        cases.append("    <system-out>note: \(escape(note))</system-out>")
      }
      suites.append(
        "  <testsuite name=\"\(escape(c.scenario))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
          + cases.joined(separator: "\n") + "\n  </testsuite>")
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<testsuites name=\"buig check\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(totalErrors)\">\n"
      + suites.joined(separator: "\n") + "\n</testsuites>\n"
  }
}
