/// A JSON value that keeps every number exactly as it was written.
///
/// Numbers stay as their literal text (`"6284800.50"`), so that amounts in euros reach the
/// money layer as exact decimals instead of passing through `Double`. Objects keep their members
/// in document order, so that output written from a `JSONValue` is stable byte for byte.
public indirect enum JSONValue: Equatable, Sendable {
  /// An object: members in document order. Keys are unique (the parser refuses duplicates).
  case object([(key: String, value: JSONValue)])
  /// An array of values.
  case array([JSONValue])
  /// A string.
  case string(String)
  /// A number, as its JSON literal (for example `-1.5e3`).
  case number(String)
  /// `true` or `false`.
  case bool(Bool)
  /// `null`.
  case null

  /// Equality by structure; object members compare in order.
  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.array(let a), .array(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.null, .null): return true
    default: return false
    }
  }

  /// The member of an object with the given key, or `nil` when absent or when this is no object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// A short description of the value's kind and content, for error messages
  /// (`string "abc"`, `number 1e400`, `an object`, `an array of 3 items`, `null`).
  public var summary: String {
    switch self {
    case .object(let m): return m.isEmpty ? "an empty object" : "an object"
    case .array(let a): return "an array of \(a.count) item\(a.count == 1 ? "" : "s")"
    case .string(let s):
      let shown = s.count > 40 ? String(s.prefix(37)) + "..." : s
      return "string \"\(shown)\""
    case .number(let n): return "number \(n.count > 40 ? String(n.prefix(37)) + "..." : n)"
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  /// Builds a number value from an integer.
  public static func int(_ v: Int) -> JSONValue { .number(String(v)) }

  /// Builds a number value from a `Double`: the shortest text that reads back to the same
  /// `Double` (Swift's `description`), or `null` for NaN and infinities, which JSON cannot hold.
  public static func double(_ v: Double) -> JSONValue {
    guard v.isFinite else { return .null }
    if v == v.rounded(), abs(v) < 1e15 { return .number(String(Int64(v))) }
    return .number(v.description)
  }
}
