import BuigCore
import BuigJSON
import BuigScenario
import Foundation

/// The fuzz targets, one binary: `BUIG_FUZZ_TARGET` picks which reader gets the bytes.
/// - `json`: the JSON parser (`JSONParser.document`);
/// - `scenario`: the scenario decoder and validator (`Scenario.decode`, then the projection);
/// - `rules`: the rule-file reader (`RuleTable.decode`, merged over the built-in table);
/// - `set`: `--set` parsing and application (the first line is the edit, the rest the
///   document).
/// Every input must end in a value or a thrown `InputIssues`, never a trap.
enum Target: String {
  case json, scenario, rules, set
}

let target: Target = {
  let name = ProcessInfo.processInfo.environment["BUIG_FUZZ_TARGET"] ?? "json"
  guard let t = Target(rawValue: name) else {
    FileHandle.standardError.write(
      Data("BUIG_FUZZ_TARGET: expected json, scenario, rules or set, found \(name)\n".utf8))
    exit(2)
  }
  return t
}()

let builtIn = try! RuleTable.builtIn()

/// One input: the bytes go to the chosen reader; whatever it throws is the expected outcome
/// for bad input, and 0 tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: start, count: count))
  switch target {
  case .json:
    _ = try? JSONParser.document(bytes, origin: "fuzz")
  case .scenario:
    if let s = try? Scenario.decode(bytes, origin: "fuzz", rules: builtIn) {
      _ = try? s.project()
    }
  case .rules:
    if let t = try? RuleTable.decode(bytes, origin: "fuzz") {
      _ = builtIn.merging(t)
    }
  case .set:
    guard let newline = bytes.firstIndex(of: 10) else { return 0 }
    let text = String(decoding: bytes[..<newline], as: UTF8.self)
    if let edit = try? ScenarioEdit.parse(text) {
      _ = try? ScenarioEdit.apply(
        [edit], toDocument: Array(bytes[(newline + 1)...]), origin: "fuzz")
    }
  }
  return 0
}

/// libFuzzer's driver (libFuzzer ships it; SwiftPM names the executable's entry point
/// `buig_fuzz_main`, so the driver is started from there).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// The entry point: hands the command line to libFuzzer's driver with `fuzz` as the target.
@_cdecl("buig_fuzz_main")
public func fuzzMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var count = argc
  var arguments = argv
  return runDriver(&count, &arguments) { start, size in fuzz(start, size) }
}
