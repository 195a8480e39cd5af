import BuigCore
import Dispatch
import Foundation
import Synchronization

/// Problems that stop a Monte Carlo run before it starts.
public enum MonteCarloError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The correlation matrix cannot be used.
  case correlation(Correlation.Problem)
  /// The batch size is not a positive multiple of the tile size.
  case batchSize(Int)
  /// The expected durations could not be solved.
  case durations(LinearAlgebra.Failure)

  /// A message for people.
  public var description: String {
    switch self {
    case .correlation(let p): "correlation.matrix: \(p)"
    case .batchSize(let b):
      "--batch-size: expected a positive multiple of \(MonteCarlo.tile), found \(b)"
    case .durations(let f): "the flow model's expected durations could not be solved (\(f))"
    }
  }
}

/// How a run is carried out; none of these change a path's result (only `kernel` changes the
/// last bits, and it is recorded in outputs).
public struct MonteCarloOptions: Sendable {
  /// The first path index (for shards).
  public var firstPath: Int
  /// Number of paths.
  public var paths: Int
  /// Worker threads (each with one BLAS thread).
  public var threads: Int
  /// Paths per unit of work, a multiple of `MonteCarlo.tile`.
  public var batchSize: Int
  /// The kernel.
  public var kernel: KernelKind

  /// Options.
  public init(
    firstPath: Int = 0, paths: Int, threads: Int = 2, batchSize: Int = 1024,
    kernel: KernelKind = .blas
  ) {
    self.firstPath = firstPath
    self.paths = paths
    self.threads = threads
    self.batchSize = batchSize
    self.kernel = kernel
  }
}

/// One value per path for each series, in path order: the raw material of every statistic.
/// Held in one flat array, series after series, so that a million paths cost one allocation and
/// no copy.
public struct PathValues: Sendable {
  /// The first path's index.
  public var firstPath: Int
  /// Number of paths.
  public var count: Int
  /// Number of series.
  public var seriesCount: Int
  /// Series-major values: series k, path firstPath + p at `storage[k·count + p]`.
  public var storage: [Double]

  /// Values from their flat storage.
  public init(firstPath: Int, count: Int, seriesCount: Int, storage: [Double]) {
    precondition(
      storage.count == count * seriesCount, "storage must hold count × seriesCount values")
    self.firstPath = firstPath
    self.count = count
    self.seriesCount = seriesCount
    self.storage = storage
  }

  /// Values from one array per series.
  public init(firstPath: Int, count: Int, series: [[Double]]) {
    self.init(
      firstPath: firstPath, count: count, seriesCount: series.count, storage: series.flatMap { $0 })
  }

  /// Series k (a view into the storage; no copy).
  public func series(_ k: Int) -> ArraySlice<Double> { storage[(k * count)..<((k + 1) * count)] }

  /// All series, as views.
  public var series: [ArraySlice<Double>] { (0..<seriesCount).map { series($0) } }

  /// Appends the paths of `next`, which must start where these end.
  public mutating func append(_ next: PathValues) {
    precondition(next.firstPath == firstPath + count, "path ranges must follow each other")
    precondition(next.seriesCount == seriesCount, "the same series")
    var joined: [Double] = []
    joined.reserveCapacity(storage.count + next.storage.count)
    for k in 0..<seriesCount {
      joined += series(k)
      joined += next.series(k)
    }
    storage = joined
    count += next.count
  }
}

/// The Monte Carlo engine: paths of the caseload flows, the economy and the uncertain inputs,
/// each through the same budget and vangnet rules as the deterministic projection.
public final class MonteCarlo: @unchecked Sendable {
  /// Paths per kernel call. Fixed, so that a path always sits in the same tile position and
  /// its arithmetic does not depend on the batch size or thread count.
  public static let tile = 128

  /// The main quantities, in output order.
  public static let quantities = [
    "budget", "spending", "result", "vangnet", "netBurden", "caseload", "interventionCost",
    "interventionYield",
  ]

