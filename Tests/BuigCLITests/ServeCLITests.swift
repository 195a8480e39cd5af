import Foundation
import Testing

/// A `buig serve --port 0` of the built binary, stopped at the end of a test. Its fields are
/// set once, before any request, so threads may share it.
final class ServeProcess: @unchecked Sendable {
  let process = Process()
  let url: String

  init(_ extra: [String] = []) throws {
    process.executableURL = productsDirectory.appendingPathComponent("buig")
    process.arguments = ["serve", "--port", "0"] + extra
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The first line: `buig serve: http://127.0.0.1:PORT/`.
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    let url = try #require(
      text.components(separatedBy: ": ").last?.trimmingCharacters(in: .newlines))
    #expect(text.hasPrefix("buig serve: http://127.0.0.1:"), "buig serve printed \(text)")
    self.url = url
  }

  /// The server's port.
  var port: String { String(url.dropFirst("http://127.0.0.1:".count).dropLast()) }

  /// A request with curl (a real HTTP client): the status and the body.
  func request(
    _ method: String, _ path: String, body: Data? = nil, headers: [String] = []
  ) throws -> (status: Int, body: Data) {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let output = dir.appendingPathComponent("body")
    var args = ["-s", "-X", method, "-o", output.path, "-w", "%{http_code}"]
    if let body {
      let input = dir.appendingPathComponent("request")
      try body.write(to: input)
      args += ["--data-binary", "@\(input.path)", "-H", "Content-Type: application/json"]
    }
    for h in headers { args += ["-H", h] }
    let r = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"), args + [url + path.dropFirst()])
    let data = (try? Data(contentsOf: output)) ?? Data()
    return (Int(r.stdout) ?? 0, data)
  }

  /// A POST of a JSON object given as text.
  func post(_ path: String, _ json: String, headers: [String] = []) throws -> (
    status: Int, body: Data
  ) {
    try request("POST", path, body: Data(json.utf8), headers: headers)
  }

  deinit {
    process.terminate()
    process.waitUntilExit()
  }
}

/// The problems of an error response.
func problems(_ body: Data) throws -> [String] {
  let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
  return (object["problems"] as? [String] ?? []) + [object["error"] as? String ?? ""]
}

/// Runs `body` on a thread of its own (a request left in flight while the test goes on).
func background(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
  let done = DispatchSemaphore(value: 0)
  Thread {
    body()
    done.signal()
  }.start()
  return done
}

