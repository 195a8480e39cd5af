import Foundation

/// One problem with an input: where (a JSON path or an option name), what was expected, what was
/// found, and, where it helps, how to fix it.
public struct InputIssue: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where the problem is: `interventions[2].successRate`, or an option such as `--budget`.
  public var path: String
  /// What a valid value looks like.
  public var expected: String
  /// What the input held instead.
  public var found: String
  /// How to fix it, when there is more to say than `expected`.
  public var hint: String?

  /// An issue from its parts.
  public init(path: String, expected: String, found: String, hint: String? = nil) {
    self.path = path
    self.expected = expected
    self.found = found
    self.hint = hint
  }

  /// `interventions[2].successRate: expected a number from 0 to 1, found number 1.4`, followed
  /// by `; <hint>` when there is one.
  public var description: String {
    "\(path): expected \(expected), found \(found)" + (hint.map { "; \($0)" } ?? "")
  }
}

/// Several input problems reported together, so that a user fixes them in one pass.
public struct InputIssues: Error, Sendable, CustomStringConvertible {
  /// The problems, in the order they were found (document order).
  public var issues: [InputIssue]

  /// A list of issues.
  public init(_ issues: [InputIssue]) { self.issues = issues }

  /// One line per issue.
  public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a document is read, so that reading goes on after the first problem.
public final class IssueLog: @unchecked Sendable {
  /// Issues found so far, in document order.
  public private(set) var issues: [InputIssue] = []

  /// An empty log.
  public init() {}

  /// Records an issue.
  public func report(_ issue: InputIssue) { issues.append(issue) }

  /// Records an issue at a JSON path.
  public func report(_ path: JSONPath, expected: String, found: String, hint: String? = nil) {
    issues.append(InputIssue(path: path.description, expected: expected, found: found, hint: hint))
  }

  /// Throws all collected issues at once when there are any.
  public func throwIfAny() throws(InputIssues) {
    if !issues.isEmpty { throw InputIssues(issues) }
  }
}

extension JSONParser {
  /// Parses a whole input document, turning a syntax error into an input issue at `origin`
  /// (`expected valid JSON, found a syntax error at line 3, column 14: ...`).
  public static func document(_ bytes: [UInt8], origin: String) throws(InputIssues) -> JSONValue {
    do {
      return try parse(bytes)
    } catch {
      throw InputIssues([
        InputIssue(path: origin, expected: "valid JSON", found: "a syntax error at \(error)")
      ])
    }
  }
}

/// A value being read at a known path; the typed accessors report what is wrong to the log and
/// return `nil`, so that a decoder can go on and report every problem of a document at once.
public struct JSONReader {
  /// The value at `path`.
  public let value: JSONValue
  /// Where the value sits in the document.
  public let path: JSONPath
  /// Where problems go.
  public let log: IssueLog

  /// A reader over a value.
  public init(_ value: JSONValue, path: JSONPath = .root, log: IssueLog) {
    self.value = value
    self.path = path
    self.log = log
  }

  /// Reports a problem at this reader's path.
  public func report(expected: String, hint: String? = nil) {
    log.report(path, expected: expected, found: value.summary, hint: hint)
  }

  /// The value as an object whose members must all be among `keys`; members not in `keys` are
  /// reported when the returned reader's `finish()` runs.
  public func object(keys: [String]) -> ObjectReader? {
    guard case .object(let members) = value else {
      report(expected: "an object")
      return nil
    }
    return ObjectReader(members: members, path: path, log: log, allowed: keys)
  }

  /// The value as an array of readers, one per item.
  public func array(minCount: Int = 0, maxCount: Int = Int.max) -> [JSONReader]? {
    guard case .array(let items) = value else {
      report(expected: "an array")
      return nil
    }
    if items.count < minCount || items.count > maxCount {
      let expected =
        maxCount == Int.max
        ? "an array of at least \(minCount) item\(minCount == 1 ? "" : "s")"
        : minCount == maxCount
          ? "an array of exactly \(minCount) items" : "an array of \(minCount) to \(maxCount) items"
      report(expected: expected)
      return nil
    }
    return items.enumerated().map {
      JSONReader($0.element, path: path.appending($0.offset), log: log)
    }
  }

