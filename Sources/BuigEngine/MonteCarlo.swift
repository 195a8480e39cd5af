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
  /// The run was cancelled (`MonteCarloOptions.cancel`) before its last batch.
  case cancelled

  /// A message for people.
  public var description: String {
    switch self {
    case .correlation(let p): "correlation.matrix: \(p)"
    case .batchSize(let b):
      "--batch-size: expected a positive multiple of \(MonteCarlo.tile), found \(b)"
    case .durations(let f): "the flow model's expected durations could not be solved (\(f))"
    case .cancelled: "the run was cancelled before it finished"
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
  /// When set, workers look at it before each batch and stop taking batches once it is
  /// raised; the run then throws `MonteCarloError.cancelled` (a live view drops a run that a
  /// newer request has made stale). It never changes a finished run's numbers.
  public var cancel: CancelFlag?

  /// Options.
  public init(
    firstPath: Int = 0, paths: Int, threads: Int = 2, batchSize: Int = 1024,
    kernel: KernelKind = .blas, cancel: CancelFlag? = nil
  ) {
    self.firstPath = firstPath
    self.paths = paths
    self.threads = threads
    self.batchSize = batchSize
    self.kernel = kernel
    self.cancel = cancel
  }
}

/// A flag one thread raises and a run's workers read between batches (`MonteCarloOptions.cancel`).
public final class CancelFlag: Sendable {
  private let raised = Atomic<Bool>(false)

  /// A flag, not raised.
  public init() {}

  /// Raises the flag; a run that reads it stops before its next batch.
  public func raise() { raised.store(true, ordering: .relaxed) }

  /// Whether the flag has been raised.
  public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

/// The Monte Carlo engine: the model of a scenario (flow model, calibration, correlation,
/// accounting) and the driver that runs its paths in parallel batches.
///
/// Composed as model = input draws (`InputSampler`) × caseload kernel (`FlowKernel`) × path
/// evaluator (`PathEvaluator`), with statistics (`MonteCarloSummary`) and the other drivers
/// (`MonteCarlo+Precision`, `PartialResult` for shards, `Comparison` for common random numbers)
/// each in its own file.
public final class MonteCarlo: Sendable {
  /// Paths per kernel call. Fixed, so that a path always sits in the same tile position and
  /// its arithmetic does not depend on the batch size or thread count.
  public static let tile = 128

  /// The horizon.
  public let years: [Int]
  /// The deterministic projection (the expectation with all uncertainty off).
  public let projection: Projection
  /// The flow model.
  public let model: FlowModel
  /// The calibrated expected chain, over the forecast years (`years[realisedCount...]`): the
  /// chain starts after the realised years, from the last realised caseload.
  public let calibration: FlowCalibration
  /// How many leading years of the horizon are realised: every path carries their facts, and
  /// the flows, the economy and the uncertain inputs' effect on the accounts start after them.
  public let realisedCount: Int
  /// The correlation of the uncertain inputs, when given.
  public let correlation: Correlation?
  /// Expected remaining months on benefit per transient state (`ExpectedDurations`).
  public let expectedMonths: [Double]
  /// The seed.
  public let seed: UInt64
  /// Where each series sits in the path values.
  public let layout: SeriesLayout
  /// Each intervention's cost per year offset as the projection has it (EUR): every path's,
  /// where the cost is fixed in advance.
  public var fixedCosts: [[Double]] {
    projection.interventions.map { $0.years.map(\.cost.doubleValue) }
  }
  /// The accounting of every path (the projection's, in `Double`).
  public let accounting: YearAccounting<Double>
  let spec: MonteCarloSpec
  let sampler: InputSampler
  let evaluatorModel: PathEvaluator.Model
  /// Households at the start of every path.
  let initialCaseload: Double
  /// Indices of the uncertain inputs the kernel's scalars take.
  let workExit: Int?
  let inflow: Int?
  let ladder: Int?
  /// The further change matrices the kernel scales per path (those whose multiplier the
  /// scenario draws), with the index of that draw.
  let extras: [(change: FlowModel.Change, input: Int)]
  /// The count noise of the run, when the flow model asks for it.
  let noise: CountNoise?

  /// Sets up a run: calibrates the flow model to the scenario's caseload, factors the
  /// correlation matrix, solves the expected durations.
  public init(
    input: ProjectionInput, projection: Projection, rules: RuleTable, spec: MonteCarloSpec,
    seed: UInt64
  ) throws(MonteCarloError) {
    years = input.years
    self.projection = projection
    self.spec = spec
    self.seed = seed
    model = FlowModel(spec.flows)
    let realised = input.realisedCount
    realisedCount = realised
    calibration = FlowCalibration(
      model: model,
      caseload: projection.years.dropFirst(realised).map { $0.baselineCaseload.doubleValue },
      years: Array(years.dropFirst(realised)),
      initial: realised > 0 ? projection.years[realised - 1].caseload.doubleValue : nil)
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
    layout = SeriesLayout(input)
    accounting = YearAccounting<Double>(
      years: years, rules: rules, priorResults: input.priorResults.mapValues(\.doubleValue),
      context: input.vangnetContext)
    sampler = InputSampler(
      spec: spec, correlation: correlation, seed: seed, years: input.years.count,
      realised: realised)
    evaluatorModel = PathEvaluator.Model(
      years: years, layout: layout, accounting: accounting, economy: spec.economy,
      calibration: calibration, projection: projection, interventions: input.interventions,
      sampler: sampler, realised: realised)
    initialCaseload =
      calibration.onBenefit.isEmpty
      ? 0
      : realised > 0
        ? projection.years[realised - 1].caseload.doubleValue
        : projection.years[0].baselineCaseload.doubleValue
    workExit = sampler.index(of: .workExitRate)
    inflow = sampler.index(of: .inflow)
    ladder = sampler.index(of: .ladderProgression)
    let sampler = self.sampler
    extras = [
      (FlowModel.Change.exitOther, UncertaintyTarget.exitOtherRate),
      (.returnFromWork, .returnFromWorkRate),
    ].compactMap { change, target in
      sampler.index(of: target).map { (change: change, input: $0) }
    }
    noise = spec.flows.countNoise ? CountNoise(seed: seed) : nil
  }

  /// Runs paths firstPath ..< firstPath + paths, in parallel batches; `progress` is called with
  /// the number of paths done so far (from a worker thread).
  public func run(_ options: MonteCarloOptions, progress: (@Sendable (Int) -> Void)? = nil)
    throws(MonteCarloError)
    -> PathValues
  {
    try run(options, drawing: sampler, progress: progress)
  }

  /// Runs paths firstPath ..< firstPath + paths as `run(_:progress:)` does, with each path's
  /// inputs and economy from `source` instead of the sampler: the hook of the sensitivity
  /// designs (`Sensitivity`). Generic, so that the sampler's run is specialized and pays
  /// nothing for the hook.
  func run<Source: PathDrawing>(
    _ options: MonteCarloOptions, drawing source: Source,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws(MonteCarloError) -> PathValues {
    guard options.batchSize > 0, options.batchSize % Self.tile == 0 else {
      throw .batchSize(options.batchSize)
    }
    BLASInfo.setThreads(1)
    let n = options.paths
    // Left uninitialized: the evaluator writes every column of every path (no pass of NaN
    // over what may be hundreds of megabytes before the run).
    var storage = [Double](unsafeUninitializedCapacity: layout.count * n) { _, count in
      count = layout.count * n
    }
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
        var worker = Worker(self, source: source, kernel: options.kernel)
        while options.cancel?.isRaised != true {
          let index = next.add(1, ordering: .relaxed).oldValue
          guard index < batchList.count else { break }
          let range = batchList[index]
          var tileStart = range.lowerBound
          while tileStart < range.upperBound {
            let tileEnd = min(range.upperBound, (tileStart / Self.tile + 1) * Self.tile)
            worker.run(tileStart..<tileEnd, into: shared, base: start, stride: n)
            tileStart = tileEnd
          }
          let total = done.add(range.count, ordering: .relaxed).newValue
          progress?(total)
        }
      }
    }
    if options.cancel?.isRaised == true, done.load(ordering: .relaxed) < n { throw .cancelled }
    return PathValues(layout: layout, firstPath: start, count: n, storage: storage)
  }

  /// The drawn values of the uncertain inputs of a path, in the scenario's order (for
  /// inspection and tests; a run draws into reused buffers).
  public func drawnInputs(path: Int) -> [Double] {
    var d = sampler.buffer(paths: 1)
    sampler.draw(path: path, into: &d, at: 0)
    return d.values
  }

  /// One worker's kernel, evaluator and buffers, allocated once per run and reused for every
  /// tile and path; its paths' draws come from `source`.
  struct Worker<Source: PathDrawing> {
    let mc: MonteCarlo
    let source: Source
    let kernel: FlowKernel
    var evaluator: PathEvaluator
    var input: FlowTileInput
    var draws: TileDraws
    /// The tile's values, series-major with `MonteCarlo.tile` values per series, copied to the
    /// run's storage a series at a time (contiguous runs instead of one scattered write per
    /// series and path).
    var tileValues: [Double]

    init(_ mc: MonteCarlo, source: Source, kernel kind: KernelKind) {
      self.mc = mc
      self.source = source
      kernel = FlowKernel(
        model: mc.model, kind: kind, capacity: MonteCarlo.tile, extras: mc.extras.map(\.change),
        noise: mc.noise)
      evaluator = PathEvaluator(mc.evaluatorModel)
      input = FlowTileInput(
        paths: MonteCarlo.tile, years: mc.years.count - mc.realisedCount, extras: mc.extras.count)
      draws = mc.sampler.buffer(paths: MonteCarlo.tile)
      tileValues = Array(repeating: 0, count: mc.layout.count * MonteCarlo.tile)
    }

    /// Draws the tile's inputs, steps its caseload through the months of the forecast years
    /// (after the realised ones), and evaluates its paths.
    mutating func run(_ paths: Range<Int>, into out: SharedBuffer, base: Int, stride: Int) {
      let t = paths.count
      let ny = mc.years.count
      let r = mc.realisedCount
      let nf = ny - r
      let e = mc.spec.economy
      let calibration = mc.calibration
      let model = mc.model
      input.paths = t
      let extras = mc.extras.count
      for (p, path) in paths.enumerated() {
        source.draw(path: path, into: &draws, at: p)
        input.noisePath[p] = source.noisePath(path)
        let values = p * draws.inputs
        let work = mc.workExit.map { draws.values[values + $0] } ?? 1
        let inflow = mc.inflow.map { draws.values[values + $0] } ?? 1
        let ladder = mc.ladder.map { draws.values[values + $0] } ?? 1
        input.initial[p] = mc.initialCaseload
        input.ladderScalar[p] = min(max(ladder - 1, -1), model.maxLadderScalar)
        for (e, extra) in mc.extras.enumerated() {
          input.extraScalar[p * extras + e] = min(
            max(draws.values[values + extra.input] - 1, -1), model.maxScalar(extra.change))
        }
        for y in 0..<nf {
          let c = draws.economy[p * ny + r + y]
          input.workScalar[p * nf + y] = min(
            max(work * max(0, 1 - e.workExitElasticity * c) - 1, -1), model.maxWorkScalar)
          input.inflow[p * nf + y] =
            calibration.inflow[y] * inflow * max(0, 1 + model.inflowElasticity * c)
        }
      }
      let chain = kernel.run(input)
      let k = draws.inputs
      let width = MonteCarlo.tile
      // Moved out for the duration (no copy), so that the evaluator can be mutated while the
      // tile's values are borrowed.
      var values: [Double] = []
      swap(&values, &tileValues)
      defer { swap(&values, &tileValues) }
      values.withUnsafeMutableBufferPointer { tv in
        chain.onBenefit.withUnsafeBufferPointer { ob in
          chain.priced.withUnsafeBufferPointer { pr in
            draws.values.withUnsafeBufferPointer { v in
              draws.economy.withUnsafeBufferPointer { e in
                for p in 0..<t {
                  evaluator.evaluate(
                    PathDraws(values: v.baseAddress! + p * k, economy: e.baseAddress! + p * ny),
                    onBenefit: ob.baseAddress! + p * nf, priced: pr.baseAddress! + p * nf,
                    out: tv.baseAddress!, column: p, stride: width)
                }
              }
            }
          }
        }
        let first = paths.lowerBound - base
        for c in 0..<mc.layout.count {
          (out.pointer.baseAddress! + c * stride + first).update(
            from: tv.baseAddress! + c * width, count: t)
        }
      }
    }
  }
}

/// A pointer to the output storage that workers write disjoint ranges of.
struct SharedBuffer: @unchecked Sendable {
  let pointer: UnsafeMutableBufferPointer<Double>
}