/// Holds a value written by a background thread.
final class Box<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: T
  init(_ value: T) { stored = value }
  var value: T {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

@Suite("buig serve", .serialized)
struct ServeCLITests {
  @Test func theAPIReturnsTheBytesOfTheCLI() throws {
    let server = try ServeProcess()
    // An embedded scenario with edits, paths and seed.
    let run = try server.post(
      "/api/run",
      #"{"scenario": "groningen-2018-mechanistic", "set": {"interventions.jongeren.successRate": 0.45, "caseload.value": 9800}, "paths": 2000, "seed": 7}"#
    )
    #expect(run.status == 200)
    let cli = try buig([
      "run", "groningen-2018-mechanistic", "--set", "interventions.jongeren.successRate=0.45",
      "--set", "caseload.value=9800", "--paths", "2000", "--seed", "7", "--format", "json",
    ])
    #expect(cli.status == 0)
    #expect(run.body == Data(cli.stdout.utf8))
    #expect(cli.stdout.contains("\"interventions.jongeren.successRate=0.45\""))

    // An inline scenario is read as a file named `request`.
    let file = packageRoot.appendingPathComponent("scenarios/groningen-2018.json")
    let text = try String(contentsOf: file, encoding: .utf8)
    let inline = try server.post(
      "/api/run", #"{"scenario": \#(text), "paths": 1000, "set": {"caseload": 9500}}"#)
    #expect(inline.status == 200)
    let dir = try scratchDirectory()
    // The request's document as the server writes it (JSONWriter) is what the file holds.
    let document = try #require(
      String(data: inline.body, encoding: .utf8)?.contains("\"origin\": \"request\""))
    #expect(document)
    let written = try server.post(
      "/api/scenario", #"{"scenario": \#(text)}"#)
    #expect(written.status == 200)
    try written.body.write(to: dir.appendingPathComponent("request"))
    let cliInline = try buig(
      ["run", "request", "--paths", "1000", "--set", "caseload=9500", "--format", "json"], in: dir)
    #expect(cliInline.status == 0, "\(cliInline.stderr)")
    #expect(inline.body == Data(cliInline.stdout.utf8))

    // compare, report and the workbook.
    let compare = try server.post(
      "/api/compare",
      #"{"scenario": "groningen-2018", "variant": "groningen-2018-mechanistic", "paths": 1000}"#)
    let cliCompare = try buig([
      "compare", "groningen-2018", "groningen-2018-mechanistic", "--paths", "1000", "--format",
      "json",
    ])
    #expect(compare.status == 200)
    #expect(compare.body == Data(cliCompare.stdout.utf8))
    let report = try server.post(
      "/api/report", #"{"scenario": "groningen-2018", "paths": 500, "lang": "en"}"#)
    let cliReport = try buig(["report", "groningen-2018", "--paths", "500", "--lang", "en"])
    #expect(report.status == 200)
    #expect(report.body == Data(cliReport.stdout.utf8))
    #expect(cliReport.stdout.contains("<svg"))
    let xlsx = try server.post("/api/xlsx", #"{"scenario": "groningen-2018", "paths": 500}"#)
    let out = dir.appendingPathComponent("run.xlsx")
    let cliXLSX = try buig([
      "run", "groningen-2018", "--paths", "500", "--format", "xlsx", "--output", out.path,
    ])
    #expect(xlsx.status == 200 && cliXLSX.status == 0)
    #expect(xlsx.body == (try Data(contentsOf: out)))
    #expect(xlsx.body.prefix(2) == Data("PK".utf8))
  }

  @Test func badRequestsGetAMessageAndTheServerKeepsServing() throws {
    let server = try ServeProcess()
    let cases: [(String, String, Int, String)] = [
      ("/api/run", #"{"scenario": "groningen-2018", "#, 400, "expected a JSON object"),
      (
        "/api/run",
        #"{"scenario": "groningen-2018", "set": {"interventions.nope.successRate": 0.3}}"#, 400,
        "--set interventions.nope.successRate: expected an intervention id of the scenario"
      ),
      (
        "/api/run",
        #"{"scenario": "groningen-2018-mechanistic", "set": {"interventions.vouchers.successRate": 1.5}}"#,
        400, "interventions[3].successRate: expected a number from 0 to 1, found number 1.5"
      ),
      (
        "/api/run", #"{"scenario": "groningen-2018", "paths": 1000000000}"#, 400,
        "paths: expected a whole number of paths from 0 to 1,000,000, found number 1000000000"
      ),
      ("/api/run", #"{"scenario": "nowhere"}"#, 400, "scenario: expected the name of a scenario"),
      ("/api/run", #"{"scenario": "groningen-2018", "path": 5}"#, 400, "path: expected one of"),
      (
        "/api/view", #"{"scenario": "groningen-2018", "lang": "fr"}"#, 400,
        "lang: expected nl or en"
      ),
      ("/api/nothing", #"{}"#, 404, "no POST /api/nothing"),
    ]
    for (path, body, status, message) in cases {
      let r = try server.post(path, body)
      #expect(r.status == status, "\(body)")
      let lines = try problems(r.body)
      #expect(lines.contains { $0.contains(message) }, "\(body): \(lines)")
    }
    // A body of 100 MB: refused by its length before it is read.
    let big = Data(count: 100_000_000)
    let r = try server.request("POST", "/api/run", body: big)
    #expect(r.status == 413)
    #expect(try problems(r.body).contains { $0.contains("at most 1000000 bytes (1 MB)") })
    // DNS rebinding: another site's name, or its page as the origin.
    let host = try server.request("GET", "/api/scenarios", headers: ["Host: evil.example"])
    #expect(host.status == 403)
    #expect(try problems(host.body).contains { $0.contains("found Host evil.example") })
    let origin = try server.request(
      "GET", "/api/scenarios", headers: ["Origin: http://evil.example:\(server.port)"])
    #expect(origin.status == 403)
    let own = try server.request(
      "GET", "/api/scenarios", headers: ["Origin: http://127.0.0.1:\(server.port)"])
    #expect(own.status == 200)
    // Still serving, and still right.
    let after = try server.post("/api/run", #"{"scenario": "groningen-2018", "paths": 0}"#)
    #expect(after.status == 200)
    #expect(
      after.body
        == Data(
          try buig(["run", "groningen-2018", "--paths", "0", "--format", "json"]).stdout.utf8))
  }

  @Test func aNewerViewCancelsTheRunInFlightAndAFullPoolSays503() throws {
    let server = try ServeProcess(["--jobs", "1"])
    // One long view runs and four wait (the queue of --jobs 1 is 4): a sixth request gets 503.
    let long = Box<[String: Int]>([:])
    var waits: [DispatchSemaphore] = []
    for client in ["a", "b", "c", "d", "e"] {
      waits.append(
        background {
          let r = try? server.post(
            "/api/view",
            #"{"scenario": "groningen-2018", "paths": 400000, "client": "\#(client)"}"#)
          long.value[client] = r?.status ?? 0
        })
      Thread.sleep(forTimeInterval: 0.3)
    }
    Thread.sleep(forTimeInterval: 1)
    let full = try server.post("/api/run", #"{"scenario": "groningen-2018", "paths": 100}"#)
    #expect(full.status == 503)
    #expect(
      try problems(full.body).contains { $0.contains("every run slot and the queue are taken") })
    // Newer views of the same clients cancel them: the waiting ones first (they leave as they
    // get their slot), then the running one (it stops between batches). The newer views find the
    // queue full and get 503, or a slot once the cancelled ones have left.
    var newer: [Int] = []
    for client in ["e", "d", "c", "b", "a"] {
      let r = try server.post(
        "/api/view", #"{"scenario": "groningen-2018", "paths": 256, "client": "\#(client)"}"#)
      newer.append(r.status)
    }
    for w in waits { w.wait() }
    #expect(long.value == ["a": 409, "b": 409, "c": 409, "d": 409, "e": 409])
    #expect(newer.allSatisfy { $0 == 200 || $0 == 503 }, "\(newer)")
    let view = try server.post(
      "/api/view", #"{"scenario": "groningen-2018", "paths": 256, "client": "a"}"#)
    #expect(view.status == 200)
    let object = try #require(try JSONSerialization.jsonObject(with: view.body) as? [String: Any])
    let sections = try #require(object["sections"] as? [String])
    #expect(sections.count == 5)
    #expect(sections.joined().contains("chart-fan-net-burden"))
  }
}
