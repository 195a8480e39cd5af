import Foundation

/// Everything the deterministic meerjarenbeeld needs, checked and typed (no I/O).
public struct ProjectionInput: Sendable {
  /// The years of the horizon, ascending and consecutive.
  public var years: [Int]
  /// How the budget is set, per year.
  public var budget: [Int: BudgetBasis]
  /// Which macrobudget phase a share applies to.
  public var phase: MacrobudgetPhase
  /// Baseline caseload per year (households, annual average), before interventions.
  public var caseload: [Int: Decimal]
  /// Net price per household per year.
  public var netPrice: [Int: NetPrice]
  /// Baseline spending per year when given directly (EUR); otherwise caseload × net price.
  public var spending: [Int: Money]
  /// Results (budget − spending) of years before the horizon, for multi-year conditions.
  public var priorResults: [Int: Money]
  /// The verdeelmodel's price per household per year (EUR), for the price deviation.
  public var modelPrice: [Int: Money]
  /// The verdeelmodel's objective volume per year (households), for the volume deviation.
  public var objectiveVolume: [Int: Decimal]
  /// Attribution parts given by a source, per year (they replace computed ones).
  public var givenAttribution: [Int: [(AttributionCause, AttributionPart, source: String?)]]
  /// The interventions of the package.
  public var interventions: [Intervention]
  /// The municipality's number of inhabitants, where given: the rules that depend on size (the
  /// MAU's more than 25,000, the IAU's labour-market test above 10,000, the 2016 entry of EUR 30
  /// per inhabitant, the budget basis of small and mid-size municipalities) read it.
  public var inhabitants: Int?
  /// The MAU own contribution (fraction of the budget; `nil`: the rule's lowest, named), the
  /// years an MAU granted before covers, unlawful spending per year and budgets before the
  /// horizon (its `inhabitants` are this input's).
  public var vangnetInputs = VangnetContext()

  /// The context the vangnet rules read: `vangnetInputs` with the inhabitants.
  public var vangnetContext: VangnetContext {
    var c = vangnetInputs
    c.inhabitants = inhabitants
    return c
  }
  /// The realised years (facts from the accounts), a leading run of the horizon; the forecast
  /// starts after them (`RealisedYear`).
  public var realised: [Int: RealisedYear]

  /// An input.
  public init(
    years: [Int], budget: [Int: BudgetBasis], phase: MacrobudgetPhase = .definitief,
    caseload: [Int: Decimal], netPrice: [Int: NetPrice], spending: [Int: Money] = [:],
    priorResults: [Int: Money] = [:], modelPrice: [Int: Money] = [:],
    objectiveVolume: [Int: Decimal] = [:],
    givenAttribution: [Int: [(AttributionCause, AttributionPart, source: String?)]] = [:],
    interventions: [Intervention] = [], inhabitants: Int? = nil,
    realised: [Int: RealisedYear] = [:]
  ) {
    self.inhabitants = inhabitants
    self.realised = realised
    self.years = years
    self.budget = budget
    self.phase = phase
    self.caseload = caseload
    self.netPrice = netPrice
    self.spending = spending
    self.priorResults = priorResults
    self.modelPrice = modelPrice
    self.objectiveVolume = objectiveVolume
    self.givenAttribution = givenAttribution
    self.interventions = interventions
  }
}

/// One year of the meerjarenbeeld.
public struct ProjectionYear: Sendable {
  /// The year.
  public var year: Int
  /// Whether the year is realised: its budget, spending and caseload are the facts the
  /// scenario gives (`RealisedYear`), not a forecast.
  public var realised: Bool = false
  /// The budget and how it was set.
  public var budget: MunicipalBudget
  /// Spending without the interventions (EUR).
  public var baselineSpending: Money
  /// Spending with the interventions: baseline − quantified yields (EUR).
  public var spending: Money
  /// Result R = B − U with the interventions (EUR).
  public var result: Money
  /// The vangnet with the interventions (`nil` when the rule table has no rule for the year).
  public var vangnet: VangnetAnswer?
  /// Net burden N = −(R + C) with the interventions (EUR).
  public var netBurden: Money
  /// Result, compensation and net burden without the interventions.
  public var baseline: (result: Money, compensation: Money, netBurden: Money)
  /// Caseload with the interventions (households, annual average).
  public var caseload: Decimal
  /// Caseload without the interventions.
  public var baselineCaseload: Decimal
  /// Total cost of the interventions (EUR).
  public var interventionCost: Money
  /// Total quantified yield of the interventions (EUR); p.m. items are not in it.
  public var interventionYield: Money
  /// The interventions whose yield is p.m. this year (ids).
  public var unquantified: [String]
  /// Why the year has no vangnet rule (from the rule table's `missing` list), when it has none.
  public var vangnetMissingReason: String?
  /// The deficit (U − B) split into causes.
  public var attribution: Attribution
}

