import BuigCore
import Foundation

/// Puts one path through the interventions, the budget and the vangnet: the path pricer of the
/// Monte Carlo engine. Its figures are the deterministic projection's, scaled by what the path
/// drew and by its caseload chain against the expected chain:
///
/// - caseload⁰ = caseload_det · (on benefit / expected on benefit);
/// - U⁰ = U⁰_det · (price-weighted stock / expected) · net-price factor;
/// - B = B_det · macro factor (the macrobudget set a year late from the forecast);
/// - the interventions' costs and yields: mechanistic ones from their drawn parameters and the
///   economy's effect on exits, scheduled ones times their drawn yield factor;
/// - R, C, N with and without the package by `YearAccounting` (the projection's accounting);
/// - each intervention's share of the package's effect after the vangnet.
///
/// A realised year (one of the first `realisedCount`) is the projection's in every path: B, U,
/// the caseload, the interventions' costs and actual yields are the facts, booked by
/// `YearAccounting.bookRealised` in the same ledger, so a forecast year's multi-year condition
/// sees the realised result. The chain, the macrobudget factor and the economy's effect on the
/// interventions start with the first forecast year.
///
/// One evaluator serves one worker: its buffers are allocated once and reused for every path.
struct PathEvaluator {
  /// What all evaluators share.
  struct Model: Sendable {
    let years: [Int]
    /// Leading realised years of the horizon.
    let realisedCount: Int
    /// Per realised year offset: B, U, the actual yields' sum, the caseload and the
    /// interventions' cost, as the projection has them (the facts).
    let facts: [(budget: Double, spending: Double, yield: Double, caseload: Double, cost: Double)]
    /// Per intervention and realised year offset (`[i · R + k]`): the actual cost and yield
    /// (`nil`: not known).
    let realisedFigures: [(cost: Double, yield: Double?)]
    let accounting: YearAccounting<Double>
    let economy: EconomyModel
    let calibratedOnBenefit: [Double]
    let calibratedPriced: [Double]
    let budget: [Double]
    let baseSpending: [Double]
    let baseCaseload: [Double]
    /// Per intervention: its mechanistic figures, or `nil` for a scheduled one.
    let mechanistic: [MechanisticValues<Double>?]
    /// Per intervention and year offset (`[i · Y + k]`): a scheduled intervention's cost, yield
    /// (`nil` p.m.) and households off benefit.
    let fixed: [(cost: Double, yield: Double?, households: Double)]
    /// Per intervention: whether its yield is quantified in every year (mechanistic ones
    /// always; a scheduled one unless a year is p.m.). A fact of the scenario, not of a path.
    let quantified: [Bool]
    /// Per intervention, the indices of its uncertain fields.
    let fields: [(success: Int?, saving: Int?, retention: Int?, deadweight: Int?, yield: Int?)]
    /// (1 + g)^(y+1) per year offset y: the deterministic path's macrobudget growth.
    let expectedGrowth: [Double]
    /// The indices of the global uncertain inputs.
    let netPrice: Int?
    let macrobudgetGrowth: Int?
    /// The columns of the yearly quantities, per year offset.
    let columns: Columns
    /// Per intervention and year offset (`[i · Y + k]`): the columns of its yield, its effect
    /// after the vangnet and its cost; −1 for a p.m. intervention (and for a cost fixed in
    /// advance).
    let yieldColumn: [Int]
    let effectColumn: [Int]
    let costColumn: [Int]

    init(
      years: [Int], layout: SeriesLayout, accounting: YearAccounting<Double>,
      economy: EconomyModel, calibration: FlowCalibration, projection: Projection,
      interventions: [Intervention], sampler: InputSampler, realised: Int = 0
    ) {
      self.years = years
      realisedCount = realised
      facts = projection.years.prefix(realised).map {
        (
          $0.budget.budget.doubleValue, $0.spending.doubleValue, $0.interventionYield.doubleValue,
          $0.caseload.doubleValue, $0.interventionCost.doubleValue
        )
      }
      realisedFigures = projection.interventions.flatMap { o in
        o.years.prefix(realised).map { ($0.cost.doubleValue, $0.yield.map(\.doubleValue)) }
      }
      self.accounting = accounting
      self.economy = economy
      calibratedOnBenefit = calibration.onBenefit
      calibratedPriced = calibration.priced
      budget = projection.years.map { $0.budget.budget.doubleValue }
      baseSpending = projection.years.map { $0.baselineSpending.doubleValue }
      baseCaseload = projection.years.map { $0.baselineCaseload.doubleValue }
      mechanistic = interventions.map { i in
        if case .mechanistic(let m) = i.kind { MechanisticValues<Double>(m) } else { nil }
      }
      fixed = interventions.flatMap { i in
        years.map { y in
          let e = i.effect(in: y)
          return (e.cost.doubleValue, e.yield.map(\.doubleValue), e.caseloadEffect.doubleValue)
        }
      }
      quantified = interventions.map { i in
        if case .mechanistic = i.kind { return true }
        return years.allSatisfy { i.effect(in: $0).yield != nil }
      }
      fields = interventions.map { i in
        func f(_ field: UncertaintyTarget.InterventionField) -> Int? {
          sampler.index(of: .intervention(id: i.id, field: field))
        }
        return (f(.successRate), f(.savingPerSuccess), f(.retention), f(.deadweight), f(.yield))
      }
      expectedGrowth = years.indices.map {
        pow(1 + economy.macrobudgetGrowth, Double($0 - realised + 1))
      }
      netPrice = sampler.index(of: .netPrice)
      macrobudgetGrowth = sampler.index(of: .macrobudgetGrowth)
      columns = Columns(layout)
      func c(_ q: Quantity) -> [Int] {
        interventions.indices.flatMap { i in
          years.indices.map { layout.column(q, yearIndex: $0, intervention: i) ?? -1 }
        }
      }
      yieldColumn = c(.yield)
      effectColumn = c(.effectAfterVangnet)
      costColumn = c(.cost)
    }
  }

