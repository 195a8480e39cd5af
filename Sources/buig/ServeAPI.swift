import ArgumentParser
import BuigCore
import BuigEngine
import BuigJSON
import BuigReport
import BuigScenario
import Foundation
import Synchronization

/// An HTTP request as `ServeAPI` reads it: the method, the path without its query, the headers
/// with lower-case names, and the body (at most `ServeLimits.bodyBytes`, checked by the server
/// before it reads the body).
struct ServeRequest: Sendable {
  var method: String
  var path: String
  var headers: [String: String]
  var body: Data
}

/// An HTTP response: status, content type, body and extra headers.
struct ServeResponse: Sendable {
  var status: Int
  var contentType: String
  var body: Data
  var headers: [(String, String)] = []

  /// A JSON body.
  static func json(_ status: Int, _ value: JSONValue) -> ServeResponse {
    ServeResponse(
      status: status, contentType: "application/json; charset=utf-8",
      body: Data(JSONWriter.write(value).utf8))
  }

  /// An error: `{"error": message, "problems": [line, …]}`, the problems as the CLI prints
  /// them after `buig COMMAND: error: ` (JSON path or option, what was expected, what was found).
  static func problem(_ status: Int, _ message: String, _ problems: [String] = [])
    -> ServeResponse
  {
    json(
      status,
      .object([
        ("error", .string(message)), ("problems", .array(problems.map { .string($0) })),
      ]))
  }
}

/// The limits of `buig serve` (README, "What-if in the browser").
enum ServeLimits {
  /// A request body at most this many bytes (413 beyond).
  static let bodyBytes = 1_000_000
  /// At most this many Monte Carlo paths per request (400 beyond).
  static let paths = 1_000_000
  /// Paths of a page view when the request gives none.
  static let viewPaths = 10_000
}

/// Runs that may compute at once, and requests that may wait for one: a slow request holds
/// one slot, not the server; a request that finds every slot and the queue taken gets 503.
actor RunPool {
  let slots: Int
  let queue: Int
  private var running = 0
  private var waiting: [CheckedContinuation<Void, Never>] = []

  /// A pool of `slots` runs at once and `queue` waiting.
  init(slots: Int, queue: Int) {
    self.slots = slots
    self.queue = queue
  }

  /// Takes a slot, waiting for one when all are taken; `false` when the queue is full too.
  func enter() async -> Bool {
    if running < slots {
      running += 1
      return true
    }
    guard waiting.count < queue else { return false }
    await withCheckedContinuation { waiting.append($0) }
    return true
  }

  /// Gives the slot back, to the longest-waiting request if any.
  func leave() {
    if waiting.isEmpty {
      running -= 1
    } else {
      waiting.removeFirst().resume()
    }
  }
}

/// The page's live views, one per browser tab (`client`): a newer view request raises the
/// cancellation flag of the run it replaces, which stops between batches.
actor ViewRegistry {
  private var flags: [String: CancelFlag] = [:]

  /// A new flag for `client`, raising the one it replaces.
  func start(_ client: String) -> CancelFlag {
    flags[client]?.raise()
    let flag = CancelFlag()
    flags[client] = flag
    return flag
  }

  /// Forgets `client`'s flag when it is still `flag`.
  func finish(_ client: String, _ flag: CancelFlag) {
    if flags[client] === flag { flags[client] = nil }
  }
}

/// Runs `body` on a thread of its own and waits for it without holding a thread of Swift's
/// cooperative pool (2 on a 2-core machine): a run of seconds must not stop the server from
/// accepting and answering other requests.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    let thread = Thread { continuation.resume(returning: body()) }
    thread.stackSize = 8 << 20
    thread.start()
  }
}

