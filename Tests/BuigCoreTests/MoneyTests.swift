import Foundation
import Testing

@testable import BuigCore

@Suite("Money")
struct MoneyTests {
  @Test(arguments: [
    ("2.5", "3"), ("-2.5", "-3"), ("2.4999", "2"), ("0.5", "1"), ("-0.4", "0"),
    ("1234567.5", "1234568"),
  ])
  func roundsEurosHalfAwayFromZero(input: String, expected: String) {
    let m = Money(Decimal(string: input)!)
    #expect(m.roundedEuros.euros == Decimal(string: expected)!)
  }

  @Test func roundsCentsHalfAwayFromZero() {
    #expect(Money(Decimal(string: "0.125")!).roundedToCents.euros == Decimal(string: "0.13")!)
    #expect(Money(Decimal(string: "-0.125")!).roundedToCents.euros == Decimal(string: "-0.13")!)
    #expect(Money(Decimal(string: "0.124999")!).roundedToCents.euros == Decimal(string: "0.12")!)
  }

  @Test func millionsAreExact() {
    #expect(Money(millions: Decimal(string: "5889.6")!).euros == Decimal(5_889_600_000))
    #expect(Money(millions: Decimal(string: "1.35")!) == Money(euros: 1_350_000))
  }

  @Test func groupsThousands() {
    #expect(Money(euros: -1_746_811).groupedEuros == "-1,746,811")
    #expect(Money(euros: 999).groupedEuros == "999")
    #expect(Money(euros: 1000).groupedEuros == "1,000")
    #expect(Money(Decimal(string: "148799999.5")!).groupedEuros == "148,800,000")
  }

  @Test func plainTextHasNoExponent() {
    #expect(Decimal(string: "0.075")!.plainText == "0.075")
    #expect(Decimal(string: "1e9")!.plainText == "1000000000")
    #expect(Decimal(string: "-330000")!.plainText == "-330000")
  }
}
