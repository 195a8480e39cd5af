import BuigJSON
import Foundation

/// A municipality's budget position in one year, with what explains its deficit: the input of
/// `buig` with no arguments (seed 003's Groningen position is built in).
public struct Position: Sendable {
  /// A name for outputs.
  public var name: String
  /// Where the position comes from.
  public var source: String?
  /// The year.
  public var year: Int
  /// The municipality's budget B (EUR).
  public var budget: Money
  /// Spending U (EUR).
  public var spending: Money
  /// Results of the prior years (oldest first), when known.
  public var priorResults: [Money]?
  /// The parts that explain the deficit.
  public var attribution: [(AttributionCause, AttributionPart, source: String?)]
  /// Every number read, with its source and note.
  public var trail: [Provenance]

  /// The position and what follows from it by the rules: vangnet, net burden, attribution.
  public func evaluate(rules: RuleTable) throws(VangnetError) -> PositionReport {
    let budgetInfo = try? rules.municipalBudget(year: year, basis: .given(budget))
    let by = try rules.budgetYear(
      budget: budgetInfo
        ?? MunicipalBudget(
          year: year, macrobudget: nil, phase: nil, reservation: nil, distributed: nil, share: nil,
          budget: budget, assumptions: []),
      spending: spending, priorResults: priorResults)
    let attribution = Attribution(deficit: spending - budget, parts: attribution)
    return PositionReport(position: self, year: by, attribution: attribution)
  }

  /// A position.
  public init(
    name: String, source: String?, year: Int, budget: Money, spending: Money,
    priorResults: [Money]?, attribution: [(AttributionCause, AttributionPart, source: String?)],
    trail: [Provenance]
  ) {
    self.name = name
    self.source = source
    self.year = year
    self.budget = budget
    self.spending = spending
    self.priorResults = priorResults
    self.attribution = attribution
    self.trail = trail
  }
}

/// The position with what the rules make of it.
public struct PositionReport: Sendable {
  /// The input.
  public var position: Position
  /// Budget, spending, result, vangnet and net burden.
  public var year: BudgetYear
  /// The deficit split into causes.
  public var attribution: Attribution
}