/// One intervention's year: cost, yield and its effect on the result before and after the
/// vangnet.
public struct InterventionYearOutcome: Equatable, Sendable {
  /// The year.
  public var year: Int
  /// Cost (EUR).
  public var cost: Money
  /// Yield (EUR), `nil` for p.m.
  public var yield: Money?
  /// Households off benefit (annual average).
  public var caseloadEffect: Decimal
  /// Effect on the result before the vangnet: the yield (EUR); `nil` for p.m.
  public var effectBeforeVangnet: Money?
  /// Effect on the net burden after the vangnet (EUR; positive = lower burden): the package's
  /// change in R + C, shared over the interventions in proportion to their yields; `nil` for p.m.
  public var effectAfterVangnet: Money?
}

/// One intervention's outcome over the horizon.
public struct InterventionOutcome: Sendable {
  /// The intervention.
  public var intervention: Intervention
  /// Per year.
  public var years: [InterventionYearOutcome]
}

/// The deterministic meerjarenbeeld.
public struct Projection: Sendable {
  /// Per year.
  public var years: [ProjectionYear]
  /// Per intervention.
  public var interventions: [InterventionOutcome]
}

/// Problems a projection can meet.
public enum ProjectionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The budget could not be set.
  case budget(BudgetError)
  /// The vangnet could not be computed.
  case vangnet(VangnetError)

  /// The underlying message.
  public var description: String {
    switch self {
    case .budget(let e): e.description
    case .vangnet(let e): e.description
    }
  }
}

