import Foundation

/// An amount of money in euros, held as an exact decimal (`Foundation.Decimal`, 38 significant
/// digits): sums, differences and products with decimal rates are exact, so a rule applied to a
/// council letter's figures reproduces them to the cent.
///
/// Rounding happens only where a person reads a number, always through `rounded(toCents:)` /
/// `roundedEuros`: half away from zero ("gewoon afronden"), the way a controller rounds by hand.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The amount in euros; negative amounts are allowed (a deficit written as a result).
  public var euros: Decimal

  /// An amount in euros.
  public init(_ euros: Decimal) { self.euros = euros }

  /// An amount in euros from an integer.
  public init(euros: Int) { self.euros = Decimal(euros) }

  /// An amount given in millions of euros, as the public budget announcements write them:
  /// `Money(millions: 5889.6)` is EUR 5,889,600,000 exactly.
  public init(millions: Decimal) { self.euros = millions * 1_000_000 }

  /// EUR 0.
  public static let zero = Money(0)

  /// Sum.
  public static func + (a: Money, b: Money) -> Money { Money(a.euros + b.euros) }
  /// Difference.
  public static func - (a: Money, b: Money) -> Money { Money(a.euros - b.euros) }
  /// Negation.
  public static prefix func - (a: Money) -> Money { Money(-a.euros) }
  /// Adds in place.
  public static func += (a: inout Money, b: Money) { a = a + b }
  /// Subtracts in place.
  public static func -= (a: inout Money, b: Money) { a = a - b }
  /// An amount times a dimensionless factor (a share, a rate, a number of households).
  public static func * (a: Money, f: Decimal) -> Money { Money(a.euros * f) }
  /// A dimensionless factor times an amount.
  public static func * (f: Decimal, a: Money) -> Money { Money(a.euros * f) }
  /// Ordering by amount.
  public static func < (a: Money, b: Money) -> Bool { a.euros < b.euros }

  /// The ratio of two amounts (dimensionless), or `nil` when the divisor is zero.
  public func ratio(to other: Money) -> Decimal? {
    other.euros == 0 ? nil : euros / other.euros
  }

  /// The larger of the amount and zero.
  public var clampedAtZero: Money { euros < 0 ? .zero : self }

  /// The amount rounded to whole cents, half away from zero.
  public var roundedToCents: Money { Money(euros.rounded(2)) }

  /// The amount rounded to whole euros, half away from zero.
  public var roundedEuros: Money { Money(euros.rounded(0)) }

  /// The amount as a `Double` (for statistics and charts; never for money arithmetic).
  public var doubleValue: Double { euros.doubleValue }

  /// Whole euros with comma thousands separators, rounded half away from zero: `148,800,000`.
  public var groupedEuros: String { Money.group(roundedEuros.euros.plainText) }

  /// Groups the digits of an integer text in threes: `-1234567` → `-1,234,567`.
  public static func group(_ integerText: String) -> String {
    var digits = Substring(integerText)
    var sign = ""
    if digits.hasPrefix("-") {
      sign = "-"
      digits = digits.dropFirst()
    }
    var out: [Character] = []
    for (i, c) in digits.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return sign + String(out.reversed())
  }

  /// The exact decimal text with a point and no grouping: `6284800.5`, `-330000`.
  public var description: String { euros.plainText }
}

extension Decimal {
  /// The nearest `Double`: the one conversion from exact decimals to binary floating point
  /// (for the Monte Carlo engine, statistics and charts; never for money arithmetic).
  public var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }

  /// This number rounded to `scale` decimals, half away from zero.
  public func rounded(_ scale: Int) -> Decimal {
    var input = self
    var result = Decimal()
    // `.plain` rounds a half away from zero: 0.5 -> 1, -0.5 -> -1.
    NSDecimalRound(&result, &input, scale, .plain)
    return result
  }

  /// Plain decimal text with a point, no exponent, no grouping, `-` for negatives, no trailing
  /// zeros after the point: `1234.5`, `-0.075`, `1000000`.
  public var plainText: String {
    var text = NSDecimalNumber(decimal: self).description(
      withLocale: Locale(identifier: "en_US_POSIX"))
    if text.contains("E") || text.contains("e") {
      // Defensive: Foundation may use scientific notation for extreme exponents.
      text = String(describing: self)
    }
    return text
  }
}
