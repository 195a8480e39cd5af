import ArgumentParser
import BuigCore
import BuigEngine
import Foundation

/// Reads a memory size: a whole number of bytes, or a number with a unit (KB, MB, GB, TB in
/// powers of 1000; KiB, MiB, GiB, TiB, and K, M, G, T, in powers of 1024), for example `8GiB`.
func parseMemorySize(_ text: String) throws -> Double {
  let units: [(String, Double)] = [
    ("KiB", 0x1p10), ("MiB", 0x1p20), ("GiB", 0x1p30), ("TiB", 0x1p40),
    ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
    ("K", 0x1p10), ("M", 0x1p20), ("G", 0x1p30), ("T", 0x1p40), ("B", 1),
  ]
  let trimmed = text.trimmingCharacters(in: .whitespaces)
  var number = trimmed
  var factor = 1.0
  for (unit, f) in units where trimmed.uppercased().hasSuffix(unit.uppercased()) {
    number = String(trimmed.dropLast(unit.count)).trimmingCharacters(in: .whitespaces)
    factor = f
    break
  }
  guard let v = Double(number), v.isFinite, v > 0 else {
    throw ValidationError(
      "--memory-limit: expected a size such as 8GiB, 500MB or a number of bytes, found \(text)")
  }
  return v * factor
}

/// `--memory-limit`, shared by the commands that run Monte Carlo paths.
struct MemoryLimitOption: ParsableArguments {
  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "The memory a run may use, e.g. 8GiB or 500MB (default: the cgroup limit, else the memory available); a run estimated to need more is refused before it starts.",
      valueName: "SIZE"),
    transform: parseMemorySize)
  var memoryLimit: Double?

  /// The bytes available and where that figure comes from.
  var available: (bytes: Double, source: String) {
    if let memoryLimit { return (memoryLimit, "--memory-limit") }
    return availableMemory()
  }
}

/// The memory a run may use: the cgroup's limit when one is set (v2 `memory.max`, v1
/// `memory.limit_in_bytes`), else `MemAvailable` from /proc/meminfo, else the physical memory.
func availableMemory() -> (bytes: Double, source: String) {
  let physical = Double(ProcessInfo.processInfo.physicalMemory)
  for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
    if let text = try? String(contentsOfFile: file, encoding: .utf8),
      let v = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), v < physical
    {
      return (v, "the cgroup limit in \(file)")
    }
  }
  if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
  {
    return (kb * 1024, "MemAvailable in /proc/meminfo")
  }
  return (physical, "the physical memory")
}

/// A size for people: `41.6 GB (38.7 GiB)`.
func memoryText(_ bytes: Double) -> String {
  let gib = bytes / 0x1p30
  if gib >= 1 {
    return String(format: "%.1f GB (%.1f GiB)", bytes / 1e9, gib)
  }
  return String(format: "%.0f MB (%.0f MiB)", bytes / 1e6, bytes / 0x1p20)
}

/// Where the number of paths of a run came from: an option (a usage error when it does not
/// fit, exit 2) or the scenario file (an input error, exit 1).
enum PathsSource {
  case option(String)
  case scenario(String)

  /// The paths' source as a message names it.
  var name: String {
    switch self {
    case .option(let o): o
    case .scenario(let origin): "\(origin): monteCarlo.paths"
    }
  }
}

/// Refuses a run whose estimated memory (`MemoryEstimate`) exceeds what is available, before
/// anything is allocated: the estimate, the memory available and the ways out, with exit 2
/// when the paths came from an option and 1 when from the scenario. `threads` is the run's
/// worker count (`--threads`, default the cores).
func checkMemory(
  paths: Int, series: Int, copies: Int = 1, source: PathsSource, limit: MemoryLimitOption,
  threads: Int = ProcessInfo.processInfo.activeProcessorCount, canShard: Bool, command: String
) throws {
  let need = MemoryEstimate.bytes(paths: paths, series: series, threads: threads, copies: copies)
  let (available, from) = limit.available
  guard need > available else { return }
  let fit = MemoryEstimate.maxPaths(
    available: available, series: series, threads: threads, copies: copies)
  var ways = [
    fit >= 2
      ? "fewer paths: at most \(Money.group(String(fit))) fit"
      : "none fit: the program itself takes about \(memoryText(Double(MemoryEstimate.base)))"
  ]
  if canShard {
    let shards = max(2, Int((need / available).rounded(.up)) + 1)
    ways.append(
      "--shard K/M with M ≥ \(shards) runs the paths in parts with --output part-K.bin (buig merge then needs the whole, on a machine that has it)"
    )
  }
  ways.append("--memory-limit SIZE when more memory is available than \(from) says")
  var failure = InputFailure(
    command: command,
    [
      "\(source.name): \(Money.group(String(paths))) paths need about \(memoryText(need)) of memory (\(Money.group(String(paths))) paths × \(series) series × 8 bytes\(copies > 1 ? " × \(copies) while rounds are joined" : ""), with the statistics' working copies); found \(memoryText(available)) available (\(from)). Ways out: \(ways.joined(separator: "; "))."
    ])
  if case .option = source { failure.exitCode = 2 }
  throw failure
}
