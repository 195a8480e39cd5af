import BuigJSON
import Foundation

/// A JSON value whose objects keep their keys in the order written.
enum JSON {
  case number(Double)
  case int(Int)
  case string(String)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])

  /// A number, or `null` when it is not finite.
  static func num(_ x: Double?) -> JSON {
    guard let x, x.isFinite else { return .null }
    return .number(x)
  }

  /// The engine's own JSON value: six significant digits for measured figures.
  var value: JSONValue {
    switch self {
    case .number(let x):
      guard x.isFinite else { return .null }
      if x == x.rounded(), abs(x) < 1e15 { return .int(Int(x)) }
      return .number(String(format: "%.6g", x))
    case .int(let i): return .int(i)
    case .string(let s): return .string(s)
    case .bool(let b): return .bool(b)
    case .null: return .null
    case .array(let items): return .array(items.map(\.value))
    case .object(let members): return .object(members.map { ($0.0, $0.1.value) })
    }
  }

  /// The text, written by the engine's JSON writer (two-space indentation, a final newline).
  func text() -> String { JSONWriter.write(value) }
}

/// A value from `JSONSerialization` as `JSON` (object keys sorted).
func anyJSON(_ v: Any) -> JSON {
  switch v {
  case let b as Bool where type(of: v) == Bool.self: return .bool(b)
  case let i as Int where type(of: v) == Int.self: return .int(i)
  case let n as NSNumber: return .num(n.doubleValue)
  case let s as String: return .string(s)
  case let a as [Any]: return .array(a.map(anyJSON))
  case let o as [String: Any]: return .object(o.keys.sorted().map { ($0, anyJSON(o[$0]!)) })
  default: return .null
  }
}
