import BuigCore
import Foundation

/// The language of a council report.
public enum ReportLanguage: String, Sendable, CaseIterable {
  /// Dutch: the terms of Dutch municipal budget documents (docs: GLOSSARY-nl), € 1.234.567, 7,5%.
  case nl
  /// English: € 1,234,567, 7.5%.
  case en

  /// The words of the report in this language.
  public var words: ReportWords { self == .nl ? .nl : .en }
}

/// Numbers as a reader of the report's language writes them.
public struct ReportNumbers: Sendable {
  /// The thousands separator.
  let group: Character
  /// The decimal separator.
  let decimal: Character
  /// The word for million in running text.
  let million: String

  /// Digits grouped in threes with the separator: 1234567 → 1.234.567.
  func grouped(_ integerDigits: String) -> String {
    Money.group(integerDigits).replacingOccurrences(of: ",", with: String(group))
  }

  /// A number with `decimals` decimals, rounded half away from zero, grouped.
  public func number(_ v: Double, decimals: Int = 0) -> String {
    guard v.isFinite else { return "–" }
    let text = MonteCarloInfo.fixed(v, decimals)
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", maxSplits: 1)
    var out = grouped(String(parts[0]))
    if parts.count > 1 { out += String(decimal) + parts[1] }
    return (negative ? "−" : "") + out
  }

  /// Euros without cents, as a table shows them: € 1.234.567 (−€ 1.234.567 below zero).
  public func euros(_ v: Double) -> String {
    let n = number(abs(v))
    return (v < 0 && n != "0" ? "−" : "") + "€ " + n
  }

  /// Euros in running text: € 1,2 mln from a million on, € 12.300 below.
  public func eurosText(_ v: Double) -> String {
    guard abs(v) >= 1_000_000 else { return euros(v) }
    return (v < 0 ? "−" : "") + "€ " + number(abs(v) / 1_000_000, decimals: 1) + " " + million
  }

  /// A fraction as a percentage with `decimals` decimals: 0.075 → 7,5%.
  public func percent(_ fraction: Double, decimals: Int = 1) -> String {
    number(fraction * 100, decimals: decimals) + "%"
  }

  /// Dutch: point for thousands, decimal comma.
  public static let nl = ReportNumbers(group: ".", decimal: ",", million: "mln")
  /// English: comma for thousands, decimal point.
  public static let en = ReportNumbers(group: ",", decimal: ".", million: "mln")
}

/// Every text of the council report in one language: one table per language, so that no label
/// is scattered through the code. Sentences that carry figures take them formatted.
public struct ReportWords: Sendable {
  /// How numbers are written.
  public var numbers: ReportNumbers
  /// The `lang` attribute of the page.
  public var htmlLanguage: String
  /// The report's title, from the scenario's title.
  public var title: @Sendable (String) -> String
  /// Section titles.
  public var summary, meerjarenbeeld, uncertainty, vangnet, interventions, attribution,
    sensitivity, reserve, comparison, accountability: String
  /// Table and chart labels.
  public var year, horizon, expected, mean, median, band90, band50, certainty: String
  /// Row labels of the meerjarenbeeld, by quantity.
  public var quantity: @Sendable (Quantity) -> String
  /// Attribution lines, by cause.
  public var cause: @Sendable (AttributionCause) -> String
  /// The attribution's total.
  public var deficit: String
  /// Interventions' figures.
  public var cost, yield, effectAfterVangnet, netAfterVangnet, npv, roi, payback, pm, none,
    notApplicable: String
  /// The package, and one intervention.
  public var package, intervention: String
  /// Sensitivity.
  public var input, atP10, atP90, swing, firstOrder, totalOrder, interval, switchingValue,
    current, parameter, economy: String
  /// The thresholds drawn on the result chart.
  public var vangnetThreshold: String
  /// Chart legends: the waterfall's rising and falling steps, the tornado's base, the band
  /// view's deficit, threshold and bands.
  public var increases, decreases, base50, deficitMarker, threshold, bandWithCompensation: String
  /// The band view: columns.
  public var deficitPercent, band, compensationRate, euroSavedWorth, noRule, belowThreshold: String
  /// Comparison.
  public var base, variant, difference, pCheaper: String
  /// Accountability.
  public var inputPath, value, source, note, setEdits, metadata, rulesUsed, confidence: String
  /// The flow model's ladder of evidence: its heading, the three kinds, the count-noise line.
  public var flowEvidence, evidence, fitted, ownValue, assumption, countNoise, yes, no: String
  /// Metadata labels.
  public var scenario, municipality, seed, paths, engine, blasCore, sha256, discountRate: String
  /// Chart titles and descriptions.
  public var fanTitle: @Sendable (String) -> String
  /// The description of a fan chart.
  public var fanDescription: @Sendable (String, String) -> String
  /// Summary sentences.
  public var sentenceNetBurden: @Sendable ([(String, String)], String, String) -> String
  /// The reserve sentence: horizon, 90% and 95% amounts.
  public var sentenceReserve: @Sendable (String, String, String) -> String
  /// The threshold sentence: per year probability.
  public var sentenceThreshold: @Sendable ([(String, String)]) -> String
  /// The package sentence: cost, effect after vangnet, net, NPV.
  public var sentencePackage: @Sendable (String, String, String, String) -> String
  /// What a euro saved is worth, explained once.
  public var explainAfterVangnet: String
  /// The note under the reserve table.
  public var reserveNote: String
  /// The note under the sensitivity section: what the quantity is.
  public var sensitivityNote: @Sendable (String, Int) -> String
  /// The comparison's verdict.
  public var compareVerdict: @Sendable (String, String, String, String?) -> String
  /// Notes of the switching values.
  public var switchingNote: String
  /// A page footer line.
  public var generated: @Sendable (String) -> String
}

