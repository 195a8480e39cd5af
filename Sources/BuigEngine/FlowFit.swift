import BuigCore
import Foundation

/// Observed periods as the fit reads them: the caseload at each period's end and the counts of
/// the flows in it (nil where the data has none).
public struct CalibrationData: Sendable {
  /// One period: its caseload and counts (the fit uses `outflow` only where the split is
  /// absent).
  public typealias Period = PeriodCounts

  /// Months per period (1 or 3).
  public var monthsPerPeriod: Int
  /// The periods; the first is the starting stock, its flows are not used.
  public var periods: [Period]
  /// The calendar month (0 = January) of the first month after the first period: the month the
  /// fit's first flows fall in.
  public var startMonth: Int

  /// Data.
  public init(monthsPerPeriod: Int, periods: [Period], startMonth: Int = 0) {
    self.monthsPerPeriod = monthsPerPeriod
    self.periods = periods
    self.startMonth = startMonth
  }
}

/// Maximum-likelihood calibration of the flow model's levels to observed flows.
///
/// The model: each month the on-benefit stock x (28 states: rung × duration band, the
/// scenario's `FlowModel`) sends a·w_s·d_s^(γ−1)·x_s to work, b·k_s·d_s^(γ−1)·x_s to school
/// and e·x_s elsewhere (w, k: the model's exit rates by state, which hold its duration factor
/// d_s; a, b: levels, 1 = as the model has them; γ: the fall with duration, 1 = the model's;
/// e: `exitOtherPerMonth`), moves along the ladder and through the bands as the model says, and
/// receives λ·σ_m new households in calendar month m (spread as the model's inflow; σ: seasonal
/// factors, mean 1) and r·R returns from recent work (R: the recent-work stock, fed by the
/// exits to work, leaving at r and at the model's `workBecomesDurablePerMonth`; where the data
/// counts the exits to work, the observed ones feed it). At each period's end the stock is
/// scaled to the observed caseload (the mix stays the model's; where the data give the stock by
/// duration band, each band is scaled to it). The counts of a period are Poisson with the model's
/// expected flows as means (conditional on the previous stock, independent moves of many
/// households: the Poisson limit of the binomial; overdispersion is measured for each count
/// column by Pearson's χ²/(n − p) and, when above 1, divides that column's information:
/// quasi-Poisson per column).
///
/// The estimate maximizes the log-likelihood over log θ by Newton steps with a numerical
/// Hessian and a backtracking line search; the covariance is the inverse of the observed
/// information (LAPACK `dpotrf`/`dpotri`), carried to θ by the delta method.
public struct FlowFit: Sendable {
  /// A free parameter.
  public enum Parameter: String, Sendable, CaseIterable {
    /// The level of exits to work (a multiplier on `exitToWorkPerMonth`).
    case workExitLevel
    /// `exitOtherPerMonth`.
    case exitOtherPerMonth
    /// `returnFromWorkPerMonth`.
    case returnFromWorkPerMonth
    /// New households a month.
    case inflowPerMonth
    /// The level of exits to school (a multiplier on `exitToSchoolPerMonth`).
    case schoolExitLevel
    /// The fall of exits to work and school with duration: the exponent γ on the scenario's
    /// `durationFactor` (d_b^γ; 1 = as the scenario has it, above 1 a steeper fall).
    case durationFall
    /// The inflow's response to unemployment: the factor on the new households per percentage
    /// point of unemployment above the data's mean (1 = none; 1.05 = 5% more per point).
    case inflowPerUnemploymentPoint
    /// The level of the ladder's moves (a multiplier on `ladderUpPerMonth` and
    /// `ladderDownPerMonth`; 1 = as the model has them).
    case ladderLevel
    /// The inflow's seasonal factors, February to December, relative to January (the twelve
    /// are then scaled to mean 1, so that `inflowPerMonth` stays the mean).
    case seasonFebruary, seasonMarch, seasonApril, seasonMay, seasonJune, seasonJuly
    /// (continued)
    case seasonAugust, seasonSeptember, seasonOctober, seasonNovember, seasonDecember

    /// The seasonal factors, February to December.
    public static let season: [Parameter] = [
      .seasonFebruary, .seasonMarch, .seasonApril, .seasonMay, .seasonJune, .seasonJuly,
      .seasonAugust, .seasonSeptember, .seasonOctober, .seasonNovember, .seasonDecember,
    ]

