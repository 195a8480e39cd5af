import ArgumentParser
import BuigCore
import BuigReport
import BuigScenario
import Foundation

/// `--discount-rate`: the rate a run's net present values use.
struct DiscountOption: ParsableArguments {
  @Option(
    name: .customLong("discount-rate"),
    help: ArgumentHelp(
      "The discount rate for net present values, in percent a year (default: the rule table's, the Dutch standard rate for social cost-benefit analysis).",
      valueName: "PERCENT"))
  var discountRate: Double?

  func validate() throws {
    if let r = discountRate, !(r > -100 && r <= 100) {
      throw ValidationError(
        "--discount-rate: expected a rate in percent a year, above -100 and at most 100, found \(r)"
      )
    }
  }

  /// The discount rate to use: the option's, or the rule table's; an error for people when
  /// neither is there.
  func discount(_ rules: RuleTable, command: String) throws -> DiscountSetting {
    if let r = discountRate {
      return DiscountSetting(
        rate: Decimal(string: String(r))! / 100, source: "--discount-rate",
        origin: "--discount-rate")
    }
    guard let d = rules.discountRate else {
      throw InputFailure(
        command: command,
        [
          "the rule table has no discountRate: give one with --discount-rate PERCENT or in the rule table"
        ])
    }
    return DiscountSetting(
      rate: d.rate, source: d.source,
      origin: "the rule table's standard rate for social cost-benefit analysis")
  }
}

/// `--reserve`: the amount the cumulative net burden over the horizon is tested against.
struct ReserveOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A reserve in EUR: the output gives the probability that the cumulative net burden over the horizon exceeds it (default: the scenario's monteCarlo.netBurdenLimit).",
      valueName: "EUR"))
  var reserve: Double?

  func validate() throws {
    if let r = reserve, !(r.isFinite && r >= 0) {
      throw ValidationError("--reserve: expected an amount in EUR of 0 or more, found \(r)")
    }
  }

  /// The reserve to test the cumulative net burden against: the option's, or the scenario's
  /// net burden limit.
  func reserve(_ s: Scenario) -> Double? {
    reserve ?? s.monteCarlo.netBurdenLimit?.doubleValue
  }
}
