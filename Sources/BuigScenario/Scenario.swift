import BuigCore
import BuigJSON
import Foundation

/// A scenario file, read and checked: the municipality's situation over a horizon and a package
/// of interventions (docs/scenario-format.md).
public struct Scenario: Sendable {
  /// The format version this reader understands.
  public static let schemaVersion = 1

  /// Short name (the file name without `.json`, by convention).
  public var name: String
  /// A title for outputs.
  public var title: String
  /// A longer description.
  public var description: String?
  /// Where the scenario comes from (a seed letter).
  public var source: String?
  /// The municipality.
  public var municipality: String
  /// SHA-256 of the bytes read, lowercase hex: the file's, or with `edits` the edited document's
  /// as `JSONWriter` writes it.
  public var sha256: String
  /// The rule table with the scenario's overrides applied.
  public var rules: RuleTable
  /// Years whose rules the scenario overrides.
  public var overriddenYears: [Int]
  /// The projection's input.
  public var input: ProjectionInput
  /// The random seed (for the Monte Carlo engine).
  public var seed: UInt64
  /// Monte Carlo settings.
  public var monteCarlo: MonteCarloSettings
  /// The flow model, economy and uncertain inputs of the Monte Carlo engine.
  public var stochastic: MonteCarloSpec
  /// Every number read, with its source and note.
  public var trail: [Provenance]
  /// Scenario-level notes (assumptions and why).
  public var notes: [String]
  /// The edits made to the file's document before it was read (`ScenarioEdit.text`, as given
  /// to `--set`), in order; empty when the file was read as it is.
  public var edits: [String] = []

  /// The deterministic meerjarenbeeld of this scenario.
  public func project() throws(ProjectionError) -> Projection {
    try rules.project(input)
  }
}

/// Monte Carlo settings of a scenario.
public struct MonteCarloSettings: Equatable, Sendable {
  /// Number of paths.
  public var paths: Int
  /// The limit for `pNetBurdenAbove` (EUR), when the scenario names one.
  public var netBurdenLimit: Money?

  /// Settings.
  public init(paths: Int = 10_000, netBurdenLimit: Money? = nil) {
    self.paths = paths
    self.netBurdenLimit = netBurdenLimit
  }
}

extension Scenario {
  /// Most interventions a package may hold: each adds two or three Monte Carlo series per
  /// year, and a council package has a handful.
  public static let maximumInterventions = 100
  /// Most uncertain inputs: each adds one Sobol evaluation per path to `buig sensitivity`.
  public static let maximumUncertainInputs = 64

  /// The top-level fields of a scenario.
  public static let topLevelKeys = [
    "$schema", "schemaVersion", "name", "title", "description", "source", "notes", "municipality",
    "horizon", "budget", "verdeelmodel", "caseload", "netPrice", "spending", "priorResults",
    "priorBudgets", "vangnet",
    "attribution", "ruleOverrides", "interventions", "flows", "uncertainty", "correlation", "seed",
    "monteCarlo", "realised",
  ]

  /// Reads a scenario from JSON bytes, reporting all problems at once, each with its JSON path.
  /// `origin` names the file in syntax errors.
  public static func decode(_ bytes: [UInt8], origin: String, rules builtIn: RuleTable)
    throws(InputIssues)
    -> Scenario
  {
    let value = try JSONParser.document(bytes, origin: origin)
    let log = IssueLog()
    let reader = ScenarioReader(log: log, builtIn: builtIn)
    let scenario = reader.read(JSONReader(value, log: log), sha256: SHA256.hex(bytes))
    try log.throwIfAny()
    guard let scenario else {
      throw InputIssues([
        InputIssue(path: "(top level)", expected: "a scenario object", found: value.summary)
      ])
    }
    return scenario
  }
}

/// Reads a scenario; every accessor reports to the log and returns `nil` on a problem.
final class ScenarioReader {
  let log: IssueLog
  let builtIn: RuleTable
  let trail = AuditTrail()
  var years: [Int] = []
  /// The scenario's flow model, once read (mechanistic interventions may take their retention
  /// from its expected durations).
  var flowModel: FlowModel?
  /// The realised years (a leading run of the horizon), once read: series may leave them out.
  var realisedYears: Set<Int> = []
  /// The intervention ids named under a realised year, with their paths, to check against the
  /// package once it is read.
  var realisedInterventionPaths: [(String, JSONPath)] = []
  /// The municipality's number of inhabitants, once read (presets sized to a city scale by it).
  var inhabitants: Int?

