import BuigTestSupport
import Testing

@testable import BuigEngine

@Suite("Order statistics")
struct OrderStatisticsTests {
  /// Inputs that a sample-based bracket can get wrong: ties on the bounds, a constant series,
  /// a mass at zero (the vangnet of most paths), sorted and reversed runs, heavy tails.
  static func cases() -> [(String, [Double])] {
    var g = PropertyRandom(seed: 42)
    let n = 50_000
    return [
      ("uniform", (0..<n).map { _ in g.unit() }),
      ("few distinct values", (0..<n).map { _ in (g.unit() * 5).rounded(.down) }),
      ("constant", Array(repeating: 7.5, count: n)),
      ("mostly zero", (0..<n).map { _ in g.unit() < 0.8 ? 0 : g.unit() * 1e6 }),
      ("ascending", (0..<n).map(Double.init)),
      ("descending", (0..<n).map { Double(n - $0) }),
      ("heavy tail", (0..<n).map { _ in 1 / max(g.unit(), 1e-12) }),
      ("short", (0..<1_000).map { _ in g.unit() }),
    ]
  }

  @Test func theyAreTheValuesAFullSortGives() {
    for (name, values) in Self.cases() {
      let n = values.count
      let sorted = values.sorted()
      let (q, i) = Summary.ranks(n, levels: Summary.levels)
      let ranks = [0, n - 1] + q + i.flatMap { [$0.0, $0.1] }
      let o = OrderStatistics(values[...], ranks: ranks)
      for r in ranks { #expect(o[r] == sorted[r], "\(name): rank \(r)") }
      // The one-pass bracketing serves continuous values by itself (no fallback).
      if name != "short" {
        #expect(
          OrderStatistics.bracketed(values[...], Array(Set(ranks)).sorted()) != nil, "\(name)")
      }
      // Also by the quickselect alone.
      var copy = values
      copy.withUnsafeMutableBufferPointer { a in
        OrderStatistics.select(a.baseAddress!, 0, n, Array(Set(ranks)).sorted()[...])
      }
      for r in ranks { #expect(copy[r] == sorted[r], "\(name), quickselect: rank \(r)") }
    }
  }

  @Test func aSummaryHasTheQuantilesOfTheSortedValues() {
    var g = PropertyRandom(seed: 7)
    let values = (0..<40_000).map { _ in g.unit() * 100 - 50 }
    let s = Summary(values)
    let sorted = values.sorted()
    #expect(s.min == sorted[0] && s.max == sorted[39_999])
    // Nearest rank: the ⌈p·n⌉-th smallest.
    #expect(s.quantiles[2] == sorted[19_999])
    #expect(s.quantiles[0] == sorted[1_999])
  }
}