    /// The calendar month (1 = February … 11 = December) of a seasonal factor.
    public var month: Int? { Self.season.firstIndex(of: self).map { $0 + 1 } }
  }

  /// The result of a fit.
  public struct Fit: Sendable {
    /// The parameters fitted, in order.
    public var parameters: [Parameter]
    /// Their estimates.
    public var estimates: [Double]
    /// Their covariance (row-major), scaled by the dispersion when above 1.
    public var covariance: [Double]
    /// Pearson's χ² / (n − p) over every count.
    public var dispersion: Double
    /// The same per count column; a column's information is divided by it when above 1.
    public var columnDispersion: [String: Double]
    /// The log-likelihood at the estimate (without the constant log y! terms).
    public var logLikelihood: Double
    /// Observations used (counts).
    public var observations: Int
    /// Newton iterations.
    public var iterations: Int
    /// Per period (from the second), the observed and fitted counts, and the caseload observed
    /// and one period ahead (`caseload`: the previous period's observed caseload + expected
    /// inflow − expected outflow).
    public var fitted: [[String: (observed: Double?, fitted: Double)]]

    /// Akaike's information criterion, 2·parameters − 2·log-likelihood (the Poisson
    /// log-likelihood without its constant, so comparable between fits of the same counts).
    public var aic: Double { 2 * Double(parameters.count) - 2 * logLikelihood }

    /// Standard errors.
    public var standardErrors: [Double] {
      (0..<parameters.count).map { covariance[$0 * parameters.count + $0].squareRoot() }
    }

    /// Correlations (row-major).
    public var correlation: [Double] {
      let n = parameters.count
      let se = standardErrors
      return (0..<(n * n)).map { covariance[$0] / (se[$0 / n] * se[$0 % n]) }
    }

    /// The estimate of a parameter, if fitted.
    public func estimate(_ p: Parameter) -> Double? {
      parameters.firstIndex(of: p).map { estimates[$0] }
    }
  }

  /// Why a fit failed.
  public enum Failure: Error, Sendable, CustomStringConvertible {
    case notIdentified([Parameter])
    case noConvergence

    /// A message for people.
    public var description: String {
      switch self {
      case .notIdentified(let p):
        "the data do not identify \(p.map(\.rawValue).joined(separator: ", ")): the observed information is singular"
      case .noConvergence: "the likelihood's maximum was not found in 200 Newton steps"
      }
    }
  }

  let flows: FlowParameters
  let data: CalibrationData
  /// On-benefit moves that do not depend on θ (ladder, bands): rate from s to t.
  let moves: [(from: Int, to: Int, rate: Double, ladder: Bool)]
  let workRate: [Double]
  let schoolRate: [Double]
  /// log of the duration factor of each on-benefit state's band (−∞ for a factor of 0).
  let logDuration: [Double]
  /// The duration band of each on-benefit state.
  let band: [Int]
  /// The rung (0…6) of each on-benefit state.
  let rung: [Int]
  /// The on-benefit states of each duration band.
  let bandStates: [[Int]]
  /// The on-benefit states of each rung.
  let rungStates: [[Int]]
  let inflowShape: [Double]
  let initialShape: [Double]
  let returnState: Int

  /// A calibration of `flows` (the scenario's, or the defaults) to `data`.
  public init(flows: FlowParameters, data: CalibrationData) {
    self.flows = flows
    self.data = data
    let model = FlowModel(flows)
    let n = FlowModel.onBenefitCount
    let s = FlowModel.stateCount
    var moves: [(Int, Int, Double, Bool)] = []
    for i in 0..<n {
      for j in 0..<n where i != j && model.transition[i * s + j] > 0 {
        moves.append((i, j, model.transition[i * s + j], model.ladderDelta[i * s + j] > 0))
      }
    }
    self.moves = moves
    var work = [Double](repeating: 0, count: n)
    var school = [Double](repeating: 0, count: n)
    for rung in 1...FlowModel.rungs {
      for band in 0..<FlowModel.bands {
        let i = FlowModel.state(rung: rung, band: band)
        work[i] = flows.exitToWorkPerMonth[rung - 1] * flows.durationFactor[band]
        school[i] = flows.exitToSchoolPerMonth[rung - 1] * flows.durationFactor[band]
      }
    }
    workRate = work
    schoolRate = school
    band = (0..<n).map { $0 % FlowModel.bands }
    rung = (0..<n).map { $0 / FlowModel.bands }
    bandStates = (0..<FlowModel.bands).map { b in (0..<n).filter { $0 % FlowModel.bands == b } }
    rungStates = (0..<FlowModel.rungs).map { r in (0..<n).filter { $0 / FlowModel.bands == r } }
    logDuration = (0..<n).map { log(flows.durationFactor[$0 % FlowModel.bands]) }
    inflowShape = Array(model.inflowShape[0..<n])
    let initial = Array(model.initialShape[0..<n])
    let total = initial.reduce(0, +)
    initialShape = initial.map { $0 / total }
    returnState = FlowModel.state(rung: flows.returnRung, band: 0)
  }