  init(log: IssueLog, builtIn: RuleTable) {
    self.log = log
    self.builtIn = builtIn
  }

  static let money = FieldRange.money
  static let signedMoney = FieldRange.signedMoney
  static let households = FieldRange.households
  static let pricePerHousehold = FieldRange.pricePerHousehold
  static let fraction = FieldRange.fraction

  func read(_ r: JSONReader, sha256: String) -> Scenario? {
    guard let o = r.object(keys: Scenario.topLevelKeys) else { return nil }
    defer { o.finish() }
    if let v = o.required("schemaVersion", "the number 1"),
      v.int(in: Scenario.schemaVersion...Scenario.schemaVersion) == nil
    {
      _ = 0  // reported by int(in:)
    }
    _ = o.optional("$schema")?.string()
    let name = o.required("name", "a short name of lowercase letters, digits and '-'")
      .flatMap(identifier)
    let title = o.optional("title")?.string(nonEmpty: true)
    let description = o.optional("description")?.string()
    let source = o.optional("source")?.string()
    let notes = (o.optional("notes")?.array() ?? []).compactMap { $0.string(nonEmpty: true) }
    var municipality: String?
    var inhabitants: Int?
    if let m = o.required("municipality", "an object with the municipality's name")?.object(keys: [
      "name", "inhabitants",
    ]) {
      municipality = m.required("name", "the municipality's name")?.string(nonEmpty: true)
      inhabitants = m.optional("inhabitants")?.sourcedNumber(trail: trail)?.int(in: 1...20_000_000)
      m.finish()
    }
    self.inhabitants = inhabitants
    // Rules first: the horizon and the budget are checked against them.
    var rules = builtIn
    var overridden: [Int] = []
    if let ro = o.optional("ruleOverrides"), let table = RuleTable.decode(ro) {
      rules = builtIn.merging(table)
      overridden = table.sortedYears
    }
    readHorizon(o, rules: rules)
    let realised = readRealised(o.optional("realised"))
    let budget = readBudget(o, rules: rules)
    var modelPrice: [Int: Money] = [:]
    var objectiveVolume: [Int: Decimal] = [:]
    var objectiveBudget: [Int: Money] = [:]
    var historicCosts: [Int: Money] = [:]
    var householdGrowth: [Int: Decimal] = [:]
    var historicScale: [Int: Decimal]?
    // The inputs given (a given but unreadable one is reported once, where it is).
    var present: Set<String> = []
    let verdeelmodelPath = JSONPath.root.appending("verdeelmodel")
    if let v = o.optional("verdeelmodel"),
      let vo = v.object(keys: [
        "modelPrice", "objectiveVolume", "objectiveBudget", "historicCosts", "householdGrowth",
        "historicScale",
      ])
    {
      modelPrice =
        vo.optional("modelPrice").flatMap {
          series($0, Self.pricePerHousehold, "EUR per household per year")
        }?.mapValues { Money($0) } ?? [:]
      objectiveVolume =
        vo.optional("objectiveVolume").flatMap { series($0, Self.households, "households") } ?? [:]
      objectiveBudget =
        vo.optional("objectiveBudget").flatMap { series($0, Self.money, "EUR") }?.mapValues {
          Money($0)
        } ?? [:]
      for key in ["historicCosts", "householdGrowth", "objectiveBudget", "modelPrice"]
      where vo.has(key) {
        present.insert(key)
      }
      if let h = vo.optional("historicCosts") {
        let first = years.first ?? 0
        let last = years.last ?? 0
        historicCosts =
          yearMap(
            h, range: Self.money, unit: "EUR",
            allowed: { [years] y in years.isEmpty || (first - 2...last - 2).contains(y) },
            allowedText: "cost years two before a horizon year (\(first - 2)-\(last - 2))")?
          .mapValues { Money($0) } ?? [:]
      }
      householdGrowth =
        vo.optional("householdGrowth").flatMap { series($0, -0.5...1, "(fraction)") } ?? [:]
      historicScale = vo.optional("historicScale").flatMap { series($0, 0...10, "(factor)") }
      vo.finish()
    }
    var budgetMap: [Int: BudgetBasis] = [:]
    switch budget?.basis {
    case .given(let amounts)?: budgetMap = amounts.mapValues { .given($0) }
    case .share(let shares)?: budgetMap = shares.mapValues { .share($0) }
    case .objective?:
      for y in years where !realisedYears.contains(y) {
        guard let v = objectiveVolume[y], let p = modelPrice[y] else {
          log.report(
            verdeelmodelPath,
            expected:
              "modelPrice and objectiveVolume for every year, since the budget is objective",
            found: "none for \(y)")
          break
        }
        budgetMap[y] = .objective(volume: v, modelPrice: p)
      }
    case .bySize(let path)?:
      guard let n = inhabitants else {
        log.report(
          JSONPath.root.appending("municipality").appending("inhabitants"),
          expected:
            "the number of inhabitants (1 January of the year before), since budget.bySize "
            + "takes the basis from it",
          found: "nothing")
        break
      }
      var lacking: [String: [Int]] = [:]
      for y in years {
        guard let period = rules.sizeBasisPeriod(year: y) else {
          log.report(
            path,
            expected: "years with budget bases by size in the rule table (or in ruleOverrides)",
            found: "\(y), which has none")
          continue
        }
        let (kind, _) = period.kind(inhabitants: n)
        let phaseIn = kind == .historic ? nil : period.phaseIn[y]
        let needsHistoric = kind != .objective || (phaseIn.map { $0.historicWeight != 0 } ?? false)
        var historic: HistoricCosts?
        if let c = historicCosts[y - 2], let g = householdGrowth[y] {
          historic = HistoricCosts(costs: c, householdGrowth: g, scale: historicScale?[y])
        } else if needsHistoric {
          if historicCosts[y - 2] == nil { lacking["historicCosts", default: []].append(y - 2) }
          if householdGrowth[y] == nil { lacking["householdGrowth", default: []].append(y) }
        }
        var objective = objectiveBudget[y]
        if objective == nil, let v = objectiveVolume[y], let p = modelPrice[y] { objective = p * v }
        if kind != .historic && objective == nil {
          lacking["objectiveBudget", default: []].append(y)
        }
        budgetMap[y] = .bySize(
          SizeBasisInput(inhabitants: n, historic: historic, objective: objective))
        _ = kind
      }
      let unreadable = present.filter {
        ($0 == "historicCosts" && historicCosts.isEmpty)
          || ($0 == "householdGrowth" && householdGrowth.isEmpty)
          || ($0 == "objectiveBudget" && objectiveBudget.isEmpty)
          || ($0 == "modelPrice" && modelPrice.isEmpty)
      }
      for (key, ys) in lacking.sorted(by: { $0.key < $1.key })
      where !unreadable.contains(key)
        && !(key == "objectiveBudget" && unreadable.contains("modelPrice"))
      {
        let what: String
        switch key {
        case "historicCosts":
          what = "the BUIG costs of \(RuleTable.rangesText(ys)) (two years before each budget year)"
        case "householdGrowth":
          what = "the household growth (fraction) for \(RuleTable.rangesText(ys))"
        default:
          what =
            "an objective budget for \(RuleTable.rangesText(ys)) (objectiveBudget, or "
            + "objectiveVolume with modelPrice)"
        }
        log.report(
          verdeelmodelPath.appending(key),
          expected: what + ", since \(n) inhabitants give a basis that needs it",
          found: "nothing for those years")
      }
      if !lacking.isEmpty { budgetMap = [:] }
    case nil: break
    }
    // A realised year's budget is the fact, whatever the basis says.
    if budget != nil {
      for (y, fact) in realised { budgetMap[y] = .given(fact.budget) }
    }
    var caseload = o.required("caseload", "households on benefit (annual average)").flatMap {
      series($0, Self.households, "households")
    }
    var netPrice: [Int: NetPrice] = [:]
    if let np = o.required("netPrice", "the net price per household per year") {
      netPrice = readNetPrice(np) ?? [:]
    }
    var spending =
      o.optional("spending").flatMap { series($0, Self.money, "EUR") }?.mapValues { Money($0) }
      ?? [:]
    var priors: [Int: Money] = [:]
    if let p = o.optional("priorResults") {
      priors =
        yearMap(
          p, range: Self.signedMoney, unit: "EUR",
          allowed: { [years] y in y < (years.first ?? Int.max) },
          allowedText: "years before the horizon")?.mapValues { Money($0) } ?? [:]
    }
    var priorBudgets: [Int: Money] = [:]
    if let p = o.optional("priorBudgets") {
      priorBudgets =
        yearMap(
          p, range: Self.money, unit: "EUR",
          allowed: { [years] y in y < (years.first ?? Int.max) },
          allowedText: "years before the horizon")?.mapValues { Money($0) } ?? [:]
    }
    var vangnetInputs = readVangnetInputs(o.optional("vangnet"), rules: rules)
    vangnetInputs.priorBudgets = priorBudgets
    checkVangnetInputs(
      vangnetInputs, inhabitants: inhabitants, priors: priors, rules: rules,
      path: JSONPath.root)
    var given: [Int: [(AttributionCause, AttributionPart, source: String?)]] = [:]
    if let a = o.optional("attribution"), let ao = objectOfYears(a) {
      for (key, reader) in ao {
        guard let year = Int(key), years.isEmpty || years.contains(year) else {
          log.report(reader.path, expected: "a year of the horizon as key", found: "\"\(key)\"")
          continue
        }
        given[year] = readAttribution(
          reader, budget: budgetMap[year], phase: budget?.phase ?? .definitief, rules: rules)
      }
    }
    let flows = readFlows(o.optional("flows"))
    flowModel = flows.map { FlowModel($0.0) }
    let interventions = readInterventions(o.optional("interventions"))
    checkRealisedInterventions(ids: Self.writtenIDs(o.optional("interventions")))
    for (y, fact) in realised {
      caseload?[y] = fact.caseload
      spending[y] = fact.spending
    }
    let (inputs, targets, rows, repair) = readUncertainty(
      o.optional("uncertainty"), o.optional("correlation"), interventions: interventions)
    let seed = o.optional("seed")?.int(in: Seed.range).map { UInt64($0) } ?? Seed.default
    var mc = MonteCarloSettings()
    if let m = o.optional("monteCarlo"), let mo = m.object(keys: ["paths", "netBurdenLimit"]) {
      mc.paths = mo.optional("paths")?.int(in: 1...PathCount.maximum) ?? mc.paths
      mc.netBurdenLimit = mo.optional("netBurdenLimit")?.sourcedNumber(trail: trail)?.decimal(
        in: Self.signedMoney, unit: "EUR"
      ).map { Money($0) }
      mo.finish()
    }
    guard let name, let municipality, let caseload, !years.isEmpty, budgetMap.count == years.count,
      let flows
    else { return nil }
    let spec = MonteCarloSpec(
      flows: flows.0, economy: flows.1, uncertain: inputs, correlationTargets: targets,
      correlationRows: rows,
      repairCorrelation: repair)
    var input = ProjectionInput(
      years: years, budget: budgetMap, phase: budget?.phase ?? .definitief, caseload: caseload,
      netPrice: netPrice, spending: spending,
      priorResults: priors, modelPrice: modelPrice, objectiveVolume: objectiveVolume,
      givenAttribution: given, interventions: interventions, inhabitants: inhabitants,
      realised: realised)
    input.vangnetInputs = vangnetInputs
    if log.issues.isEmpty { checkProjection(input, budget: budget, rules: rules) }
    return Scenario(
      name: name, title: title ?? name, description: description, source: source,
      municipality: municipality, sha256: sha256, rules: rules, overriddenYears: overridden,
      input: input, seed: seed, monteCarlo: mc, stochastic: spec, trail: trail.records, notes: notes
    )
  }

