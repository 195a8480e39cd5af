import BuigCore
import BuigJSON
import BuigScenario
import Foundation
import Testing

@testable import BuigEngine

/// The Ishigami function f = sin x1 + a·sin² x2 + b·x3⁴·sin x1 (a = 7, b = 0.1), x_i ~ U(−π, π).
func ishigami(_ x: [Double]) -> Double {
  sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0])
}

/// Saltelli's design for the Ishigami function: f(A), f(B), f(A_B^(i)) on N rows.
func ishigamiDesign(rows n: Int, seed: UInt64) -> (a: [Double], b: [Double], ab: [[Double]]) {
  let s = RandomStreams(seed: seed)
  func x(_ r: Int, _ slot: UInt32) -> Double {
    -Double.pi + 2 * Double.pi * s.uniform(path: r, purpose: .parameter, slot: slot)
  }
  let xa = (0..<n).map { r in (0..<3).map { x(r, UInt32($0)) } }
  let xb = (0..<n).map { r in (0..<3).map { x(r, UInt32(3 + $0)) } }
  let ab = (0..<3).map { i in
    (0..<n).map { r in
      var row = xa[r]
      row[i] = xb[r][i]
      return ishigami(row)
    }
  }
  return (xa.map(ishigami), xb.map(ishigami), ab)
}

@Suite("Sobol indices (Jansen's estimators on Saltelli's design)")
struct SobolTests {
  @Test func ishigamiAnalyticIndicesLieInTheirBootstrapIntervals() {
    // Analytic: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = (1 + bπ⁴/5)²/2; V2 = a²/8;
    // V13 = b²π⁸·(1/18 − 1/50); S3 = 0 (Ishigami and Homma 1990; Saltelli et al. 2010).
    let a = 7.0
    let b = 0.1
    let pi4 = pow(Double.pi, 4)
    let v = a * a / 8 + b * pi4 / 5 + b * b * pi4 * pi4 / 18 + 0.5
    let v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5)
    let v2 = a * a / 8
    let v13 = b * b * pi4 * pi4 * (1.0 / 18 - 1.0 / 50)
    let first = [v1 / v, v2 / v, 0]
    let total = [(v1 + v13) / v, v2 / v, v13 / v]
    #expect(abs(first[0] - 0.3139) < 5e-5 && abs(first[1] - 0.4424) < 5e-5)
    #expect(abs(total[0] - 0.5576) < 5e-5 && abs(total[2] - 0.2437) < 5e-5)
    let d = ishigamiDesign(rows: 1 << 14, seed: 42)
    let r = Sobol.analyse(a: d.a, b: d.b, ab: d.ab, resamples: 500, seed: 7, threads: 2)
    for i in 0..<3 {
      let x = r.indices[i]
      #expect(x.firstLow <= first[i] && first[i] <= x.firstHigh, "S\(i + 1): \(x)")
      #expect(x.totalLow <= total[i] && total[i] <= x.totalHigh, "ST\(i + 1): \(x)")
      #expect(x.firstLow <= x.first && x.first <= x.firstHigh)
    }
    #expect(r.converged)
    #expect(r.rowsNeeded == nil)
  }

  @Test func theBootstrapDependsOnTheSeedOnlyNotOnTheThreads() {
    let d = ishigamiDesign(rows: 1000, seed: 3)
    let one = Sobol.analyse(a: d.a, b: d.b, ab: d.ab, resamples: 200, seed: 5, threads: 1)
    let three = Sobol.analyse(a: d.a, b: d.b, ab: d.ab, resamples: 200, seed: 5, threads: 3)
    let other = Sobol.analyse(a: d.a, b: d.b, ab: d.ab, resamples: 200, seed: 6, threads: 1)
    #expect(one == three)
    #expect(one.indices.map(\.firstLow) != other.indices.map(\.firstLow))
    #expect(one.indices.map(\.first) == other.indices.map(\.first))
    let point = Sobol.estimate(a: d.a, b: d.b, ab: d.ab)
    #expect(point.first == one.indices.map(\.first))
    #expect(point.total == one.indices.map(\.total))
  }

  @Test func tooFewRowsAreNotConvergedAndSayHowManyWouldDo() {
    let d = ishigamiDesign(rows: 256, seed: 1)
    let r = Sobol.analyse(a: d.a, b: d.b, ab: d.ab, seed: 1)
    #expect(!r.converged)
    let widest = r.indices.flatMap { [$0.firstHigh - $0.firstLow, $0.totalHigh - $0.totalLow] }
      .max()!
    let needed = try! #require(r.rowsNeeded)
    #expect(needed % 1024 == 0)
    #expect(Double(needed) >= 256 * (widest / 0.1) * (widest / 0.1))
    #expect(Double(needed) < 256 * (widest / 0.1) * (widest / 0.1) + 1024)
    #expect(Sobol.rowsNeeded(rows: 10_000, width: 0.2) == 40_960)
    #expect(Sobol.rowsNeeded(rows: 1000, width: 0.05) == 1024)
  }

  @Test func aConstantOutputHasUndefinedIndices() {
    let c = [Double](repeating: 5, count: 100)
    let r = Sobol.analyse(a: c, b: c, ab: [c, c], resamples: 100, seed: 1)
    #expect(r.variance == 0)
    #expect(r.indices.allSatisfy { $0.first.isNaN && $0.total.isNaN && !$0.converged })
    #expect(!r.converged)
    #expect(r.rowsNeeded == nil)
  }
}

