/// What an uncertain input changes.
public enum UncertaintyTarget: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// A multiplier on all exits to work (1 = as the flow model says).
  case workExitRate
  /// A multiplier on the inflow.
  case inflow
  /// A multiplier on the ladder moves.
  case ladderProgression
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
    case .workExitRate, .inflow, .ladderProgression, .netPrice: 0...10
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
