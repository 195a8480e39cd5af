import BuigCore
import BuigScenario
import BuigTestSupport
import Foundation
import Testing

@testable import BuigEngine

/// The default flow parameters, read from the shipped file.
func defaultFlowModel() throws -> FlowModel {
  let rules = try RuleTable.builtIn()
  let bytes = try #require(EmbeddedScenarios.bytes("groningen-2018"))
  return FlowModel(try Scenario.decode(bytes, origin: "g", rules: rules).stochastic.flows)
}

/// A tile input with random per-path scalars from a fixed-seed generator.
func randomTile(paths: Int, years: Int, model: FlowModel, seed: UInt64) -> FlowTileInput {
  var g = PropertyRandom(seed: seed)
  var input = FlowTileInput(paths: paths, years: years)
  for p in 0..<paths {
    input.initial[p] = 5_000 + 10_000 * g.unit()
    input.ladderScalar[p] = min(model.maxLadderScalar, -0.5 + g.unit())
    for y in 0..<years {
      input.workScalar[p * years + y] = min(model.maxWorkScalar, -0.5 + 1.5 * g.unit())
      input.inflow[p * years + y] = 100 + 300 * g.unit()
    }
  }
  return input
}

@Suite("Flow kernel")
struct KernelTests {
  @Test func theDefaultChainIsStochastic() throws {
    let m = try defaultFlowModel()
    #expect(FlowModel.stateCount == 34)
    #expect(m.problems.isEmpty)
    let s = FlowModel.stateCount
    for i in 0..<s {
      let row = m.transition[(i * s)..<((i + 1) * s)]
      #expect(abs(row.reduce(0, +) - 1) < 1e-12)
      #expect(abs(m.workDelta[(i * s)..<((i + 1) * s)].reduce(0, +)) < 1e-15)
    }
    // The absorbing exits stay where they are.
    for a in [FlowModel.workFull, FlowModel.workPart, FlowModel.school, FlowModel.other] {
      #expect(m.transition[a * s + a] == 1)
    }
  }

  @Test(arguments: [1, 7, 128])
  func blasAndReferenceKernelsAgree(paths: Int) throws {
    let m = try defaultFlowModel()
    let input = randomTile(paths: paths, years: 5, model: m, seed: UInt64(paths))
    let blas = FlowKernel(model: m, kind: .blas, capacity: 128).run(input)
    let reference = FlowKernel(model: m, kind: .reference, capacity: 128).run(input)
    for (a, b) in zip(
      blas.onBenefit + blas.priced + blas.finalStates,
      reference.onBenefit + reference.priced + reference.finalStates)
    {
      #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(a) vs \(b)")
    }
  }

  @Test func householdsAreConservedPerPath() throws {
    let m = try defaultFlowModel()
    let years = 6
    let input = randomTile(paths: 64, years: years, model: m, seed: 42)
    for kind in KernelKind.allCases {
      let out = FlowKernel(model: m, kind: kind, capacity: 64).run(input)
      for p in 0..<64 {
        let inflow = (0..<years).reduce(0.0) { $0 + 12 * input.inflow[p * years + $1] }
        let expected = input.initial[p] + inflow
        #expect(abs(out.finalTotal[p] - expected) <= 1e-9 * expected, "\(kind) path \(p)")
      }
    }
  }

  @Test func expectedDurationsMatchThePlainIteration() throws {
    let m = try defaultFlowModel()
    let lapack = try ExpectedDurations.months(m)
    let iteration = ExpectedDurations.monthsByIteration(m)
    #expect(lapack.count == FlowModel.workPartRecent + 1)
    for (a, b) in zip(lapack, iteration) { #expect(abs(a - b) <= 1e-9 * b, "\(a) vs \(b)") }
    // Longer spells for the long-term unemployed on the lowest rung than for newcomers on rung 7.
    #expect(lapack[FlowModel.state(rung: 1, band: 3)] > lapack[FlowModel.state(rung: 7, band: 0)])
    // From recent work, the months still to come on benefit are those of the returners only.
    #expect(lapack[FlowModel.workFullRecent] < lapack[FlowModel.state(rung: 5, band: 0)])
  }

  @Test func calibrationReachesTheScenarioCaseload() throws {
    let m = try defaultFlowModel()
    let caseload = [10_000.0, 9_800, 9_900, 9_500]
    let c = FlowCalibration(model: m, caseload: caseload, years: [2018, 2019, 2020, 2021])
    for (a, b) in zip(c.onBenefit, caseload) { #expect(abs(a - b) <= 1e-9 * b) }
    #expect(c.warnings.isEmpty)
  }
}
