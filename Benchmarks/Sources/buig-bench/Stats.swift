/// The median of `xs` (the mean of the two middle values for an even count).
func median(_ xs: [Double]) -> Double {
  precondition(!xs.isEmpty, "median of nothing")
  let s = xs.sorted()
  let m = s.count / 2
  return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/// Times of one contender, one per round, in seconds.
struct Series {
  var name: String
  var seconds: [Double] = []
  /// Peak resident memory per round (KiB), for child processes.
  var peakKiB: [Int] = []

  var medianSeconds: Double { median(seconds) }
  var minSeconds: Double { seconds.min() ?? .nan }
  var maxSeconds: Double { seconds.max() ?? .nan }
  var medianPeakMiB: Double? {
    peakKiB.isEmpty ? nil : median(peakKiB.map { Double($0) / 1024 })
  }

  /// median, min and max seconds, and the count.
  var json: [(String, JSON)] {
    [
      ("medianSeconds", .num(medianSeconds)), ("minSeconds", .num(minSeconds)),
      ("maxSeconds", .num(maxSeconds)), ("runs", .int(seconds.count)),
      ("perRound", .array(seconds.map { .num($0) })),
    ]
  }
}

/// The median over rounds of a[i] / b[i]: a ratio taken pair by pair within a round, so that a
/// change of the machine's speed between rounds cancels out.
func pairedRatio(_ a: [Double], _ b: [Double]) -> Double {
  let n = min(a.count, b.count)
  guard n > 0 else { return .nan }
  return median((0..<n).map { a[$0] / b[$0] })
}

/// A 64-bit generator with a fixed seed (SplitMix64): the inputs are the same on every run.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [a, b).
  mutating func uniform(_ a: Double, _ b: Double) -> Double {
    a + (b - a) * Double(next() >> 11) * 0x1p-53
  }
}
