import Foundation

/// The quantities a run computes per year: the one list that the projection, the Monte Carlo
/// engine, the statistics, the goldens and every renderer share.
///
/// The first eight (`reported`) are the rows of the meerjarenbeeld in output order; the
/// baseline's net burden and the three per-intervention quantities are series of the Monte
/// Carlo engine that the package's and each intervention's worth are read from.
public enum Quantity: String, CaseIterable, Sendable {
  /// The municipality's BUIG budget B (EUR).
  case budget
  /// Spending U = U⁰ − Σ quantified yields, with the interventions (EUR).
  case spending
  /// Result R = B − U (EUR; negative for a deficit).
  case result
  /// Vangnet compensation C (EUR).
  case vangnet
  /// Net burden on the general funds N = −(R + C) (EUR).
  case netBurden
  /// Households on benefit with the interventions (annual average).
  case caseload
  /// Total cost of the interventions (EUR).
  case interventionCost
  /// Total quantified yield of the interventions (EUR).
  case interventionYield
  /// Net burden without the interventions N⁰ = −(R⁰ + C⁰) (EUR).
  case baselineNetBurden
  /// One intervention's yield (EUR).
  case yield
  /// One intervention's effect on the net burden after the vangnet (EUR; positive = lower
  /// burden): its share of the package's change in R + C, in proportion to its yield.
  case effectAfterVangnet
  /// One intervention's cost (EUR).
  case cost
  /// What the municipality pays, all in: net burden + intervention cost (EUR). Derived from
  /// two series, not a series of its own.
  case total

  /// The meerjarenbeeld's quantities, in output order.
  public static let reported: [Quantity] = [
    .budget, .spending, .result, .vangnet, .netBurden, .caseload, .interventionCost,
    .interventionYield,
  ]

  /// The quantities of the whole municipality (one value per year).
  public static let yearly: [Quantity] = reported + [.baselineNetBurden]

  /// The quantities of one intervention (one value per intervention and year).
  public static let perIntervention: [Quantity] = [.yield, .effectAfterVangnet, .cost]

  /// The quantities a comparison of two packages reports per year: the meerjarenbeeld's and
  /// the total.
  public static let compared: [Quantity] = reported + [.total]

  /// The quantities a sensitivity analysis can take: the yearly ones and the total.
  public static let analysable: [Quantity] = yearly + [.total]

  /// The series that add up to it: [self], or [netBurden, interventionCost] for `.total`.
  public var parts: [Quantity] { self == .total ? [.netBurden, .interventionCost] : [self] }

  /// Whether the quantity belongs to one intervention.
  public var isPerIntervention: Bool { Quantity.perIntervention.contains(self) }

  /// `EUR` or `households`.
  public var unit: String { self == .caseload ? "households" : "EUR" }
}

extension ProjectionYear {
  /// The deterministic value of a municipality-wide quantity in this year (EUR, or households
  /// for the caseload).
  public func value(_ q: Quantity) -> Decimal {
    switch q {
    case .budget: budget.budget.euros
    case .spending: spending.euros
    case .result: result.euros
    case .vangnet: (vangnet?.compensation ?? .zero).euros
    case .netBurden: netBurden.euros
    case .caseload: caseload
    case .interventionCost: interventionCost.euros
    case .interventionYield: interventionYield.euros
    case .baselineNetBurden: baseline.netBurden.euros
    case .total: netBurden.euros + interventionCost.euros
    case .yield, .effectAfterVangnet, .cost:
      preconditionFailure("\(q) belongs to one intervention: read InterventionYearOutcome")
    }
  }
}