  /// The parameters the data's columns can identify: a, e, b from their exit columns (a alone
  /// when only the total outflow is given), r and λ from the inflow.
  public var identifiable: [Parameter] {
    let rows = data.periods.dropFirst()
    func has<T>(_ k: KeyPath<CalibrationData.Period, T?>) -> Bool {
      rows.contains { $0[keyPath: k] != nil }
    }
    var p: [Parameter] = []
    if has(\.outflowWork) || (has(\.outflow) && !has(\.outflowOther)) { p.append(.workExitLevel) }
    if has(\.outflowOther) { p.append(.exitOtherPerMonth) }
    if has(\.inflow) { p += [.returnFromWorkPerMonth, .inflowPerMonth] }
    if has(\.outflowSchool) { p.append(.schoolExitLevel) }
    if has(\.outflowWork) && has(\.durationBands) { p.append(.durationFall) }
    if has(\.rungStocks) { p.append(.ladderLevel) }
    let rates = rows.compactMap(\.unemploymentRate)
    if has(\.inflow) && rates.count >= 12 && (rates.max() ?? 0) > (rates.min() ?? 0) {
      p.append(.inflowPerUnemploymentPoint)
    }
    return p
  }

  /// The mean unemployment rate of the periods that give it (percent; 0 when none do).
  public var meanUnemployment: Double {
    let rates = data.periods.dropFirst().compactMap(\.unemploymentRate)
    return rates.isEmpty ? 0 : rates.reduce(0, +) / Double(rates.count)
  }

  /// Whether the data identify the inflow's seasonal factors: monthly counts of the inflow over
  /// at least 36 months (three of each calendar month).
  public var seasonIdentified: Bool {
    data.monthsPerPeriod == 1 && data.periods.count - 1 >= 36
      && data.periods.dropFirst().contains { $0.inflow != nil }
  }

  /// The model's value of a parameter before the fit (the inflow: the data's mean inflow a
  /// month; a seasonal factor: the scenario's, relative to its January).
  public func start(_ p: Parameter) -> Double {
    if let m = p.month { return flows.inflowSeasonality[m] / flows.inflowSeasonality[0] }
    return switch p {
    case .workExitLevel, .schoolExitLevel, .durationFall, .inflowPerUnemploymentPoint,
      .ladderLevel:
      1
    case .exitOtherPerMonth: flows.exitOtherPerMonth
    case .returnFromWorkPerMonth: flows.returnFromWorkPerMonth
    case .inflowPerMonth:
      max(
        1,
        data.periods.dropFirst().compactMap(\.inflow).reduce(0, +)
          / Double(max(1, data.periods.count - 1) * data.monthsPerPeriod))
    default: 1
    }
  }

  /// The columns, in the order of `expected(_:)`'s arrays: five counts, then the stock at the
  /// period's end in the duration bands from 1 year on (the first band follows from the
  /// caseload, whose change the counts already hold).
  public static let countColumns = [
    "inflow", "outflowWork", "outflowSchool", "outflowOther", "outflow",
    "duration1to2", "duration2to5", "durationGt5",
    "rung2", "rung3", "rung4", "rung5", "rung6", "rung7",
  ]

  /// The number of stock columns (bands from the second, rungs from the second).
  static let stockCount = countColumns.count - stockColumns

  /// Columns 0 ..< `stockColumns` are counts (Poisson); from it on, stocks by band (normal, with
  /// the variance of the moves across the band's edges).
  public static let stockColumns = 5

  /// The observed counts and band stocks of each period from the second, in `countColumns`
  /// order.
  var observed: [[Double?]] {
    data.periods.dropFirst().map { p in
      [p.inflow, p.outflowWork, p.outflowSchool, p.outflowOther, p.outflow]
        + (1..<FlowModel.bands).map { b in p.durationBands.map { $0[b] } }
        + (1..<FlowModel.rungs).map { r in p.rungStocks.map { $0[r] } }
    }
  }

