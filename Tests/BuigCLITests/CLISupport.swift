import Foundation
import Testing

/// What one run of the built `buig` printed and returned.
struct CLIResult {
  var stdout: String
  var stderr: String
  var status: Int32

  /// stdout parsed by Foundation's JSONSerialization: a parser independent of the engine's own.
  func json() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    return try #require(object as? [String: Any])
  }
}

/// The folder that holds the built products (`.build/debug`).
let productsDirectory: URL = {
  let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  var dir = runner.deletingLastPathComponent()
  // The runner may sit inside a bundle (`buigPackageTests.xctest/...`).
  while dir.path != "/"
    && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("buig").path)
  {
    dir = dir.deletingLastPathComponent()
  }
  return dir
}()

/// The package's root folder (for the shipped scenarios).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// Runs the built `buig` with `arguments` in `directory` (a scratch folder by default).
func buig(_ arguments: [String], in directory: URL? = nil, stdin: Data? = nil) throws -> CLIResult {
  try runProgram(
    productsDirectory.appendingPathComponent("buig"), arguments, in: directory, stdin: stdin)
}

/// Runs a bash script file with `environment` added to this process's.
func bash(_ script: String, environment: [String: String] = [:]) throws -> CLIResult {
  try runProgram(URL(fileURLWithPath: "/bin/bash"), [script], environment: environment)
}

/// Runs `executable` with `arguments` in `directory` (a scratch folder by default), with
/// `environment` added to this process's, and collects what it printed.
func runProgram(
  _ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil,
  environment: [String: String] = [:]
) throws -> CLIResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  // Output goes to files, so that neither stream can fill a pipe and block the child.
  let dir = try scratchDirectory()
  let outURL = dir.appendingPathComponent("stdout")
  let errURL = dir.appendingPathComponent("stderr")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let out = try FileHandle(forWritingTo: outURL)
  let err = try FileHandle(forWritingTo: errURL)
  process.standardOutput = out
  process.standardError = err
  if let stdin {
    let input = Pipe()
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(stdin)
    try input.fileHandleForWriting.close()
  } else {
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }
  process.waitUntilExit()
  try out.close()
  try err.close()
  defer { try? FileManager.default.removeItem(at: dir) }
  return CLIResult(
    stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
    status: process.terminationStatus)
}

/// A fresh scratch folder.
func scratchDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "buig-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The widest line of a text, in characters.
func widestLine(_ text: String) -> Int {
  text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
}

/// Runs an independent Python checker of the repository (`Tests/…/NAME.py`) on the built `buig`;
/// its exit status and its output (standard output and error together).
func pythonCheck(_ script: String) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [
    "python3", packageRoot.appendingPathComponent(script).path,
    productsDirectory.appendingPathComponent("buig").path,
  ]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return (process.terminationStatus, output)
}