  /// The horizon.
  public let years: [Int]
  /// The deterministic projection (the expectation with all uncertainty off).
  public let projection: Projection
  /// The flow model.
  public let model: FlowModel
  /// The calibrated expected chain.
  public let calibration: FlowCalibration
  /// The correlation of the uncertain inputs, when given.
  public let correlation: Correlation?
  /// Expected remaining months on benefit per transient state (`ExpectedDurations`).
  public let expectedMonths: [Double]
  /// The seed.
  public let seed: UInt64
  let spec: MonteCarloSpec
  let input: ProjectionInput
  let schedules: [VangnetSchedule<Double>?]
  let streams: RandomStreams
  let interventions: [Intervention]
  /// Series names: `netBurden/2018`, `baselineNetBurden/2018`, `yield:vouchers/2018`,
  /// `effectAfterVangnet:vouchers/2018`.
  public let seriesNames: [String]
  let slots: [UInt32]
  let correlated: [Int]  // indices of uncertain inputs in correlation order
  let interventionOffsets: [Int?]  // first series of each intervention; nil for p.m.
  // The deterministic figures a path scales, converted to Double once.
  let detBudget: [Double]
  let detBaseSpending: [Double]
  let detBaseCaseload: [Double]
  let priorDouble: [Int: Double]
  let mechanistic: [MechanisticValues<Double>?]
  let fixedEffects: [[(cost: Double, yield: Double?, households: Double)]]

  /// Sets up a run: calibrates the flow model to the scenario's caseload, factors the
  /// correlation matrix, solves the expected durations.
  public init(
    input: ProjectionInput, projection: Projection, rules: RuleTable, spec: MonteCarloSpec,
    seed: UInt64
  ) throws(MonteCarloError) {
    years = input.years
    self.projection = projection
    self.input = input
    self.spec = spec
    self.seed = seed
    interventions = input.interventions
    model = FlowModel(spec.flows)
    calibration = FlowCalibration(
      model: model, caseload: projection.years.map { $0.baselineCaseload.double }, years: years)
    if spec.correlationTargets.isEmpty {
      correlation = nil
    } else {
      do {
        correlation = try Correlation(rows: spec.correlationRows, repair: spec.repairCorrelation)
      } catch {
        throw .correlation(error)
      }
    }
    do {
      expectedMonths = try ExpectedDurations.months(model)
    } catch {
      throw .durations(error)
    }
    schedules = years.map { y in rules.years[y]?.vangnet.map { VangnetSchedule<Double>($0) } }
    streams = RandomStreams(seed: seed)
    slots = spec.uncertain.map { RandomStreams.slot(for: $0.target.description) }
    correlated = spec.correlationTargets.compactMap { t in
      spec.uncertain.firstIndex { $0.target == t }
    }
    var names: [String] = []
    for q in Self.quantities { for y in input.years { names.append("\(q)/\(y)") } }
    for y in input.years { names.append("baselineNetBurden/\(y)") }
    var offsets: [Int?] = []
    for i in input.interventions {
      guard !i.isPM else {
        offsets.append(nil)
        continue
      }
      offsets.append(names.count)
      for y in input.years { names.append("yield:\(i.id)/\(y)") }
      for y in input.years { names.append("effectAfterVangnet:\(i.id)/\(y)") }
    }
    seriesNames = names
    interventionOffsets = offsets
    detBudget = projection.years.map { $0.budget.budget.euros.double }
    detBaseSpending = projection.years.map { $0.baselineSpending.euros.double }
    detBaseCaseload = projection.years.map { $0.baselineCaseload.double }
    priorDouble = input.priorResults.mapValues { $0.euros.double }
    mechanistic = input.interventions.map { i in
      if case .mechanistic(let m) = i.kind { MechanisticValues<Double>(m) } else { nil }
    }
    fixedEffects = input.interventions.map { i in
      input.years.map { y in
        let e = i.effect(in: y)
        return (e.cost.euros.double, e.yield.map { $0.euros.double }, e.caseloadEffect.double)
      }
    }
  }

  /// The index of a series by name.
  public func series(_ name: String) -> Int? { seriesNames.firstIndex(of: name) }

