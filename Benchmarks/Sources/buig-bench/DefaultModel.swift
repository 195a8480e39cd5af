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
