import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to `buig serve` on 127.0.0.1: a request is written
/// whole, its response read to the end of its Content-Length. Plain sockets, so that the time
/// measured is the server's and the loopback's, not a client library's.
final class LoopbackConnection {
  let fd: Int32
  let port: Int
  private var buffer: [UInt8] = []

  init(port: Int) throws {
    self.port = port
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let r = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard r == 0 else {
      close(fd)
      throw BenchFailure("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
    }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  deinit { close(fd) }

  /// POSTs `body` to `path`: the status and the response body.
  func post(_ path: String, _ body: [UInt8]) throws -> (status: Int, body: [UInt8]) {
    let head =
      "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
      + "Content-Length: \(body.count)\r\nConnection: keep-alive\r\n\r\n"
    let request = Array(head.utf8) + body
    var sent = 0
    while sent < request.count {
      let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { throw BenchFailure("write: \(String(cString: strerror(errno)))") }
      sent += n
    }
    // The head, then as many bytes as Content-Length says.
    var headEnd: Int?
    while headEnd == nil {
      if let i = find([13, 10, 13, 10]) { headEnd = i + 4 } else { try fill() }
    }
    let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
    let lines = headText.split(separator: "\r\n")
    guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
      let status = Int(statusLine.split(separator: " ")[1])
    else { throw BenchFailure("a response without a status line: \(headText.prefix(80))") }
    let length =
      lines.lazy.compactMap { line -> Int? in
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
        return Int(parts[1].trimmingCharacters(in: .whitespaces))
      }.first ?? 0
    while buffer.count < headEnd! + length { try fill() }
    let out = Array(buffer[headEnd!..<(headEnd! + length)])
    buffer.removeFirst(headEnd! + length)
    return (status, out)
  }

  private func find(_ pattern: [UInt8]) -> Int? {
    guard buffer.count >= pattern.count else { return nil }
    for i in 0...(buffer.count - pattern.count) where buffer[i] == pattern[0] {
      if Array(buffer[i..<(i + pattern.count)]) == pattern { return i }
    }
    return nil
  }

  private func fill() throws {
    var chunk = [UInt8](repeating: 0, count: 65536)
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { throw BenchFailure("the server closed the connection") }
    buffer += chunk[..<n]
  }
}

/// Latencies and the first failure, from the client threads.
final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var latencies: [Double] = []
  private var failure: Error?
  func add(_ xs: [Double]) { lock.withLock { latencies += xs } }
  func fail(_ e: Error) { lock.withLock { failure = failure ?? e } }
  var snapshot: ([Double], Error?) { lock.withLock { (latencies, failure) } }
}

/// The q-quantile of `xs` (nearest rank).
func quantile(_ xs: [Double], _ q: Double) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else { return .nan }
  return s[min(s.count - 1, max(0, Int((q * Double(s.count)).rounded(.up)) - 1))]
}