/// The API and page of `buig serve`, independent of the HTTP server that carries them.
///
/// Every `POST /api/…` takes a JSON object: `scenario` (the name of an embedded scenario or of a
/// file given to `buig serve`, or a scenario JSON object), `set` (`{"PATH": VALUE, …}`, each
/// made as `--set PATH=VALUE` with VALUE written as compact JSON, in the object's order),
/// `paths`, `seed`, and per route `variant` (compare), `lang` (report, view) and `client`
/// (view). `run`, `compare`, `report` and `xlsx` return the bytes of the same `buig` command
/// (`commandArguments(_:_:output:)`); an inline scenario is read as a file named `request` (the
/// variant of a compare: `request-variant`).
final class ServeAPI: Sendable {
  /// Scenario files given on the command line, by name.
  let files: [String: String]
  /// Runs at once and waiting (`RunPool`).
  let pool: RunPool
  let views = ViewRegistry()
  /// The port the server listens on, for the Host and Origin checks.
  let port = Atomic<Int>(0)

  /// An API over the embedded scenarios and `files` (name → path), with `jobs` runs at once
  /// and `4 × jobs` waiting.
  init(files: [String: String], jobs: Int) {
    self.files = files
    pool = RunPool(slots: jobs, queue: 4 * jobs)
  }

  /// Whether `Host` (and `Origin`, when sent) name this server on the loopback address: a page
  /// of another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name
  /// and is refused.
  func trusted(_ headers: [String: String]) -> Bool {
    let p = port.load(ordering: .relaxed)
    let hosts = ["127.0.0.1:\(p)", "localhost:\(p)", "[::1]:\(p)"]
    guard let host = headers["host"]?.lowercased(), hosts.contains(host) else { return false }
    if let origin = headers["origin"]?.lowercased() {
      return hosts.contains { origin == "http://\($0)" }
    }
    return true
  }

  /// Answers one request; never throws: every failure is a response with a message.
  func handle(_ request: ServeRequest) async -> ServeResponse {
    guard trusted(request.headers) else {
      return .problem(
        403,
        "expected a request to this server on the loopback address (Host 127.0.0.1:\(port.load(ordering: .relaxed)) or localhost), found Host \(request.headers["host"] ?? "none")\(request.headers["origin"].map { " and Origin \($0)" } ?? "")"
      )
    }
    switch (request.method, request.path) {
    case ("GET", "/"), ("GET", "/index.html"): return page("index.html", "text/html; charset=utf-8")
    case ("GET", "/page.js"): return page("page.js", "text/javascript; charset=utf-8")
    case ("GET", "/page.css"): return page("page.css", "text/css; charset=utf-8")
    case ("GET", "/report.css"):
      return ServeResponse(
        status: 200, contentType: "text/css; charset=utf-8",
        body: Data(CouncilReport.styleSheet.utf8))
    case ("GET", "/api/scenarios"): return scenarios()
    case ("POST", let path) where path.hasPrefix("/api/"):
      let route = String(path.dropFirst(5))
      guard Self.postRoutes.contains(route) else { break }
      let body: [(key: String, value: JSONValue)]
      do {
        guard case .object(let o) = try JSONParser.parse(Array(request.body)) else {
          return .problem(400, "expected a JSON object as the request body")
        }
        body = o
      } catch {
        return .problem(400, "expected a JSON object as the request body", [error.description])
      }
      return await post(route, body)
    default: break
    }
    return .problem(
      request.method == "GET" || request.method == "POST" ? 404 : 405,
      "no \(request.method) \(request.path): expected GET /, GET /api/scenarios, or POST /api/run, /api/compare, /api/report, /api/xlsx, /api/view, /api/controls, /api/scenario"
    )
  }

  static let postRoutes = ["run", "compare", "report", "xlsx", "view", "controls", "scenario"]

  /// The members each route reads; any other is refused (never ignored silently).
  static let members: [String: [String]] = [
    "run": ["scenario", "set", "paths", "seed"],
    "xlsx": ["scenario", "set", "paths", "seed"],
    "compare": ["scenario", "variant", "set", "paths", "seed"],
    "report": ["scenario", "variant", "set", "paths", "seed", "lang"],
    "view": ["scenario", "set", "paths", "seed", "lang", "client"],
    "controls": ["scenario"],
    "scenario": ["scenario", "set"],
  ]