  /// The levels at θ (every parameter; those not in θ at `start`).
  typealias Levels = (
    a: Double, b: Double, e: Double, r: Double, lambda: Double, season: [Double],
    work: [Double], school: [Double], perPoint: Double, ladder: Double
  )

  /// The levels at θ (every parameter; those not in θ at `start`); the seasonal factors
  /// scaled to mean 1.
  func levels(_ theta: [Parameter: Double]) -> Levels {
    let raw = [1] + Parameter.season.map { theta[$0] ?? start($0) }
    let mean = raw.reduce(0, +) / 12
    let a = theta[.workExitLevel] ?? start(.workExitLevel)
    let b = theta[.schoolExitLevel] ?? start(.schoolExitLevel)
    // Each state's exit rates at this γ: the scenario's rate × d^(γ − 1).
    let gamma = theta[.durationFall] ?? start(.durationFall)
    let fall = logDuration.map { gamma == 1 ? 1 : $0.isFinite ? exp((gamma - 1) * $0) : 0 }
    return (
      a, b,
      theta[.exitOtherPerMonth] ?? start(.exitOtherPerMonth),
      theta[.returnFromWorkPerMonth] ?? start(.returnFromWorkPerMonth),
      theta[.inflowPerMonth] ?? start(.inflowPerMonth),
      raw.map { $0 / mean },
      zip(workRate, fall).map { a * $0 * $1 }, zip(schoolRate, fall).map { b * $0 * $1 },
      theta[.inflowPerUnemploymentPoint] ?? start(.inflowPerUnemploymentPoint),
      theta[.ladderLevel] ?? start(.ladderLevel)
    )
  }

  /// The seasonal factors (January to December, mean 1) of a fit.
  public func seasonality(_ fit: Fit) -> [Double] {
    levels(Dictionary(uniqueKeysWithValues: zip(fit.parameters, fit.estimates))).season
  }

  /// The model's state: the on-benefit stock by state and the recent-work stock.
  struct State {
    var stock: [Double]
    var recent: Double
  }

  /// The state at the first period's end: its caseload in the model's initial mix, the
  /// recent-work stock at its steady state for that exit rate.
  func initialState(_ theta: [Parameter: Double]) -> State {
    let l = levels(theta)
    let x = initialShape.map { $0 * data.periods[0].caseload }
    var work = 0.0
    for s in 0..<x.count { work += l.work[s] * x[s] }
    let out = l.r + flows.workBecomesDurablePerMonth
    var state = State(stock: x, recent: out > 0 ? work / out : 0)
    let first = data.periods[0]
    if first.durationBands != nil || first.rungStocks != nil {
      anchor(&state, to: first.caseload, bands: first.durationBands, rungs: first.rungStocks)
      // The recent-work stock at the steady state of the observed mix's exits.
      work = 0
      for s in 0..<x.count { work += l.work[s] * state.stock[s] }
      state.recent = out > 0 ? work / out : 0
    }
    return state
  }

  /// One month from `state`: the expected flows (new, returns, work, school, other) and the
  /// stock they leave (`state.stock` becomes it, the recent-work stock moves on, fed by `fed`
  /// exits to work when given, else by the expected ones).
  func month(
    _ state: inout State, _ l: Levels, calendar: Int, fed: Double?, scratch next: inout [Double],
    crossing: UnsafeMutablePointer<Double>? = nil, economy: Double = 1
  ) -> (new: Double, returns: Double, work: Double, school: Double, other: Double) {
    let lambda = l.lambda * l.season[calendar % 12] * economy
    let n = state.stock.count
    var toWork = 0.0
    var toSchool = 0.0
    var toOther = 0.0
    for s in 0..<n {
      let x = state.stock[s]
      let w = l.work[s] * x
      let k = l.school[s] * x
      let o = l.e * x
      toWork += w
      toSchool += k
      toOther += o
      next[s] = x - w - k - o
      // Every exit leaves its band and its rung (crossing: bands, then rungs).
      if let crossing {
        crossing[band[s]] += w + k + o
        crossing[FlowModel.bands + rung[s]] += w + k + o
      }
    }
    for m in moves {
      let moved = (m.ladder ? l.ladder : 1) * m.rate * state.stock[m.from]
      next[m.from] -= moved
      next[m.to] += moved
      if let crossing {
        if band[m.from] != band[m.to] {
          crossing[band[m.from]] += moved
          crossing[band[m.to]] += moved
        }
        if rung[m.from] != rung[m.to] {
          crossing[FlowModel.bands + rung[m.from]] += moved
          crossing[FlowModel.bands + rung[m.to]] += moved
        }
      }
    }
    let returns = l.r * state.recent
    for s in 0..<n { next[s] += lambda * inflowShape[s] }
    next[returnState] += returns
    if let crossing {
      for s in 0..<n where inflowShape[s] > 0 {
        crossing[band[s]] += lambda * inflowShape[s]
        crossing[FlowModel.bands + rung[s]] += lambda * inflowShape[s]
      }
      crossing[band[returnState]] += returns
      crossing[FlowModel.bands + rung[returnState]] += returns
    }
    state.recent += (fed ?? toWork) - returns - flows.workBecomesDurablePerMonth * state.recent
    swap(&state.stock, &next)
    return (lambda, returns, toWork, toSchool, toOther)
  }