/// `POST /api/run` of `buig serve` at `paths` paths of groningen-2018 over loopback, with one
/// and with four clients (each on its own keep-alive connection, requests back to back), beside
/// the CLI's own wall time for the same run (`buig run groningen-2018 --paths N --format json`).
/// Checks first that the API's bytes equal the CLI's.
func serveLatency(
  buig: String, paths: Int, requests: (one: Int, fourEach: Int), cliRuns: Int,
  environment: [String: String], scratch: String
) throws -> (json: JSON, lines: [String], targets: [(String, Double, String, Bool?)]) {
  let server = Process()
  server.executableURL = URL(fileURLWithPath: buig)
  server.arguments = ["serve", "--port", "0", "--jobs", "2"]
  server.environment = environment
  let out = Pipe()
  server.standardOutput = out
  server.standardError = FileHandle.nullDevice
  try server.run()
  defer {
    server.terminate()
    server.waitUntilExit()
  }
  var first = Data()
  while !first.contains(UInt8(ascii: "\n")) {
    let chunk = out.fileHandleForReading.availableData
    if chunk.isEmpty { break }
    first.append(chunk)
  }
  let line = String(decoding: first, as: UTF8.self)
  guard let range = line.range(of: "http://127.0.0.1:"),
    let port = Int(line[range.upperBound...].prefix { $0.isNumber })
  else { throw BenchFailure("buig serve printed \(line)") }
  let body = Array(#"{"scenario": "groningen-2018", "paths": \#(paths)}"#.utf8)
  let cliArgs = [buig, "run", "groningen-2018", "--paths", String(paths), "--format", "json", "--quiet"]

  // Correctness first: the API's bytes are the CLI's.
  let warm = try LoopbackConnection(port: port)
  var reply = try warm.post("/api/run", body)
  for _ in 0..<2 { reply = try warm.post("/api/run", body) }
  let cli = try spawnChecked(cliArgs, environment: environment, scratch: scratch)
  guard reply.status == 200, reply.body == Array(cli.stdout.utf8) else {
    throw BenchFailure(
      "POST /api/run answered \(reply.status) with bytes that differ from `\(cliArgs.dropFirst().joined(separator: " "))`"
    )
  }

  // A thread per client (Dispatch would give four clients no more threads than cores).
  func measure(clients: Int, each: Int) throws -> (latencies: [Double], wall: Double) {
    let results = Collected()
    let group = DispatchGroup()
    let start = now()
    for _ in 0..<clients {
      group.enter()
      Thread {
        defer { group.leave() }
        do {
          let c = try LoopbackConnection(port: port)
          var mine: [Double] = []
          for _ in 0..<each {
            let t = now()
            let r = try c.post("/api/run", body)
            guard r.status == 200 else { throw BenchFailure("POST /api/run answered \(r.status)") }
            mine.append(now() - t)
          }
          results.add(mine)
        } catch {
          results.fail(error)
        }
      }.start()
    }
    group.wait()
    let (all, failure) = results.snapshot
    if let failure { throw failure }
    return (all, now() - start)
  }

  let one = try measure(clients: 1, each: requests.one)
  let four = try measure(clients: 4, each: requests.fourEach)
  var cliSeconds: [Double] = []
  for _ in 0..<cliRuns {
    cliSeconds.append(try spawnChecked(cliArgs, environment: environment, scratch: scratch).seconds)
  }
  func figures(_ m: (latencies: [Double], wall: Double), clients: Int) -> JSON {
    .object([
      ("clients", .int(clients)), ("requests", .int(m.latencies.count)),
      ("p50Seconds", .num(quantile(m.latencies, 0.5))),
      ("p95Seconds", .num(quantile(m.latencies, 0.95))),
      ("maxSeconds", .num(m.latencies.max())),
      ("requestsPerSecond", .num(Double(m.latencies.count) / m.wall)),
    ])
  }
  let lines = [
    "buig serve POST /api/run \(paths) paths, 1 client: p50 \(fmt(quantile(one.latencies, 0.5))) s, p95 \(fmt(quantile(one.latencies, 0.95))) s over \(one.latencies.count) requests",
    "buig serve POST /api/run \(paths) paths, 4 clients: p50 \(fmt(quantile(four.latencies, 0.5))) s, p95 \(fmt(quantile(four.latencies, 0.95))) s over \(four.latencies.count) requests, \(fmt(Double(four.latencies.count) / four.wall)) requests/s",
    "buig run --paths \(paths) (the CLI, a process each): median \(fmt(median(cliSeconds))) s over \(cliSeconds.count) runs",
  ]
  let json: JSON = .object([
    ("scenario", .string("groningen-2018")), ("paths", .int(paths)),
    ("request", .string("POST /api/run " + String(decoding: body, as: UTF8.self))),
    ("jobs", .int(2)), ("oneClient", figures(one, clients: 1)),
    ("fourClients", figures(four, clients: 4)),
    (
      "cli",
      .object([
        ("command", .string(cliArgs.dropFirst().joined(separator: " "))),
        ("runs", .int(cliSeconds.count)), ("medianSeconds", .num(median(cliSeconds))),
        ("p95Seconds", .num(quantile(cliSeconds, 0.95))),
      ])
    ),
    ("bytesEqualCLI", .bool(true)),
    (
      "note",
      .string(
        "latency from the request's first byte written to the response's last byte read, each client on its own keep-alive loopback connection sending back to back; buig serve --jobs 2 (two runs at once, each with 2 worker threads); the CLI's time is a whole process (start, set-up, output)"
      )
    ),
  ])
  let p50 = quantile(one.latencies, 0.5)
  let p95 = quantile(one.latencies, 0.95)
  return (
    json, lines,
    [
      ("buig serve POST /api/run 10,000 paths, 1 client, p50 s", p50, "< 0.25", p50 < 0.25),
      ("buig serve POST /api/run 10,000 paths, 1 client, p95 s", p95, "< 0.5", p95 < 0.5),
    ]
  )
}