extension RuleTable {
  /// The meerjarenbeeld: for each year, B by its basis; baseline U⁰ = given spending or caseload ×
  /// net price; U = U⁰ − Σ quantified yields; R = B − U; C by the year's vangnet rule with the
  /// results of earlier years (the projection's own, or given before the horizon) as prior
  /// results; N = −(R + C). The same without interventions gives the baseline, and the
  /// difference in R + C is the package's effect after the vangnet.
  ///
  /// A realised year (`input.realised`) takes B, U and the caseload from its facts: U is the
  /// realised spending, U⁰ = U + the actual yields given (no modelled yield is subtracted), an
  /// intervention's cost is its actual cost where given (else its own cost of the year), its
  /// yield the actual yield where given (else not known, like p.m.), its caseload effect 0
  /// (the realised caseload already holds it); the year is booked in the same accounting, so
  /// the vangnet's multi-year conditions of later years see its result.
  public func project(_ input: ProjectionInput) throws(ProjectionError) -> Projection {
    var yearsOut: [ProjectionYear] = []
    let context = input.vangnetContext
    let accounting = YearAccounting<Decimal>(
      years: input.years, rules: self, priorResults: input.priorResults.mapValues(\.euros),
      context: context)
    var ledger = accounting.ledger()
    var perIntervention: [[InterventionYearOutcome]] = Array(
      repeating: [], count: input.interventions.count)
    for (k, year) in input.years.enumerated() {
      let fact = input.realised[year]
      let budget: MunicipalBudget
      do {
        budget = try municipalBudget(
          year: year, basis: fact.map { .given($0.budget) } ?? input.budget[year]!,
          phase: input.phase)
      } catch {
        throw .budget(error)
      }
      let caseload = fact?.caseload ?? input.caseload[year] ?? 0
      let price = input.netPrice[year]
      var effects = input.interventions.map { $0.effect(in: year) }
      if let fact {
        effects = zip(input.interventions, effects).map { i, e in
          let actual = fact.interventions[i.id]
          return InterventionYear(
            cost: actual?.cost ?? e.cost, yield: actual?.yield, caseloadEffect: 0)
        }
      }
      let actualYield = effects.reduce(Money.zero) { $0 + ($1.yield ?? .zero) }
      let baselineSpending =
        fact.map { $0.spending + actualYield } ?? input.spending[year]
        ?? price.map { BudgetYear.spending(caseload: caseload, price: $0) } ?? .zero
      let cost = effects.reduce(Money.zero) { $0 + $1.cost }
      let yield = effects.reduce(Money.zero) { $0 + ($1.yield ?? .zero) }
      let caseloadEffect = effects.reduce(Decimal(0)) { $0 + $1.caseloadEffect }
      // The vangnet's detail (band, conditions, caveats) for the same question the accounting
      // answers; its compensation is the accounting's (one schedule computes both).
      let priorsWith = accounting.judgedPriors(k, in: ledger, withPackage: true)
      let priorsWithout = accounting.judgedPriors(k, in: ledger, withPackage: false)
      let account =
        fact.map {
          accounting.bookRealised(
            k, budget: budget.budget.euros, spending: $0.spending.euros,
            actualYield: yield.euros, in: &ledger)
        }
        ?? accounting.book(
          k, budget: budget.budget.euros, baselineSpending: baselineSpending.euros,
          yield: yield.euros, in: &ledger)
      var answer: VangnetAnswer?
      if accounting.schedules[k] != nil {
        do {
          answer = try vangnet(
            VangnetQuestion(
              year: year, budget: budget.budget, spending: Money(account.spending),
              priorResults: priorsWith?.results.map { Money($0) },
              priorBudgets: priorsWith?.budgets?.map { Money($0) }, context: context,
              mauCovered: account.mauCovered.with))
          _ = try vangnet(
            VangnetQuestion(
              year: year, budget: budget.budget, spending: baselineSpending,
              priorResults: priorsWithout?.results.map { Money($0) },
              priorBudgets: priorsWithout?.budgets?.map { Money($0) }, context: context,
              mauCovered: account.mauCovered.without))
        } catch {
          throw .vangnet(error)
        }
      }
      assert(answer.map { $0.compensation.euros == account.compensation } ?? true)
      let shares = Self.share(
        Money(account.packageAfterVangnet), by: effects.map { $0.yield },
        ids: input.interventions.map(\.id))
      for (i, e) in effects.enumerated() {
        perIntervention[i].append(
          InterventionYearOutcome(
            year: year, cost: e.cost, yield: e.yield, caseloadEffect: e.caseloadEffect,
            effectBeforeVangnet: e.yield, effectAfterVangnet: shares[i]))
      }
      let spending = Money(account.spending)
      let attribution = self.attribution(
        input: input, year: year, budget: budget, spending: spending,
        caseload: caseload - caseloadEffect)
      yearsOut.append(
        ProjectionYear(
          year: year, realised: fact != nil, budget: budget, baselineSpending: baselineSpending,
          spending: spending,
          result: Money(account.result), vangnet: answer, netBurden: Money(account.netBurden),
          baseline: (
            Money(account.baselineResult), Money(account.baselineCompensation),
            Money(account.baselineNetBurden)
          ),
          caseload: caseload - caseloadEffect, baselineCaseload: caseload, interventionCost: cost,
          interventionYield: yield,
          unquantified: zip(input.interventions, effects).filter { $1.yield == nil }.map {
            $0.0.id
          },
          vangnetMissingReason: answer == nil
            ? missing.first { $0.year == year && $0.part == "vangnet" }?.reason : nil,
          attribution: attribution))
    }
    return Projection(
      years: yearsOut,
      interventions: zip(input.interventions, perIntervention).map {
        InterventionOutcome(intervention: $0, years: $1)
      })
  }

  /// Shares `total` over items in proportion to `weights`, rounding each share to cents with
  /// the largest-remainder method so that the shares add up to `total` (rounded to cents)
  /// exactly. A `nil` weight (p.m.) gets `nil`; when the weights sum to zero, every share is 0.
  /// Equal remainders take their cents in the order of `ids` (the interventions' ids), so that
  /// the order of the items does not decide who gets a cent; without ids, in the items' order.
  static func share(_ total: Money, by weights: [Money?], ids: [String] = []) -> [Money?] {
    let sum = weights.compactMap { $0 }.reduce(Money.zero, +)
    guard sum != .zero else { return weights.map { $0 == nil ? nil : .zero } }
    let target = total.roundedToCents
    var raw: [(index: Int, floor: Decimal, remainder: Decimal)] = []
    for (i, w) in weights.enumerated() {
      guard let w else { continue }
      // The accounting's share (after · y / Σy) of the total rounded to cents, in cents.
      let exact = YearAccount<Decimal>.share(target.euros, yield: w.euros, of: sum.euros) * 100
      var e = exact
      var f = Decimal()
      NSDecimalRound(&f, &e, 0, .down)
      raw.append((i, f, exact - f))
    }
    var cents = target.euros * 100 - raw.reduce(Decimal(0)) { $0 + $1.floor }
    var out: [Money?] = weights.map { $0 == nil ? nil : .zero }
    for r in raw { out[r.index] = Money(r.floor / 100) }
    // Hand out the remaining cents (positive or negative) by remainder size.
    let order = raw.sorted {
      if $0.remainder != $1.remainder {
        return cents >= 0 ? $0.remainder > $1.remainder : $0.remainder < $1.remainder
      }
      return ids.count == weights.count ? ids[$0.index] < ids[$1.index] : $0.index < $1.index
    }
    var k = 0
    while cents != 0 && !order.isEmpty {
      let step: Decimal = cents > 0 ? 1 : -1
      let idx = order[k % order.count].index
      out[idx] = Money(out[idx]!.euros + step / 100)
      cents -= step
      k += 1
    }
    return out
  }