  /// Scales the stock to `caseload`, keeping its mix; with the observed stock by duration band
  /// and/or by rung, each band's (rung's) states to the caseload's share in it, keeping the mix
  /// within it (both: iterative proportional fitting, 10 sweeps); a group the model has empty
  /// gets the initial mix.
  func anchor(
    _ state: inout State, to caseload: Double, bands: [Double]? = nil, rungs: [Double]? = nil
  ) {
    let total = state.stock.reduce(0, +)
    let groups = [(bands, bandStates), (rungs, rungStates)].compactMap {
      observed, members -> ([Double], [[Int]])? in
      guard let observed, observed.reduce(0, +) > 0 else { return nil }
      let sum = observed.reduce(0, +)
      return (observed.map { caseload * $0 / sum }, members)
    }
    guard !groups.isEmpty else {
      if total > 0 { for s in state.stock.indices { state.stock[s] *= caseload / total } }
      return
    }
    for _ in 0..<(groups.count > 1 ? 10 : 1) {
      for (targets, members) in groups {
        for g in targets.indices {
          let states = members[g]
          var inGroup = 0.0
          for s in states { inGroup += state.stock[s] }
          if inGroup > 0 {
            let scale = targets[g] / inGroup
            for s in states { state.stock[s] *= scale }
          } else {
            var sum = 0.0
            for s in states { sum += initialShape[s] }
            for s in states { state.stock[s] = sum > 0 ? targets[g] * initialShape[s] / sum : 0 }
          }
        }
      }
    }
  }

  /// The expected counts of each period from the second, in `countColumns` order, at θ; with
  /// `end`, the state at the last period's end.
  func expected(_ theta: [Parameter: Double], end: UnsafeMutablePointer<State>? = nil) -> [[Double]]
  {
    let l = levels(theta)
    var state = initialState(theta)
    var out: [[Double]] = []
    out.reserveCapacity(data.periods.count)
    var next = [Double](repeating: 0, count: state.stock.count)
    var calendar = data.startMonth
    let bands = FlowModel.bands
    var crossing = [Double](repeating: 0, count: bands + FlowModel.rungs)
    let meanRate = meanUnemployment
    for period in data.periods.dropFirst() {
      // Five counts, the three band stocks and six rung stocks, and their variances.
      var mu = [Double](repeating: 0, count: Self.countColumns.count + Self.stockCount)
      let stocks = period.durationBands != nil || period.rungStocks != nil
      // The recent-work stock is fed by the exits to work that happened, where the data
      // counts them (spread evenly over the period's months); else by the expected ones.
      let fed = period.outflowWork.map { $0 / Double(data.monthsPerPeriod) }
      for b in crossing.indices { crossing[b] = 0 }
      // The new households' factor for the period's unemployment against the data's mean.
      let economy = period.unemploymentRate.map { pow(l.perPoint, $0 - meanRate) } ?? 1
      for _ in 0..<data.monthsPerPeriod {
        let f = crossing.withUnsafeMutableBufferPointer { c in
          month(
            &state, l, calendar: calendar, fed: fed, scratch: &next,
            crossing: stocks ? c.baseAddress : nil, economy: economy)
        }
        calendar += 1
        mu[0] += f.new + f.returns
        mu[1] += f.work
        mu[2] += f.school
        mu[3] += f.other
      }
      mu[4] = mu[1] + mu[2] + mu[3]
      // The band stocks before they are scaled to the observation: each the sum of its
      // states; its variance the expected moves across its edges (each a Poisson count).
      if period.durationBands != nil {
        for b in 1..<bands {
          mu[Self.stockColumns + b - 1] = bandStates[b].reduce(0.0) { $0 + state.stock[$1] }
          mu[Self.stockColumns + Self.stockCount + b - 1] = max(1, crossing[b])
        }
      }
      if period.rungStocks != nil {
        for r in 1..<FlowModel.rungs {
          let c = Self.stockColumns + bands - 1 + r - 1
          mu[c] = rungStates[r].reduce(0.0) { $0 + state.stock[$1] }
          mu[c + Self.stockCount] = max(1, crossing[bands + r])
        }
      }
      anchor(&state, to: period.caseload, bands: period.durationBands, rungs: period.rungStocks)
      out.append(mu)
    }
    end?.pointee = state
    return out
  }