  /// The columns the evaluator writes, per year offset, from the layout.
  struct Columns: Sendable {
    let budget, spending, result, vangnet, netBurden, caseload, cost, yield,
      baselineNetBurden: [Int]

    init(_ layout: SeriesLayout) {
      func c(_ q: Quantity) -> [Int] {
        layout.years.indices.map { layout.column(q, yearIndex: $0)! }
      }
      budget = c(.budget)
      spending = c(.spending)
      result = c(.result)
      vangnet = c(.vangnet)
      netBurden = c(.netBurden)
      caseload = c(.caseload)
      cost = c(.interventionCost)
      yield = c(.interventionYield)
      baselineNetBurden = c(.baselineNetBurden)
    }
  }

  let model: Model
  // Buffers: [intervention · Y + year].
  var yields: [Double]
  var costs: [Double]
  var households: [Double]
  var macro: [Double]
  var ledger: YearAccounting<Double>.Ledger

  /// An evaluator with its buffers.
  init(_ model: Model) {
    self.model = model
    let n = model.mechanistic.count * model.years.count
    yields = Array(repeating: 0, count: n)
    costs = Array(repeating: 0, count: n)
    households = Array(repeating: 0, count: n)
    macro = Array(repeating: 0, count: model.years.count)
    ledger = model.accounting.ledger()
  }

  /// The macrobudget of each year relative to the deterministic path: set in the autumn before
  /// from the forecast N_{y−1}·(1 + g + κ·φ·c_{y−1}) while the national caseload follows
  /// (1 + g + κ·c_y), so a turn of the economy opens a macro shortfall for a year. A realised
  /// year's factor is 1 (its budget is a fact); the forecast's national index starts after it.
  mutating func macroFactors(_ d: PathDraws) {
    let e = model.economy
    let g0 = e.macrobudgetGrowth
    let g = g0 + d.value(model.macrobudgetGrowth, or: 0)
    let r = model.realisedCount
    var national = 1.0
    for y in 0..<r { macro[y] = 1 }
    for y in r..<model.years.count {
      let cPrev = y > r ? d.economy[y - 1] : 0
      let forecast = national * (1 + g + e.nationalCaseloadElasticity * e.persistence * cPrev)
      macro[y] = forecast / model.expectedGrowth[y]
      national *= 1 + g + e.nationalCaseloadElasticity * d.economy[y]
    }
  }

  /// The interventions' costs, yields and households off benefit of the path.
  mutating func interventions(_ d: PathDraws) {
    let ny = model.years.count
    let firstYear = model.years[0]
    let elasticity = model.economy.workExitElasticity
    for i in 0..<model.mechanistic.count {
      let f = model.fields[i]
      if var v = model.mechanistic[i] {
        if let x = f.success { v.successRate = d.values[x] }
        if let x = f.saving { v.saving = d.values[x] }
        if let x = f.retention { v.retention = d.values[x] }
        if let x = f.deadweight { v.deadweight = d.values[x] }
        let factor: (Int) -> Double = { year in
          let y = year - firstYear
          guard y >= model.realisedCount && y < ny else { return 1 }
          return max(0, 1 - elasticity * d.economy[y])
        }
        for (k, y) in model.years.enumerated() {
          let r = v.effect(in: y, factor: factor)
          yields[i * ny + k] = r.yield
          costs[i * ny + k] = r.cost
          households[i * ny + k] = r.households
        }
      } else {
        let mult = d.value(f.yield, or: 1)
        for k in 0..<ny {
          let e = model.fixed[i * ny + k]
          yields[i * ny + k] = (e.yield ?? 0) * mult
          costs[i * ny + k] = e.cost
          households[i * ny + k] = e.households
        }
      }
    }
  }