extension ReportWords {
  /// Dutch, with the terms of docs GLOSSARY-nl.
  public static let nl = ReportWords(
    numbers: .nl, htmlLanguage: "nl",
    title: { "BUIG: \($0)" },
    summary: "Samenvatting", meerjarenbeeld: "Meerjarenbeeld",
    uncertainty: "Onzekerheid: waaiergrafieken", vangnet: "Vangnet: waar valt het tekort?",
    interventions: "Maatregelen", attribution: "Oorzaken van het tekort",
    sensitivity: "Gevoeligheidsanalyse", reserve: "Weerstandsvermogen: benodigde reserve",
    comparison: "Vergelijking van twee pakketten", accountability: "Verantwoording",
    year: "Jaar", horizon: "Totaal", expected: "Verwachte waarde", mean: "Gemiddelde",
    median: "Mediaan", band90: "90%-bandbreedte (p5–p95)", band50: "50%-bandbreedte (p25–p75)",
    certainty: "Zekerheid",
    quantity: { q in
      switch q {
      case .budget: "BUIG-budget"
      case .spending: "Uitkeringslasten"
      case .result: "Resultaat (budget − lasten)"
      case .vangnet: "Vangnetuitkering"
      case .netBurden: "Nettolast algemene middelen"
      case .caseload: "Bijstandsvolume (huishoudens)"
      case .interventionCost: "Kosten maatregelen"
      case .interventionYield: "Opbrengst maatregelen"
      case .baselineNetBurden: "Nettolast zonder maatregelen"
      case .yield: "Opbrengst"
      case .effectAfterVangnet: "Effect na vangnet"
      case .cost: "Kosten"
      case .total: "Totaal (nettolast + kosten)"
      }
    },
    cause: { c in
      switch c {
      case .macroShortfall: "Ontoereikend macrobudget"
      case .herverdeeleffect: "Herverdeeleffect"
      case .priceDeviation: "Prijsafwijking"
      case .volumeDeviation: "Volumeafwijking"
      case .reservation: "Reservering vangnet"
      case .rest: "Overig"
      }
    },
    deficit: "Tekort",
    cost: "Kosten", yield: "Opbrengst", effectAfterVangnet: "Effect na vangnet",
    netAfterVangnet: "Netto na vangnet", npv: "Netto contante waarde",
    roi: "Rendement per euro", payback: "Terugverdienjaar", pm: "p.m.", none: "geen",
    notApplicable: "n.v.t.", package: "Pakket maatregelen", intervention: "Maatregel",
    input: "Onzekere invoer", atP10: "Bij P10", atP90: "Bij P90", swing: "Uitslag",
    firstOrder: "Eerste orde", totalOrder: "Totaal", interval: "95%-interval",
    switchingValue: "Omslagwaarde", current: "Huidige waarde", parameter: "Parameter",
    economy: "economie (conjunctuur)",
    vangnetThreshold: "Vangnetdrempel",
    increases: "verhoogt", decreases: "verlaagt", base50: "alles op de mediaan",
    deficitMarker: "tekort", threshold: "drempel", bandWithCompensation: "band, met vergoeding",
    deficitPercent: "Tekort (% van budget)", band: "Band",
    compensationRate: "Vergoeding vangnet",
    euroSavedWorth: "Wat € 1 besparing de gemeente oplevert",
    noRule: "geen vangnetregel", belowThreshold: "onder de drempel",
    base: "Basis", variant: "Variant", difference: "Verschil", pCheaper: "Kans variant goedkoper",
    inputPath: "Invoer", value: "Waarde", source: "Bron", note: "Toelichting",
    setEdits: "Wijzigingen voor deze berekening (--set)", metadata: "Gegevens van de berekening",
    rulesUsed: "Gebruikte regels", confidence: "Betrouwbaarheid",
    flowEvidence: "Stromenmodel: herkomst van de parameters", evidence: "Herkomst",
    fitted: "geschat op eigen gegevens", ownValue: "eigen waarde van het scenario",
    assumption: "aanname (standaardwaarde)",
    countNoise: "Toeval in de maandelijkse stromen (hele huishoudens)", yes: "ja", no: "nee",
    scenario: "Scenario", municipality: "Gemeente", seed: "Seed", paths: "Simulaties (paden)",
    engine: "Rekenkern", blasCore: "OpenBLAS-kern", sha256: "SHA-256 van het scenario",
    discountRate: "Discontovoet",
    fanTitle: { "Waaiergrafiek: \($0)" },
    fanDescription: { what, years in
      "\(what) per jaar \(years): de 90%- en 50%-bandbreedte van de simulaties, de mediaan en de verwachte waarde."
    },
    sentenceNetBurden: { perYear, horizon, total in
      "De verwachte nettolast voor de algemene middelen is "
        + perYear.map { "\($0.1) in \($0.0)" }.joined(separator: ", ")
        + "; over \(horizon) samen \(total)."
    },
    sentenceReserve: { horizon, p90, p95 in
      "Met 90% zekerheid blijft de nettolast over \(horizon) onder \(p90), met 95% zekerheid onder \(p95): dat is de benodigde reserve."
    },
    sentenceThreshold: { perYear in
      "De kans op een tekort boven de vangnetdrempel is "
        + perYear.map { "\($0.1) in \($0.0)" }.joined(separator: ", ") + "."
    },
    sentencePackage: { cost, effect, net, npv in
      "Het pakket maatregelen kost \(cost) en verlaagt de nettolast na vangnet met \(effect): netto \(net), netto contante waarde \(npv)."
    },
    explainAfterVangnet:
      "Een besparing binnen een gecompenseerde band verlaagt de vangnetuitkering, niet de last: daarom telt het effect na vangnet.",
    reserveNote:
      "De nettolast die met de genoemde zekerheid niet wordt overschreden, per jaar en opgeteld over de jaren. Kosten van maatregelen vallen buiten de nettolast.",
    sensitivityNote: { what, rows in
      "Van \(what). Tornado: elke onzekere invoer op zijn P10 en P90, de rest op de mediaan. Sobol-indices uit \(rows) rijen (Saltelli, Jansen) met 95%-bootstrapintervallen."
    },
    compareVerdict: { cheaper, dearer, amount, probability in
      "\(cheaper) is over de hele periode \(amount) goedkoper dan \(dearer), alles meegerekend (nettolast + kosten maatregelen, verwachte waarde)"
        + (probability.map { "; in \($0) van de simulaties is de variant goedkoper." } ?? ".")
    },
    switchingNote:
      "De omslagwaarde is de waarde waarbij de maatregel over de hele periode na vangnet precies quitte speelt. Voor kosten en opbrengst is het een factor op de genoemde bedragen.",
    generated: { "Berekend met buig \($0)" }
  )

