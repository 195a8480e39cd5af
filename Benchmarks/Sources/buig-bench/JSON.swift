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

  /// The text, indented by two spaces per level.
  func text(indent: Int = 0) -> String {
    let pad = String(repeating: " ", count: indent)
    let inner = String(repeating: " ", count: indent + 2)
    switch self {
    case .number(let x):
      if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
      return String(format: "%.6g", x)
    case .int(let i): return String(i)
    case .string(let s): return JSON.quote(s)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let items):
      if items.isEmpty { return "[]" }
      let simple = items.allSatisfy {
        switch $0 {
        case .array, .object: false
        default: true
        }
      }
      if simple { return "[" + items.map { $0.text() }.joined(separator: ", ") + "]" }
      return "[\n" + items.map { inner + $0.text(indent: indent + 2) }.joined(separator: ",\n")
        + "\n" + pad + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      return "{\n"
        + members.map { inner + JSON.quote($0.0) + ": " + $0.1.text(indent: indent + 2) }
        .joined(separator: ",\n") + "\n" + pad + "}"
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
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