  /// The caseload at the end of each of the next `periods` periods after the data, simulated
  /// `draws` times from the fit: each draw takes its levels from the estimates' normal
  /// distribution (mean the estimates, covariance the fit's; levels kept above zero) and each
  /// month's flows as counts (`CountNoise.poisson`; the new households at the data's mean
  /// unemployment, as the future rate is not known); the stock keeps the model's mix. Draws come from Philox streams
  /// under `seed` (draw i is path i), so the same seed gives the same forecast. Returns, per
  /// period, the caseloads of all draws, sorted.
  public func forecast(_ fit: Fit, periods k: Int, draws: Int, seed: UInt64) -> [[Double]] {
    let streams = RandomStreams(seed: seed)
    let p = fit.parameters.count
    let factor =
      (try? LinearAlgebra.cholesky(fit.covariance, n: p))
      ?? (0..<(p * p)).map { $0 % (p + 1) == 0 ? fit.covariance[$0].squareRoot() : 0 }
    var caseloads = [[Double]](repeating: [], count: k)
    for d in 0..<draws {
      var theta: [Parameter: Double] = [:]
      let z = (0..<p).map {
        streams.normal(path: d, purpose: .backtest, slot: 1, index: UInt32($0))
      }
      for i in 0..<p {
        var v = fit.estimates[i]
        for j in 0...i { v += factor[i * p + j] * z[j] }
        theta[fit.parameters[i]] = max(v, fit.estimates[i] * 1e-3)
      }
      let l = levels(theta)
      var end = State(stock: [], recent: 0)
      _ = expected(theta, end: &end)
      var state = end
      var next = [Double](repeating: 0, count: state.stock.count)
      var caseload = data.periods.last!.caseload
      var monthIndex: UInt32 = 0
      let after = data.startMonth + (data.periods.count - 1) * data.monthsPerPeriod
      for period in 0..<k {
        for _ in 0..<data.monthsPerPeriod {
          let f = month(
            &state, l, calendar: after + Int(monthIndex), fed: nil, scratch: &next)
          func count(_ mean: Double, _ slot: UInt32) -> Double {
            let u = streams.uniform(path: d, purpose: .backtest, slot: slot, index: monthIndex)
            return CountNoise.poisson(mean, u)
          }
          let new = count(f.new, 2)
          let returns = count(f.returns, 3)
          let work = count(f.work, 4)
          let school = count(f.school, 5)
          let other = count(f.other, 6)
          // The drawn exits to work feed the recent-work stock instead of the expected ones.
          state.recent = max(0, state.recent + work - f.work - (returns - f.returns))
          caseload = max(0, caseload + new + returns - work - school - other)
          anchor(&state, to: caseload)
          monthIndex += 1
        }
        caseloads[period].append(caseload)
      }
    }
    return caseloads.map { $0.sorted() }
  }

  /// The columns (indices into `countColumns`) the likelihood uses: the split where given,
  /// else the total.
  public var columns: [Int] {
    let rows = data.periods.dropFirst()
    let hasSplit = rows.contains { $0.outflowWork != nil || $0.outflowOther != nil }
    let bandColumns = Self.stockColumns..<(Self.stockColumns + FlowModel.bands - 1)
    let rungColumns = bandColumns.upperBound..<Self.countColumns.count
    let stocks =
      (rows.contains { $0.durationBands != nil } ? Array(bandColumns) : [])
      + (rows.contains { $0.rungStocks != nil } ? Array(rungColumns) : [])
    return (hasSplit ? [0, 1, 2, 3] : [0, 4]) + stocks
  }

