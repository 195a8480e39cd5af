import BuigCore
import Foundation
import Testing

@testable import BuigEngine

/// The mean and variance of a count drawn by `draw` over a grid of uniforms (i + ½)/N: for an
/// inversion sampler, the exact moments of the distribution up to the grid's resolution.
func gridMoments(_ n: Int = 200_000, _ draw: (Double) -> Double) -> (mean: Double, variance: Double)
{
  var sum = 0.0
  var sumSq = 0.0
  for i in 0..<n {
    let k = draw((Double(i) + 0.5) / Double(n))
    sum += k
    sumSq += k * k
  }
  let mean = sum / Double(n)
  return (mean, sumSq / Double(n) - mean * mean)
}

@Suite("Count noise")
struct CountNoiseTests {
  @Test(arguments: [
    (40.0, 0.1), (3.0, 0.5), (12.0, 0.9), (5_000.0, 0.002), (1_000.0, 0.3), (200.0, 0.75),
  ])
  func binomialCountsHaveTheBinomialMoments(n: Double, p: Double) {
    let m = gridMoments { CountNoise.binomial(n, p, $0) }
    let mean = n * p
    let variance = n * p * (1 - p)
    #expect(abs(m.mean - mean) <= 0.002 * mean + 1e-3, "mean \(m.mean) against \(mean)")
    #expect(
      abs(m.variance - variance) <= 0.02 * variance, "variance \(m.variance) against \(variance)")
    // Whole counts within 0…n.
    for u in [1e-12, 0.3, 0.5, 0.999_999] {
      let k = CountNoise.binomial(n, p, u)
      #expect(k == k.rounded() && k >= 0 && k <= n)
    }
  }

  @Test func thePreparedBinomialIsTheSameDraw() {
    // The kernel's form (log(1 − p) and p/(1 − p) computed once a year) draws the same counts.
    for (n, p) in [(40.0, 0.1), (700.0, 0.06), (12.0, 0.9), (5_000.0, 0.002), (3.0, 0.5)] {
      for i in 0..<2_000 {
        let u = (Double(i) + 0.5) / 2_000
        let prepared = CountNoise.binomial(n, p, logQ: log1p(-p), ratio: p / (1 - p), u)
        #expect(prepared == CountNoise.binomial(n, p, u), "n \(n), p \(p), u \(u)")
      }
    }
  }

  @Test(arguments: [0.3, 4.0, 49.0, 51.0, 400.0])
  func poissonCountsHaveThePoissonMoments(mean: Double) {
    let m = gridMoments { CountNoise.poisson(mean, $0) }
    #expect(abs(m.mean - mean) <= 0.002 * mean + 1e-3, "mean \(m.mean) against \(mean)")
    #expect(abs(m.variance - mean) <= 0.02 * mean, "variance \(m.variance) against \(mean)")
  }

  @Test func wholeHouseholdsKeepTheTotalAndTheShape() {
    let shape = [0.5, 0.3, 0.2 - 1e-9, 1e-9]
    var out = [Double](repeating: 0, count: 4)
    CountNoise.wholeHouseholds(99.6, shape: shape, into: &out)
    #expect(out == [50, 30, 20, 0])
    CountNoise.wholeHouseholds(7, shape: [1.0 / 3, 1.0 / 3, 1.0 / 3, 0], into: &out)
    #expect(out == [3, 2, 2, 0])
  }

  /// Tiles of `paths` identical paths (same scalars, inflow and start): any spread between them
  /// is the count noise.
  func identicalPaths(_ m: FlowModel, paths: Int, initial: Double, inflow: Double, years: Int)
    -> FlowTileInput
  {
    var input = FlowTileInput(paths: paths, years: years)
    for p in 0..<paths {
      input.initial[p] = initial
      input.ladderScalar[p] = 0.2
      for y in 0..<years {
        input.workScalar[p * years + y] = -0.1
        input.inflow[p * years + y] = inflow
      }
    }
    return input
  }

  @Test func countedPathsAreWholeHouseholdsConservedAndCentredOnTheExpectation() throws {
    let m = try defaultFlowModel()
    let years = 3
    let paths = 128
    let input = identicalPaths(m, paths: paths, initial: 2_000.4, inflow: 0, years: years)
    let expected = FlowKernel(model: m, kind: .reference, capacity: paths).run(input)
    let counted = FlowKernel(
      model: m, kind: .blas, capacity: paths, noise: CountNoise(seed: 11)
    ).run(input)
    let s = FlowModel.stateCount
    for p in 0..<paths {
      // No inflow: every path keeps its 2,000 households, each a whole one, in some state.
      #expect(counted.finalTotal[p] == 2_000)
      for j in 0..<s {
        #expect(counted.finalStates[p * s + j] == counted.finalStates[p * s + j].rounded())
      }
    }
    // The paths differ (chance), and their mean is the expected chain's within 4 standard
    // errors, year by year.
    for y in 0..<years {
      let v = (0..<paths).map { counted.onBenefit[$0 * years + y] }
      let mean = v.reduce(0, +) / Double(paths)
      let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(paths - 1)).squareRoot()
      #expect(sd > 1, "year \(y): paths should differ")
      let target = expected.onBenefit[y] * 2_000 / 2_000.4
      #expect(abs(mean - target) <= 4 * sd / Double(paths).squareRoot(), "year \(y)")
    }
  }

  @Test func chanceWeighsMoreForASmallCaseload() throws {
    // Coefficient of variation of the third year's average caseload between identical paths:
    // binomial chance makes it fall as 1/√n, so 100 households spread about 10 times as much
    // (relative) as 10,000.
    let m = try defaultFlowModel()
    let paths = 128
    func cv(_ initial: Double) -> Double {
      let input = identicalPaths(m, paths: paths, initial: initial, inflow: initial / 40, years: 3)
      let out = FlowKernel(model: m, kind: .blas, capacity: paths, noise: CountNoise(seed: 5)).run(
        input)
      let v = (0..<paths).map { out.onBenefit[$0 * 3 + 2] }
      let mean = v.reduce(0, +) / Double(paths)
      return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(paths - 1)).squareRoot()
        / mean
    }
    let ratio = cv(100) / cv(10_000)
    #expect(ratio > 7 && ratio < 14, "ratio \(ratio)")
  }

  @Test func aPathsCountsDoNotDependOnItsPlaceInTheTile() throws {
    let m = try defaultFlowModel()
    var input = randomTile(paths: 8, years: 2, model: m, seed: 3)
    input.noisePath = Array(1_000..<1_008)
    let kernel = FlowKernel(model: m, kind: .blas, capacity: 8, noise: CountNoise(seed: 9))
    let all = kernel.run(input)
    // Path 1,005 alone, as the first row of a tile.
    var one = FlowTileInput(paths: 1, years: 2)
    one.noisePath = [1_005]
    one.initial = [input.initial[5]]
    one.ladderScalar = [input.ladderScalar[5]]
    one.workScalar = Array(input.workScalar[10..<12])
    one.inflow = Array(input.inflow[10..<12])
    let alone = kernel.run(one)
    #expect(alone.onBenefit == Array(all.onBenefit[10..<12]))
    #expect(alone.priced == Array(all.priced[10..<12]))
    // Another seed gives other counts.
    let other = FlowKernel(model: m, kind: .blas, capacity: 8, noise: CountNoise(seed: 10)).run(
      input)
    #expect(other.onBenefit != all.onBenefit)
  }

  @Test func aSeasonalInflowKeepsTheYearsInflowAndShiftsTheAverage() throws {
    // Factors with mean 1 bring the same households in a year (conservation), and an inflow
    // front-loaded in the year raises the year's average stock against a flat one.
    let base = try defaultFlowModel()
    var p = base.parameters
    p.inflowSeasonality = (0..<12).map { 1 + 0.5 * cos(Double.pi * Double($0) / 11) }
    let seasonal = FlowModel(p)
    let years = 3
    var input = FlowTileInput(paths: 1, years: years)
    input.initial = [8_000]
    input.inflow = [300, 300, 300]
    for kind in KernelKind.allCases {
      let flat = FlowKernel(model: base, kind: kind, capacity: 1).run(input)
      let season = FlowKernel(model: seasonal, kind: kind, capacity: 1).run(input)
      #expect(abs(season.finalTotal[0] - (8_000 + 36 * 300)) < 1e-6)
      #expect(season.onBenefit[0] > flat.onBenefit[0] + 50, "\(kind)")
    }
  }

  @Test(arguments: FlowModel.Change.allCases)
  func anExtraScalarIsTheRateScaled(change: FlowModel.Change) throws {
    // Scaling exits for other reasons (or returns from work) by 1 + s through the extra change
    // matrix gives the chain of a model whose rate is (1 + s) times the default.
    let base = try defaultFlowModel()
    let s = 0.4
    var p = base.parameters
    switch change {
    case .exitOther: p.exitOtherPerMonth *= 1 + s
    case .returnFromWork: p.returnFromWorkPerMonth *= 1 + s
    }
    let scaled = FlowModel(p)
    var input = randomTile(paths: 16, years: 4, model: base, seed: 8)
    let plain = FlowKernel(model: scaled, kind: .reference, capacity: 16).run(input)
    input.extraScalar = Array(repeating: s, count: 16)
    for kind in KernelKind.allCases {
      let extra = FlowKernel(model: base, kind: kind, capacity: 16, extras: [change]).run(input)
      for (a, b) in zip(extra.onBenefit + extra.finalStates, plain.onBenefit + plain.finalStates) {
        #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(kind): \(a) vs \(b)")
      }
    }
    #expect(base.maxScalar(change) > 1)
  }
}
