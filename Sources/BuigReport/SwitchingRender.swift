import BuigCore
import BuigJSON
import Foundation

/// Renders a switching value.
public enum SwitchingRender {
  /// The Monte Carlo part of a switching value.
  public struct MonteCarlo: Sendable {
    /// Paths per value tried.
    public var paths: Int
    /// The seed.
    public var seed: UInt64
    /// The value at which the mean net after the vangnet is zero, when there is one.
    public var value: Double?
    /// The values at which the mean's 95% interval just reaches zero (low ≤ high).
    public var low: Double?
    /// See `low`.
    public var high: Double?
    /// The mean and se of the net after the vangnet at the current value (EUR).
    public var currentMean: Double
    /// See `currentMean`.
    public var currentSE: Double
    /// Whether the parameter is an uncertain input whose draws the values tried replace.
    public var parameterFixed: Bool

    /// A Monte Carlo result.
    public init(
      paths: Int, seed: UInt64, value: Double?, low: Double?, high: Double?, currentMean: Double,
      currentSE: Double, parameterFixed: Bool
    ) {
      self.paths = paths
      self.seed = seed
      self.value = value
      self.low = low
      self.high = high
      self.currentMean = currentMean
      self.currentSE = currentSE
      self.parameterFixed = parameterFixed
    }
  }

  /// A switching value.
  public struct Result: Sendable {
    /// The intervention's id.
    public var intervention: String
    /// The parameter.
    public var parameter: SwitchingParameter
    /// Its current value (1 for a multiplier).
    public var current: Decimal
    /// The switching value on the expected projection, `nil` when none within the range.
    public var value: Double?
    /// The Monte Carlo part, when paths ran.
    public var monteCarlo: MonteCarlo?

    /// A result.
    public init(
      intervention: String, parameter: SwitchingParameter, current: Decimal, value: Double?,
      monteCarlo: MonteCarlo?
    ) {
      self.intervention = intervention
      self.parameter = parameter
      self.current = current
      self.value = value
      self.monteCarlo = monteCarlo
    }
  }

  /// A value as the output states it: 10 decimals (the search's own precision).
  static func number(_ v: Double?) -> JSONValue {
    v.map { .number(MonteCarloInfo.fixed($0, 10)) } ?? .null
  }

  /// Notes that say what the figures mean.
  static func notes(_ r: Result) -> [String] {
    let range = r.parameter.range
    var out: [String] = []
    if r.value == nil {
      out.append(
        "none within the allowed range \(range.lowerBound)-\(range.upperBound): the net after the vangnet keeps one sign there"
      )
    }
    if r.parameter.isMultiplier {
      out.append(
        "\(r.parameter.rawValue) is a multiplier on the intervention's stated \(r.parameter == .cost ? "costs" : "yields") (current 1)"
      )
    }
    if let mc = r.monteCarlo {
      out.append(
        "low and high: the values at which the Monte Carlo mean's 95% interval (mean ± 1.96 se, \(mc.paths) paths, seed \(mc.seed)) just reaches zero"
      )
      if mc.value == nil {
        out.append("none within the allowed range on the Monte Carlo mean")
      }
      if mc.parameterFixed {
        out.append(
          "\(r.parameter.rawValue) is uncertain in the scenario: in the Monte Carlo runs the value tried replaces its draws"
        )
      }
    }
    return out
  }

  /// The switching value as JSON: `intervention`, `parameter`, `switchingValue`, `current`,
  /// `low`, `high` (the last two `null` without paths), the scenario's identity and notes.
  public static func json(_ r: Result, identity: RunIdentity) -> JSONValue {
    var m: [(key: String, value: JSONValue)] = [
      (
        "scenario",
        .object([
          ("name", .string(identity.scenario)), ("sha256", .string(identity.sha256)),
          ("origin", .string(identity.origin)),
        ])
      ),
      ("engine", .object([("version", .string(BuigVersion.current))])),
      ("set", .array(identity.edits.map { .string($0) })),
      ("intervention", .string(r.intervention)), ("parameter", .string(r.parameter.rawValue)),
      ("switchingValue", number(r.value)), ("current", .number(r.current.plainText)),
      ("low", number(r.monteCarlo?.low)), ("high", number(r.monteCarlo?.high)),
      (
        "range",
        .array([
          .number(r.parameter.range.lowerBound.plainText),
          .number(r.parameter.range.upperBound.plainText),
        ])
      ),
    ]
    if let mc = r.monteCarlo {
      m.append(
        (
          "monteCarlo",
          .object([
            ("paths", .int(mc.paths)), ("seed", .number(String(mc.seed))),
            ("switchingValue", number(mc.value)),
            (
              "netAfterVangnetAtCurrent",
              .object([
                ("mean", MonteCarloInfo.number(mc.currentMean, 2)),
                ("se", MonteCarloInfo.number(mc.currentSE, 2)),
              ])
            ),
          ])
        ))
    }
    m.append(("notes", .array(notes(r).map { .string($0) })))
    return .object(m)
  }

  /// The switching value as text.
  public static func table(_ r: Result, identity: RunIdentity) -> String {
    var out: [String] = []
    out.append(Format.wrap("buig \(BuigVersion.current): \(identity.scenario): switching value"))
    if let edits = Format.editsLine(identity.edits) { out.append(edits) }
    out.append("")
    func show(_ v: Double?) -> String {
      guard let v else { return "none within the allowed range" }
      return MonteCarloInfo.fixed(v, r.parameter == .savingPerSuccess ? 2 : 4)
    }
    out.append(
      Format.wrap(
        "\(r.intervention).\(r.parameter.rawValue): the net after the vangnet over the horizon is zero at \(show(r.value)) (expected projection); current value \(r.current.plainText)."
      ))
    if let mc = r.monteCarlo {
      var line =
        "On the Monte Carlo mean (\(Money.group(String(mc.paths))) paths): \(show(mc.value))"
      if let low = mc.low, let high = mc.high {
        line += ", 95% interval \(show(low)) to \(show(high))"
      }
      out.append(Format.wrap(line + "."))
    }
    for n in notes(r) { out.append(Format.wrap(n, indent: "    ", firstIndent: "  - ")) }
    return out.joined(separator: "\n") + "\n"
  }
}