  /// Reads the `vangnet` field: the MAU own contribution and granted years, and unlawful
  /// spending per horizon year.
  func readVangnetInputs(_ r: JSONReader?, rules: RuleTable) -> VangnetContext {
    var c = VangnetContext()
    guard let r,
      let o = r.object(keys: [
        "mauOwnRiskPercent", "mauGrantedYears", "unlawfulSpending", "source", "note",
      ])
    else { return c }
    defer { o.finish() }
    _ = o.optional("source")?.string()
    _ = o.optional("note")?.string()
    let mauYears = rules.years.values.filter {
      $0.vangnet?.regimes.contains { $0.mau != nil } ?? false
    }
    .map(\.year).sorted()
    if let m = o.optional("mauOwnRiskPercent"),
      let v = m.sourcedNumber(trail: trail)?.decimal(in: 0...100, unit: "%")
    {
      let options = Set(
        rules.years.values.flatMap { $0.vangnet?.regimes.compactMap(\.mau) ?? [] }.flatMap(
          \.ownRiskOptions))
      if options.contains(v / 100) {
        c.mauOwnRisk = v / 100
      } else {
        log.report(
          m.path,
          expected: "one of the MAU own contributions the rules allow ("
            + options.sorted().map { Percent.text($0) }.joined(separator: ", ") + ")",
          found: "number \(v.plainText)")
      }
    }
    for item in o.optional("mauGrantedYears")?.array() ?? [] {
      guard let y = item.int(in: 1900...2200) else { continue }
      if mauYears.contains(y) {
        c.mauGrantedYears.insert(y)
      } else {
        log.report(
          item.path, expected: "a year whose rule has an MAU (\(RuleTable.rangesText(mauYears)))",
          found: "\(y)")
      }
    }
    if let u = o.optional("unlawfulSpending") {
      let deducting = years.filter { rules.years[$0]?.vangnet?.deductsUnlawfulSpending != nil }
      c.unlawfulSpending =
        yearMap(
          u, range: Self.money, unit: "EUR", allowed: { deducting.contains($0) },
          allowedText: "horizon years whose rule deducts unlawful spending ("
            + (deducting.isEmpty ? "none" : RuleTable.rangesText(deducting)) + ")")?
        .mapValues { Money($0) } ?? [:]
    }
    return c
  }

