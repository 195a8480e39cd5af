import BuigCore
import BuigJSON
import Foundation

/// The paths of one shard of a run (`buig run --shard K/M`), written so that `buig merge` can
/// rebuild the output of the whole run byte for byte.
///
/// File layout: the line `BUIGPART1`, one line of JSON (the header: engine version, scenario
/// hash and bytes, seed, kernel, paths, shard, series names), then the values as little-endian
/// IEEE doubles, series after series, each with one value per path of the shard.
public struct PartialResult: Sendable {
  /// The magic first line.
  public static let magic = "BUIGPART1"

  /// The engine version that wrote it.
  public var engineVersion: String
  /// SHA-256 of the scenario's bytes.
  public var scenarioSHA256: String
  /// The scenario file's bytes (so that the merge needs no other file).
  public var scenarioBytes: [UInt8]
  /// Where the scenario came from.
  public var scenarioOrigin: String
  /// The `--set` edits that made `scenarioBytes` from the file (empty when none).
  public var scenarioEdits: [String]
  /// The rule override file's bytes, when `--rules` was given.
  public var rulesBytes: [UInt8]?
  /// The seed.
  public var seed: UInt64
  /// The kernel.
  public var kernel: String
  /// The OpenBLAS core type that ran it.
  public var blasCore: String
  /// Paths of the whole run.
  public var totalPaths: Int
  /// This shard (1-based) and the number of shards.
  public var shard: Int
  /// Number of shards.
  public var shards: Int
  /// The series names (`SeriesLayout.names` of the run that wrote it).
  public var seriesNames: [String]
  /// The first path of the shard.
  public var firstPath: Int
  /// Paths in the shard.
  public var paths: Int
  /// Series-major values, as `PathValues.storage`.
  public var storage: [Double]

  /// The path range of shard k (1-based) of m over n paths: whole tiles of `MonteCarlo.tile`
  /// paths, shared out as evenly as possible.
  public static func range(shard k: Int, of m: Int, paths n: Int) -> Range<Int> {
    let tiles = (n + MonteCarlo.tile - 1) / MonteCarlo.tile
    let a = (k - 1) * tiles / m
    let b = k * tiles / m
    return min(n, a * MonteCarlo.tile)..<min(n, b * MonteCarlo.tile)
  }

  /// A partial result.
  public init(
    engineVersion: String, scenarioSHA256: String, scenarioBytes: [UInt8], scenarioOrigin: String,
    scenarioEdits: [String] = [], rulesBytes: [UInt8]?,
    seed: UInt64, kernel: String, blasCore: String, totalPaths: Int, shard: Int, shards: Int,
    seriesNames: [String], firstPath: Int, paths: Int, storage: [Double]
  ) {
    self.engineVersion = engineVersion
    self.scenarioSHA256 = scenarioSHA256
    self.scenarioBytes = scenarioBytes
    self.scenarioOrigin = scenarioOrigin
    self.scenarioEdits = scenarioEdits
    self.rulesBytes = rulesBytes
    self.seed = seed
    self.kernel = kernel
    self.blasCore = blasCore
    self.totalPaths = totalPaths
    self.shard = shard
    self.shards = shards
    precondition(storage.count == paths * seriesNames.count, "one value per series and path")
    self.seriesNames = seriesNames
    self.firstPath = firstPath
    self.paths = paths
    self.storage = storage
  }

  /// A partial result holding a run's values.
  public init(
    engineVersion: String, scenarioSHA256: String, scenarioBytes: [UInt8], scenarioOrigin: String,
    scenarioEdits: [String] = [], rulesBytes: [UInt8]?, seed: UInt64, kernel: String,
    blasCore: String, totalPaths: Int,
    shard: Int, shards: Int, values: PathValues
  ) {
    self.init(
      engineVersion: engineVersion, scenarioSHA256: scenarioSHA256, scenarioBytes: scenarioBytes,
      scenarioOrigin: scenarioOrigin, scenarioEdits: scenarioEdits, rulesBytes: rulesBytes,
      seed: seed, kernel: kernel,
      blasCore: blasCore, totalPaths: totalPaths, shard: shard, shards: shards,
      seriesNames: values.layout.names, firstPath: values.firstPath, paths: values.count,
      storage: values.storage)
  }

  /// The values under the layout of the run that reads them, or an error when the shard was
  /// written with other series (another scenario or engine).
  public func values(layout: SeriesLayout) throws(ReadError) -> PathValues {
    guard layout.names == seriesNames else {
      throw ReadError(
        description:
          "the partial results hold other series than the scenario's run has (\(seriesNames.count) against \(layout.count)): they were written by another engine or scenario"
      )
    }
    return PathValues(layout: layout, firstPath: firstPath, count: paths, storage: storage)
  }

  /// The file's bytes. The header has a `set` member only when there are edits, so that a run
  /// without `--set` writes what earlier versions wrote.
  public func encoded() -> Data {
    var header: JSONValue = .object([
      ("engine", .string(engineVersion)), ("scenarioSha256", .string(scenarioSHA256)),
      ("scenarioOrigin", .string(scenarioOrigin)),
      ("scenario", .string(Data(scenarioBytes).base64EncodedString())),
      ("rules", rulesBytes.map { .string(Data($0).base64EncodedString()) } ?? .null),
      ("seed", .number(String(seed))), ("kernel", .string(kernel)), ("blasCore", .string(blasCore)),
      ("totalPaths", .int(totalPaths)),
      ("shard", .int(shard)), ("shards", .int(shards)), ("firstPath", .int(firstPath)),
      ("paths", .int(paths)), ("series", .array(seriesNames.map { .string($0) })),
    ])
    if !scenarioEdits.isEmpty, case .object(var members) = header {
      members.insert(("set", .array(scenarioEdits.map { .string($0) })), at: 3)
      header = .object(members)
    }
    var data = Data((Self.magic + "\n" + JSONWriter.writeCompact(header) + "\n").utf8)
    data.reserveCapacity(data.count + 8 * storage.count)
    storage.withUnsafeBufferPointer { p in
      for v in p {
        var bits = v.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
      }
    }
    return data
  }

