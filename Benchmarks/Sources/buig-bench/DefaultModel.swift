import BuigCore
import BuigScenario
import Foundation

/// The default flow model (S = 34): the one the embedded default scenario runs, read through the
/// engine's own scenario reader (`Sources/BuigScenario/Resources/flows.json`).
func defaultModel(root: String) throws -> FlowModel {
  _ = root
  let rules: RuleTable
  do {
    rules = try RuleTable.builtIn()
  } catch {
    throw BenchFailure("the built-in rule table cannot be read: \(error)")
  }
  guard let bytes = EmbeddedScenarios.bytes(EmbeddedScenarios.defaultName) else {
    throw BenchFailure("the embedded default scenario is missing")
  }
  do {
    return FlowModel(
      try Scenario.decode(bytes, origin: EmbeddedScenarios.defaultName, rules: rules).stochastic
        .flows)
  } catch {
    throw BenchFailure("the embedded default scenario cannot be read: \(error)")
  }
}

/// The number of years a scenario file runs (its horizon), read through the engine's scenario
/// reader: the end-to-end benchmark's kernel contender runs 12 months per year.
func scenarioYears(path: String) throws -> Int {
  let rules: RuleTable
  do {
    rules = try RuleTable.builtIn()
  } catch {
    throw BenchFailure("the built-in rule table cannot be read: \(error)")
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw BenchFailure("cannot read \(path)")
  }
  let years: Int
  do {
    years = try Scenario.decode([UInt8](data), origin: path, rules: rules).input.years.count
  } catch {
    throw BenchFailure("\(path) cannot be read: \(error)")
  }
  guard years > 0 else { throw BenchFailure("\(path) has no years") }
  return years
}
