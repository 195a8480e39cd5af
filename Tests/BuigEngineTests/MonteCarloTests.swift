import BuigCore
import BuigJSON
import BuigScenario
import Foundation
import Synchronization
import Testing

@testable import BuigEngine

/// A shipped scenario, optionally with its JSON changed first.
func scenario(_ name: String, _ change: ((inout [String: Any]) -> Void)? = nil) throws -> Scenario {
  var bytes = try #require(EmbeddedScenarios.bytes(name))
  if let change {
    var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    change(&object)
    bytes = Array(try JSONSerialization.data(withJSONObject: object))
  }
  return try Scenario.decode(bytes, origin: name, rules: try RuleTable.builtIn())
}

func engine(_ s: Scenario) throws -> MonteCarlo {
  try MonteCarlo(
    input: s.input, projection: try s.project(), rules: s.rules, spec: s.stochastic, seed: s.seed)
}

/// No economic shocks and no uncertain inputs.
func certain(_ o: inout [String: Any]) {
  o["uncertainty"] = nil
  o["correlation"] = nil
  o["flows"] = ["economy": ["innovationSD": 0]]
}

@Suite("Random numbers and distributions")
struct RandomTests {
  // Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
  @Test func philoxMatchesTheReferenceVectors() {
    let zero = Philox4x32(key: (0, 0)).block((0, 0, 0, 0))
    #expect(
      [zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
    let ones = Philox4x32(key: (0xffff_ffff, 0xffff_ffff)).block(
      (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff))
    #expect(
      [ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
    let pi = Philox4x32(key: (0xa409_3822, 0x299f_31d0)).block(
      (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344))
    #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
  }

  @Test func streamsAreUniformAndIndependentOfEachOther() {
    let s = RandomStreams(seed: 7)
    let n = 200_000
    var sum = 0.0
    var sumSq = 0.0
    var lag = 0.0
    var previous = 0.5
    for i in 0..<n {
      let u = s.uniform(path: i, purpose: .parameter, slot: 3)
      #expect(u > 0 && u < 1)
      sum += u
      sumSq += u * u
      lag += (u - 0.5) * (previous - 0.5)
      previous = u
    }
    let mean = sum / Double(n)
    let variance = sumSq / Double(n) - mean * mean
    #expect(abs(mean - 0.5) < 4 * (1.0 / 12 / Double(n)).squareRoot())
    #expect(abs(variance - 1.0 / 12) < 0.002)
    #expect(abs(lag / Double(n)) < 4 * (1.0 / 144 / Double(n)).squareRoot())
    // Different seeds, purposes and slots give different numbers; the same key the same.
    #expect(
      s.uniform(path: 5, purpose: .parameter, slot: 1)
        == RandomStreams(seed: 7).uniform(path: 5, purpose: .parameter, slot: 1))
    #expect(
      s.uniform(path: 5, purpose: .parameter, slot: 1)
        != s.uniform(path: 5, purpose: .economy, slot: 1))
    #expect(
      s.uniform(path: 5, purpose: .parameter, slot: 1)
        != RandomStreams(seed: 8).uniform(path: 5, purpose: .parameter, slot: 1))
  }

  @Test func quantilesInvertTheirDistributions() {
    #expect(abs(SpecialFunctions.normalQuantile(0.975) - 1.959963984540054) < 1e-13)
    #expect(abs(SpecialFunctions.normalQuantile(0.05) + 1.6448536269514722) < 1e-13)
    #expect(abs(SpecialFunctions.normalQuantile(1e-10) + 6.361340902404056) < 1e-9)
    for p in stride(from: 0.01, through: 0.99, by: 0.07) {
      // Beta(2, 3) has the CDF 6x² − 8x³ + 3x⁴.
      let x = Distribution.beta(alpha: 2, beta: 3).quantile(p)
      #expect(abs(6 * x * x - 8 * x * x * x + 3 * x * x * x * x - p) < 1e-10)
      let t = Distribution.triangular(min: 1, mode: 2, max: 4).quantile(p)
      let cdf = t <= 2 ? (t - 1) * (t - 1) / 3 : 1 - (4 - t) * (4 - t) / 6
      #expect(abs(cdf - p) < 1e-12)
      #expect(abs(SpecialFunctions.normalCDF(SpecialFunctions.normalQuantile(p)) - p) < 1e-14)
    }
    #expect(Distribution.betaCounts(successes: 52, trials: 113) == .beta(alpha: 53, beta: 62))
    #expect(abs(SpecialFunctions.incompleteBeta(0.5, 7, 7) - 0.5) < 1e-14)
  }

  @Test func lognormalHasTheMeanAndSDItIsGiven() {
    let d = Distribution.lognormal(mean: 1, sd: 0.3)
    let n = 100_000
    let values = (0..<n).map { d.quantile((Double($0) + 0.5) / Double(n)) }
    let mean = values.reduce(0, +) / Double(n)
    let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    #expect(abs(mean - 1) < 1e-3)
    #expect(abs(sd - 0.3) < 3e-3)
  }
}

