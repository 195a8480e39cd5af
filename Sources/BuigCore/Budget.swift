import Foundation

/// How a municipality's BUIG budget is set (the verdeelmodel: objective volume × normative price, or a share of the distributed macrobudget).
public enum BudgetBasis: Equatable, Sendable {
  /// B = s · D_t: a share s (fraction) of the distributed budget D_t = M_t − V_t.
  case share(Decimal)
  /// B = objective volume (households) × model price (EUR per household per year): the
  /// verdeelmodel's objective budget.
  case objective(volume: Decimal, modelPrice: Money)
  /// B given as an amount (EUR), for example from the ministry's allocation letter.
  case given(Money)
  /// B by the municipality's size (Besluit WWB 2007 art. 4-8a): the rule table's bounds pick
  /// the historic, mixed or objective basis from the inhabitants (see `SizeBasisPeriod`).
  case bySize(SizeBasisInput)
}

/// The net price of a benefit: what one household on bijstand costs a year (EUR).
///
/// net = gross benefit − part-time earnings set off against it − other revenues (recoveries,
/// sanctions) per household. Part-time earnings lower the price, which is where price and volume
/// meet (seed 003: Groningen's price deviation).
public struct NetPrice: Equatable, Sendable {
  /// Gross benefit per household per year (EUR).
  public var grossBenefit: Money
  /// Part-time earnings set off per household per year (EUR).
  public var partTimeEarnings: Money
  /// Other revenues per household per year (EUR): recoveries, sanctions.
  public var otherRevenues: Money

  /// A net price from its parts.
  public init(grossBenefit: Money, partTimeEarnings: Money = .zero, otherRevenues: Money = .zero) {
    self.grossBenefit = grossBenefit
    self.partTimeEarnings = partTimeEarnings
    self.otherRevenues = otherRevenues
  }

  /// gross − part-time earnings − other revenues (EUR per household per year).
  public var net: Money { grossBenefit - partTimeEarnings - otherRevenues }
}

/// The municipal budget of a year with the steps that lead to it.
public struct MunicipalBudget: Equatable, Sendable {
  /// The year.
  public var year: Int
  /// Macrobudget M_t used (EUR) and its phase, when the basis needs it.
  public var macrobudget: Money?
  /// The macrobudget phase used.
  public var phase: MacrobudgetPhase?
  /// Reservation V_t withheld (EUR).
  public var reservation: Money?
  /// Distributed budget D_t = M_t − V_t (EUR).
  public var distributed: Money?
  /// The share s = B / D_t (fraction), when D_t is known.
  public var share: Decimal?
  /// The municipality's budget B_t (EUR).
  public var budget: Money
  /// Assumptions made on the way (for example no known reservation).
  public var assumptions: [String]
  /// The basis by size that set the budget, when the basis is `.bySize`.
  public var sizeBasis: AppliedSizeBasis?

  /// A budget with the steps that led to it.
  public init(
    year: Int, macrobudget: Money?, phase: MacrobudgetPhase?, reservation: Money?,
    distributed: Money?, share: Decimal?, budget: Money, assumptions: [String],
    sizeBasis: AppliedSizeBasis? = nil
  ) {
    self.sizeBasis = sizeBasis
    self.year = year
    self.macrobudget = macrobudget
    self.phase = phase
    self.reservation = reservation
    self.distributed = distributed
    self.share = share
    self.budget = budget
    self.assumptions = assumptions
  }
}

/// Problems computing a budget from the rules.
public enum BudgetError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The rule table has no macrobudget of that phase for the year.
  case noMacrobudget(year: Int, phase: MacrobudgetPhase, available: [Int])
  /// The rule table has no budget bases by size for the year.
  case noSizeBasis(year: Int, periods: [SizeBasisPeriod])
  /// A budget by size lacks an input its basis needs.
  case sizeBasisInput(year: Int, basis: SizeBasisKind, missing: [String])

  /// A message that says what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .noMacrobudget(let year, let phase, let available):
      return "the rule table has no \(phase.rawValue) macrobudget for \(year); years with one: "
        + RuleTable.rangesText(available)
        + ". Give the budget as an amount, or add the macrobudget as a rule override."
    case .noSizeBasis(let year, let periods):
      return "the rule table has no budget bases by size for \(year); periods with them: "
        + (periods.isEmpty
          ? "none"
          : periods.map { "\($0.fromYear)-\($0.toYear.map(String.init) ?? "")" }.joined(
            separator: ", "))
        + ". Add a budgetBasisBySize period as a rule override, or give the budget as an amount."
    case .sizeBasisInput(let year, let basis, let missing):
      return "the \(basis.rawValue) budget basis of \(year) needs "
        + missing.joined(separator: " and ")
        + "; give them in the scenario's verdeelmodel (historicCosts, householdGrowth; "
        + "objectiveBudget or objectiveVolume with modelPrice)"
    }
  }
}

