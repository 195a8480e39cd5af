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
        os = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
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
      cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: field("model name") ?? "unknown",
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