  /// Checks, before any computation, that the vangnet rules of the horizon have what they
  /// need: the number of inhabitants where a regime depends on it, and the budgets of the
  /// prior years whose results are given where a condition judges shares of a year's budget.
  func checkVangnetInputs(
    _ c: VangnetContext, inhabitants: Int?, priors: [Int: Money], rules: RuleTable, path: JSONPath
  ) {
    var reportedSize = false
    var missingBudgets: [Int] = []
    for y in years {
      guard let rule = rules.years[y]?.vangnet else { continue }
      for r in rule.regimes {
        if let limit = r.moreThanInhabitants, inhabitants == nil, !reportedSize {
          log.report(
            path.appending("municipality").appending("inhabitants"),
            expected:
              "the number of inhabitants: the \(y) \(r.name) applies only to municipalities of more than \(Money.group(String(limit)))",
            found: "none")
          reportedSize = true
        }
        guard r.compensationKnown, let cond = r.condition, cond.needsPriorBudgets else { continue }
        for ref in (y - cond.priorYearsNeeded)..<y
        where ref < (years.first ?? 0) && priors[ref] != nil && c.priorBudgets[ref] == nil {
          missingBudgets.append(ref)
        }
      }
    }
    let missing = Array(Set(missingBudgets)).sorted()
    if !missing.isEmpty {
      log.report(
        path.appending("priorBudgets"),
        expected:
          "the budget of every prior year whose result is given and that a condition judges as a share of its budget (the MAU's reference years)",
        found: "none for \(RuleTable.rangesText(missing))")
    }
  }

