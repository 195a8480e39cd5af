import Foundation

/// The caseload as a Markov chain over the ontwikkelladder (seed 000: 7 rungs) crossed with four
/// duration bands (< 1, 1-2, 2-5, > 5 years), plus exits.
///
/// States, in order: the 28 on-benefit states, index (rung − 1)·4 + band; then "work full-time
/// (recent)" and "work part-time (recent)", from which people may return to bijstand
/// (werkbehoud) or become durable; then the absorbing exits "work full-time", "work part-time
/// above bijstand level", "school" and "other". S = 34.
///
/// Monthly rates (probabilities per month) come from `FlowParameters`; the transition matrix A
/// has them off the diagonal and 1 − (row sum) on it, so that every row sums to 1 and
/// households are neither made nor lost: x_{m+1} = x_m·A + inflow.
public struct FlowModel: Sendable {
  /// Rungs of the ontwikkelladder.
  public static let rungs = 7
  /// Duration bands.
  public static let bands = 4
  /// Number of on-benefit states.
  public static let onBenefitCount = rungs * bands
  /// Index of "work full-time (recent)".
  public static let workFullRecent = onBenefitCount
  /// Index of "work part-time (recent)".
  public static let workPartRecent = onBenefitCount + 1
  /// Index of the absorbing "work full-time".
  public static let workFull = onBenefitCount + 2
  /// Index of the absorbing "work part-time above bijstand level".
  public static let workPart = onBenefitCount + 3
  /// Index of the absorbing "school".
  public static let school = onBenefitCount + 4
  /// Index of the absorbing "other".
  public static let other = onBenefitCount + 5
  /// Number of states S.
  public static let stateCount = onBenefitCount + 6

  /// The on-benefit state of a rung (1…7) and band (0…3).
  public static func state(rung: Int, band: Int) -> Int { (rung - 1) * bands + band }

  /// State names, for reports.
  public static let stateNames: [String] = {
    let bandNames = ["<1y", "1-2y", "2-5y", ">5y"]
    var names: [String] = []
    for r in 1...rungs { for b in 0..<bands { names.append("rung \(r), \(bandNames[b])") } }
    return names + [
      "work full-time (recent)", "work part-time (recent)", "work full-time", "work part-time",
      "school", "other",
    ]
  }()

  /// The parameters the model was built from.
  public let parameters: FlowParameters
  /// The transition matrix A (row-major, S×S).
  public let transition: [Double]
  /// The change of A per unit of the work-exit scalar: + on the exit-to-work entries, − on the
  /// diagonal (rows sum to 0), so that A + s·Δ scales exits to work by (1 + s).
  public let workDelta: [Double]
  /// The same for the ladder moves (rung up and down).
  public let ladderDelta: [Double]
  /// The same for the exits for other reasons (`exitOtherPerMonth`), so that A + s·Δ scales them
  /// by (1 + s).
  public let otherDelta: [Double]
  /// The same for the returns from recent work (`returnFromWorkPerMonth`).
  public let returnDelta: [Double]
  /// How one household of inflow spreads over the states (sums to 1).
  public let inflowShape: [Double]
  /// Relative change of the total inflow per unit of the conjunctuur index: the sources'
  /// elasticities weighted by their shares.
  public let inflowElasticity: Double
  /// How the initial caseload spreads over the states (sums to 1).
  public let initialShape: [Double]
  /// 1 for on-benefit states, 0 for exits.
  public let onBenefit: [Double]
  /// Net price of each state relative to the scenario's net price (1 for exits' 0 cost: exits
  /// have 0); normalized so that the initial mix averages 1.
  public let priceFactor: [Double]
  /// The largest work-exit scalar that keeps every diagonal entry ≥ 0.
  public let maxWorkScalar: Double
  /// The largest ladder scalar that keeps every diagonal entry ≥ 0.
  public let maxLadderScalar: Double
  /// The largest scalar of the exits for other reasons that keeps every diagonal entry ≥ 0.
  public let maxOtherScalar: Double
  /// The largest scalar of the returns from work that keeps every diagonal entry ≥ 0.
  public let maxReturnScalar: Double

