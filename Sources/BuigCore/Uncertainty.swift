import Foundation

/// What an uncertain input changes.
public enum UncertaintyTarget: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// A multiplier on all exits to work (1 = as the flow model says).
  case workExitRate
  /// A multiplier on the inflow.
  case inflow
  /// A multiplier on the ladder moves.
  case ladderProgression
  /// A multiplier on the exits for other reasons (`flows.exitOtherPerMonth`).
  case exitOtherRate
  /// A multiplier on the returns from recent work (`flows.returnFromWorkPerMonth`).
  case returnFromWorkRate
  /// A multiplier on the net price.
  case netPrice
  /// The yearly growth of the macrobudget (fraction, added to the economy's expected growth).
  case macrobudgetGrowth
  /// A parameter of one intervention.
  case intervention(id: String, field: InterventionField)

  /// The parameters of an intervention that can be uncertain.
  public enum InterventionField: String, Equatable, Hashable, Sendable, CaseIterable {
    /// Success rate of a mechanistic intervention (value, 0…1).
    case successRate
    /// Saving per success of a mechanistic intervention (value, EUR per year).
    case savingPerSuccess
    /// Retention of a mechanistic intervention (value, 0…1).
    case retention
    /// Deadweight of a mechanistic intervention (value, 0…1).
    case deadweight
    /// A multiplier on the yields of a schedule or screening intervention.
    case yield
  }

  /// The name in a scenario: `workExitRate`, `interventions.vouchers.successRate`.
  public var description: String {
    switch self {
    case .workExitRate: "workExitRate"
    case .inflow: "inflow"
    case .ladderProgression: "ladderProgression"
    case .exitOtherRate: "exitOtherRate"
    case .returnFromWorkRate: "returnFromWorkRate"
    case .netPrice: "netPrice"
    case .macrobudgetGrowth: "macrobudgetGrowth"
    case .intervention(let id, let f): "interventions.\(id).\(f.rawValue)"
    }
  }

  /// The target a name stands for, or `nil`.
  public static func parse(_ name: String) -> UncertaintyTarget? {
    switch name {
    case "workExitRate": return .workExitRate
    case "inflow": return .inflow
    case "ladderProgression": return .ladderProgression
    case "exitOtherRate": return .exitOtherRate
    case "returnFromWorkRate": return .returnFromWorkRate
    case "netPrice": return .netPrice
    case "macrobudgetGrowth": return .macrobudgetGrowth
    default:
      let parts = name.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 3, parts[0] == "interventions",
        let f = InterventionField(rawValue: String(parts[2]))
      else {
        return nil
      }
      return .intervention(id: String(parts[1]), field: f)
    }
  }

  /// The allowed range of the sampled value (draws are clamped into it).
  public var range: ClosedRange<Double> {
    switch self {
    case .workExitRate, .inflow, .ladderProgression, .exitOtherRate, .returnFromWorkRate, .netPrice:
      0...10
    case .macrobudgetGrowth: -0.5...1
    case .intervention(_, let f):
      switch f {
      case .successRate, .retention, .deadweight: 0...1
      case .savingPerSuccess: 0...1_000_000
      case .yield: 0...10
      }
    }
  }
}

/// One uncertain input: what it changes and how it is distributed.
public struct UncertainInput: Equatable, Sendable {
  /// What it changes.
  public var target: UncertaintyTarget
  /// Its distribution.
  public var distribution: Distribution

  /// An uncertain input.
  public init(target: UncertaintyTarget, distribution: Distribution) {
    self.target = target
    self.distribution = distribution
  }
}

/// Everything the Monte Carlo engine needs beyond the deterministic projection.
public struct MonteCarloSpec: Sendable {
  /// The flow model's rates.
  public var flows: FlowParameters
  /// The economy.
  public var economy: EconomyModel
  /// The uncertain inputs.
  public var uncertain: [UncertainInput]
  /// Correlations between uncertain inputs: the targets in matrix order; empty when the inputs
  /// are independent.
  public var correlationTargets: [UncertaintyTarget]
  /// The correlation matrix (rows).
  public var correlationRows: [[Double]]
  /// Whether a matrix that is not positive definite may be repaired.
  public var repairCorrelation: Bool

  /// A specification.
  public init(
    flows: FlowParameters, economy: EconomyModel, uncertain: [UncertainInput] = [],
    correlationTargets: [UncertaintyTarget] = [], correlationRows: [[Double]] = [],
    repairCorrelation: Bool = false
  ) {
    self.flows = flows
    self.economy = economy
    self.uncertain = uncertain
    self.correlationTargets = correlationTargets
    self.correlationRows = correlationRows
    self.repairCorrelation = repairCorrelation
  }
}