  /// Books the deterministic projection once, so that every problem `buig run` would meet in it
  /// is reported here, with its JSON path, by `buig validate` as by every other command: a budget
  /// that the rule table cannot set, a budget of zero in a year with a vangnet rule (the deficit
  /// is a percentage of it), yields above the year's baseline spending.
  func checkProjection(_ input: ProjectionInput, budget: BudgetSpec?, rules: RuleTable) {
    let kind: String =
      switch budget?.basis {
      case .given?: "given"
      case .share?: "share"
      case .bySize?: "bySize"
      case .objective?, nil: "objective"
      }
    let budgetPath = JSONPath.root.appending("budget").appending(kind)
    let before = log.issues.count
    for year in input.years {
      guard let basis = input.budget[year] else { continue }
      do {
        let b = try rules.municipalBudget(year: year, basis: basis, phase: input.phase)
        if rules.years[year]?.vangnet != nil, b.budget <= .zero {
          log.report(
            budgetPath,
            expected: "a budget above EUR 0 in every year with a vangnet rule (its deficit is a "
              + "percentage of the budget)",
            found: "EUR \(b.budget.groupedEuros) in \(year)")
        }
      } catch {
        log.report(
          JSONPath.root.appending("budget").appending("phase"),
          expected: "a phase whose macrobudget the rule table holds for every horizon year",
          found: "\(input.phase.rawValue): \(error.description)")
      }
      let baseline =
        input.spending[year]
        ?? input.netPrice[year].map {
          BudgetYear.spending(caseload: input.caseload[year] ?? 0, price: $0)
        } ?? .zero
      let yields = input.interventions.reduce(Money.zero) {
        $0 + ($1.effect(in: year).yield ?? .zero)
      }
      if yields > baseline {
        log.report(
          JSONPath.root.appending("interventions"),
          expected: "yields that add up to at most the year's baseline spending "
            + "(EUR \(baseline.groupedEuros) in \(year))",
          found: "EUR \(yields.groupedEuros) of yields in \(year)",
          hint: "spending after the package cannot be negative")
      }
    }
    guard log.issues.count == before else { return }
    do {
      _ = try rules.project(input)
    } catch {
      var path = JSONPath.root
      if case .vangnet(.priorResultsCount) = error { path = path.appending("priorResults") }
      log.report(
        path,
        expected: "a scenario whose meerjarenbeeld can be computed",
        found: error.description)
    }
  }