  /// Runs paths firstPath ..< firstPath + paths, in parallel batches; `progress` is called with
  /// the number of paths done so far (from a worker thread).
  public func run(_ options: MonteCarloOptions, progress: (@Sendable (Int) -> Void)? = nil)
    throws(MonteCarloError)
    -> PathValues
  {
    guard options.batchSize > 0, options.batchSize % Self.tile == 0 else {
      throw .batchSize(options.batchSize)
    }
    BLASInfo.setThreads(1)
    let n = options.paths
    let seriesCount = seriesNames.count
    var storage = [Double](repeating: .nan, count: seriesCount * n)
    // Batches are cut at absolute path indices that are multiples of the tile.
    let start = options.firstPath
    let end = start + n
    var batches: [Range<Int>] = []
    var b = start
    while b < end {
      let next = min(end, (b / options.batchSize + 1) * options.batchSize)
      batches.append(b..<next)
      b = next
    }
    let done = Atomic<Int>(0)
    // Workers take the next batch as they finish one, so a slower core does not hold the other
    // up; which worker runs a batch does not change its numbers.
    let next = Atomic<Int>(0)
    let workers = max(1, min(options.threads, batches.count))
    let batchList = batches
    storage.withUnsafeMutableBufferPointer { buffer in
      let shared = SharedBuffer(pointer: buffer)
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        let kernel = FlowKernel(model: model, kind: options.kernel, capacity: Self.tile)
        while true {
          let index = next.add(1, ordering: .relaxed).oldValue
          guard index < batchList.count else { break }
          let range = batchList[index]
          var tileStart = range.lowerBound
          while tileStart < range.upperBound {
            let tileEnd = min(range.upperBound, (tileStart / Self.tile + 1) * Self.tile)
            self.runTile(tileStart..<tileEnd, kernel: kernel, into: shared, base: start, stride: n)
            tileStart = tileEnd
          }
          let total = done.add(range.count, ordering: .relaxed).newValue
          progress?(total)
        }
      }
    }
    return PathValues(firstPath: start, count: n, seriesCount: seriesCount, storage: storage)
  }

  /// The drawn inputs of one path.
  struct Draws {
    var values: [Double]  // per uncertain input
    var economy: [Double]  // c_y per year
  }

  /// The uncertain inputs and the economy of a path, from its own streams.
  func draws(path: Int) -> Draws {
    let k = spec.uncertain.count
    var z = [Double](repeating: 0, count: k)
    for i in 0..<k { z[i] = streams.normal(path: path, purpose: .parameter, slot: slots[i]) }
    if let correlation {
      let m = correlated.count
      var y = [Double](repeating: 0, count: m)
      for r in 0..<m {
        var s = 0.0
        for c in 0...r { s += correlation.factor[r * m + c] * z[correlated[c]] }
        y[r] = s
      }
      for r in 0..<m { z[correlated[r]] = y[r] }
    }
    var values = [Double](repeating: 0, count: k)
    for i in 0..<k {
      let u = min(max(SpecialFunctions.normalCDF(z[i]), 1e-16), 1 - 1e-16)
      let target = spec.uncertain[i].target
      values[i] = min(
        max(spec.uncertain[i].distribution.quantile(u), target.range.lowerBound),
        target.range.upperBound)
    }
    let e = spec.economy
    var c = [Double](repeating: 0, count: years.count)
    var previous = 0.0
    for y in 0..<years.count {
      let shock =
        e.innovationSD == 0
        ? 0
        : e.innovationSD * streams.normal(path: path, purpose: .economy, slot: 0, index: UInt32(y))
      previous = e.persistence * previous + shock
      c[y] = previous
    }
    return Draws(values: values, economy: c)
  }

  func value(_ d: Draws, _ target: UncertaintyTarget) -> Double? {
    guard let i = spec.uncertain.firstIndex(where: { $0.target == target }) else { return nil }
    return d.values[i]
  }

  /// Runs one tile and evaluates its paths through the rules.
  func runTile(
    _ paths: Range<Int>, kernel: FlowKernel, into out: SharedBuffer, base: Int, stride: Int
  ) {
    let t = paths.count
    let ny = years.count
    var input = FlowTileInput(paths: t, years: ny)
    var allDraws: [Draws] = []
    allDraws.reserveCapacity(t)
    let e = spec.economy
    for (p, path) in paths.enumerated() {
      let d = draws(path: path)
      allDraws.append(d)
      let work = value(d, .workExitRate) ?? 1
      let inflow = value(d, .inflow) ?? 1
      let ladder = value(d, .ladderProgression) ?? 1
      input.initial[p] =
        calibration.onBenefit.isEmpty ? 0 : projection.years[0].baselineCaseload.double
      input.ladderScalar[p] = min(max(ladder - 1, -1), model.maxLadderScalar)
      for y in 0..<ny {
        let c = d.economy[y]
        input.workScalar[p * ny + y] = min(
          max(work * max(0, 1 - e.workExitElasticity * c) - 1, -1), model.maxWorkScalar)
        input.inflow[p * ny + y] =
          calibration.inflow[y] * inflow * max(0, 1 + model.inflowElasticity * c)
      }
    }
    let chain = kernel.run(input)
    for (p, path) in paths.enumerated() {
      evaluate(
        path: path, draws: allDraws[p],
        onBenefit: Array(chain.onBenefit[(p * ny)..<((p + 1) * ny)]),
        priced: Array(chain.priced[(p * ny)..<((p + 1) * ny)]), out: out, column: path - base,
        stride: stride)
    }
  }

  /// The macrobudget of each year relative to the deterministic path: set in the autumn before
  /// from the forecast N_{y−1}·(1 + g + κ·φ·c_{y−1}) while the national caseload follows
  /// (1 + g + κ·c_y), so a turn of the economy opens a macro shortfall for a year.
  func macroFactors(_ d: Draws) -> [Double] {
    let e = spec.economy
    let g0 = e.macrobudgetGrowth
    let g = g0 + (value(d, .macrobudgetGrowth) ?? 0)
    var national = 1.0
    var out: [Double] = []
    for y in 0..<years.count {
      let cPrev = y > 0 ? d.economy[y - 1] : 0
      let forecast = national * (1 + g + e.nationalCaseloadElasticity * e.persistence * cPrev)
      out.append(forecast / pow(1 + g0, Double(y + 1)))
      national *= 1 + g + e.nationalCaseloadElasticity * d.economy[y]
    }
    return out
  }

  /// Evaluates one path through interventions, budget and vangnet rules, and writes its values.
  func evaluate(
    path: Int, draws d: Draws, onBenefit: [Double], priced: [Double], out: SharedBuffer,
    column: Int, stride: Int
  ) {
    let ny = years.count
    let e = spec.economy
    let macro = macroFactors(d)
    let priceMult = value(d, .netPrice) ?? 1
    let firstYear = years[0]
    // Results of this path (with and without the package), by year offset; years before the
    // horizon come from the scenario.
    var results = [Double](repeating: .nan, count: ny)
    var baselineResults = results
    func write(_ k: Int, _ v: Double) { out.pointer[k * stride + column] = v }
    // Interventions' yields, costs and households, flat: [intervention · ny + year].
    let count = interventions.count
    var yields = [Double](repeating: 0, count: count * ny)
    var quantified = [Bool](repeating: true, count: count)
    var costs = [Double](repeating: 0, count: count * ny)
    var households = [Double](repeating: 0, count: count * ny)
    for (i, iv) in interventions.enumerated() {
      if var v = mechanistic[i] {
        if let x = value(d, .intervention(id: iv.id, field: .successRate)) { v.successRate = x }
        if let x = value(d, .intervention(id: iv.id, field: .savingPerSuccess)) { v.saving = x }
        if let x = value(d, .intervention(id: iv.id, field: .retention)) { v.retention = x }
        if let x = value(d, .intervention(id: iv.id, field: .deadweight)) { v.deadweight = x }
        let factor: (Int) -> Double = { year in
          let y = year - firstYear
          guard y >= 0 && y < ny else { return 1 }
          return max(0, 1 - e.workExitElasticity * d.economy[y])
        }
        for (k, y) in years.enumerated() {
          let r = v.effect(in: y, factor: factor)
          yields[i * ny + k] = r.yield
          costs[i * ny + k] = r.cost
          households[i * ny + k] = r.households
        }
      } else {
        let mult = value(d, .intervention(id: iv.id, field: .yield)) ?? 1
        for k in 0..<ny {
          let f = fixedEffects[i][k]
          if let y = f.yield { yields[i * ny + k] = y * mult } else { quantified[i] = false }
          costs[i * ny + k] = f.cost
          households[i * ny + k] = f.households
        }
      }
    }
    for k in 0..<ny {
      let year = firstYear + k
      let chainRatio = calibration.onBenefit[k] == 0 ? 1 : onBenefit[k] / calibration.onBenefit[k]
      let priceRatio = calibration.priced[k] == 0 ? 1 : priced[k] / calibration.priced[k]
      let baseCaseload = detBaseCaseload[k] * chainRatio
      let baseSpending = detBaseSpending[k] * priceRatio * priceMult
      var yieldTotal = 0.0
      var costTotal = 0.0
      var off = 0.0
      for i in 0..<count {
        yieldTotal += yields[i * ny + k]
        costTotal += costs[i * ny + k]
        off += households[i * ny + k]
      }
      let budget = detBudget[k] * macro[k]
      let spending = baseSpending - yieldTotal
      let result = budget - spending
      let result0 = budget - baseSpending
      var c = 0.0
      var c0 = 0.0
      if let schedule = schedules[k] {
        c = schedule.compensation(
          deficit: -result, budget: budget, priors: priors(year, schedule, results))
        c0 = schedule.compensation(
          deficit: -result0, budget: budget, priors: priors(year, schedule, baselineResults))
      }
      results[k] = result
      baselineResults[k] = result0
      write(0 * ny + k, budget)
      write(1 * ny + k, spending)
      write(2 * ny + k, result)
      write(3 * ny + k, c)
      write(4 * ny + k, -(result + c))
      write(5 * ny + k, baseCaseload - off)
      write(6 * ny + k, costTotal)
      write(7 * ny + k, yieldTotal)
      write(Self.quantities.count * ny + k, -(result0 + c0))
      let after = (result + c) - (result0 + c0)
      for i in 0..<count where quantified[i] {
        guard let base = interventionOffsets[i] else { continue }
        let y = yields[i * ny + k]
        write(base + k, y)
        write(base + ny + k, yieldTotal == 0 ? 0 : after * y / yieldTotal)
      }
    }
  }

  /// The results of the years the schedule's conditions need (oldest first) from the path's own
  /// results (by year offset) and the scenario's earlier results, or `nil` when one is unknown.
  func priors(_ year: Int, _ schedule: VangnetSchedule<Double>, _ results: [Double]) -> [Double]? {
    let k = schedule.priorYearsNeeded
    guard k > 0 else { return nil }
    var out: [Double] = []
    out.reserveCapacity(k)
    for y in (year - k)..<year {
      let offset = y - years[0]
      if offset >= 0 {
        let r = results[offset]
        if r.isNaN { return nil }
        out.append(r)
      } else {
        guard let r = priorDouble[y] else { return nil }
        out.append(r)
      }
    }
    return out
  }
}