  /// The year's deficit split into causes: parts given by the scenario, else computed where
  /// the inputs exist (reservation from the share; the herverdeeleffect BL − B from a budget by
  /// size with historic costs; price and volume from the model price and objective volume; the
  /// macro shortfall from the national outcome in the rule table), else not quantified. Price
  /// and volume deviation appear only when given or computable; the herverdeeleffect appears
  /// (unquantified if need be) unless price or volume deviation stand in for it.
  func attribution(
    input: ProjectionInput, year: Int, budget: MunicipalBudget, spending: Money, caseload: Decimal
  ) -> Attribution {
    var parts = input.givenAttribution[year] ?? []
    func has(_ c: AttributionCause) -> Bool { parts.contains { $0.0 == c } }
    let share = budget.share
    if !has(.macroShortfall) {
      if let s = years[year]?.nationalOutcome?.shortfall, let share {
        parts.append(
          (
            .macroShortfall,
            .macroShortfall(
              year: year, nationalShortfall: s, share: share, fractionAtLocalCost: 0,
              localCost: .zero),
            "national shortfall from the rule table: \(years[year]!.nationalOutcome!.source)"
          ))
      } else {
        parts.append(
          (
            .macroShortfall, .notQuantified,
            "no national shortfall for \(year) in the rule table or the scenario"
          ))
      }
    }
    if !has(.herverdeeleffect), let historic = budget.sizeBasis?.historicBudget {
      parts.append(
        (
          .herverdeeleffect, .herverdeeleffect(historicBudget: historic, budget: budget.budget),
          "objective minus historic budget share (Besluit WWB 2007, bijlage B), from the "
            + "budget basis: \(budget.sizeBasis!.text)"
        ))
    }
    // Price and volume deviation are computed only where their inputs are given, and not next
    // to a quantified herverdeeleffect (both would count the same euros).
    let herverdeelQuantified = parts.contains {
      $0.0 == .herverdeeleffect && $0.1.amount != nil
    }
    let price = input.netPrice[year]?.net
    if !herverdeelQuantified, !has(.priceDeviation), let model = input.modelPrice[year], let price {
      parts.append(
        (
          .priceDeviation,
          .priceDeviation(caseload: caseload, actualPrice: price, modelPrice: model), nil
        ))
    }
    if !herverdeelQuantified, !has(.volumeDeviation), let model = input.modelPrice[year],
      let volume = input.objectiveVolume[year]
    {
      parts.append(
        (
          .volumeDeviation,
          .volumeDeviation(caseload: caseload, objectiveVolume: volume, modelPrice: model), nil
        ))
    }
    if !has(.herverdeeleffect) && !has(.priceDeviation) && !has(.volumeDeviation) {
      parts.append(
        (
          .herverdeeleffect, .notQuantified,
          "give verdeelmodel.historicCosts and householdGrowth with a budget by size, or the "
            + "herverdeeleffect in the attribution, to quantify it"
        ))
    }
    if !has(.reservation) {
      if let v = years[year]?.reservation, let share {
        parts.append(
          (
            .reservation, .reservation(year: year, reservation: v.amount.amount, share: share),
            v.amount.source
          ))
      } else {
        parts.append(
          (
            .reservation, .notQuantified,
            share == nil ? "the share is not known" : "no reservation for \(year) in the rule table"
          ))
      }
    }
    return Attribution(deficit: spending - budget.budget, parts: parts)
  }
}