extension MonteCarloSpec {
  /// The specification with `target` no longer uncertain: its entry and its row and column of
  /// the correlation are removed (the others keep their streams, which are keyed by name).
  public func fixing(_ target: UncertaintyTarget) -> MonteCarloSpec {
    var out = self
    out.uncertain.removeAll { $0.target == target }
    if let k = correlationTargets.firstIndex(of: target) {
      out.correlationTargets.remove(at: k)
      out.correlationRows = correlationRows.enumerated().filter { $0.offset != k }.map { row in
        row.element.enumerated().filter { $0.offset != k }.map(\.element)
      }
      if out.correlationTargets.count < 2 {
        out.correlationTargets = []
        out.correlationRows = []
      }
    }
    return out
  }
}

extension UncertaintyTarget {
  /// Whether the distribution multiplies the stated value (1 = as the scenario states it):
  /// `workExitRate`, `inflow`, `ladderProgression`, `exitOtherRate`, `returnFromWorkRate`,
  /// `netPrice` and an intervention's `yield`.
  /// The others are the value itself: `successRate`, `retention`, `deadweight` (fractions),
  /// `savingPerSuccess` (EUR per year), and `macrobudgetGrowth` (a fraction a year added to the
  /// economy's expected growth).
  public var isMultiplier: Bool {
    switch self {
    case .workExitRate, .inflow, .ladderProgression, .exitOtherRate, .returnFromWorkRate, .netPrice:
      true
    case .macrobudgetGrowth: false
    case .intervention(_, let f): f == .yield
    }
  }

  /// Whether the value is a share, meaningful in [0, 1] only.
  public var isRate: Bool {
    if case .intervention(_, let f) = self {
      [.successRate, .retention, .deadweight].contains(f)
    } else {
      false
    }
  }
}

extension Distribution {
  /// The probability of a value below `x`, F(x), found from the quantile function by bisection
  /// on the probability (60 halvings, to 1e-18).
  public func probability(below x: Double) -> Double {
    var lo = 0.0
    var hi = 1.0
    for _ in 0..<60 {
      let mid = (lo + hi) / 2
      if quantile(mid) < x { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }
}

extension MonteCarloSpec {
  /// How far (a factor) a distribution's mean may lie from the value it is meant to be near
  /// before `implausibleUncertainty(_:)` warns: a mean of a tenth or ten times the point value.
  public static let plausibleFactor = 10.0

  /// Warnings for uncertain inputs whose distribution does not fit their target, each naming
  /// the target, its point value and the distribution's mean:
  /// - a value target (`successRate`, `retention`, `deadweight`, `savingPerSuccess`) whose mean
  ///   lies more than `plausibleFactor` from the stated point value (a lognormal around 1 on a
  ///   saving of EUR 7,000 makes the yield about 0);
  /// - a multiplier target (`isMultiplier`, point value 1) whose mean lies outside
  ///   [1/`plausibleFactor`, `plausibleFactor`] (an amount given where a multiplier belongs);
  /// - a rate with more than half its probability outside [0, 1], where draws are clamped;
  /// - `macrobudgetGrowth` with a mean of more than 0.5 a year in size (a multiplier around 1
  ///   given for a growth).
  public func implausibleUncertainty(_ input: ProjectionInput) -> [String] {
    var out: [String] = []
    func number(_ v: Double) -> String {
      let a = abs(v)
      if a >= 100 && a < 1e15 { return Money.group(String(Int(v.rounded()))) }
      if a >= 1 { return String(format: "%.2f", v) }
      return String(format: "%.4g", v)
    }
    for u in uncertain {
      let mean = u.distribution.mean
      let name = u.target.description
      let point: Double?
      switch u.target {
      case .intervention(let id, let field) where field != .yield:
        let item = input.interventions.first { $0.id == id }
        point = item.flatMap { i in
          SwitchingParameter(rawValue: field.rawValue).flatMap { i.current($0) }
        }.map { NSDecimalNumber(decimal: $0).doubleValue }
      case .macrobudgetGrowth: point = nil
      default: point = 1
      }
      if u.target == .macrobudgetGrowth {
        if abs(mean) > 0.5 {
          out.append(
            "uncertainty \(name): the distribution's mean is \(number(mean)), a growth of \(number(mean * 100))% a year; it is added to the economy's expected growth (a fraction, 0 = as expected), not a multiplier"
          )
        }
        continue
      }
      if let point, point > 0, mean.isFinite,
        mean < point / Self.plausibleFactor || mean > point * Self.plausibleFactor
      {
        let kind =
          u.target.isMultiplier
          ? "a multiplier of the stated amounts (1 = as stated)"
          : "the value itself, not a multiplier"
        out.append(
          "uncertainty \(name): the distribution's mean is \(number(mean)) but the point value is \(number(point)); the distribution gives \(kind), so its draws are about \(number(mean / point)) times the point value"
        )
        continue
      }
      if u.target.isRate {
        let outside =
          u.distribution.probability(below: 0) + (1 - u.distribution.probability(below: 1))
        if outside > 0.5 {
          out.append(
            "uncertainty \(name): \(number(outside * 100))% of the distribution lies outside [0, 1], where draws are clamped (point value \(number(point ?? .nan)), the distribution's mean \(number(mean)))"
          )
        }
      }
    }
    return out
  }
}