/// The linear fixture: three scheduled yields with independent multipliers, no economy.
func linearScenario() throws -> Scenario {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/linear-yields.json")
  let bytes = Array(try Data(contentsOf: url))
  return try Scenario.decode(bytes, origin: "linear-yields", rules: try RuleTable.builtIn())
}

@Suite("Sensitivity analysis on the engine")
struct SensitivityTests {
  /// The fixture's multipliers: uniform(0.5, 1.5), triangular(0.2, 1.0, 1.3), uniform(0, 2).
  let distributions: [Distribution] = [
    .uniform(min: 0.5, max: 1.5), .triangular(min: 0.2, mode: 1.0, max: 1.3),
    .uniform(min: 0, max: 2),
  ]
  /// Var of each: (b − a)²/12 for a uniform; (a² + b² + c² − ab − ac − bc)/18 for a triangular.
  let variances: [Double] = [
    1.0 / 12, (0.04 + 1 + 1.69 - 0.2 - 0.26 - 1.3) / 18, 4.0 / 12,
  ]

  @Test(arguments: [
    (
      Quantity.interventionYield, SensitivityPeriod.year(2019),
      [1_000_000.0, 2_000_000, 400_000]
    ),
    (.netBurden, .horizon, [-1_500_000.0, -2_000_000, -400_000]),
    (.total, .year(2020), [-500_000.0, 0, 0]),
  ])
  func aLinearScenarioHasItsAnalyticIndicesAndSwings(
    quantity: Quantity, period: SensitivityPeriod, coefficients: [Double]
  ) throws {
    let s = try linearScenario()
    let mc = try engine(s)
    #expect(mc.sensitivityInputs.map(\.name) == s.stochastic.uncertain.map(\.target.description))
    let r = try mc.sensitivity(
      quantity: quantity, period: period, rows: 8192, resamples: 500,
      options: MonteCarloOptions(paths: 8192, threads: 2))
    let parts = zip(coefficients, variances).map { $0 * $0 * $1 }
    let sum = parts.reduce(0, +)
    let sobol = try #require(r.sobol)
    // The last bits of a path's chain may depend on its place in a tile: 1e-9 of slack.
    let slack = 1e-9
    for (i, x) in sobol.indices.enumerated() {
      let analytic = parts[i] / sum
      if analytic == 0 {
        // An input that does not move the quantity: f(A) = f(A_B^(i)) but for rounding.
        #expect(abs(x.total) < slack && abs(x.totalLow) < slack && abs(x.totalHigh) < slack)
      } else {
        #expect(
          x.totalLow - slack <= analytic && analytic <= x.totalHigh + slack,
          "ST\(i): \(analytic) \(x)")
      }
      #expect(
        x.firstLow - slack <= analytic && analytic <= x.firstHigh + slack,
        "S\(i): \(analytic) \(x)")
    }
    #expect(sobol.converged)
    #expect(r.evaluations == 8192 * 5 + 7)
    for bar in r.tornado.bars {
      guard case .uncertain(let i) = bar.input.kind else {
        Issue.record("no economy in the fixture")
        continue
      }
      let expected =
        abs(coefficients[i])
        * (distributions[i].quantile(0.9) - distributions[i].quantile(0.1))
      #expect(abs(bar.swing - expected) <= 0.01 * expected + 0.01, "\(bar.input.name)")
      #expect(abs((bar.high - bar.low) - coefficients[i] * (bar.inputHigh - bar.inputLow)) < 0.1)
    }
    #expect(zip(r.tornado.bars, r.tornado.bars.dropFirst()).allSatisfy { $0.swing >= $1.swing })
  }

  @Test func theDesignsRowsAreTheRunsPathsAndTheThreadsChangeNothing() throws {
    let s = try scenario("groningen-2018")
    let mc = try engine(s)
    let inputs = mc.sensitivityInputs
    #expect(inputs.map(\.name).last == "economy")
    #expect(
      inputs.filter(\.isCorrelated).map(\.name) == [
        "interventions.reintegratie.yield", "workExitRate",
      ])
    let n = 300
    let design = try mc.saltelli(
      .netBurden, .year(2019), inputs: inputs, rows: n,
      options: MonteCarloOptions(paths: n, threads: 2), progress: nil)
    // A's row r draws the sampler's path 2r, B's its path 2r + 1, and A_B^(i) A's row with
    // group i from B's.
    let sampler = mc.sampler
    let source = SaltelliDesign(sampler: sampler, groups: inputs.map(\.kind), width: 7)
    var tile = sampler.buffer(paths: 7)
    let k = sampler.inputs.count
    let years = mc.years.count
    for r in [0, 1, 17, 299] {
      for j in 0..<7 { source.draw(path: r * 7 + j, into: &tile, at: j) }
      var a = sampler.buffer(paths: 2)
      sampler.draw(path: 2 * r, into: &a, at: 0)
      sampler.draw(path: 2 * r + 1, into: &a, at: 1)
      #expect(Array(tile.values[0..<(2 * k)]) == a.values)
      #expect(Array(tile.economy[0..<(2 * years)]) == a.economy)
      for (g, input) in inputs.enumerated() {
        var want = Array(a.values[0..<k])
        var economy = Array(a.economy[0..<years])
        switch input.kind {
        case .uncertain(let i): want[i] = a.values[k + i]
        case .economy: economy = Array(a.economy[years...])
        }
        #expect(Array(tile.values[((2 + g) * k)..<((3 + g) * k)]) == want)
        #expect(Array(tile.economy[((2 + g) * years)..<((3 + g) * years)]) == economy)
      }
    }
    // And its values are the run's paths 2r and 2r + 1 (to rounding: a path's place in its
    // tile may change the last bits of its chain).
    let run = try mc.run(MonteCarloOptions(paths: 2 * n, threads: 2))
    let column = try #require(run.series(.netBurden, year: 2019))
    let base = column.startIndex
    func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-9 * max(1, abs(y)) }
    #expect((0..<n).allSatisfy { close(design.a[$0], column[base + 2 * $0]) })
    #expect((0..<n).allSatisfy { close(design.b[$0], column[base + 2 * $0 + 1]) })
    // A_B^(i) differs from A (some inputs matter on every row).
    #expect(design.ab.allSatisfy { ab in zip(ab, design.a).contains { $0 != $1 } })
    let options1 = MonteCarloOptions(paths: n, threads: 1, batchSize: 128)
    let one = try mc.sensitivity(
      quantity: .total, period: .horizon, rows: n, resamples: 100, options: options1)
    let two = try mc.sensitivity(
      quantity: .total, period: .horizon, rows: n, resamples: 100,
      options: MonteCarloOptions(paths: n, threads: 2))
    #expect(one.sobol == two.sobol)
    #expect(one.tornado.bars.map(\.swing) == two.tornado.bars.map(\.swing))
  }

  @Test func theTornadoUsesEachInputsQuantilesAndTheEconomysInnovations() throws {
    let s = try scenario("groningen-2018")
    let mc = try engine(s)
    let r = try mc.sensitivity(
      quantity: .netBurden, period: .year(2018), rows: 0,
      options: MonteCarloOptions(paths: 0))
    #expect(r.sobol == nil)
    #expect(r.evaluations == 11)
    let economy = try #require(r.tornado.bars.first { $0.input.kind == .economy })
    let sd = s.stochastic.economy.innovationSD
    #expect(abs(economy.inputLow - sd * SpecialFunctions.normalQuantile(0.1)) < 1e-15)
    #expect(economy.low < r.tornado.atMedians && r.tornado.atMedians < economy.high)
    let work = try #require(r.tornado.bars.first { $0.input.name == "workExitRate" })
    let d = Distribution.lognormal(mean: 1, sd: 0.1)
    #expect(work.inputLow == d.quantile(0.1) && work.inputHigh == d.quantile(0.9))
    #expect(work.high < work.low)  // more exits to work, a lower burden
  }

  @Test func problemsAreReportedBeforeAnyPathRuns() throws {
    let mc = try engine(try scenario("groningen-2018"))
    let options = MonteCarloOptions(paths: 10)
    #expect(throws: SensitivityError.year(2030, horizon: [2018, 2019, 2020, 2021])) {
      try mc.sensitivity(quantity: .total, period: .year(2030), rows: 10, options: options)
    }
    #expect(throws: SensitivityError.rows(1)) {
      try mc.sensitivity(quantity: .total, period: .horizon, rows: 1, options: options)
    }
    let calm = try engine(try scenario("groningen-2018", certain))
    #expect(calm.sensitivityInputs.isEmpty)
    #expect(throws: SensitivityError.noInputs) {
      try calm.sensitivity(quantity: .total, period: .horizon, rows: 10, options: options)
    }
    #expect(Quantity.analysable.contains(.total))
    #expect(!Quantity.analysable.contains(.yield))
    #expect(Quantity.analysable.count == Quantity.yearly.count + 1)
    #expect(Quantity.total.parts == [.netBurden, .interventionCost])
  }
}
