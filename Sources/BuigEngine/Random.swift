import BuigCore

/// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy
/// as 1, 2, 3" (SC 2011), as in the Random123 library.
///
/// A block of four 32-bit words is a pure function of a 128-bit counter and a 64-bit key, so that
/// any draw can be computed on its own: the engine keys draws by (scenario seed, path index,
/// purpose), and a path's numbers do not depend on batch size, thread count or order.
public struct Philox4x32: Sendable {
  /// The 64-bit key (two words).
  public var key: (UInt32, UInt32)

  /// A generator for a key.
  public init(key: (UInt32, UInt32)) { self.key = key }

  @usableFromInline static let m0: UInt32 = 0xD251_1F53
  @usableFromInline static let m1: UInt32 = 0xCD9E_8D57
  @usableFromInline static let w0: UInt32 = 0x9E37_79B9
  @usableFromInline static let w1: UInt32 = 0xBB67_AE85

  /// The four words of the block at `counter`.
  ///
  /// - Complexity: O(1): ten rounds of two 32×32→64-bit multiplications.
  @inlinable
  public func block(_ counter: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32)
  {
    var c = counter
    var k = key
    for round in 0..<10 {
      if round > 0 {
        k.0 &+= Self.w0
        k.1 &+= Self.w1
      }
      let p0 = UInt64(Self.m0) &* UInt64(c.0)
      let p1 = UInt64(Self.m1) &* UInt64(c.2)
      let hi0 = UInt32(truncatingIfNeeded: p0 >> 32)
      let lo0 = UInt32(truncatingIfNeeded: p0)
      let hi1 = UInt32(truncatingIfNeeded: p1 >> 32)
      let lo1 = UInt32(truncatingIfNeeded: p1)
      c = (hi1 ^ c.1 ^ k.0, lo1, hi0 ^ c.3 ^ k.1, lo0)
    }
    return c
  }
}

/// What a stream of random numbers is for; part of every draw's counter, so that streams of
/// different purposes never overlap.
public enum StreamPurpose: UInt32, Sendable {
  /// Uncertain inputs (one draw per named parameter).
  case parameter = 1
  /// The economy's yearly innovations.
  case economy = 2
  /// The bootstrap resamples of a sensitivity analysis (`Sobol.analyse`): which rows each
  /// resample draws.
  case bootstrap = 3
  /// The forecast of a calibration's backtest (`FlowFit.forecast`): its levels and its counts.
  case backtest = 4
  /// The counts of a path's monthly moves under count noise (`CountNoise`).
  case countNoise = 5
}

/// Random numbers keyed by (seed, path, purpose, slot): the n-th draw of a slot is block
/// (path low, path high, purpose, slot·2^16 + n/2) of Philox4x32-10 under the seed.
public struct RandomStreams: Sendable {
  /// The generator keyed by the scenario's seed.
  public let philox: Philox4x32

  /// Streams for a seed (the key's two words are the seed's low and high 32 bits).
  public init(seed: UInt64) {
    philox = Philox4x32(
      key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
  }

  /// A uniform number in the open interval (0, 1) with 53 random bits:
  /// (k + 0.5) / 2^53 for k uniform in 0…2^53 − 1.
  @inlinable
  public func uniform(path: Int, purpose: StreamPurpose, slot: UInt32, index: UInt32 = 0) -> Double
  {
    let p = UInt64(path)
    let b = philox.block(
      (
        UInt32(truncatingIfNeeded: p), UInt32(truncatingIfNeeded: p >> 32), purpose.rawValue,
        slot &* 0x1_0000 &+ index / 2
      ))
    let (hi, lo) = index % 2 == 0 ? (b.0, b.1) : (b.2, b.3)
    let k = (UInt64(hi) << 21) ^ (UInt64(lo) >> 11)
    return (Double(k) + 0.5) * 0x1p-53
  }

  /// A standard normal number: the normal quantile of `uniform`.
  @inlinable
  public func normal(path: Int, purpose: StreamPurpose, slot: UInt32, index: UInt32 = 0) -> Double {
    SpecialFunctions.normalQuantile(uniform(path: path, purpose: purpose, slot: slot, index: index))
  }

  /// A stable 32-bit slot for a name (FNV-1a), so that a parameter keeps its numbers when other
  /// parameters are added or removed (common random numbers between two scenarios).
  public static func slot(for name: String) -> UInt32 {
    var h: UInt32 = 0x811C_9DC5
    for b in name.utf8 {
      h ^= UInt32(b)
      h = h &* 0x0100_0193
    }
    return h & 0x7FFF  // leaves room for 2^16 draws per slot in the counter word
  }
}
