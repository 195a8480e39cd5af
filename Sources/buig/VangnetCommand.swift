import ArgumentParser
import BuigCore
import BuigJSON
import BuigReport
import Foundation

/// `buig vangnet`: the vangnet compensation of one year.
struct VangnetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vangnet",
    abstract: "Compute the vangnet compensation and own risk for one year.",
    discussion: """
      The deficit is spending minus budget. Its share of the budget decides the band, and the \
      year's rule decides the compensation. Without --prior-results, a multi-year condition is \
      taken as met and named under "conditions assumed".

      Example: buig vangnet --year 2018 --budget 148800000 --spending 156900000
      """)

  @Option(help: "The deficit year.")
  var year: Int

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("The municipality's definitive BUIG budget in euros.", valueName: "EUR"))
  var budget: String

  @Option(
    parsing: .unconditional, help: ArgumentHelp("Eligible net spending in euros.", valueName: "EUR")
  )
  var spending: String

  @Option(
    name: .customLong("prior-results"), parsing: .unconditional,
    help: ArgumentHelp(
      "Results (budget - spending, negative for a deficit) of the years before, oldest first, comma-separated.",
      valueName: "R1,R2"))
  var priorResults: String?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @OptionGroup var rules: RuleOptions

  func run() throws {
    let table = try rules.table(command: "vangnet")
    var issues: [InputIssue] = []
    var budgetAmount = Money.zero
    var spendingAmount = Money.zero
    switch parseAmount(budget, option: "--budget", allowNegative: false) {
    case .success(let m): budgetAmount = m
    case .failure(let i): issues.append(i)
    }
    switch parseAmount(spending, option: "--spending", allowNegative: false) {
    case .success(let m): spendingAmount = m
    case .failure(let i): issues.append(i)
    }
    var priors: [Money]?
    if let priorResults {
      var list: [Money] = []
      for (i, item) in priorResults.split(separator: ",", omittingEmptySubsequences: false)
        .enumerated()
      {
        switch parseAmount(
          String(item), option: "--prior-results (item \(i + 1))", allowNegative: true)
        {
        case .success(let m): list.append(m)
        case .failure(let e): issues.append(e)
        }
      }
      priors = list
    }
    if issues.isEmpty && budgetAmount == .zero {
      issues.append(
        InputIssue(path: "--budget", expected: "a positive amount in euros", found: "0"))
    }
    guard issues.isEmpty else {
      throw InputFailure(command: "vangnet", issues: InputIssues(issues))
    }
    let answer: VangnetAnswer
    do {
      answer = try table.vangnet(
        VangnetQuestion(
          year: year, budget: budgetAmount, spending: spendingAmount, priorResults: priors))
    } catch {
      throw InputFailure(command: "vangnet", [error.description])
    }
    switch format {
    case .json: emit(JSONWriter.write(VangnetReport.json(answer)))
    case .table: emit(VangnetReport.table(answer))
    }
  }
}

/// `buig rules`: the rule table with its sources.
struct RulesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules",
    abstract: "Show the BUIG rules by year (macrobudget, reservation, vangnet) with their sources.")

  @Option(help: "Only this year.")
  var year: Int?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @OptionGroup var rules: RuleOptions

  func run() throws {
    let table = try rules.table(command: "rules")
    if let year, table.years[year] == nil {
      throw InputFailure(
        command: "rules",
        [
          "the rule table has no entry for \(year); years in the table: \(RuleTable.rangesText(table.sortedYears))"
        ])
    }
    switch format {
    case .json: emit(JSONWriter.write(RulesReport.json(table, year: year)))
    case .table: emit(RulesReport.table(table, year: year))
    }
  }
}