  /// Builds the chain from its parameters.
  public init(_ p: FlowParameters) {
    parameters = p
    let s = Self.stateCount
    var rates = [Double](repeating: 0, count: s * s)
    var work = [Double](repeating: 0, count: s * s)
    var ladder = [Double](repeating: 0, count: s * s)
    var otherExits = [Double](repeating: 0, count: s * s)
    var returns = [Double](repeating: 0, count: s * s)
    func add(_ m: inout [Double], _ from: Int, _ to: Int, _ r: Double) { m[from * s + to] += r }
    for rung in 1...Self.rungs {
      for band in 0..<Self.bands {
        let i = Self.state(rung: rung, band: band)
        let df = p.durationFactor[band]
        let toWork = p.exitToWorkPerMonth[rung - 1] * df
        let full = p.fullTimeShare[rung - 1]
        add(&rates, i, Self.workFullRecent, toWork * full)
        add(&rates, i, Self.workPartRecent, toWork * (1 - full))
        add(&work, i, Self.workFullRecent, toWork * full)
        add(&work, i, Self.workPartRecent, toWork * (1 - full))
        add(&rates, i, Self.school, p.exitToSchoolPerMonth[rung - 1] * df)
        add(&rates, i, Self.other, p.exitOtherPerMonth)
        add(&otherExits, i, Self.other, p.exitOtherPerMonth)
        // Duration: a band's people move on to the next at 1/(months in the band) a month.
        if band < Self.bands - 1 {
          add(
            &rates, i, Self.state(rung: rung, band: band + 1), p.durationProgressionPerMonth[band])
        }
        if rung < Self.rungs {
          add(&rates, i, Self.state(rung: rung + 1, band: band), p.ladderUpPerMonth[rung - 1])
          add(&ladder, i, Self.state(rung: rung + 1, band: band), p.ladderUpPerMonth[rung - 1])
        }
        if rung > 1 {
          add(&rates, i, Self.state(rung: rung - 1, band: band), p.ladderDownPerMonth[rung - 2])
          add(&ladder, i, Self.state(rung: rung - 1, band: band), p.ladderDownPerMonth[rung - 2])
        }
      }
    }
    let back = Self.state(rung: p.returnRung, band: 0)
    for recent in [Self.workFullRecent, Self.workPartRecent] {
      add(&rates, recent, back, p.returnFromWorkPerMonth)
      add(&returns, recent, back, p.returnFromWorkPerMonth)
      add(
        &rates, recent, recent == Self.workFullRecent ? Self.workFull : Self.workPart,
        p.workBecomesDurablePerMonth)
    }
    var a = rates
    for i in 0..<s {
      var out = 0.0
      for j in 0..<s { out += rates[i * s + j] }
      a[i * s + i] = 1 - out
    }
    /// Puts −(row sum) on the diagonal of a change matrix and returns the largest scalar that
    /// keeps A's diagonal ≥ 0: min over rows with moves of A_ii / (row's moves).
    func balance(_ m: inout [Double]) -> Double {
      var largest = Double.infinity
      for i in 0..<s {
        var moved = 0.0
        for j in 0..<s { moved += m[i * s + j] }
        m[i * s + i] = -moved
        if moved > 0 { largest = min(largest, a[i * s + i] / moved) }
      }
      return largest
    }
    transition = a
    maxWorkScalar = balance(&work)
    maxLadderScalar = balance(&ladder)
    maxOtherScalar = balance(&otherExits)
    maxReturnScalar = balance(&returns)
    workDelta = work
    ladderDelta = ladder
    otherDelta = otherExits
    returnDelta = returns
    // Inflow: each source's share spread over the rungs by its own profile, all at < 1 year.
    var inflow = [Double](repeating: 0, count: s)
    let totalShare = p.inflowSources.reduce(0) { $0 + $1.share }
    for source in p.inflowSources {
      let profile = source.rungShares.reduce(0, +)
      for r in 1...Self.rungs {
        inflow[Self.state(rung: r, band: 0)] +=
          source.share / totalShare * source.rungShares[r - 1] / profile
      }
    }
    inflowShape = inflow
    inflowElasticity =
      p.inflowSources.reduce(0) { $0 + $1.share * $1.economyElasticity } / totalShare
    var initial = [Double](repeating: 0, count: s)
    for r in 1...Self.rungs {
      for b in 0..<Self.bands {
        initial[Self.state(rung: r, band: b)] =
          p.initialRungShares[r - 1] * p.initialDurationShares[b]
      }
    }
    let total = initial.reduce(0, +)
    initialShape = initial.map { $0 / total }
    onBenefit = (0..<s).map { $0 < Self.onBenefitCount ? 1 : 0 }
    var price = (0..<s).map { i in i < Self.onBenefitCount ? p.priceFactors[i / Self.bands] : 0 }
    let mix = zip(price, initialShape).reduce(0) { $0 + $1.0 * $1.1 }
    price = price.map { $0 / mix }
    priceFactor = price
  }

  /// A change matrix beside the work and ladder ones, which the Monte Carlo scales per path only
  /// when a scenario draws it (`exitOtherRate`, `returnFromWorkRate`).
  public enum Change: Sendable, CaseIterable {
    /// The exits for other reasons (`otherDelta`).
    case exitOther
    /// The returns from recent work (`returnDelta`).
    case returnFromWork
  }

