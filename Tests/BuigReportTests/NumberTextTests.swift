import BuigEngine
import BuigJSON
import BuigReport
import Testing

@Suite("Statistics as text")
struct NumberTextTests {
  @Test func nonFiniteStatisticsNeverReadAsZero() {
    #expect(MonteCarloInfo.fixed(.nan, 2) == "NaN")
    #expect(MonteCarloInfo.fixed(.infinity, 2) == "inf")
    #expect(MonteCarloInfo.fixed(-.infinity, 0) == "-inf")
    #expect(MonteCarloInfo.fixed(-0.001, 2) == "0.00")
    #expect(MonteCarloInfo.fixed(1234.565, 2) == "1234.57")
    #expect(MonteCarloInfo.number(.nan, 2) == .null)
    #expect(MonteCarloInfo.number(2.5, 1) == .number("2.5"))
    // A summary of no paths: every statistic is missing, none is a plausible 0.
    let empty = MonteCarloInfo.statistics(Summary([Double]()))
    let mean = empty.first { $0.key == "mean" }?.value
    #expect(mean == .null)
    #expect(empty.first { $0.key == "p50" }?.value == .null)
  }
}