  /// English.
  public static let en = ReportWords(
    numbers: .en, htmlLanguage: "en",
    title: { "BUIG: \($0)" },
    summary: "Summary", meerjarenbeeld: "Multi-year view (meerjarenbeeld)",
    uncertainty: "Uncertainty: fan charts", vangnet: "Vangnet: where does the deficit fall?",
    interventions: "Interventions", attribution: "Causes of the deficit",
    sensitivity: "Sensitivity analysis", reserve: "Required reserve (weerstandsvermogen)",
    comparison: "Two packages compared", accountability: "Sources and run",
    year: "Year", horizon: "Total", expected: "Expected value", mean: "Mean",
    median: "Median", band90: "90% band (p5–p95)", band50: "50% band (p25–p75)",
    certainty: "Certainty",
    quantity: { q in
      switch q {
      case .budget: "BUIG budget"
      case .spending: "Benefit spending"
      case .result: "Result (budget − spending)"
      case .vangnet: "Vangnet compensation"
      case .netBurden: "Net burden on general funds"
      case .caseload: "Caseload (households)"
      case .interventionCost: "Intervention cost"
      case .interventionYield: "Intervention yield"
      case .baselineNetBurden: "Net burden without the package"
      case .yield: "Yield"
      case .effectAfterVangnet: "Effect after vangnet"
      case .cost: "Cost"
      case .total: "Total (net burden + cost)"
      }
    },
    cause: { c in
      switch c {
      case .macroShortfall: "Macro shortfall"
      case .herverdeeleffect: "Redistribution effect (herverdeeleffect)"
      case .priceDeviation: "Price deviation"
      case .volumeDeviation: "Volume deviation"
      case .reservation: "Vangnet reservation"
      case .rest: "Rest"
      }
    },
    deficit: "Deficit",
    cost: "Cost", yield: "Yield", effectAfterVangnet: "Effect after vangnet",
    netAfterVangnet: "Net after vangnet", npv: "Net present value",
    roi: "Return per euro", payback: "Payback year", pm: "p.m.", none: "none",
    notApplicable: "n/a", package: "Package", intervention: "Intervention",
    input: "Uncertain input", atP10: "At P10", atP90: "At P90", swing: "Swing",
    firstOrder: "First order", totalOrder: "Total", interval: "95% interval",
    switchingValue: "Switching value", current: "Current value", parameter: "Parameter",
    economy: "economy (business cycle)",
    vangnetThreshold: "Vangnet threshold",
    increases: "raises", decreases: "lowers", base50: "all at their medians",
    deficitMarker: "deficit", threshold: "threshold", bandWithCompensation: "band, compensated",
    deficitPercent: "Deficit (% of budget)", band: "Band",
    compensationRate: "Vangnet compensation", euroSavedWorth: "What € 1 saved is worth",
    noRule: "no vangnet rule", belowThreshold: "below the threshold",
    base: "Base", variant: "Variant", difference: "Difference",
    pCheaper: "Probability the variant is cheaper",
    inputPath: "Input", value: "Value", source: "Source", note: "Note",
    setEdits: "Changes for this run (--set)", metadata: "The run",
    rulesUsed: "Rules used", confidence: "Confidence",
    flowEvidence: "Flow model: where each parameter comes from", evidence: "Evidence",
    fitted: "fitted to own data", ownValue: "the scenario's own value",
    assumption: "assumption (default)",
    countNoise: "Chance in the monthly flows (whole households)", yes: "yes", no: "no",
    scenario: "Scenario", municipality: "Municipality", seed: "Seed", paths: "Paths",
    engine: "Engine", blasCore: "OpenBLAS core", sha256: "Scenario SHA-256",
    discountRate: "Discount rate",
    fanTitle: { "Fan chart: \($0)" },
    fanDescription: { what, years in
      "\(what) per year \(years): the 90% and 50% bands of the paths, the median and the expected value."
    },
    sentenceNetBurden: { perYear, horizon, total in
      "The expected net burden on the general funds is "
        + perYear.map { "\($0.1) in \($0.0)" }.joined(separator: ", ")
        + "; over \(horizon) together \(total)."
    },
    sentenceReserve: { horizon, p90, p95 in
      "With 90% certainty the net burden over \(horizon) stays below \(p90), with 95% certainty below \(p95): that is the reserve required."
    },
    sentenceThreshold: { perYear in
      "The probability of a deficit beyond the vangnet threshold is "
        + perYear.map { "\($0.1) in \($0.0)" }.joined(separator: ", ") + "."
    },
    sentencePackage: { cost, effect, net, npv in
      "The package costs \(cost) and lowers the net burden after the vangnet by \(effect): net \(net), net present value \(npv)."
    },
    explainAfterVangnet:
      "A saving inside a compensated band lowers the vangnet payment, not the burden: that is why the effect after the vangnet counts.",
    reserveNote:
      "The net burden not exceeded with the given certainty, per year and summed over the years. Intervention costs are outside the net burden.",
    sensitivityNote: { what, rows in
      "Of \(what). Tornado: each uncertain input at its P10 and P90, the others at their medians. Sobol indices from \(rows) rows (Saltelli, Jansen) with 95% bootstrap intervals."
    },
    compareVerdict: { cheaper, dearer, amount, probability in
      "\(cheaper) is \(amount) cheaper than \(dearer) over the horizon, all in (net burden + intervention cost, expected)"
        + (probability.map { "; the variant is cheaper in \($0) of the paths." } ?? ".")
    },
    switchingNote:
      "The switching value is the value at which the intervention breaks even after the vangnet over the horizon. For cost and yield it is a multiplier on the stated amounts.",
    generated: { "Computed with buig \($0)" }
  )
}