@Suite("Correlation")
struct CorrelationTests {
  @Test func aValidMatrixIsFactoredExactly() throws {
    let c = try Correlation(rows: [[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], repair: false)
    #expect(c.repair == nil)
    let l = c.factor
    for i in 0..<3 {
      for j in 0..<3 {
        var s = 0.0
        for k in 0..<3 { s += l[i * 3 + k] * l[j * 3 + k] }
        #expect(abs(s - c.matrix[i * 3 + j]) < 1e-14)
      }
      for j in (i + 1)..<3 { #expect(l[i * 3 + j] == 0) }
    }
  }

  @Test func aMatrixThatIsNotPositiveDefiniteIsRepairedOrRefused() throws {
    let rows: [[Double]] = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    #expect(throws: Correlation.Problem.self) { try Correlation(rows: rows, repair: false) }
    do {
      _ = try Correlation(rows: rows, repair: false)
    } catch {
      #expect(error.description.contains("not positive definite"))
      #expect(error.description.contains("\"repair\": true"))
    }
    let c = try Correlation(rows: rows, repair: true)
    let r = try #require(c.repair)
    #expect(r.maxChange > 0.05 && r.maxChange < 1)
    for i in 0..<3 { #expect(abs(c.matrix[i * 3 + i] - 1) < 1e-12) }
    let eigen = try LinearAlgebra.symmetricEigen(c.matrix, n: 3)
    #expect(eigen.values.allSatisfy { $0 > 0 })
    // The repaired matrix keeps the signs of the correlations.
    #expect(c.matrix[1] > 0 && c.matrix[2] < 0 && c.matrix[5] > 0)
  }

  @Test func inputsGetTheCorrelationTheyAskFor() throws {
    let s = try scenario("groningen-2018")
    let mc = try engine(s)
    let n = 20_000
    var a: [Double] = []
    var b: [Double] = []
    let ia = s.stochastic.uncertain.firstIndex {
      $0.target == .intervention(id: "reintegratie", field: .yield)
    }!
    let ib = s.stochastic.uncertain.firstIndex { $0.target == .workExitRate }!
    for p in 0..<n {
      let d = mc.drawnInputs(path: p)
      a.append(log(d[ia]))
      b.append(log(d[ib]))
    }
    let ma = a.reduce(0, +) / Double(n)
    let mb = b.reduce(0, +) / Double(n)
    let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +) / Double(n)
    let va = a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) / Double(n)
    let vb = b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +) / Double(n)
    // Lognormal inputs: the normal scores (logs) carry the asked correlation of 0.5.
    #expect(abs(cov / (va * vb).squareRoot() - 0.5) < 0.03)
  }
}