  /// The variance of column `c`'s observation given the expected row `mu`: the mean for a
  /// count (Poisson), the moves across the band's edges for a band stock.
  static func variance(_ c: Int, _ mu: [Double]) -> Double {
    c < stockColumns ? mu[c] : mu[c + stockCount]
  }

  /// The Poisson log-likelihood Σ y·log μ − μ over the observed counts, per column
  /// (`countColumns` order; 0 for a column not used).
  func columnLogLikelihoods(_ theta: [Parameter: Double]) -> [Double] {
    var l = [Double](repeating: 0, count: Self.countColumns.count)
    let cols = columns
    for (mu, y) in zip(expected(theta), observed) {
      for c in cols {
        guard let yy = y[c], mu[c] > 0 else { continue }
        if c < Self.stockColumns {
          l[c] += yy * log(mu[c]) - mu[c]
        } else {
          // Normal: −(y − μ)²/(2v) − ½·log v.
          let v = Self.variance(c, mu)
          l[c] += -(yy - mu[c]) * (yy - mu[c]) / (2 * v) - 0.5 * log(v)
        }
      }
    }
    return l
  }

  /// The log-likelihood: the sum over the columns used.
  func logLikelihood(_ theta: [Parameter: Double]) -> Double {
    columnLogLikelihoods(theta).reduce(0, +)
  }