  /// Problems reading a partial file.
  public struct ReadError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
  }

  /// Reads a partial file.
  public static func decode(_ data: Data, name: String) throws(ReadError) -> PartialResult {
    let bytes = [UInt8](data)
    guard let first = bytes.firstIndex(of: 10),
      String(decoding: bytes[..<first], as: UTF8.self) == magic,
      let second = bytes[(first + 1)...].firstIndex(of: 10)
    else {
      throw ReadError(
        description:
          "\(name): expected a partial result written by buig run --shard, found another file")
    }
    guard let header = try? JSONParser.parse(Array(bytes[(first + 1)..<second])) else {
      throw ReadError(description: "\(name): the header of the partial result is damaged")
    }
    func string(_ k: String) -> String? {
      if case .string(let s) = header[k] ?? .null { s } else { nil }
    }
    func int(_ k: String) -> Int? {
      if case .number(let n) = header[k] ?? .null { Int(n) } else { nil }
    }
    guard let engine = string("engine"), let sha = string("scenarioSha256"),
      let origin = string("scenarioOrigin"),
      let scenario = string("scenario").flatMap({ Data(base64Encoded: $0) }),
      case .number(let seedText) = header["seed"] ?? .null,
      let seed = UInt64(seedText), let kernel = string("kernel"), let core = string("blasCore"),
      let total = int("totalPaths"), let shard = int("shard"),
      let shards = int("shards"), let firstPath = int("firstPath"), let paths = int("paths"),
      case .array(let names) = header["series"] ?? .null
    else { throw ReadError(description: "\(name): the header of the partial result is incomplete") }
    let seriesNames = names.compactMap { v -> String? in
      if case .string(let s) = v { s } else { nil }
    }
    let body = bytes[(second + 1)...]
    guard body.count == 8 * paths * seriesNames.count else {
      throw ReadError(
        description:
          "\(name): expected \(8 * paths * seriesNames.count) bytes of values, found \(body.count): the file is cut off or damaged"
      )
    }
    var storage = [Double](repeating: 0, count: paths * seriesNames.count)
    var offset = body.startIndex
    for i in storage.indices {
      var bits: UInt64 = 0
      for b in 0..<8 { bits |= UInt64(bytes[offset + b]) << (8 * UInt64(b)) }
      storage[i] = Double(bitPattern: bits)
      offset += 8
    }
    let rules = string("rules").flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
    var edits: [String] = []
    if case .array(let items) = header["set"] ?? .null {
      edits = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
    return PartialResult(
      engineVersion: engine, scenarioSHA256: sha, scenarioBytes: [UInt8](scenario),
      scenarioOrigin: origin, scenarioEdits: edits,
      rulesBytes: rules, seed: seed, kernel: kernel, blasCore: core, totalPaths: total,
      shard: shard, shards: shards,
      seriesNames: seriesNames, firstPath: firstPath, paths: paths, storage: storage)
  }

  /// Joins the shards of one run, in shard order, after checking that they belong together and
  /// cover every path once.
  public static func merge(_ parts: [PartialResult]) throws(ReadError) -> PartialResult {
    guard let first = parts.first else { throw ReadError(description: "no partial results given") }
    for p in parts {
      if p.scenarioSHA256 != first.scenarioSHA256 || p.seed != first.seed
        || p.kernel != first.kernel
        || p.blasCore != first.blasCore
        || p.totalPaths != first.totalPaths || p.shards != first.shards
        || p.engineVersion != first.engineVersion
        || p.seriesNames != first.seriesNames || p.rulesBytes != first.rulesBytes
      {
        throw ReadError(
          description:
            "shard \(p.shard) comes from another run than shard \(first.shard) (scenario, seed, kernel, BLAS core, paths, rules or engine differ)"
        )
      }
    }
    let sorted = parts.sorted { $0.shard < $1.shard }
    let numbers = sorted.map(\.shard)
    guard numbers == Array(1...first.shards) else {
      let missing = Set(1...first.shards).subtracting(numbers).sorted()
      let twice = Dictionary(grouping: numbers, by: { $0 }).filter { $1.count > 1 }.keys.sorted()
      throw ReadError(
        description: "expected shards 1 to \(first.shards) once each"
          + (missing.isEmpty
            ? "" : "; missing: \(missing.map(String.init).joined(separator: ", "))")
          + (twice.isEmpty
            ? "" : "; given twice: \(twice.map(String.init).joined(separator: ", "))"))
    }
    var end = sorted[0].firstPath
    for p in sorted {
      guard p.firstPath == end else {
        throw ReadError(
          description: "shard \(p.shard) does not start where shard \(p.shard - 1) ends")
      }
      end += p.paths
    }
    let total = end - sorted[0].firstPath
    guard sorted[0].firstPath == 0, total == first.totalPaths else {
      throw ReadError(description: "the shards cover \(total) of \(first.totalPaths) paths")
    }
    // Series-major: series k of every shard in shard order, then series k + 1.
    var storage: [Double] = []
    storage.reserveCapacity(total * first.seriesNames.count)
    for k in first.seriesNames.indices {
      for p in sorted { storage += p.storage[(k * p.paths)..<((k + 1) * p.paths)] }
    }
    var merged = first
    merged.shard = 1
    merged.shards = 1
    merged.firstPath = 0
    merged.paths = total
    merged.storage = storage
    return merged
  }
}