@Suite("Monte Carlo")
struct MonteCarloTests {
  @Test func aRaisedCancelFlagStopsTheRunBetweenBatches() throws {
    let mc = try engine(scenario("groningen-2018"))
    let plain = try mc.run(MonteCarloOptions(paths: 1_024, threads: 2, batchSize: 128))
    // Not raised: the same numbers as a run without a flag.
    let flag = CancelFlag()
    let unraised = try mc.run(
      MonteCarloOptions(paths: 1_024, threads: 2, batchSize: 128, cancel: flag))
    #expect(unraised.storage.map(\.bitPattern) == plain.storage.map(\.bitPattern))
    // Raised before the run: no batch runs.
    let early = CancelFlag()
    early.raise()
    #expect(throws: MonteCarloError.cancelled) {
      try mc.run(MonteCarloOptions(paths: 1_024, threads: 1, batchSize: 128, cancel: early))
    }
    // Raised after the first of eight batches: the worker stops before the next one.
    let late = CancelFlag()
    let done = Mutex<[Int]>([])
    #expect(throws: MonteCarloError.cancelled) {
      try mc.run(MonteCarloOptions(paths: 1_024, threads: 1, batchSize: 128, cancel: late)) {
        paths in
        done.withLock { $0.append(paths) }
        late.raise()
      }
    }
    #expect(done.withLock { $0 } == [128])
  }

  @Test(arguments: [false, true])
  func pathsDoNotDependOnThreadsOrBatchSize(countNoise: Bool) throws {
    let mc = try engine(
      try scenario("groningen-2018") { o in
        if countNoise { o["flows"] = ["countNoise": true] }
      })
    #expect((mc.noise != nil) == countNoise)
    let a = try mc.run(MonteCarloOptions(paths: 1_000, threads: 1, batchSize: 256))
    let b = try mc.run(MonteCarloOptions(paths: 1_000, threads: 2, batchSize: 4_096))
    let c = try mc.run(MonteCarloOptions(paths: 1_000, threads: 2, batchSize: 128))
    // Bit patterns, so that NaN (the yield of a p.m. item) compares equal to itself.
    func bits(_ v: PathValues) -> [[UInt64]] { v.columns.map { $0.map(\.bitPattern) } }
    #expect(bits(a) == bits(b), "1 thread, batch 256 against 2 threads, batch 4,096")
    #expect(bits(a) == bits(c), "batch 128")
    // A later slice of paths is the same numbers as the same paths inside a longer run.
    let tail = try mc.run(MonteCarloOptions(firstPath: 512, paths: 488, threads: 2, batchSize: 256))
    #expect(
      bits(tail) == a.columns.map { Array($0)[512...].map(\.bitPattern) }, "a shard of the paths")
  }

  @Test func sensitivityDesignsShareTheirRowsCountNoise() throws {
    // Rows given in full (the tornado's) share one count-noise stream: 256 rows with the same
    // inputs give 256 identical paths, where the sampler's own paths differ by their chance.
    let mc = try engine(try scenario("groningen-2018") { $0["flows"] = ["countNoise": true] })
    let k = mc.sampler.inputs.count
    let ny = mc.years.count
    let drawn = mc.drawnInputs(path: 3)
    let rows = FixedRows(
      inputs: k, years: ny, values: Array((0..<256).map { _ in drawn }.joined()),
      economy: [Double](repeating: 0, count: 256 * ny))
    let fixed = try mc.run(MonteCarloOptions(paths: 256, threads: 2), drawing: rows)
    let free = try mc.run(MonteCarloOptions(paths: 256, threads: 2))
    for column in fixed.columns {
      let values = Array(column)
      #expect(values.allSatisfy { $0.bitPattern == values[0].bitPattern })
    }
    #expect(free.columns.contains { c in Set(c.map(\.bitPattern)).count > 1 })
    // Saltelli's design: A's row and its A_B rows share A's stream, B's row has its own.
    let design = SaltelliDesign(
      sampler: mc.sampler, groups: [.economy, .uncertain(0)], width: 4)
    #expect((0..<12).map(design.noisePath) == [0, 1, 0, 0, 2, 3, 2, 2, 4, 5, 4, 4])
  }

  @Test func withoutUncertaintyTheMeanIsTheDeterministicProjection() throws {
    for name in EmbeddedScenarios.names() {
      let s = try scenario(name, certain)
      let mc = try engine(s)
      let values = try mc.run(MonteCarloOptions(paths: 256))
      let summary = MonteCarloSummary(mc, values, netBurdenLimit: nil, discountRate: 0.0225)
      let p = try s.project()
      // The worth over the horizon: every path's equals the projection's (package and each
      // quantified intervention; the projection rounds the shares to the cent).
      func close(_ a: Double, _ b: Decimal?, _ what: String, cents: Double = 0.01) {
        let d = NSDecimalNumber(decimal: b ?? .nan).doubleValue
        #expect(abs(a - d) <= cents + 1e-9 * abs(d), "\(name) \(what): \(a) against \(d)")
      }
      var worths = [(summary.horizon.package, p.packageWorth(rate: 0.0225), "package")]
      for (i, stats) in summary.horizon.interventions.enumerated() {
        guard let stats else {
          #expect(p.interventions[i].intervention.isPM, "\(name): only p.m. items lack worth")
          continue
        }
        worths.append(
          (stats, p.worth(intervention: i, rate: 0.0225), p.interventions[i].intervention.id))
      }
      for (stats, w, id) in worths {
        let years = Double(p.years.count)
        close(stats.cost.mean, w.cost, "\(id) cost")
        close(stats.netAfterVangnet.mean, w.netAfterVangnet, "\(id) net", cents: 0.01 * years)
        close(stats.npv.mean, w.npv, "\(id) npv", cents: 0.01 * years)
        #expect(stats.payback.quantiles[2] == w.payback.map { p.years[$0].year }, "\(name) \(id)")
      }
      let burden = p.years.reduce(Decimal(0)) { $0 + $1.netBurden.euros }
      close(summary.horizon.netBurden.mean, burden, "cumulative net burden")
      close(summary.horizon.netBurden.quantile(0.99)!, burden, "cumulative p99")
      for y in p.years {
        let expected: [Quantity: Decimal] = [
          .budget: y.budget.budget.euros, .spending: y.spending.euros, .result: y.result.euros,
          .vangnet: (y.vangnet?.compensation ?? .zero).euros, .netBurden: y.netBurden.euros,
          .caseload: y.caseload,
          .interventionCost: y.interventionCost.euros,
          .interventionYield: y.interventionYield.euros,
          .baselineNetBurden: y.baseline.netBurden.euros,
        ]
        for (q, e) in expected {
          let mean = try #require(summary[q, year: y.year]).mean
          let d = NSDecimalNumber(decimal: e).doubleValue
          #expect(
            abs(mean - d) <= 1e-9 * max(1, abs(d)), "\(name) \(q) \(y.year): \(mean) against \(d)")
        }
      }
    }
  }

  @Test func withUncertaintyTheLinearQuantitiesStayWithin3SEOfTheProjection() throws {
    let s = try scenario("groningen-2018")
    let mc = try engine(s)
    let summary = MonteCarloSummary(
      mc, try mc.run(MonteCarloOptions(paths: 10_000)), netBurdenLimit: nil, discountRate: 0)
    let p = try s.project()
    var checked = 0
    for y in p.years {
      // The yields are linear in their multipliers (mean 1); the first year's budget is set.
      let items: [(Quantity, Decimal)] = [
        (.interventionYield, y.interventionYield.euros), (.budget, y.budget.budget.euros),
      ]
      for (q, e) in items where q != .budget || y.year == p.years[0].year {
        let sm = try #require(summary[q, year: y.year])
        let d = NSDecimalNumber(decimal: e).doubleValue
        #expect(
          abs(sm.mean - d) <= 3 * sm.se + 1e-6 * abs(d),
          "\(q) \(y.year): \(sm.mean) ± \(sm.se) against \(d)")
        checked += 1
      }
      // And the economy does spread the results.
      #expect(try #require(summary[.netBurden, year: y.year]).sd > 100_000)
    }
    #expect(checked == 5)
  }

  /// groningen-2018 with the vouchers of seed 003 as an extra intervention.
  static func withVouchers(_ o: inout [String: Any]) {
    var list = o["interventions"] as! [[String: Any]]
    list.append(["id": "vouchers", "preset": "vouchers-groningen-2018", "activeYears": [2018]])
    o["interventions"] = list
  }

  @Test func commonRandomNumbersShrinkTheNoiseOfADifference() throws {
    let base = try engine(try scenario("groningen-2018"))
    let variant = try engine(try scenario("groningen-2018", Self.withVouchers))
    let c = try Comparison(base: base, variant: variant, options: MonteCarloOptions(paths: 2_048))
    // Independent runs: the variant on another seed.
    let other = try engine(
      try scenario("groningen-2018") {
        Self.withVouchers(&$0); $0["seed"] = 99
      })
    let independent = try Comparison(
      base: base, variant: other, options: MonteCarloOptions(paths: 2_048))
    for y in c.years {
      let paired = try #require(c.items[y]?[.netBurden]?.spread)
      let apart = try #require(independent.items[y]?[.netBurden]?.spread)
      #expect(
        paired.difference.se < paired.independentSE / 10,
        "\(y): \(paired.difference.se) against \(paired.independentSE)")
      #expect(
        apart.difference.se > 10 * paired.difference.se,
        "\(y): \(apart.difference.se) against \(paired.difference.se)")
      // The formula for independent runs matches what independent runs give (within 10%).
      #expect(abs(apart.difference.se / apart.independentSE - 1) < 0.1)
      // The vouchers lower the burden on average.
      #expect(paired.difference.mean < 0)
      // The total is net burden + intervention cost, path by path.
      let total = try #require(c.items[y]?[.total])
      let burden = try #require(c.items[y]?[.netBurden])
      let cost = try #require(c.items[y]?[.interventionCost])
      #expect(total.expectedDifference == burden.expectedDifference + cost.expectedDifference)
      let t = try #require(total.spread)
      let sum = paired.difference.mean + (cost.spread?.difference.mean ?? .nan)
      #expect(abs(t.difference.mean - sum) < 1e-6 * max(1, abs(sum)), "\(y)")
    }
    // The horizon sums the years, expected and over the paths.
    for q in Comparison.horizonQuantities {
      let h = try #require(c.horizon[q])
      let expected = c.years.reduce(Decimal(0)) { $0 + c.items[$1]![q]!.expectedDifference }
      #expect(h.expectedDifference == expected, "\(q)")
      let mean = c.years.reduce(0.0) { $0 + c.items[$1]![q]!.spread!.difference.mean }
      #expect(abs(h.spread!.difference.mean - mean) < 1e-6 * max(1, abs(mean)), "\(q)")
    }
    let cheaper = try #require(c.horizonCheaper)
    #expect(cheaper.probability > 0 && cheaper.probability <= 1)
    // Expected values only: the same expected differences, no spread.
    let d = Comparison(base: base.projection, variant: variant.projection)
    #expect(d.paths == 0 && d.horizonCheaper == nil)
    #expect(d.horizon[.total]!.expectedDifference == c.horizon[.total]!.expectedDifference)
    #expect(d.horizon[.total]!.spread == nil)
  }

  @Test func theEconomyCanOpenAMacroShortfall() throws {
    let mc = try engine(try scenario("groningen-2018"))
    // Find a path whose economy turned for the worse in 2018: its 2019 macrobudget is set from a
    // forecast that lags the national caseload.
    var d = mc.sampler.buffer(paths: 1)
    var evaluator = PathEvaluator(mc.evaluatorModel)
    for path in 0..<200 {
      mc.sampler.draw(path: path, into: &d, at: 0)
      guard d.economy[0] > 1.5 else { continue }
      d.withPath(0) { evaluator.macroFactors($0) }
      let f = evaluator.macro
      #expect(f[0] == 1)  // 2018's budget was set before the shock
      #expect(f[1] > 1)  // 2019's forecast catches up, a year late
      return
    }
    Issue.record("no path with a strong economic turn in 200 paths")
  }
}

@Suite("Expected durations in interventions")
struct DurationRetentionTests {
  @Test func fromStateTakesTheRetentionFromTheFundamentalMatrix() throws {
    let s = try scenario("van-bijstand-naar-baan-2019")
    guard case .mechanistic(let m) = try #require(s.input.interventions.first).kind else {
      Issue.record("not mechanistic")
      return
    }
    let months = try ExpectedDurations.months(FlowModel(s.stochastic.flows))
    let t = months[FlowModel.state(rung: 3, band: 2)]
    let expected = pow(1 - 1 / t, 12)
    #expect(abs(NSDecimalNumber(decimal: m.retention).doubleValue - expected) < 1e-6)
    #expect(
      s.trail.contains {
        $0.path == "interventions[0].retention" && ($0.note ?? "").contains("T = ")
      })
  }

  @Test func retentionAndFromStateTogetherAreRefused() throws {
    do {
      _ = try scenario("van-bijstand-naar-baan-2019") { o in
        var list = o["interventions"] as! [[String: Any]]
        list[0]["retention"] = 0.5
        o["interventions"] = list
      }
      Issue.record("accepted both")
    } catch let e as InputIssues {
      #expect(e.issues.contains { $0.path == "interventions[0].fromState" })
    }
  }
}