  /// Fits `parameters` (by default the identifiable ones); the others stay at their start.
  public func fit(_ parameters: [Parameter]? = nil) throws(Failure) -> Fit {
    let free = parameters ?? identifiable
    let p = free.count
    var phi = free.map { log(start($0)) }
    func theta(_ phi: [Double]) -> [Parameter: Double] {
      Dictionary(uniqueKeysWithValues: zip(free, phi.map(exp)))
    }
    func ll(_ phi: [Double]) -> [Double] { columnLogLikelihoods(theta(phi)) }
    let h = 1e-4
    let k = Self.countColumns.count
    /// The gradient of the total and the Hessian of each column (k × p × p), by central
    /// differences.
    func derivatives(_ phi: [Double]) -> (gradient: [Double], hessians: [[Double]]) {
      var g = [Double](repeating: 0, count: p)
      var hess = [[Double]](repeating: [Double](repeating: 0, count: p * p), count: k)
      let f0 = ll(phi)
      for i in 0..<p {
        var u = phi
        u[i] += h
        let plus = ll(u)
        u[i] -= 2 * h
        let minus = ll(u)
        g[i] = (plus.reduce(0, +) - minus.reduce(0, +)) / (2 * h)
        for c in 0..<k { hess[c][i * p + i] = (plus[c] - 2 * f0[c] + minus[c]) / (h * h) }
      }
      for i in 0..<p {
        for j in (i + 1)..<max(i + 1, p) where j < p {
          var u = phi
          u[i] += h
          u[j] += h
          let pp = ll(u)
          u[j] -= 2 * h
          let pm = ll(u)
          u[i] -= 2 * h
          let mm = ll(u)
          u[j] += 2 * h
          let mp = ll(u)
          for c in 0..<k {
            hess[c][i * p + j] = (pp[c] - pm[c] - mp[c] + mm[c]) / (4 * h * h)
            hess[c][j * p + i] = hess[c][i * p + j]
          }
        }
      }
      return (g, hess)
    }
    func total(_ hessians: [[Double]], weights: [Double]) -> [Double] {
      (0..<(p * p)).map { e in (0..<k).reduce(0) { $0 + weights[$1] * hessians[$1][e] } }
    }
    var iterations = 0
    var current = ll(phi).reduce(0, +)
    var converged = false
    while iterations < 200 {
      iterations += 1
      let (g, hessians) = derivatives(phi)
      let negH = total(hessians, weights: [Double](repeating: -1, count: k))
      // A Newton step where −H is positive definite; else Levenberg-Marquardt's: −H + μ·I
      // with μ raised tenfold from 10⁻⁶ of −H's largest diagonal entry until it is (a flat
      // direction, such as a rate near zero, then takes a short gradient-like step while the
      // others keep their Newton steps); a gradient step if that fails too.
      var newton: [Double]?
      let scale = max(1e-12, (0..<p).map { abs(negH[$0 * p + $0]) }.max() ?? 1)
      var mu = 0.0
      while newton == nil && mu <= 1e6 * scale {
        var m = negH
        for i in 0..<p { m[i * p + i] += mu }
        if (try? LinearAlgebra.cholesky(m, n: p)) != nil {
          newton = try? LinearAlgebra.solve(m, n: p, g, columns: 1)
        }
        mu = mu == 0 ? 1e-6 * scale : mu * 10
      }
      let unit = 1 / max(1, g.map(abs).max() ?? 1)
      var step = newton ?? g.map { $0 * unit }
      let largest = step.map(abs).max() ?? 0
      if largest > 1 { step = step.map { $0 / largest } }
      var t = 1.0
      var done = false
      while t > 1e-10 {
        let trial = zip(phi, step).map { $0 + t * $1 }
        let value = ll(trial).reduce(0, +)
        if value.isFinite && value >= current - 1e-9 {
          phi = trial
          done = t * largest < 1e-7
          current = value
          break
        }
        t /= 2
      }
      if done || t <= 1e-10 {
        converged = true
        break
      }
    }
    guard converged else { throw .noConvergence }
    // Pearson's χ² / (n − p) per column: each count stream's own dispersion.
    let t = theta(phi)
    let mus = expected(t)
    var chi2 = [Double](repeating: 0, count: k)
    var counts = [Int](repeating: 0, count: k)
    for (mu, y) in zip(mus, observed) {
      for c in columns {
        guard let yy = y[c], mu[c] > 0 else { continue }
        chi2[c] += (yy - mu[c]) * (yy - mu[c]) / Self.variance(c, mu)
        counts[c] += 1
      }
    }
    let informed = informedBy(free)
    let dispersion = (0..<k).map { c -> Double in
      let dof = counts[c] - informed[c]
      return dof > 0 ? chi2[c] / Double(dof) : 1
    }
    // The information: each column's −Hessian over its dispersion (never below Poisson's).
    let (_, hessians) = derivatives(phi)
    let info = total(hessians, weights: dispersion.map { -1 / max(1, $0) })
    let covPhi: [Double]
    do {
      covPhi = try LinearAlgebra.inverseSPD(info, n: p)
    } catch {
      throw .notIdentified(free)
    }
    let estimates = phi.map(exp)
    var cov = [Double](repeating: 0, count: p * p)
    for i in 0..<p {
      for j in 0..<p { cov[i * p + j] = estimates[i] * estimates[j] * covPhi[i * p + j] }
    }
    let used = columns
    let all = used.reduce(0.0) { $0 + chi2[$1] }
    let n = used.reduce(0) { $0 + counts[$1] }
    return Fit(
      parameters: free, estimates: estimates, covariance: cov,
      dispersion: n > p ? all / Double(n - p) : 1,
      columnDispersion: Dictionary(
        uniqueKeysWithValues: used.map { (Self.countColumns[$0], dispersion[$0]) }),
      logLikelihood: current, observations: n, iterations: iterations,
      fitted: zip(mus, observed).enumerated().map { i, pair in
        let (mu, y) = pair
        var row = Dictionary(
          uniqueKeysWithValues: (0..<k).map {
            (Self.countColumns[$0], (observed: y[$0], fitted: mu[$0]))
          })
        // One period ahead: the previous observed caseload plus the expected inflow minus the
        // expected outflow.
        row["caseload"] = (
          observed: data.periods[i + 1].caseload,
          fitted: data.periods[i].caseload + mu[0] - mu[4]
        )
        return row
      })
  }

  /// How many of `free` each column informs (for its degrees of freedom).
  func informedBy(_ free: [Parameter]) -> [Int] {
    func count(_ ps: [Parameter]) -> Int { ps.filter(free.contains).count }
    return [
      count(
        [.returnFromWorkPerMonth, .inflowPerMonth, .inflowPerUnemploymentPoint] + Parameter.season),
      count([.workExitLevel, .durationFall]),
      count([.schoolExitLevel, .durationFall]), count([.exitOtherPerMonth]),
      count([.workExitLevel, .exitOtherPerMonth, .schoolExitLevel, .durationFall]),
    ]
      + [Int](
        repeating: count([.workExitLevel, .schoolExitLevel, .exitOtherPerMonth, .durationFall]),
        count: FlowModel.bands - 1)
      + [Int](
        repeating: count([
          .workExitLevel, .schoolExitLevel, .exitOtherPerMonth, .durationFall, .ladderLevel,
          .inflowPerMonth, .returnFromWorkPerMonth,
        ]), count: FlowModel.rungs - 1)
  }
}
