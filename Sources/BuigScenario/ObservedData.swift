import BuigCore
import BuigJSON
import Foundation

/// A municipality's observed caseload and flows by period, read from a CSV file
/// (docs/calibration-data.md): the data `buig calibrate` fits the flow model to.
public struct ObservedData: Sendable {
  /// One period (a month or a quarter).
  public struct Period: Sendable, Equatable {
    /// The period as written: `2021-01` or `2021-Q1`.
    public var label: String
    /// Months since January of year 0 at the period's start (a gap check and an order).
    public var index: Int
    /// The caseload at the period's end and the flows in it.
    public var counts: PeriodCounts
    /// The stock at the period's end by duration band (< 1, 1-2, 2-5, > 5 years).
    public var duration: [Double?]
    /// The stock at the period's end by rung 1…7.
    public var rungs: [Double?]
    /// The unemployment rate (percent) in the period.
    public var unemploymentRate: Double?
  }

  /// Months per period: 1 (monthly) or 3 (quarterly).
  public var monthsPerPeriod: Int
  /// The periods in order.
  public var periods: [Period]
  /// The file's name, for the fit's audit trail.
  public var name: String
  /// The SHA-256 of the file's bytes (hex), for the fit's audit trail.
  public var sha256: String

  /// The columns a file may have.
  public static let columns =
    [
      "period", "caseload", "inflow", "outflowWork", "outflowSchool", "outflowOther", "outflow",
      "durationLt1", "duration1to2", "duration2to5", "durationGt5",
    ] + (1...7).map { "rung\($0)" } + ["unemploymentRate"]

  /// How far the stock identity (previous caseload + inflow − outflow = caseload) may be off, as
  /// a share of the previous caseload, before a row is refused: 1%, or 5 households for a small
  /// caseload (corrections, late registrations).
  public static let identityTolerance = (share: 0.01, households: 5.0)