extension RuleTable {
  /// The municipality's budget for `year` from `basis`: B = s · (M_t − V_t) for a share, volume ×
  /// model price for the objective basis, the given amount, or by size (`sizeBudget`: the
  /// historic, mixed or objective basis of the Besluit WWB 2007 art. 4-8a); the share
  /// s = B / D_t is reported whenever D_t is known. Amounts in EUR.
  public func municipalBudget(
    year: Int, basis: BudgetBasis, phase: MacrobudgetPhase = .definitief
  ) throws(BudgetError) -> MunicipalBudget {
    let entry = years[year]
    let distributed = entry?.distributedBudget(phase: phase)
    let m = entry?.macrobudget?.amount(phase)?.amount
    let v = entry?.reservation?.amount.amount
    switch basis {
    case .share(let s):
      guard let d = distributed else {
        let available = years.values.filter { $0.macrobudget?.amount(phase) != nil }.map(\.year)
        throw .noMacrobudget(year: year, phase: phase, available: available)
      }
      return MunicipalBudget(
        year: year, macrobudget: m, phase: phase, reservation: v ?? .zero, distributed: d.amount,
        share: s, budget: d.amount * s, assumptions: d.assumptions)
    case .objective(let volume, let price):
      let b = price * volume
      return MunicipalBudget(
        year: year, macrobudget: m, phase: distributed == nil ? nil : phase, reservation: v,
        distributed: distributed?.amount, share: distributed.flatMap { b.ratio(to: $0.amount) },
        budget: b, assumptions: distributed?.assumptions ?? [])
    case .given(let b):
      return MunicipalBudget(
        year: year, macrobudget: m, phase: distributed == nil ? nil : phase, reservation: v,
        distributed: distributed?.amount, share: distributed.flatMap { b.ratio(to: $0.amount) },
        budget: b, assumptions: distributed?.assumptions ?? [])
    case .bySize(let input):
      let (b, applied, assumptions) = try sizeBudget(year: year, input: input)
      return MunicipalBudget(
        year: year, macrobudget: m, phase: distributed == nil ? nil : phase, reservation: v,
        distributed: distributed?.amount, share: distributed.flatMap { b.ratio(to: $0.amount) },
        budget: b, assumptions: (distributed?.assumptions ?? []) + assumptions, sizeBasis: applied)
    }
  }
}

/// One year of the budget: B, U = caseload × net price, R = B − U, vangnet C, net burden.
public struct BudgetYear: Equatable, Sendable {
  /// The budget and how it was set.
  public var budget: MunicipalBudget
  /// Spending U_t (EUR).
  public var spending: Money
  /// Result R_t = B_t − U_t (EUR); negative for a deficit.
  public var result: Money
  /// The vangnet answer for the year, or `nil` when the table has no rule for it.
  public var vangnet: VangnetAnswer?
  /// Net burden on the general funds N_t = −(R_t + C_t) (EUR): positive when the municipality
  /// pays from its own funds, negative when a surplus flows to them.
  public var netBurden: Money

  /// Spending from caseload (average households on benefit over the year) × net price per
  /// household per year (EUR).
  public static func spending(caseload: Decimal, price: NetPrice) -> Money {
    price.net * caseload
  }
}

extension RuleTable {
  /// A year's position from its budget and spending: R = B − U, C by the year's vangnet rule
  /// (none when the table has no rule), N = −(R + C), by the accounting of `YearAccounting`;
  /// `priorResults` are the results of the years just before (oldest first).
  public func budgetYear(
    budget: MunicipalBudget, spending: Money, priorResults: [Money]? = nil
  ) throws(VangnetError) -> BudgetYear {
    var answer: VangnetAnswer?
    if years[budget.year]?.vangnet != nil {
      answer = try vangnet(
        VangnetQuestion(
          year: budget.year, budget: budget.budget, spending: spending, priorResults: priorResults))
    }
    var given: [Int: Decimal] = [:]
    for (i, r) in (priorResults ?? []).reversed().enumerated() {
      given[budget.year - 1 - i] = r.euros
    }
    let accounting = YearAccounting<Decimal>(
      years: [budget.year], rules: self, priorResults: given)
    var ledger = accounting.ledger()
    let account = accounting.book(
      0, budget: budget.budget.euros, baselineSpending: spending.euros, yield: 0, in: &ledger)
    return BudgetYear(
      budget: budget, spending: spending, result: Money(account.result), vangnet: answer,
      netBurden: Money(account.netBurden))
  }
}