  /// The value as a string, optionally one of `allowed`.
  public func string(allowed: [String]? = nil, nonEmpty: Bool = false) -> String? {
    guard case .string(let s) = value else {
      report(expected: allowed.map { "one of " + Self.list($0) } ?? "a string")
      return nil
    }
    if let allowed, !allowed.contains(s) {
      let suggestion = Self.closest(to: s, in: allowed).map { "did you mean \"\($0)\"?" }
      report(expected: "one of " + Self.list(allowed), hint: suggestion)
      return nil
    }
    if nonEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
      report(expected: "a non-empty string")
      return nil
    }
    return s
  }

  /// The value as `true` or `false`.
  public func bool() -> Bool? {
    guard case .bool(let b) = value else {
      report(expected: "true or false")
      return nil
    }
    return b
  }

  /// The value as an exact decimal number within `range` (inclusive); `unit` names the unit in
  /// messages (`"EUR"`, `"households"`).
  public func decimal(in range: ClosedRange<Decimal>, unit: String? = nil) -> Decimal? {
    let expected = Self.rangeText(range.lowerBound.description, range.upperBound.description, unit)
    guard case .number(let literal) = value else {
      report(expected: expected, hint: Self.numberHint(value))
      return nil
    }
    guard let d = Decimal(string: literal, locale: Locale(identifier: "en_US_POSIX")), d.isFinite,
      !d.isNaN, Double(literal).map({ $0.isFinite }) ?? false
    else {
      report(expected: expected, hint: "the number is too large to represent")
      return nil
    }
    guard range.contains(d) else {
      report(expected: expected)
      return nil
    }
    return d
  }

  /// The value as a `Double` within `range` (inclusive).
  public func double(in range: ClosedRange<Double>, unit: String? = nil) -> Double? {
    let expected = Self.rangeText(Self.short(range.lowerBound), Self.short(range.upperBound), unit)
    guard case .number(let literal) = value else {
      report(expected: expected, hint: Self.numberHint(value))
      return nil
    }
    guard let d = Double(literal), d.isFinite else {
      report(expected: expected, hint: "the number is too large to represent")
      return nil
    }
    guard range.contains(d) else {
      report(expected: expected)
      return nil
    }
    return d
  }

  /// The value as a whole number within `range` (inclusive).
  public func int(in range: ClosedRange<Int>, unit: String? = nil) -> Int? {
    let expected =
      range.lowerBound == range.upperBound
      ? "the number \(range.lowerBound)"
      : "a whole number"
        + Self.rangeText(String(range.lowerBound), String(range.upperBound), unit).dropFirst(
          "a number".count)
    guard case .number(let literal) = value else {
      report(expected: expected, hint: Self.numberHint(value))
      return nil
    }
    guard let i = Int(literal) else {
      report(expected: expected)
      return nil
    }
    guard range.contains(i) else {
      report(expected: expected)
      return nil
    }
    return i
  }

  static func numberHint(_ v: JSONValue) -> String? {
    if case .string(let s) = v {
      let t = s.trimmingCharacters(in: .whitespaces).lowercased()
      if ["nan", "inf", "infinity", "-inf", "-infinity", "+inf"].contains(t) {
        return "NaN and infinity are not allowed: write a finite number"
      }
      if Double(s.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "_", with: ""))
        != nil
      {
        return "write the number without quotes, with a decimal point (1234.5), not as a string"
      }
    }
    return nil
  }

  private static func short(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return d.description
  }

  private static func rangeText(_ lo: String, _ hi: String, _ unit: String?) -> String {
    let u = unit.map { " " + $0 } ?? ""
    return "a number from \(lo) to \(hi)\(u)"
  }

  /// `"a", "b" or "c"`.
  public static func list(_ items: [String]) -> String {
    let quoted = items.map { "\"\($0)\"" }
    if quoted.count <= 1 { return quoted.joined() }
    return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
  }

  /// The candidate nearest to `s` by edit distance, when it is near enough to be a likely typo
  /// (distance at most a third of the longer word, and at most 3).
  public static func closest(to s: String, in candidates: [String]) -> String? {
    let lower = s.lowercased()
    var best: (String, Int)?
    for c in candidates {
      let d = editDistance(lower, c.lowercased())
      if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    return d <= min(3, max(1, max(s.count, c.count) / 3)) ? c : nil
  }

  private static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&prev, &cur)
    }
    return prev[b.count]
  }
}