/// A pointer to the output storage that workers write disjoint ranges of.
struct SharedBuffer: @unchecked Sendable {
  let pointer: UnsafeMutableBufferPointer<Double>
}

extension Decimal {
  /// The nearest `Double`.
  var double: Double { NSDecimalNumber(decimal: self).doubleValue }
}

extension MonteCarlo {
  /// The precision rule of `--precision`: run rounds of `round` paths until the standard error
  /// of the mean of `quantity` is below `target` (EUR) in every year, or `maxPaths` are done.
  /// Rounds are fixed path ranges, so the stopping point, and every number, is reproducible.
  public struct Precision: Sendable {
    /// The quantity whose standard error is watched (`netBurden`, `result`, ...).
    public var quantity: String
    /// The target standard error (EUR).
    public var target: Double
    /// Paths per round (a multiple of the tile).
    public var round: Int
    /// The most paths to run.
    public var maxPaths: Int

    /// A precision rule.
    public init(quantity: String, target: Double, round: Int = 10_240, maxPaths: Int = 10_240_000) {
      self.quantity = quantity
      self.target = target
      self.round = round
      self.maxPaths = maxPaths
    }
  }

  /// Runs until `precision` holds (see `Precision`); returns all paths run.
  public func run(
    until precision: Precision, options: MonteCarloOptions,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(MonteCarloError) -> PathValues {
    var all: PathValues?
    while true {
      var o = options
      o.firstPath = all.map { $0.firstPath + $0.count } ?? options.firstPath
      o.paths = precision.round
      let done = all?.count ?? 0
      let next = try run(o) { progress?(done + $0) }
      if all == nil { all = next } else { all!.append(next) }
      let worst =
        years.compactMap { y in
          series("\(precision.quantity)/\(y)").map { Summary(all!.series($0)).se }
        }
        .max() ?? 0
      if worst < precision.target || all!.count >= precision.maxPaths { return all! }
    }
  }
}
