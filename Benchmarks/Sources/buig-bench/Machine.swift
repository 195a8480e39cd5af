import BuigEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What the figures were measured on.
struct Machine {
  var cores: Int
  var cpuModel: String
  var cpuFlags: [String]
  var memoryGiB: Double
  var os: String
  var kernel: String
  var blasConfiguration: String
  var blasCore: String
  var coreTypeEnvironment: String?
  var date: String

  static func current() -> Machine {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    func field(_ name: String) -> String? {
      for line in cpuinfo.split(separator: "\n") where line.hasPrefix(name) {
        if let colon = line.firstIndex(of: ":") {
          return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
      }
      return nil
    }
    let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
    let wanted = ["avx", "avx2", "fma", "avx512f"].filter { flags.contains($0) }
    let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
    var memKiB = 0.0
    for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
      memKiB = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    var os = "unknown"
    if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
      for line in release.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
        os = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(
          in: CharacterSet(charactersIn: "\""))
      }
    }
    var u = utsname()
    uname(&u)
    let release = withUnsafeBytes(of: &u.release) { raw in
      String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return Machine(
      cores: ProcessInfo.processInfo.activeProcessorCount,
      cpuModel: field("model name") ?? "unknown",
      cpuFlags: wanted, memoryGiB: memKiB / 1024 / 1024, os: os, kernel: release,
      blasConfiguration: BLASInfo.configuration, blasCore: BLASInfo.coreName,
      coreTypeEnvironment: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
      date: formatter.string(from: Date()))
  }

  /// When OpenBLAS fell back to the generic `Prescott` kernel on a CPU with AVX2 and FMA (or
  /// AVX-512) and nobody set `OPENBLAS_CORETYPE`, the core type to set before the process starts
  /// (OpenBLAS chooses when it loads), so that the limits are the CPU's and not the fallback's.
  static func betterCoreType() -> String? {
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, BLASInfo.coreName == "Prescott" else { return nil }
    let flags = Set(Machine.current().cpuFlags)
    if flags.contains("avx512f") { return "SkylakeX" }
    if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
    return nil
  }

  var json: JSON {
    .object([
      ("cores", .int(cores)), ("cpuModel", .string(cpuModel)),
      ("cpuFlags", .array(cpuFlags.map { .string($0) })),
      ("memoryGiB", .num((memoryGiB * 10).rounded() / 10)), ("os", .string(os)),
      ("linuxKernel", .string(kernel)), ("openblas", .string(blasConfiguration)),
      ("openblasCore", .string(blasCore)),
      ("openblasCoretypeEnvironment", coreTypeEnvironment.map { .string($0) } ?? .null),
      ("date", .string(date)),
    ])
  }
}

/// CPU time the whole machine spent busy, and the part of it that was this process and its
/// children: the difference is other work on the machine during a measurement (another guest's
/// steal time is counted apart).
struct LoadMeter {
  var machineBusy: Double
  var steal: Double
  var ours: Double
  var wall: Double

  static func read() -> LoadMeter {
    let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
    var busy = 0.0
    var steal = 0.0
    if let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) {
      let f = line.split(separator: " ").dropFirst().map { Double($0) ?? 0 }
      // user nice system idle iowait irq softirq steal ...
      if f.count >= 8 {
        busy = (f[0] + f[1] + f[2] + f[5] + f[6]) / 100
        steal = f[7] / 100
      }
    }
    func cpu(_ who: Int32) -> Double {
      var u = rusage()
      getrusage(__rusage_who_t(who), &u)
      return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6
        + Double(u.ru_stime.tv_sec)
        + Double(u.ru_stime.tv_usec) * 1e-6
    }
    return LoadMeter(
      machineBusy: busy, steal: steal,
      ours: cpu(RUSAGE_SELF.rawValue) + cpu(RUSAGE_CHILDREN.rawValue),
      wall: now())
  }

  /// Cores' worth of other work and of steal time between `start` and `self`.
  func since(_ start: LoadMeter) -> (other: Double, steal: Double) {
    let wall = max(1e-9, self.wall - start.wall)
    let other = max(0, (machineBusy - start.machineBusy) - (ours - start.ours)) / wall
    return (other, (steal - start.steal) / wall)
  }
}