  func identifier(_ r: JSONReader) -> String? {
    guard let s = r.string(nonEmpty: true) else { return nil }
    let ok =
      s.count <= 64
      && s.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
      }
    if !ok {
      r.report(expected: "a short name of lowercase letters, digits and '-' (at most 64)")
      return nil
    }
    return s
  }

  func readHorizon(_ o: ObjectReader, rules: RuleTable) {
    guard
      let h = o.required("horizon", "{\"firstYear\": year, \"lastYear\": year}")?.object(keys: [
        "firstYear", "lastYear",
      ])
    else { return }
    defer { h.finish() }
    let tableYears = rules.sortedYears
    let range = (tableYears.first ?? 2012)...(tableYears.last ?? 2026)
    let rangeText =
      "a year in the rule table (\(RuleTable.rangesText(tableYears))), or one added by ruleOverrides"
    let first = h.required("firstYear", rangeText)
    let last = h.required("lastYear", rangeText)
    func year(_ r: JSONReader?) -> Int? {
      guard let r else { return nil }
      guard let y = r.int(in: 1900...2200) else { return nil }
      if !range.contains(y) || rules.years[y] == nil {
        r.report(expected: rangeText)
        return nil
      }
      return y
    }
    guard let f = year(first), let l = year(last) else { return }
    guard l >= f, l - f < 30 else {
      log.report(
        h.path.appending("lastYear"), expected: "a year from \(f) to \(f + 29)",
        found: "number \(l)")
      return
    }
    let absent = (f...l).filter { rules.years[$0] == nil }
    if !absent.isEmpty {
      log.report(
        h.path, expected: rangeText + " for every year",
        found: "no rules for \(RuleTable.rangesText(absent))")
      return
    }
    years = Array(f...l)
  }

  enum BudgetBasisSpec {
    case given([Int: Money])
    case share([Int: Decimal])
    case objective
    /// By size; the path of `budget.bySize` for messages.
    case bySize(JSONPath)
  }

  /// The budget as read: its basis and the macrobudget phase it refers to.
  struct BudgetSpec {
    var basis: BudgetBasisSpec
    var phase: MacrobudgetPhase
  }

  func readBudget(_ o: ObjectReader, rules: RuleTable) -> BudgetSpec? {
    guard
      let b = o.required(
        "budget",
        "one of {\"given\": ...}, {\"share\": ...}, {\"objective\": true} or {\"bySize\": true}")
    else { return nil }
    guard let bo = b.object(keys: ["given", "share", "objective", "bySize", "phase"]) else {
      return nil
    }
    defer { bo.finish() }
    let kinds = ["given", "share", "objective", "bySize"].filter { bo.has($0) }
    guard kinds.count == 1 else {
      b.report(
        expected: "exactly one of \"given\", \"share\", \"objective\" or \"bySize\"",
        hint: kinds.isEmpty ? nil : "found \(kinds.joined(separator: " and "))")
      return nil
    }
    let phase =
      bo.optional("phase")?.string(allowed: MacrobudgetPhase.allCases.map(\.rawValue)).flatMap(
        MacrobudgetPhase.init(rawValue:)) ?? .definitief
    switch kinds[0] {
    case "given":
      guard let s = series(bo.required("given", "amounts in EUR")!, Self.money, "EUR") else {
        return nil
      }
      return BudgetSpec(basis: .given(s.mapValues { Money($0) }), phase: phase)
    case "share":
      let r = bo.required("share", "a share of the distributed budget (fraction)")!
      guard let s = series(r, Self.fraction, "(fraction)") else { return nil }
      let missing = years.filter {
        !realisedYears.contains($0) && rules.years[$0]?.macrobudget?.amount(phase) == nil
      }
      if !missing.isEmpty {
        log.report(
          r.path,
          expected:
            "years with a \(phase.rawValue) macrobudget in the rule table (or in ruleOverrides)",
          found: "a share for \(RuleTable.rangesText(missing)), which has none",
          hint: "give the budget as \"given\" amounts, or add the macrobudget in ruleOverrides")
        return nil
      }
      return BudgetSpec(basis: .share(s), phase: phase)
    case "bySize":
      let r = bo.required("bySize", "true")!
      guard r.bool() == true else {
        if case .bool = r.value { r.report(expected: "true") }
        return nil
      }
      return BudgetSpec(basis: .bySize(r.path), phase: phase)
    default:
      _ = bo.required("objective", "true")?.bool()
      return BudgetSpec(basis: .objective, phase: phase)
    }
  }

  func readNetPrice(_ r: JSONReader) -> [Int: NetPrice]? {
    if case .object(let members) = r.value,
      members.contains(where: {
        ["grossBenefit", "partTimeEarnings", "otherRevenues"].contains($0.key)
      })
    {
      guard let o = r.object(keys: ["grossBenefit", "partTimeEarnings", "otherRevenues"]) else {
        return nil
      }
      defer { o.finish() }
      let gross = o.required("grossBenefit", "EUR per household per year").flatMap {
        series($0, Self.pricePerHousehold, "EUR")
      }
      let part = o.optional("partTimeEarnings").flatMap {
        series($0, Self.pricePerHousehold, "EUR")
      }
      let other = o.optional("otherRevenues").flatMap { series($0, Self.pricePerHousehold, "EUR") }
      guard let gross else { return nil }
      var out: [Int: NetPrice] = [:]
      for y in years where gross[y] != nil {
        let p = NetPrice(
          grossBenefit: Money(gross[y] ?? 0), partTimeEarnings: Money(part?[y] ?? 0),
          otherRevenues: Money(other?[y] ?? 0))
        if p.net < .zero {
          log.report(
            r.path, expected: "part-time earnings and other revenues below the gross benefit",
            found: "a negative net price in \(y)")
          return nil
        }
        out[y] = p
      }
      return out
    }
    return series(r, Self.pricePerHousehold, "EUR per household per year")?.mapValues {
      NetPrice(grossBenefit: Money($0))
    }
  }

  /// An object whose keys are years (`"2018"`), as readers in key order.
  func objectOfYears(_ r: JSONReader) -> [(String, JSONReader)]? {
    guard case .object(let members) = r.value else {
      r.report(expected: "an object with years as keys, for example {\"2018\": 150000}")
      return nil
    }
    return members.map { ($0.key, JSONReader($0.value, path: r.path.appending($0.key), log: log)) }
  }

  /// `{"2018": v, ...}` with every key a year for which `allowed` holds.
  func yearMap(
    _ r: JSONReader, range: ClosedRange<Decimal>, unit: String, allowed: (Int) -> Bool,
    allowedText: String
  ) -> [Int: Decimal]? {
    guard let members = objectOfYears(r) else { return nil }
    var out: [Int: Decimal] = [:]
    var ok = true
    for (key, reader) in members {
      guard let y = Int(key), key.count == 4, allowed(y) else {
        log.report(
          reader.path, expected: "a key that is one of the \(allowedText)", found: "\"\(key)\"")
        ok = false
        continue
      }
      guard let v = reader.sourcedNumber(trail: trail)?.decimal(in: range, unit: unit) else {
        ok = false
        continue
      }
      out[y] = v
    }
    return ok ? out : nil
  }

  /// A value per horizon year: a number (the same every year), `{"byYear": {...}}` with every
  /// horizon year, or `{"start": v, "growthPerYear": g}` (v·(1 + g)^(t − first year)).
  func series(_ r: JSONReader, _ range: ClosedRange<Decimal>, _ unit: String) -> [Int: Decimal]? {
    let horizon =
      "years of the horizon (\(years.first.map(String.init) ?? "?")-\(years.last.map(String.init) ?? "?"))"
    if case .object(let members) = r.value, members.contains(where: { $0.key == "byYear" }) {
      guard let o = r.object(keys: ["byYear", "source", "note"]) else { return nil }
      defer { o.finish() }
      _ = o.optional("source")?.string()
      _ = o.optional("note")?.string()
      guard let b = o.required("byYear", "values by year"),
        let map = yearMap(
          b, range: range, unit: unit, allowed: { [years] in years.isEmpty || years.contains($0) },
          allowedText: horizon)
      else { return nil }
      let missing = years.filter { map[$0] == nil && !realisedYears.contains($0) }
      if !missing.isEmpty {
        log.report(
          b.path,
          expected: realisedYears.isEmpty
            ? "a value for every year of the horizon"
            : "a value for every forecast year of the horizon (the realised years may be left out)",
          found: "none for \(RuleTable.rangesText(missing))")
        return nil
      }
      return map
    }
    if case .object(let members) = r.value, members.contains(where: { $0.key == "start" }) {
      guard let o = r.object(keys: ["start", "growthPerYear", "source", "note"]) else { return nil }
      defer { o.finish() }
      _ = o.optional("source")?.string()
      _ = o.optional("note")?.string()
      let start = o.required("start", "the first year's value")?.sourcedNumber(trail: trail)?
        .decimal(in: range, unit: unit)
      let growth = o.required("growthPerYear", "a yearly growth rate (fraction, -0.5 to 1)")?
        .sourcedNumber(trail: trail)?.decimal(in: -0.5...1)
      guard let start, let growth else { return nil }
      var out: [Int: Decimal] = [:]
      var v = start
      for y in years {
        guard range.contains(v) else {
          log.report(
            r.path,
            expected:
              "values within \(range.lowerBound.plainText) to \(range.upperBound.plainText) \(unit)",
            found: "\(v.rounded(2).plainText) in \(y)")
          return nil
        }
        out[y] = v
        v *= 1 + growth
      }
      return out
    }
    guard let v = r.sourcedNumber(trail: trail)?.decimal(in: range, unit: unit) else { return nil }
    return Dictionary(uniqueKeysWithValues: years.map { ($0, v) })
  }

  func readAttribution(
    _ r: JSONReader, budget: BudgetBasis?, phase: MacrobudgetPhase, rules: RuleTable
  ) -> [(
    AttributionCause, AttributionPart, source: String?
  )] {
    guard
      let o = r.object(keys: [
        "macroShortfall", "herverdeeleffect", "priceDeviation", "volumeDeviation", "reservation",
      ])
    else { return [] }
    defer { o.finish() }
    let year = Int(
      r.path.components.last.flatMap { if case .key(let k) = $0 { k } else { nil } } ?? "")
    let amount = budget.flatMap { b in
      year.flatMap { try? rules.municipalBudget(year: $0, basis: b, phase: phase).budget }
    }
    return PartContext(budget: amount, rules: rules, trail: trail).parts(o)
  }
}

/// The ranges a scenario file's fields are checked against (docs/scenario-format.md), for
/// those that show them to people (the controls of `buig serve`).
public enum FieldRange {
  /// Amounts in EUR (a budget, a cost): 0 to 100 billion.
  public static let money: ClosedRange<Decimal> = 0...100_000_000_000
  /// Amounts in EUR that may be negative (a prior result): ±100 billion.
  public static let signedMoney: ClosedRange<Decimal> = -100_000_000_000...100_000_000_000
  /// Households (a caseload, an intake): 0 to 10 million.
  public static let households: ClosedRange<Decimal> = 0...10_000_000
  /// EUR per household per year (a net price, a saving per success): 0 to 1 million.
  public static let pricePerHousehold: ClosedRange<Decimal> = 0...1_000_000
  /// A share (a success rate): 0 to 1.
  public static let fraction: ClosedRange<Decimal> = 0...1
  /// `flows.economy.innovationSD`, the yearly shock's standard deviation in index points: 0 to 10.
  public static let innovationSD: ClosedRange<Double> = 0...10
}
