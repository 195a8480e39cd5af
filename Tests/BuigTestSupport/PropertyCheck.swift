import Foundation
import Testing

/// A small seeded generator for test inputs and property tests (SplitMix64, Steele, Lea and
/// Flood 2014): the same seed gives the same cases on every machine, and a failure names the
/// seed and case that reproduce it. Shared by the test targets; the engine's own streams are
/// `BuigEngine`'s counter-based generator.
public struct PropertyRandom: Sendable {
  /// The generator's state, advanced by the golden-ratio increment per draw.
  public var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform number in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992.0 }

  /// A uniform integer in `range`.
  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  /// Whether a coin with probability `p` of heads comes up heads.
  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// One of `items`.
  public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

  /// A whole number of cents in [low, high] euros, as an exact decimal.
  public mutating func cents(_ low: Decimal, _ high: Decimal) -> Decimal {
    let lo = NSDecimalNumber(decimal: low * 100).int64Value
    let hi = NSDecimalNumber(decimal: high * 100).int64Value
    let c = lo + Int64(next() % UInt64(hi - lo + 1))
    return Decimal(c) / 100
  }

  /// `items` in a random order (Fisher-Yates).
  public mutating func shuffled<T>(_ items: [T]) -> [T] {
    var a = items
    for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, int(0...i)) }
    return a
  }
}

/// Checks `property` on `cases` cases drawn from `seed`: case k gets a generator of its own,
/// seeded with the k-th output of the seed's generator, so one case can be replayed alone with
/// `only:`. `property` returns `nil` when the case holds, else what failed. The first failure is
/// recorded with the property's name, the seed, the case number and the case seed, and ends
/// the check.
public func forAll(
  _ name: String, seed: UInt64, cases: Int, only: Int? = nil,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ property: (inout PropertyRandom) throws -> String?
) rethrows {
  var seeds = PropertyRandom(seed: seed)
  for k in 0..<cases {
    let caseSeed = seeds.next()
    if let only, only != k { continue }
    var g = PropertyRandom(seed: caseSeed)
    if let failure = try property(&g) {
      Issue.record(
        "\(name): fails at seed \(seed), case \(k) of \(cases) (case seed \(caseSeed)): \(failure)",
        sourceLocation: sourceLocation)
      return
    }
  }
}
