import ArgumentParser
import BuigScenario
import FlyingFox
import Foundation

/// `buig serve`: the what-if page and its HTTP API on the loopback address.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the what-if page and its API on 127.0.0.1: move a slider, see the risk move.",
    discussion: """
      Open the address it prints in a browser on this machine. The page lists the embedded \
      scenarios and the FILEs given; its sliders change the scenario's key inputs (as --set \
      does) and the charts follow. The API (README, "What-if in the browser"): POST /api/run, \
      /api/compare, /api/report and /api/xlsx return the bytes of the same buig command. Only \
      requests whose Host (and Origin) is this server's loopback address are answered. Limits: \
      a body of at most 1 MB, at most 1,000,000 paths a request, --jobs runs at once and four \
      times as many waiting (503 beyond). Stop it with Ctrl-C.
      """)

  @Argument(
    help: ArgumentHelp("Scenario files to offer besides the embedded ones.", valueName: "FILE"))
  var files: [String] = []

  @Option(help: "The port on 127.0.0.1 (0: a free one; the address is printed).")
  var port: Int = 8750

  @Option(help: "Runs at once (default 2); four times as many may wait.")
  var jobs: Int = 2

  func validate() throws {
    if !(0...65535).contains(port) {
      throw ValidationError("--port: expected a port from 0 to 65535, found \(port)")
    }
    if !(1...64).contains(jobs) {
      throw ValidationError("--jobs: expected 1 to 64 runs at once, found \(jobs)")
    }
  }

  func run() throws {
    // Every FILE is read as a scenario before the server starts.
    var named: [String: String] = [:]
    let table = try RuleOptions.parse([]).table(command: "serve")
    var problems: [String] = []
    for file in files {
      do {
        _ = try loadScenario(file, command: "serve", rules: table)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if named[name] != nil || EmbeddedScenarios.names().contains(name) {
          problems.append(
            "buig serve: error: \(file): expected a scenario file whose name differs from the embedded scenarios and the other files, found \"\(name)\" twice\n"
          )
        }
        named[name] = file
      } catch let failure as InputFailure {
        problems.append(failure.message)
      }
    }
    if !problems.isEmpty { throw InputFailure(rawMessage: problems.joined()) }
    let api = ServeAPI(files: named, jobs: jobs)
    let server = HTTPServer(
      address: try .inet(ip4: "127.0.0.1", port: UInt16(port)), timeout: 3600,
      logger: .disabled, handler: ServeHandler(api: api))
    // Ctrl-C and SIGTERM end the process (the runtime may have blocked them for its threads).
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
      do {
        try await server.run()
      } catch {
        failure.message = error.localizedDescription
      }
      done.signal()
    }
    Task {
      do {
        try await server.waitUntilListening(timeout: 30)
        if case .ip4(_, let p)? = await server.listeningAddress {
          api.port.store(Int(p), ordering: .relaxed)
          emit("buig serve: http://127.0.0.1:\(p)/\n")
        }
      } catch {
        failure.message = error.localizedDescription
        done.signal()
      }
    }
    done.wait()
    throw InputFailure(
      command: "serve",
      [
        "expected to listen on 127.0.0.1:\(port), found that it cannot (\(failure.message ?? "stopped")): is the port taken? Try --port 0 for a free one"
      ])
  }
}

/// The message of a server that stopped, set from its task.
final class FailureBox: @unchecked Sendable {
  private let lock = NSLock()
  private var text: String?
  var message: String? {
    get { lock.withLock { text } }
    set { lock.withLock { text = newValue } }
  }
}

/// Carries FlyingFox's requests to `ServeAPI`: refuses a body above `ServeLimits.bodyBytes`
/// (413) before reading it, by its Content-Length or, when chunked, as it arrives.
struct ServeHandler: HTTPHandler {
  let api: ServeAPI

  func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
    var headers: [String: String] = [:]
    for (name, value) in request.headers {
      headers[name.rawValue.lowercased()] = value
    }
    let limit = ServeLimits.bodyBytes
    var response: ServeResponse
    if let count = request.bodySequence.count, count > limit {
      response = .problem(
        413, "expected a request body of at most \(limit) bytes (1 MB), found \(count) bytes")
    } else {
      var body = Data()
      var tooLarge = false
      for try await chunk in request.bodySequence {
        body.append(chunk)
        if body.count > limit {
          tooLarge = true
          break
        }
      }
      response =
        tooLarge
        ? .problem(413, "expected a request body of at most \(limit) bytes (1 MB), found more")
        : await api.handle(
          ServeRequest(
            method: request.method.rawValue, path: request.path, headers: headers, body: body))
    }
    var out = HTTPHeaders()
    out[.contentType] = response.contentType
    out[HTTPHeader("Cache-Control")] = "no-store"
    out[HTTPHeader("X-Content-Type-Options")] = "nosniff"
    for (name, value) in response.headers { out[HTTPHeader(name)] = value }
    if response.status == 413 { out[.connection] = "close" }
    return HTTPResponse(
      statusCode: HTTPStatusCode(response.status, phrase: Self.phrase(response.status)),
      headers: out, body: response.body)
  }

  static func phrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 400: "Bad Request"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 409: "Conflict"
    case 413: "Content Too Large"
    case 503: "Service Unavailable"
    default: "Internal Server Error"
    }
  }
}