  /// The change matrix of `change`.
  public func delta(_ change: Change) -> [Double] {
    switch change {
    case .exitOther: otherDelta
    case .returnFromWork: returnDelta
    }
  }

  /// The largest scalar of `change` that keeps every diagonal entry ≥ 0.
  public func maxScalar(_ change: Change) -> Double {
    switch change {
    case .exitOther: maxOtherScalar
    case .returnFromWork: maxReturnScalar
    }
  }

  /// The retention of the saving of one extra exit from state (rung, band): the household would
  /// still have spent T months on benefit (`expectedMonthsOnBenefit`), so the avoided benefit
  /// survives each year with ρ = (1 − 1/T)¹², stated to 6 decimals (half away from zero) as
  /// the audit trail shows it. Returns ρ and T.
  public func retention(rung: Int, band: Int) -> (retention: Decimal, months: Double) {
    let months = expectedMonthsOnBenefit()[Self.state(rung: rung, band: band)]
    let survival = pow(1 - 1 / months, 12)
    let micro = (survival * 1_000_000).rounded(.toNearestOrAwayFromZero)
    return (Decimal(Int64(micro)) / 1_000_000, months)
  }

  /// Expected remaining months on benefit from each transient state (on benefit, and recent
  /// work, from which people may return): t = 1_ob + Q·t iterated to convergence (the absorbing
  /// chain's fundamental matrix applied to the on-benefit indicator, N·1_ob = (I − Q)⁻¹·1_ob).
  /// The engine solves the same system with LAPACK `dgesv`; tests hold the two to 1e-9.
  ///
  /// - Complexity: O(k·n²) for k iterations (until changes fall below 1e-15 relative).
  public func expectedMonthsOnBenefit(maxIterations: Int = 1_000_000) -> [Double] {
    let n = Self.workPartRecent + 1
    let s = Self.stateCount
    var t = [Double](repeating: 0, count: n)
    var next = t
    for _ in 0..<maxIterations {
      var change = 0.0
      for i in 0..<n {
        var v = onBenefit[i]
        for j in 0..<n { v += transition[i * s + j] * t[j] }
        next[i] = v
        change = max(change, abs(v - t[i]) / max(1, abs(v)))
      }
      swap(&t, &next)
      if change < 1e-15 { break }
    }
    return t
  }

  /// Whether every row of A is a probability distribution (entries in [0, 1], sum 1 within
  /// 1e-12), and the problems when not.
  public var problems: [String] {
    let s = Self.stateCount
    var out: [String] = []
    for i in 0..<s {
      let row = transition[(i * s)..<((i + 1) * s)]
      if row.contains(where: { $0 < 0 || $0 > 1 }) {
        out.append("the monthly rates out of \(Self.stateNames[i]) add up to more than 1")
      }
      if abs(row.reduce(0, +) - 1) > 1e-12 {
        out.append("row \(Self.stateNames[i]) does not sum to 1")
      }
    }
    return out
  }
}

/// The rates of the flow model, each a probability per month unless said otherwise (see
/// `Resources/flows.json` for the default values with their sources and notes).
public struct FlowParameters: Equatable, Sendable {
  /// Exit to work per month by rung (1…7), before the duration factor.
  public var exitToWorkPerMonth: [Double]
  /// Share of exits to work that are full-time, by rung.
  public var fullTimeShare: [Double]
  /// Exit to school per month by rung.
  public var exitToSchoolPerMonth: [Double]
  /// Exit for other reasons (moving, partner, pension) per month, every state.
  public var exitOtherPerMonth: Double
  /// Multiplier of work and school exits by duration band (exit chances fall with duration).
  public var durationFactor: [Double]
  /// Move to the next duration band per month, bands 0…2.
  public var durationProgressionPerMonth: [Double]
  /// One rung up per month, from rungs 1…6.
  public var ladderUpPerMonth: [Double]
  /// One rung down per month, from rungs 2…7.
  public var ladderDownPerMonth: [Double]
  /// Return from recent work to bijstand per month (werkbehoud).
  public var returnFromWorkPerMonth: Double
  /// The rung people return to (band < 1 year).
  public var returnRung: Int
  /// Recent work becoming durable per month.
  public var workBecomesDurablePerMonth: Double
  /// Initial caseload by rung (shares).
  public var initialRungShares: [Double]
  /// Initial caseload by duration band (shares).
  public var initialDurationShares: [Double]
  /// Where inflow comes from (WW, school leavers, vergunninghouders, other), each with its
  /// share, its spread over the rungs and its response to the economy.
  public var inflowSources: [InflowSource]
  /// Net price by rung relative to the average (rung 6 works part-time, so costs less).
  public var priceFactors: [Double]
  /// The inflow's monthly factors, January to December (mean 1): a month's inflow is the
  /// year's monthly inflow times its factor.
  public var inflowSeasonality: [Double]
  /// Whether the Monte Carlo draws each month's moves as whole households (binomial per state
  /// and destination, Poisson inflow) instead of stepping the expected flows, so that the
  /// chance of small numbers is in the spread (`flows.countNoise`; off by default).
  public var countNoise: Bool