  func page(_ name: String, _ type: String) -> ServeResponse {
    guard let url = Bundle.module.url(forResource: "serve/\(name)", withExtension: nil),
      let data = FileManager.default.contents(atPath: url.path)
    else { return .problem(500, "the page's file \(name) is missing: reinstall buig") }
    return ServeResponse(status: 200, contentType: type, body: data)
  }

  /// `GET /api/scenarios`: the embedded scenarios and the files given, with their titles.
  func scenarios() -> ServeResponse {
    var items: [JSONValue] = []
    func title(_ bytes: [UInt8]?) -> JSONValue {
      if let b = bytes, let doc = try? JSONParser.parse(b), case .string(let t)? = doc["title"] {
        return .string(t)
      }
      return .null
    }
    for (name, path) in files.sorted(by: { $0.key < $1.key }) {
      items.append(
        .object([
          ("name", .string(name)), ("origin", .string(path)),
          ("title", title(FileManager.default.contents(atPath: path).map { Array($0) })),
        ]))
    }
    for name in EmbeddedScenarios.names() {
      items.append(
        .object([
          ("name", .string(name)), ("origin", .string("embedded:\(name)")),
          ("title", title(EmbeddedScenarios.bytes(name))),
        ]))
    }
    return .json(
      200,
      .object([
        ("default", .string(EmbeddedScenarios.defaultName)), ("scenarios", .array(items)),
      ]))
  }

  /// A request's fields, checked before any computation.
  struct Fields {
    var scenario: String
    var variant: String?
    var inline: [String: [UInt8]] = [:]
    var set: [String] = []
    var paths: Int?
    var seed: String?
    var lang: String?
    var client: String?
  }

  /// Reads a request body's members, or the 400 that says what is wrong with them.
  func fields(_ route: String, _ body: [(key: String, value: JSONValue)]) -> Result<
    Fields, InputFailure
  > {
    var problems: [String] = []
    let allowed = Self.members[route] ?? []
    for m in body where !allowed.contains(m.key) {
      problems.append(
        "\(m.key): expected one of \(allowed.joined(separator: ", ")), found an unknown member")
    }
    let o = Dictionary(body, uniquingKeysWith: { a, _ in a })
    var f = Fields(scenario: "")
    func scenario(_ key: String, inlineName: String) -> String? {
      switch o[key] {
      case .string(let name):
        if let path = files[name] { return path }
        if EmbeddedScenarios.names().contains(name) { return "embedded:\(name)" }
        problems.append(
          "\(key): expected the name of a scenario (\((files.keys.sorted() + EmbeddedScenarios.names()).joined(separator: ", "))) or a scenario object, found \"\(name)\""
        )
      case .object(let doc):
        f.inline[inlineName] = Array(JSONWriter.write(.object(doc)).utf8)
        return inlineName
      case nil:
        if key == "scenario" { problems.append("scenario: expected a scenario, found none") }
      case let other?:
        problems.append(
          "\(key): expected the name of a scenario or a scenario object, found \(other.summary)"
        )
      }
      return nil
    }
    f.scenario = scenario("scenario", inlineName: "request") ?? ""
    if o["variant"] != nil { f.variant = scenario("variant", inlineName: "request-variant") }
    if route == "compare", o["variant"] == nil {
      problems.append("variant: expected the variant scenario to compare with, found none")
    }
    switch o["set"] {
    case nil: break
    case .object(let edits)?:
      f.set = edits.map { "\($0.key)=\(JSONWriter.writeCompact($0.value))" }
    case let other?:
      problems.append(
        "set: expected an object {\"PATH\": VALUE, …}, found \(other.summary)")
    }
    func integer(_ key: String, _ range: ClosedRange<Int>, _ what: String) -> Int? {
      guard let v = o[key] else { return nil }
      guard case .number(let text) = v, let n = Int(text), range.contains(n) else {
        problems.append(
          "\(key): expected \(what) from \(Money.group(String(range.lowerBound))) to \(Money.group(String(range.upperBound))), found \(v.summary)"
        )
        return nil
      }
      return n
    }
    f.paths = integer("paths", 0...ServeLimits.paths, "a whole number of paths")
    f.seed = integer(
      "seed", Int(Seed.range.lowerBound)...Int(Seed.range.upperBound), "a whole-number seed"
    ).map(String.init)
    for key in ["lang", "client"] {
      switch o[key] {
      case nil: break
      case .string(let s)?:
        if key == "lang" { f.lang = s } else { f.client = s }
      case let other?: problems.append("\(key): expected a string, found \(other.summary)")
      }
    }
    if let lang = f.lang, ReportLanguage(rawValue: lang) == nil {
      problems.append("lang: expected nl or en, found \"\(lang)\"")
    }
    return problems.isEmpty ? .success(f) : .failure(InputFailure(command: "serve", problems))
  }