  /// Evaluates one path from its draws and its chain's annual averages (on benefit and
  /// price-weighted, one per year) and writes every series' value into column `path − base` of
  /// `out` (series-major with `stride` values per series). The chain's averages start with the
  /// first forecast year (`onBenefit[k − realisedCount]`).
  ///
  /// - Complexity: O(Y·(interventions + regimes)); no allocation.
  mutating func evaluate(
    _ d: PathDraws, onBenefit: UnsafePointer<Double>, priced: UnsafePointer<Double>,
    out: UnsafeMutablePointer<Double>, column: Int, stride: Int
  ) {
    let ny = model.years.count
    macroFactors(d)
    interventions(d)
    let priceMult = d.value(model.netPrice, or: 1)
    let count = model.mechanistic.count
    let r = model.realisedCount
    for k in 0..<r {
      writeRealised(k, out: out, column: column, stride: stride)
    }
    for k in r..<ny {
      let expectedOnBenefit = model.calibratedOnBenefit[k - r]
      let expectedPriced = model.calibratedPriced[k - r]
      let chainRatio = expectedOnBenefit == 0 ? 1 : onBenefit[k - r] / expectedOnBenefit
      let priceRatio = expectedPriced == 0 ? 1 : priced[k - r] / expectedPriced
      let baseCaseload = model.baseCaseload[k] * chainRatio
      let baseSpending = model.baseSpending[k] * priceRatio * priceMult
      var yieldTotal = 0.0
      var costTotal = 0.0
      var off = 0.0
      for i in 0..<count {
        yieldTotal += yields[i * ny + k]
        costTotal += costs[i * ny + k]
        off += households[i * ny + k]
      }
      let a = model.accounting.book(
        k, budget: model.budget[k] * macro[k], baselineSpending: baseSpending, yield: yieldTotal,
        in: &ledger)
      out[model.columns.budget[k] * stride + column] = a.budget
      out[model.columns.spending[k] * stride + column] = a.spending
      out[model.columns.result[k] * stride + column] = a.result
      out[model.columns.vangnet[k] * stride + column] = a.compensation
      out[model.columns.netBurden[k] * stride + column] = a.netBurden
      out[model.columns.caseload[k] * stride + column] = baseCaseload - off
      out[model.columns.cost[k] * stride + column] = costTotal
      out[model.columns.yield[k] * stride + column] = yieldTotal
      out[model.columns.baselineNetBurden[k] * stride + column] = a.baselineNetBurden
      // Every column of the layout is written for every path: an intervention whose yield is
      // p.m. in a year of this path gets NaN (its statistics are then left out).
      for i in 0..<count where model.yieldColumn[i * ny + k] >= 0 {
        let y = model.quantified[i] ? yields[i * ny + k] : .nan
        out[model.yieldColumn[i * ny + k] * stride + column] = y
        out[model.effectColumn[i * ny + k] * stride + column] =
          model.quantified[i] ? a.shareAfterVangnet(yield: y, of: yieldTotal) : .nan
        if model.costColumn[i * ny + k] >= 0 {
          out[model.costColumn[i * ny + k] * stride + column] = costs[i * ny + k]
        }
      }
    }
  }

  /// Books realised year offset k from its facts and writes them: the same in every path.
  /// An intervention's yield column holds its actual yield, 0 when the year does not give it
  /// (as the projection's worth counts it: nothing is known to add), NaN when p.m.; its effect
  /// after the vangnet the share of the package's change in R + C by actual yield.
  ///
  /// - Complexity: O(interventions + regimes); no allocation.
  mutating func writeRealised(
    _ k: Int, out: UnsafeMutablePointer<Double>, column: Int, stride: Int
  ) {
    let f = model.facts[k]
    let r = model.realisedCount
    let ny = model.years.count
    let a = model.accounting.bookRealised(
      k, budget: f.budget, spending: f.spending, actualYield: f.yield, in: &ledger)
    out[model.columns.budget[k] * stride + column] = a.budget
    out[model.columns.spending[k] * stride + column] = a.spending
    out[model.columns.result[k] * stride + column] = a.result
    out[model.columns.vangnet[k] * stride + column] = a.compensation
    out[model.columns.netBurden[k] * stride + column] = a.netBurden
    out[model.columns.caseload[k] * stride + column] = f.caseload
    out[model.columns.cost[k] * stride + column] = f.cost
    out[model.columns.yield[k] * stride + column] = f.yield
    out[model.columns.baselineNetBurden[k] * stride + column] = a.baselineNetBurden
    for i in 0..<model.mechanistic.count where model.yieldColumn[i * ny + k] >= 0 {
      let figures = model.realisedFigures[i * r + k]
      let y = model.quantified[i] ? figures.yield ?? 0 : .nan
      out[model.yieldColumn[i * ny + k] * stride + column] = y
      out[model.effectColumn[i * ny + k] * stride + column] =
        y.isNaN ? .nan : a.shareAfterVangnet(yield: y, of: f.yield)
      if model.costColumn[i * ny + k] >= 0 {
        out[model.costColumn[i * ny + k] * stride + column] = figures.cost
      }
    }
  }
}
