import BuigCore
import BuigScenario
import BuigTestSupport
import Foundation
import Testing

@testable import BuigEngine

@Suite("Engine properties")
struct EnginePropertyTests {
  // MARK: The flow kernel

  /// Every household that starts or flows in is somewhere at the end: Σ final states =
  /// initial + 12 · Σ monthly inflow, per path, for any tile size, horizon and per-path scalars;
  /// and no state holds a negative number of households.
  @Test func householdsAreConservedPerPathInEveryTile() throws {
    let m = try defaultFlowModel()
    let s = FlowModel.stateCount
    let kernels = KernelKind.allCases.map { ($0, FlowKernel(model: m, kind: $0, capacity: 128)) }
    try forAll("households conserved per path", seed: 9_001, cases: 60) { g in
      let paths = g.int(1...64)
      let years = g.int(1...8)
      let input = randomTile(paths: paths, years: years, model: m, seed: g.next())
      for (kind, kernel) in kernels {
        let out = kernel.run(input)
        for p in 0..<paths {
          let inflow = (0..<years).reduce(0.0) { $0 + 12 * input.inflow[p * years + $1] }
          let expected = input.initial[p] + inflow
          let states = out.finalStates[(p * s)..<((p + 1) * s)]
          let total = states.reduce(0, +)
          if abs(out.finalTotal[p] - expected) > 1e-9 * expected
            || abs(total - expected) > 1e-9 * expected
          {
            return "\(kind), \(paths) paths × \(years) years, path \(p): "
              + "\(out.finalTotal[p]) (states \(total)) for \(expected)"
          }
          if let low = states.min(), low < -1e-9 * expected {
            return "\(kind), path \(p): a state holds \(low) households"
          }
        }
      }
      return nil
    }
  }

  // MARK: The order of interventions in a Monte Carlo run

  /// The paths' values by series name (a layout's columns follow the interventions' order).
  func valuesByName(_ mc: MonteCarlo, paths: Int) throws -> [String: ArraySlice<Double>] {
    let v = try mc.run(MonteCarloOptions(paths: paths, threads: 2, batchSize: 128))
    return Dictionary(uniqueKeysWithValues: zip(v.layout.names, v.columns))
  }