  /// The `buig` arguments of a request's command: the same command line a user would type,
  /// writing to `output`.
  static func commandArguments(_ route: String, _ f: Fields, output: String) -> [String] {
    var args: [String]
    switch route {
    case "compare": args = ["compare", f.scenario, f.variant ?? "", "--format", "json"]
    case "report":
      args = ["report", f.scenario] + (f.variant.map { ["--compare", $0] } ?? [])
      if let lang = f.lang { args += ["--lang", lang] }
    case "xlsx": args = ["run", f.scenario, "--format", "xlsx"]
    default: args = ["run", f.scenario, "--format", "json"]
    }
    for s in f.set { args += ["--set", s] }
    if let p = f.paths { args += ["--paths", String(p)] }
    if let s = f.seed { args += ["--seed", s] }
    return args + ["--quiet", "--output", output]
  }

  /// A POST route: fields checked, then a slot of the pool, then the work on its own thread.
  func post(_ route: String, _ body: [(key: String, value: JSONValue)]) async -> ServeResponse {
    let f: Fields
    switch fields(route, body) {
    case .success(let v): f = v
    case .failure(let e): return .problem(400, "the request is not valid", e.lines)
    }
    if route == "controls" || route == "scenario" {
      return await onOwnThread {
        InlineFiles.$files.withValue(f.inline) { self.document(route, f) }
      }
    }
    var flag: CancelFlag?
    if route == "view" { flag = await views.start(f.client ?? "") }
    defer {
      if let flag { Task { await views.finish(f.client ?? "", flag) } }
    }
    guard await pool.enter() else {
      var r = ServeResponse.problem(
        503, "every run slot and the queue are taken; try again in a moment")
      r.headers.append(("Retry-After", "1"))
      return r
    }
    if flag?.isRaised == true {
      await pool.leave()
      return Self.cancelled
    }
    let response = await onOwnThread { [flag] in
      InlineFiles.$files.withValue(f.inline) {
        route == "view" ? self.view(f, cancel: flag!) : self.command(route, f)
      }
    }
    await pool.leave()
    return response
  }

  /// The built-in rule table and a request's `set` as `--set` edits.
  static func rulesAndEdits(_ f: Fields) throws -> (RuleTable, [ScenarioEdit]) {
    let set = try SetOptions.parse(f.set.flatMap { ["--set", $0] })
    return (try RuleOptions.parse([]).table(command: "serve"), try set.edits(command: "serve"))
  }

  static let cancelled = ServeResponse.problem(
    409, "cancelled: a newer view request of the same client replaced this one")

