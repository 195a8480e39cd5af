import Foundation

/// The causes a deficit is split into, as seed 003 does by hand.
public enum AttributionCause: String, Sendable, CaseIterable {
  /// The municipality's part of the national macro shortfall (the macrobudget was too low).
  case macroShortfall
  /// The herverdeeleffect as the Besluit WWB 2007 (bijlage B) defines it: the objective budget
  /// share minus the historic budget share, price and volume together; on the deficit it counts
  /// as the historic budget minus the budget (BL − B, EUR).
  case herverdeeleffect
  /// The price deviation: actual net price above the model price (shown only when its inputs
  /// are given).
  case priceDeviation
  /// The volume deviation: caseload above (or, when negative, below) the objective volume (shown
  /// only when its inputs are given).
  case volumeDeviation
  /// The budget lost to the vangnet reservation withheld from the macrobudget.
  case reservation
  /// Everything not explained by the lines above, so that the parts add up to the deficit.
  case rest

  /// A label of at most 20 characters, for table columns.
  public var shortLabel: String {
    switch self {
    case .macroShortfall: "macro shortfall"
    case .herverdeeleffect: "herverdeeleffect"
    case .priceDeviation: "price deviation"
    case .volumeDeviation: "volume deviation"
    case .reservation: "vangnet reservation"
    case .rest: "rest"
    }
  }

  /// The line's label as a controller reads it.
  public var label: String {
    switch self {
    case .macroShortfall: "macro shortfall (ontoereikend macrobudget)"
    case .herverdeeleffect: "herverdeeleffect (objective − historic share, price and volume)"
    case .priceDeviation: "price deviation"
    case .volumeDeviation: "volume deviation"
    case .reservation: "vangnet reservation"
    case .rest: "rest"
    }
  }
}

/// How one cause of a deficit is quantified.
public enum AttributionPart: Equatable, Sendable {
  /// s · S · (1 − f) + L: the share s of the national shortfall S, except a fraction f of it
  /// that is taken at the municipality's own cost L of the group that caused it (seed 003: half
  /// of the EUR 271M of 2016 was the inflow of vergunninghouders; Groningen's own spending on
  /// them, EUR 1.35M, replaces its share of that half).
  case macroShortfall(
    year: Int, nationalShortfall: Money, share: Decimal, fractionAtLocalCost: Decimal,
    localCost: Money)
  /// BL − B: the historic budget BL minus the budget B set by the verdeelmodel (EUR), which is
  /// (historic share − objective share) × the distributed budget (Besluit WWB 2007, bijlage B).
  case herverdeeleffect(historicBudget: Money, budget: Money)
  /// n · (p − p̂): caseload n (households) × (actual net price p − model price p̂) (EUR/household/year).
  case priceDeviation(caseload: Decimal, actualPrice: Money, modelPrice: Money)
  /// (n − n̂) · p̂: caseload n minus objective volume n̂ (households) × model price p̂.
  case volumeDeviation(caseload: Decimal, objectiveVolume: Decimal, modelPrice: Money)
  /// s · V: the share s of the reservation V withheld from the macrobudget of `year`.
  case reservation(year: Int, reservation: Money, share: Decimal)
  /// An amount stated by a source.
  case given(Money)
  /// Known to play a part, not quantified (shown as such, never as zero).
  case notQuantified

  /// The amount of the part (EUR), unrounded; `nil` when not quantified.
  public var amount: Money? {
    switch self {
    case .macroShortfall(_, let s, let share, let f, let local):
      return s * share * (1 - f) + local
    case .herverdeeleffect(let historic, let budget):
      return historic - budget
    case .priceDeviation(let n, let p, let model):
      return (p - model) * n
    case .volumeDeviation(let n, let objective, let model):
      return model * (n - objective)
    case .reservation(_, let v, let share):
      return v * share
    case .given(let m):
      return m
    case .notQuantified:
      return nil
    }
  }

  /// The formula with its numbers, for the audit trail.
  public var basis: String {
    switch self {
    case .macroShortfall(let year, let s, let share, let f, let local):
      return
        "\(year): share \(Percent.text(share, decimals: 3)) × national shortfall \(s.groupedEuros)"
        + (f == 0
          ? ""
          : " × (1 − \(Percent.text(f)) taken at local cost) + local cost \(local.groupedEuros)")
    case .herverdeeleffect(let historic, let budget):
      return
        "historic budget \(historic.roundedToCents.groupedEuros) − budget by the verdeelmodel "
        + "\(budget.roundedToCents.groupedEuros)"
    case .priceDeviation(let n, let p, let model):
      return
        "caseload \(n.plainText) × (actual net price \(p.roundedToCents) − model price \(model.roundedToCents))"
    case .volumeDeviation(let n, let objective, let model):
      return
        "(caseload \(n.plainText) − objective volume \(objective.plainText)) × model price \(model.roundedToCents)"
    case .reservation(let year, let v, let share):
      return "\(year): share \(Percent.text(share, decimals: 3)) × reservation \(v.groupedEuros)"
    case .given:
      return "as stated by the source"
    case .notQuantified:
      return "not quantified"
    }
  }
}

/// One line of a deficit attribution.
public struct AttributionLine: Equatable, Sendable {
  /// The cause.
  public var cause: AttributionCause
  /// The amount in euros, rounded to cents; `nil` when not quantified (it is then part of the
  /// rest, and the line says so).
  public var amount: Money?
  /// The formula with its numbers.
  public var basis: String
  /// Where the inputs come from.
  public var source: String?
}

/// A deficit split into causes. The amounts, each rounded to cents, add up to the deficit
/// (rounded to cents) exactly: the rest line is the deficit minus the other lines.
public struct Attribution: Equatable, Sendable {
  /// The deficit explained (U − B, EUR, rounded to cents).
  public var deficit: Money
  /// One line per cause, in the order of `AttributionCause.allCases`; the last is the rest.
  public var lines: [AttributionLine]

  /// Splits `deficit` into the given parts and a rest.
  ///
  /// Each quantified part is rounded to cents; rest = round(deficit) − Σ rounded parts, so the
  /// lines add up to the rounded deficit exactly. Causes not in `parts` are left out; a part
  /// given as `.notQuantified` appears with no amount.
  public init(deficit: Money, parts: [(AttributionCause, AttributionPart, source: String?)]) {
    self.deficit = deficit.roundedToCents
    var lines: [AttributionLine] = []
    var explained = Money.zero
    for cause in AttributionCause.allCases where cause != .rest {
      guard let (_, part, source) = parts.first(where: { $0.0 == cause }) else { continue }
      let amount = part.amount?.roundedToCents
      if let amount { explained += amount }
      lines.append(AttributionLine(cause: cause, amount: amount, basis: part.basis, source: source))
    }
    let unquantified = lines.filter { $0.amount == nil }.map(\.cause.label)
    let restBasis =
      "deficit − the lines above"
      + (unquantified.isEmpty
        ? "" : "; includes what is not quantified: " + unquantified.joined(separator: ", "))
    lines.append(
      AttributionLine(cause: .rest, amount: self.deficit - explained, basis: restBasis, source: nil)
    )
    self.lines = lines
  }

  /// The line of a cause.
  public func line(_ cause: AttributionCause) -> AttributionLine? {
    lines.first { $0.cause == cause }
  }

  /// Σ lines (EUR); equals `deficit` by construction.
  public var total: Money { lines.compactMap(\.amount).reduce(.zero, +) }
}