  /// Parameters.
  public init(
    exitToWorkPerMonth: [Double], fullTimeShare: [Double], exitToSchoolPerMonth: [Double],
    exitOtherPerMonth: Double,
    durationFactor: [Double], durationProgressionPerMonth: [Double], ladderUpPerMonth: [Double],
    ladderDownPerMonth: [Double], returnFromWorkPerMonth: Double, returnRung: Int,
    workBecomesDurablePerMonth: Double,
    initialRungShares: [Double], initialDurationShares: [Double], inflowSources: [InflowSource],
    priceFactors: [Double], inflowSeasonality: [Double] = Array(repeating: 1, count: 12),
    countNoise: Bool = false
  ) {
    self.exitToWorkPerMonth = exitToWorkPerMonth
    self.fullTimeShare = fullTimeShare
    self.exitToSchoolPerMonth = exitToSchoolPerMonth
    self.exitOtherPerMonth = exitOtherPerMonth
    self.durationFactor = durationFactor
    self.durationProgressionPerMonth = durationProgressionPerMonth
    self.ladderUpPerMonth = ladderUpPerMonth
    self.ladderDownPerMonth = ladderDownPerMonth
    self.returnFromWorkPerMonth = returnFromWorkPerMonth
    self.returnRung = returnRung
    self.workBecomesDurablePerMonth = workBecomesDurablePerMonth
    self.initialRungShares = initialRungShares
    self.initialDurationShares = initialDurationShares
    self.inflowSources = inflowSources
    self.priceFactors = priceFactors
    self.inflowSeasonality = inflowSeasonality
    self.countNoise = countNoise
  }

  /// The length each field must have.
  public static let lengths: [String: Int] = [
    "exitToWorkPerMonth": 7, "fullTimeShare": 7, "exitToSchoolPerMonth": 7, "durationFactor": 4,
    "durationProgressionPerMonth": 3, "ladderUpPerMonth": 6, "ladderDownPerMonth": 6,
    "initialRungShares": 7,
    "initialDurationShares": 4, "priceFactors": 7, "inflowSeasonality": 12,
  ]
}

/// One source of inflow into bijstand.
public struct InflowSource: Equatable, Sendable {
  /// `ww`, `schoolLeavers`, `vergunninghouders`, `other`.
  public var name: String
  /// Its share of the inflow (relative; the shares need not sum to 1).
  public var share: Double
  /// How its newcomers spread over the rungs (relative, 7 numbers).
  public var rungShares: [Double]
  /// Relative change of its inflow per unit of the conjunctuur index.
  public var economyElasticity: Double

  /// A source.
  public init(name: String, share: Double, rungShares: [Double], economyElasticity: Double) {
    self.name = name
    self.share = share
    self.rungShares = rungShares
    self.economyElasticity = economyElasticity
  }
}

/// The economy: a conjunctuur index per path, c_y = φ·c_{y−1} + σ·ε_y (c > 0: more unemployment
/// than expected), that moves local inflow (by each source's elasticity), work exits and the
/// national caseload together.
public struct EconomyModel: Equatable, Sendable {
  /// Persistence φ of the AR(1) index (0…0.99).
  public var persistence: Double
  /// Standard deviation σ of the yearly innovation.
  public var innovationSD: Double
  /// Relative change of work exits per unit of c: exits × (1 − β_ex·c).
  public var workExitElasticity: Double
  /// Relative change of the national caseload per unit of c, which the macrobudget (set from
  /// the previous year's forecast) follows one year late.
  public var nationalCaseloadElasticity: Double
  /// Expected yearly growth of the macrobudget (the deterministic path's growth), fraction.
  public var macrobudgetGrowth: Double

  /// An economy.
  public init(
    persistence: Double, innovationSD: Double, workExitElasticity: Double,
    nationalCaseloadElasticity: Double, macrobudgetGrowth: Double
  ) {
    self.persistence = persistence
    self.innovationSD = innovationSD
    self.workExitElasticity = workExitElasticity
    self.nationalCaseloadElasticity = nationalCaseloadElasticity
    self.macrobudgetGrowth = macrobudgetGrowth
  }

  /// No economic shocks.
  public static let none = EconomyModel(
    persistence: 0, innovationSD: 0, workExitElasticity: 0,
    nationalCaseloadElasticity: 0,
    macrobudgetGrowth: 0)
}