  /// Reads a CSV file's bytes: comma-separated with a decimal point, or the excel-nl dialect
  /// (semicolon, decimal comma, optional BOM), told apart by the header line. Every problem is
  /// reported at once, each with its row (the file's line number) and column.
  public static func read(_ bytes: [UInt8], name: String) throws(InputIssues) -> ObservedData {
    var problems: [InputIssue] = []
    func problem(_ row: Int, _ column: String, expected: String, found: String) {
      problems.append(
        InputIssue(path: "\(name): row \(row), column \(column)", expected: expected, found: found))
    }
    var text = String(decoding: bytes, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty
    else {
      throw InputIssues([
        InputIssue(
          path: name, expected: "a CSV file whose first line names the columns (period,caseload,…)",
          found: "an empty file")
      ])
    }
    let semicolon = headerLine.contains(";")
    let separator: Character = semicolon ? ";" : ","
    let header = headerLine.split(separator: separator, omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
        in: CharacterSet(charactersIn: "\""))
    }
    var position: [String: Int] = [:]
    for (i, h) in header.enumerated() {
      if !columns.contains(h) {
        problem(
          1, h.isEmpty ? "\(i + 1)" : h, expected: "one of \(columns.joined(separator: ", "))",
          found: "\"\(h)\"")
      } else if position[h] != nil {
        problem(1, h, expected: "each column once", found: "\"\(h)\" twice")
      } else {
        position[h] = i
      }
    }
    for required in ["period", "caseload", "inflow"] where position[required] == nil {
      problem(1, required, expected: "a column \"\(required)\"", found: "none")
    }
    if position["outflow"] != nil
      && ["outflowWork", "outflowSchool", "outflowOther"].contains(where: { position[$0] != nil })
    {
      problem(
        1, "outflow",
        expected: "either outflow or its split (outflowWork, outflowSchool, outflowOther)",
        found: "both")
    }
    if !problems.isEmpty { throw InputIssues(problems) }

    var periods: [Period] = []
    var seen: [String: Int] = [:]
    var months: Int?
    for (k, raw) in lines.enumerated().dropFirst() {
      let row = k + 1
      if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let cells = raw.split(separator: separator, omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
          in: CharacterSet(charactersIn: "\""))
      }
      if cells.count != header.count {
        problem(
          row, "*", expected: "\(header.count) cells as in the header",
          found: "\(cells.count) cells")
        continue
      }
      func cell(_ column: String) -> String? {
        guard let i = position[column], !cells[i].isEmpty else { return nil }
        return cells[i]
      }
      func number(_ column: String, count: Bool = true) -> Double? {
        guard let text = cell(column) else { return nil }
        let normalized = semicolon ? text.replacingOccurrences(of: ",", with: ".") : text
        guard !normalized.contains(where: { $0 == "," }), let v = Double(normalized), v.isFinite
        else {
          problem(
            row, column,
            expected: semicolon
              ? "a number with a decimal comma (excel-nl: no thousands separators)"
              : "a number with a decimal point (no thousands separators)", found: "\"\(text)\"")
          return nil
        }
        if count && v < 0 {
          problem(row, column, expected: "a count of 0 or more", found: text)
          return nil
        }
        return v
      }
      guard let label = cell("period") else {
        problem(row, "period", expected: "a period such as 2021-01 or 2021-Q1", found: "nothing")
        continue
      }
      guard let (index, length) = parsePeriod(label) else {
        problem(
          row, "period", expected: "a period such as 2021-01 or 2021-Q1", found: "\"\(label)\"")
        continue
      }
      if let m = months, m != length {
        problem(
          row, "period",
          expected: m == 1 ? "a month like the rows before" : "a quarter like the rows before",
          found: "\"\(label)\"")
        continue
      }
      months = length
      if let first = seen[label] {
        problem(row, "period", expected: "each period once", found: "\(label) again (row \(first))")
        continue
      }
      seen[label] = row
      if let last = periods.last, index != last.index + length {
        problem(
          row, "period", expected: "the period after \(last.label) (no gaps, in order)",
          found: "\(label)")
      }
      let caseload = number("caseload")
      if caseload == nil && cell("caseload") == nil {
        problem(row, "caseload", expected: "the caseload at the period's end", found: "nothing")
      }
      let duration = ["durationLt1", "duration1to2", "duration2to5", "durationGt5"].map {
        number($0)
      }
      let rungs = (1...7).map { number("rung\($0)") }
      let period = Period(
        label: label, index: index,
        counts: PeriodCounts(
          caseload: caseload ?? 0, inflow: number("inflow"), outflowWork: number("outflowWork"),
          outflowSchool: number("outflowSchool"), outflowOther: number("outflowOther"),
          outflow: number("outflow"),
          durationBands: duration.contains(nil) ? nil : duration.map { $0! },
          unemploymentRate: number("unemploymentRate", count: false),
          rungStocks: rungs.contains(nil) ? nil : rungs.map { $0! }),
        duration: duration,
        rungs: rungs,
        unemploymentRate: number("unemploymentRate", count: false))
      periods.append(period)
    }
    if periods.count < 2 && problems.isEmpty {
      problems.append(
        InputIssue(
          path: name, expected: "at least two periods (the first is the starting stock)",
          found: "\(periods.count)"))
    }
    // The stock identity, where the row has every flow it needs.
    if problems.isEmpty {
      for i in 1..<periods.count {
        var p = periods[i]
        let split = [p.counts.outflowWork, p.counts.outflowSchool, p.counts.outflowOther]
        if p.counts.outflow == nil, split.allSatisfy({ $0 != nil }) {
          p.counts.outflow = split.reduce(0) { $0 + $1! }
          periods[i] = p
        }
        guard let inflow = p.counts.inflow, let outflow = p.counts.outflow else { continue }
        let previous = periods[i - 1].counts.caseload
        let gap = previous + inflow - outflow - p.counts.caseload
        let allowed = max(identityTolerance.share * previous, identityTolerance.households)
        if abs(gap) > allowed {
          problem(
            seen[p.label]!, "caseload",
            expected:
              "previous caseload + inflow − outflow = caseload within \(Int(identityTolerance.share * 100))% of the previous caseload (\(fmt(allowed)) households): \(fmt(previous)) + \(fmt(inflow)) − \(fmt(outflow)) = \(fmt(previous + inflow - outflow))",
            found: fmt(p.counts.caseload))
        }
      }
    }
    if !problems.isEmpty { throw InputIssues(problems) }
    return ObservedData(
      monthsPerPeriod: months ?? 1, periods: periods, name: name, sha256: SHA256.hex(bytes))
  }

  private static func fmt(_ v: Double) -> String {
    v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
  }

  /// `2021-01` → (months since year 0, 1); `2021-Q1` → (its first month, 3); nil otherwise.
  static func parsePeriod(_ s: String) -> (Int, Int)? {
    let parts = s.split(separator: "-")
    guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), year >= 1900,
      year <= 2200
    else { return nil }
    if parts[1].hasPrefix("Q"), parts[1].count == 2, let q = Int(parts[1].dropFirst()),
      (1...4).contains(q)
    {
      return (year * 12 + (q - 1) * 3, 3)
    }
    guard parts[1].count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return nil }
    return (year * 12 + m - 1, 1)
  }
}
