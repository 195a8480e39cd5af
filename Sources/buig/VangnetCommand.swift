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

      Before 2015 (IAU and MAU) the rules depend on the number of inhabitants: give \
      --inhabitants. The MAU covers a year granted before (--mau-granted) or a request whose \
      three reference years each exceeded their threshold (give --prior-results with \
      --prior-budgets); its own contribution is set by the Toetsingscommissie (--mau-own-risk, \
      default the lowest), and the output shows the compensation at each.

      Example: buig vangnet --year 2018 --budget 148800000 --spending 156900000
      Example: buig vangnet --year 2013 --inhabitants 100000 --budget 100000000 \
        --spending 108000000 --prior-results=-7000000,-7000000,-3000000 \
        --prior-budgets 100000000,100000000,100000000 --mau-own-risk 5
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

  @Option(
    name: .customLong("prior-budgets"), parsing: .unconditional,
    help: ArgumentHelp(
      "The budgets of the same prior years, oldest first, comma-separated (for conditions judged on each year's deficit as a share of its budget: the MAU, the 2025 uitgebreid vangnet).",
      valueName: "B1,B2"))
  var priorBudgets: String?

  @Option(
    help: ArgumentHelp(
      "The municipality's number of inhabitants (the MAU needs more than 25,000; the IAU's labour-market test applies above 10,000; the 2016 rule also enters a deficit above EUR 30 per inhabitant).",
      valueName: "N"))
  var inhabitants: Int?

  @Option(
    name: .customLong("mau-own-risk"),
    help: ArgumentHelp(
      "The MAU own contribution the Toetsingscommissie set, in percent of the budget (2.5, 5 or 7.5; default: the lowest, named as an assumption).",
      valueName: "PERCENT"))
  var mauOwnRisk: String?

  @Flag(
    name: .customLong("mau-granted"),
    help:
      "The year lies in an MAU block granted before (such as the continuation of an MAU 2009-2011 into 2012)."
  )
  var mauGranted = false

  @Option(
    name: .customLong("unlawful-spending"), parsing: .unconditional,
    help: ArgumentHelp(
      "Unlawful or uncertain spending reported by the auditor, in euros, deducted from the costs where the year's rule says so (2019-2024).",
      valueName: "EUR"))
  var unlawfulSpending: String?

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
    let priors = priorResults.map {
      parseAmounts($0, option: "--prior-results", allowNegative: true, issues: &issues)
    }
    let budgets = priorBudgets.map {
      parseAmounts($0, option: "--prior-budgets", allowNegative: false, issues: &issues)
    }
    if priorBudgets != nil && priorResults == nil {
      issues.append(
        InputIssue(
          path: "--prior-budgets", expected: "to come with --prior-results (the same years)",
          found: "no --prior-results"))
    }
    var context = VangnetContext(inhabitants: inhabitants)
    if let n = inhabitants, n < 1 {
      issues.append(
        InputIssue(
          path: "--inhabitants", expected: "a positive number of inhabitants", found: "\(n)"))
    }
    if let mauOwnRisk {
      if let v = Decimal(string: mauOwnRisk.trimmingCharacters(in: .whitespaces)),
        mauOwnRisk.allSatisfy({ $0.isNumber || $0 == "." || $0 == " " })
      {
        context.mauOwnRisk = v / 100
      } else {
        issues.append(
          InputIssue(
            path: "--mau-own-risk", expected: "a percentage such as 2.5, 5 or 7.5",
            found: "\"\(mauOwnRisk)\""))
      }
    }
    if mauGranted { context.mauGrantedYears = [year] }
    if let unlawfulSpending {
      switch parseAmount(unlawfulSpending, option: "--unlawful-spending", allowNegative: false) {
      case .success(let m): context.unlawfulSpending = [year: m]
      case .failure(let e): issues.append(e)
      }
    }
    let mauYears = RuleTable.rangesText(
      table.vangnetYears.filter { y in
        table.years[y]!.vangnet!.regimes.contains { $0.mau != nil }
      })
    let unlawfulYears = RuleTable.rangesText(
      table.vangnetYears.filter { table.years[$0]!.vangnet!.deductsUnlawfulSpending != nil })
    if let rule = table.years[year]?.vangnet {
      if mauGranted && !rule.regimes.contains(where: { $0.mau != nil }) {
        issues.append(
          InputIssue(
            path: "--mau-granted", expected: "a year whose rule has an MAU (\(mauYears))",
            found: "\(year)"))
      }
      if mauOwnRisk != nil && !rule.regimes.contains(where: { $0.mau != nil }) {
        issues.append(
          InputIssue(
            path: "--mau-own-risk", expected: "a year whose rule has an MAU (\(mauYears))",
            found: "\(year)"))
      }
      if unlawfulSpending != nil && rule.deductsUnlawfulSpending == nil {
        issues.append(
          InputIssue(
            path: "--unlawful-spending",
            expected: "a year whose rule deducts unlawful spending (\(unlawfulYears))",
            found: "\(year)"))
      }
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
          year: year, budget: budgetAmount, spending: spendingAmount, priorResults: priors,
          priorBudgets: budgets, context: context))
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

/// A comma-separated list of amounts in euros (an option's value), each item checked by
/// `parseAmount`; problems go to `issues` with the item's place (`--prior-results (item 2)`).
func parseAmounts(
  _ text: String, option: String, allowNegative: Bool, issues: inout [InputIssue]
) -> [Money] {
  var list: [Money] = []
  for (i, item) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
    switch parseAmount(
      String(item), option: "\(option) (item \(i + 1))", allowNegative: allowNegative)
    {
    case .success(let m): list.append(m)
    case .failure(let e): issues.append(e)
    }
  }
  return list
}