/// Reads the members of one object: each member is taken at most once, missing required members
/// and unknown members are reported (with a suggestion for likely typos).
public final class ObjectReader {
  private let members: [(key: String, value: JSONValue)]
  /// The object's path.
  public let path: JSONPath
  /// Where problems go.
  public let log: IssueLog
  private let allowed: [String]
  private var finished = false

  init(members: [(key: String, value: JSONValue)], path: JSONPath, log: IssueLog, allowed: [String])
  {
    self.members = members
    self.path = path
    self.log = log
    self.allowed = allowed
  }

  /// Whether the object has a member `key`.
  public func has(_ key: String) -> Bool { members.contains { $0.key == key } }

  /// The member `key`, reporting it as missing when absent. `expected` describes it for the
  /// message (`"a number of households"`).
  public func required(_ key: String, _ expected: String) -> JSONReader? {
    guard let m = members.first(where: { $0.key == key }) else {
      log.report(
        path.appending(key), expected: expected, found: "nothing (the field is missing)",
        hint: "add \"\(key)\"")
      return nil
    }
    return JSONReader(m.value, path: path.appending(key), log: log)
  }

  /// The member `key`, or `nil` when absent. A member whose value is `null` counts as absent.
  public func optional(_ key: String) -> JSONReader? {
    guard let m = members.first(where: { $0.key == key }) else { return nil }
    if case .null = m.value { return nil }
    return JSONReader(m.value, path: path.appending(key), log: log)
  }

  /// Reports every member whose key is not allowed. Call once, after reading.
  public func finish() {
    guard !finished else { return }
    finished = true
    for m in members where !allowed.contains(m.key) {
      let suggestion = JSONReader.closest(to: m.key, in: allowed).map { "did you mean \"\($0)\"?" }
      let allowedText = "one of the fields " + JSONReader.list(allowed)
      log.report(
        path.appending(m.key), expected: allowedText, found: "an unknown field \"\(m.key)\"",
        hint: suggestion ?? "remove it or check its spelling")
    }
  }

  deinit { finish() }
}

/// Where a number in an input came from: the `source` and `note` a user wrote beside it.
public struct Provenance: Equatable, Sendable {
  /// The JSON path of the number.
  public var path: String
  /// The number as written.
  public var value: String
  /// Its source (a document, a seed letter), when given.
  public var source: String?
  /// A note (an assumption and why), when given.
  public var note: String?

  /// A provenance record.
  public init(path: String, value: String, source: String?, note: String?) {
    self.path = path
    self.value = value
    self.source = source
    self.note = note
  }
}

/// Collects the provenance of every number read, in document order: the audit trail that
/// outputs list.
public final class AuditTrail: @unchecked Sendable {
  /// Records so far.
  public private(set) var records: [Provenance] = []
  /// An empty trail.
  public init() {}
  /// Adds a record.
  public func add(_ p: Provenance) { records.append(p) }
}

extension JSONReader {
  /// A number that may be written plain (`0.5`) or with its provenance
  /// (`{"value": 0.5, "source": "seed 000", "note": "..."}`): returns a reader positioned on the
  /// number itself and records the provenance in `trail`.
  public func sourcedNumber(trail: AuditTrail?) -> JSONReader? {
    switch value {
    case .number(let literal):
      trail?.add(Provenance(path: path.description, value: literal, source: nil, note: nil))
      return self
    case .object:
      guard let o = object(keys: ["value", "source", "note"]) else { return nil }
      defer { o.finish() }
      let source = o.optional("source")?.string(nonEmpty: true)
      let note = o.optional("note")?.string(nonEmpty: true)
      guard let v = o.required("value", "a number") else { return nil }
      if case .number(let literal) = v.value {
        trail?.add(Provenance(path: path.description, value: literal, source: source, note: note))
      }
      return v
    default:
      report(
        expected: "a number, or {\"value\": number, \"source\": text, \"note\": text}",
        hint: JSONReader.numberHint(value))
      return nil
    }
  }
}