  /// Within `tolerance` relative (NaN matches NaN: a p.m. yield).
  func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    (a.isNaN && b.isNaN) || abs(a - b) <= tolerance * max(1, abs(a), abs(b))
  }

  /// The paths' values and the summary's statistics of every series, matched by name, with the
  /// interventions shuffled: within 1e-9 relative (sums of doubles in another order).
  @Test func theOrderOfInterventionsChangesNoMonteCarloValue() throws {
    let paths = 256
    let names = [
      "groningen-2018", "groningen-2018-mechanistic", "werkprogramma-2020-2022",
      "werk-en-ontwikkel-realised-2023",
    ]
    let base = try names.map { try scenario($0) }
    let expected = try base.map { try valuesByName(try engine($0), paths: paths) }
    let summaries = try base.map { s -> [String: Double] in
      let mc = try engine(s)
      return summaryValues(
        MonteCarloSummary(
          mc, try mc.run(MonteCarloOptions(paths: paths)), netBurdenLimit: nil,
          discountRate: 0.0225), ids: s.input.interventions.map(\.id))
    }
    try forAll("interventions shuffled, same Monte Carlo", seed: 9_002, cases: 12) { g in
      let k = g.int(0...(base.count - 1))
      let s = base[k]
      var input = s.input
      for i in stride(from: input.interventions.count - 1, to: 0, by: -1) {
        input.interventions.swapAt(i, g.int(0...i))
      }
      let mc = try MonteCarlo(
        input: input, projection: try s.rules.project(input), rules: s.rules, spec: s.stochastic,
        seed: s.seed)
      let order = input.interventions.map(\.id)
      let values = try valuesByName(mc, paths: paths)
      if Set(values.keys) != Set(expected[k].keys) { return "\(s.name) \(order): other series" }
      for (name, v) in values {
        for (a, b) in zip(v, expected[k][name]!) where !close(a, b) {
          return "\(s.name) in the order \(order): \(name) is \(a), not \(b)"
        }
      }
      let summary = summaryValues(
        MonteCarloSummary(
          mc, try mc.run(MonteCarloOptions(paths: paths)), netBurdenLimit: nil,
          discountRate: 0.0225), ids: order)
      for (name, a) in summary where !close(a, summaries[k][name] ?? .nan) {
        return
          "\(s.name) in the order \(order): summary \(name) is \(a), not \(summaries[k][name] ?? .nan)"
      }
      return nil
    }
  }

  /// A summary's mean, standard deviation, extremes and quantiles of every series, by name.
  func summaryValues(_ s: MonteCarloSummary, ids: [String]) -> [String: Double] {
    var out: [String: Double] = [:]
    func add(_ name: String, _ x: Summary?) {
      guard let x else { return }
      out[name + " mean"] = x.mean
      out[name + " sd"] = x.sd
      out[name + " min"] = x.min
      out[name + " max"] = x.max
      for (i, q) in x.quantiles.enumerated() { out[name + " q\(i)"] = q }
    }
    for y in s.layout.years {
      for q in Quantity.yearly { add("\(q)/\(y)", s[q, year: y]) }
      for (i, id) in ids.enumerated() {
        for q in Quantity.perIntervention { add("\(q):\(id)/\(y)", s[q, year: y, intervention: i]) }
      }
    }
    return out
  }

  // MARK: More successful exits in a Monte Carlo run

  /// With the interventions' parameters certain (no uncertainty on them) and the economy still
  /// drawn, a higher success rate or intake of one mechanistic intervention gives every path the
  /// same or lower spending in every year, with the same seed.
  @Test func moreSuccessfulExitsNeverRaiseAPathsSpending() throws {
    let names = [
      "groningen-2018-mechanistic", "werkprogramma-2020-2022", "werk-en-ontwikkel-2022-2025",
    ]
    let base = try names.map { n in
      try scenario(n) {
        $0["uncertainty"] = nil
        $0["correlation"] = nil
      }
    }
    let paths = 256
    let plain = try base.map { try valuesByName(try engine($0), paths: paths) }
    var changed = 0
    try forAll("higher success or intake: no path spends more", seed: 9_003, cases: 24) {
      g in
      let k = g.int(0...(base.count - 1))
      let s = base[k]
      var input = s.input
      let mechanistic = input.interventions.indices.filter {
        if case .mechanistic = input.interventions[$0].kind { true } else { false }
      }
      let i = mechanistic[g.int(0...(mechanistic.count - 1))]
      guard case .mechanistic(var m) = input.interventions[i].kind else { return nil }
      let u = Decimal(g.int(1...1_000)) / 1_000
      if g.unit() < 0.5 {
        m.successRate += (1 - m.successRate) * u
      } else {
        m.intake *= 1 + u
      }
      input.interventions[i].kind = .mechanistic(m)
      let mc = try MonteCarlo(
        input: input, projection: try s.rules.project(input), rules: s.rules, spec: s.stochastic,
        seed: s.seed)
      let values = try valuesByName(mc, paths: paths)
      for y in input.years {
        let name = "\(Quantity.spending.rawValue)/\(y)"
        for (p, (a, b)) in zip(plain[k][name]!, values[name]!).enumerated() {
          if b > a + 1e-9 * abs(a) {
            return "\(s.name), \(input.interventions[i].id) (q \(m.successRate), I \(m.intake)): "
              + "path \(p) spends \(b) in \(y), \(a) before"
          }
          if b < a { changed += 1 }
        }
      }
      return nil
    }
    #expect(changed > 0, "no path's spending moved")
  }
}
