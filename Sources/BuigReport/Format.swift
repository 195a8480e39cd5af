import BuigCore
import BuigJSON
import Foundation

/// How numbers look where people read them. Every renderer formats through here, so that an
/// amount is rounded the same way in every output (half away from zero, `Money`).
public enum Format {
  /// Whole euros with comma thousands separators: `148,800,000`, `-1,747,000`.
  public static func euros(_ m: Money) -> String {
    m.groupedEuros
  }

  /// Euros and cents with thousands separators: `4,931,212.35`.
  public static func eurosCents(_ m: Money) -> String {
    let text = m.roundedToCents.euros.plainText
    let parts = text.split(separator: ".", maxSplits: 1)
    let cents =
      parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
    return group(String(parts[0])) + "." + cents
  }

  /// An amount in millions as the budget announcements write it: `5,889.6M`, `1.35M`
  /// (at most `decimals` decimals, trailing zeros dropped).
  public static func millions(_ m: Money, decimals: Int = 2) -> String {
    let text = (m.euros / 1_000_000).rounded(decimals).plainText
    let parts = text.split(separator: ".", maxSplits: 1)
    return group(String(parts[0])) + (parts.count > 1 ? "." + parts[1] : "") + "M"
  }

  /// Groups the digits of an integer text in threes: `-1234567` → `-1,234,567`.
  public static func group(_ integerText: String) -> String { Money.group(integerText) }

  /// A fraction as a percentage with `decimals` decimals: 0.0544 → `5.44%`.
  public static func percent(_ fraction: Decimal, decimals: Int = 2) -> String {
    let p = (fraction * 100).rounded(decimals)
    var text = p.plainText
    if decimals > 0 {
      let parts = text.split(separator: ".", maxSplits: 1)
      let frac = parts.count > 1 ? String(parts[1]) : ""
      text = String(parts[0]) + "." + frac.padding(toLength: decimals, withPad: "0", startingAt: 0)
    }
    return text + "%"
  }

  /// An amount as a JSON number in euros, rounded to cents.
  public static func json(_ m: Money) -> JSONValue { .number(m.roundedToCents.euros.plainText) }

  /// An optional amount as a JSON number, or `null`.
  public static func json(_ m: Money?) -> JSONValue { m.map(json) ?? .null }

  /// A fraction as a JSON number of percent with four decimals: 0.054435 → `5.4435`.
  public static func jsonPercent(_ fraction: Decimal) -> JSONValue {
    .number((fraction * 100).rounded(4).plainText)
  }

  /// An exact decimal as a JSON number.
  public static func json(_ d: Decimal) -> JSONValue { .number(d.plainText) }

  /// Wraps `text` to lines of at most `width` characters, each prefixed by `indent` (the first
  /// by `firstIndent` when given).
  public static func wrap(
    _ text: String, width: Int = 78, indent: String = "", firstIndent: String? = nil
  ) -> String {
    var lines: [String] = []
    var line = firstIndent ?? indent
    var lineHasWord = false
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if lineHasWord && line.count + 1 + word.count > width {
        lines.append(line)
        line = indent
        lineHasWord = false
      }
      line += (lineHasWord ? " " : "") + word
      lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }
}

/// A plain-text table with aligned columns.
public struct TextTable {
  /// Column alignment.
  public enum Alignment {
    /// Text columns.
    case left
    /// Number columns.
    case right
  }

  /// Column headers.
  public var headers: [String]
  /// Alignment per column.
  public var alignments: [Alignment]
  /// Rows of cells; a row may be shorter than the headers.
  public var rows: [[String]] = []

  /// A table with headers and alignments.
  public init(headers: [String], alignments: [Alignment]) {
    self.headers = headers
    self.alignments = alignments
  }

  /// Appends a row.
  public mutating func add(_ cells: [String]) { rows.append(cells) }

  /// The table as lines: header, a rule, the rows; columns separated by two spaces.
  public func render(indent: String = "") -> String {
    var widths = headers.map(\.count)
    for r in rows {
      for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
    }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for i in 0..<headers.count {
        let c = i < cells.count ? cells[i] : ""
        let pad = String(repeating: " ", count: widths[i] - c.count)
        parts.append(alignments[i] == .left ? c + pad : pad + c)
      }
      var s = indent + parts.joined(separator: "  ")
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
    var out = [line(headers)]
    out.append(indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    out += rows.map(line)
    return out.joined(separator: "\n")
  }
}