  /// Runs `buig` in this process with the request's arguments and returns what it wrote.
  func command(_ route: String, _ f: Fields) -> ServeResponse {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "buig-serve-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      return .problem(500, "cannot make a temporary folder: \(error.localizedDescription)")
    }
    let output = folder.appendingPathComponent("out").path
    do {
      var command = try Buig.parseAsRoot(Self.commandArguments(route, f, output: output))
      try command.run()
    } catch let failure as InputFailure {
      return .problem(400, "the request is not valid", failure.lines)
    } catch {
      return .problem(400, "the request is not valid", [Buig.fullMessage(for: error)])
    }
    guard let data = FileManager.default.contents(atPath: output) else {
      return .problem(500, "the command wrote no output")
    }
    let type =
      switch route {
      case "report": "text/html; charset=utf-8"
      case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
      default: "application/json; charset=utf-8"
      }
    var r = ServeResponse(status: 200, contentType: type, body: data)
    if route == "xlsx" || route == "report" {
      r.headers.append(
        (
          "Content-Disposition",
          "attachment; filename=\"buig.\(route == "xlsx" ? "xlsx" : "html")\""
        ))
    }
    return r
  }

  /// `POST /api/scenario`: the scenario document with the edits made (what `--set` runs), to
  /// download; `POST /api/controls`: the page's controls for a scenario.
  func document(_ route: String, _ f: Fields) -> ServeResponse {
    do {
      let (table, edits) = try Self.rulesAndEdits(f)
      let loaded = try loadScenario(f.scenario, command: "serve", rules: table, edits: edits)
      if route == "scenario" {
        var r = ServeResponse(
          status: 200, contentType: "application/json; charset=utf-8", body: Data(loaded.bytes))
        r.headers.append(
          ("Content-Disposition", "attachment; filename=\"\(loaded.scenario.name).json\""))
        return r
      }
      return .json(200, ServeControls.json(loaded))
    } catch let failure as InputFailure {
      return .problem(400, "the request is not valid", failure.lines)
    } catch {
      return .problem(400, "the request is not valid", ["\(error)"])
    }
  }

  /// `POST /api/view`: the page's sections (the report's summary, meerjarenbeeld, fan charts,
  /// band view and interventions) and key figures of a run, or 409 when a newer view of the
  /// same client cancelled it.
  func view(_ f: Fields, cancel: CancelFlag) -> ServeResponse {
    do {
      let (table, edits) = try Self.rulesAndEdits(f)
      var loaded = try loadScenario(f.scenario, command: "serve", rules: table, edits: edits)
      if let seed = f.seed.flatMap(UInt64.init) { loaded.scenario.seed = seed }
      let s = loaded.scenario
      let projection = try loaded.projection(command: "serve")
      let paths = f.paths ?? ServeLimits.viewPaths
      guard paths >= 2 else {
        return .problem(
          400, "the request is not valid", ["paths: expected at least 2, found \(paths)"])
      }
      let discount = try DiscountOption.parse([]).discount(s.rules, command: "serve")
      // The run as `buig run` makes it (engine, warnings, paths, statistics), with the view's
      // cancellation flag in its options.
      let info: MonteCarloInfo
      do {
        info = try simulate(
          s, projection,
          MonteCarloOptions(
            paths: paths, threads: ProcessInfo.processInfo.activeProcessorCount, cancel: cancel),
          quiet: true, discountRate: discount.rate,
          reserve: s.monteCarlo.netBurdenLimit?.doubleValue, command: "serve")
      } catch let failure as InputFailure {
        return cancel.isRaised
          ? Self.cancelled : .problem(400, "the request is not valid", failure.lines)
      }
      let input = CouncilReportInput(
        scenario: s, projection: projection,
        identity: RunIdentity(scenario: s, origin: loaded.origin), monteCarlo: info,
        discount: discount, sensitivity: nil, switching: [], comparison: nil)
      let language = f.lang.flatMap(ReportLanguage.init(rawValue:)) ?? .nl
      // The horizon figures exactly as `buig run --format json` writes them for the same run.
      let run = RunRender.json(
        s, projection, identity: RunIdentity(scenario: s, origin: loaded.origin),
        discount: discount, mc: info)
      let figures: [(String, JSONValue)] = [
        ("paths", .int(paths)), ("seed", .int(Int(s.seed))), ("sha256", .string(s.sha256)),
        ("edits", .array(s.edits.map { .string($0) })), ("horizon", run["horizon"] ?? .null),
        ("warnings", .array(info.warnings.map { .string($0) })),
      ]
      return .json(
        200,
        .object([
          (
            "sections",
            .array(
              CouncilReport.whatIfSections(input, language: language).map {
                .string($0)
              })
          ),
          ("figures", .object(figures.map { (key: $0.0, value: $0.1) })),
        ]))
    } catch let failure as InputFailure {
      return .problem(400, "the request is not valid", failure.lines)
    } catch {
      return .problem(400, "the request is not valid", ["\(error)"])
    }
  }
}
