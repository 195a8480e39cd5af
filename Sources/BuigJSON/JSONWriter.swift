/// Writes a `JSONValue` as text: two-space indentation, members in the value's order, numbers as
/// their stored literals, a final newline. The same value always gives the same bytes.
public enum JSONWriter {
  /// Pretty-printed JSON text ending in a newline.
  public static func write(_ value: JSONValue) -> String {
    var out = ""
    write(value, indent: 0, into: &out)
    out += "\n"
    return out
  }

  /// Compact JSON text on one line (no spaces), for one-line-per-record outputs.
  public static func writeCompact(_ value: JSONValue) -> String {
    switch value {
    case .object(let members):
      return "{"
        + members.map { quote($0.key) + ":" + writeCompact($0.value) }.joined(separator: ",")
        + "}"
    case .array(let items): return "[" + items.map(writeCompact).joined(separator: ",") + "]"
    case .string(let s): return quote(s)
    case .number(let n): return n
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
    let pad = String(repeating: " ", count: indent + 2)
    switch value {
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      for (i, m) in members.enumerated() {
        out += pad + quote(m.key) + ": "
        write(m.value, indent: indent + 2, into: &out)
        out += i == members.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      // Arrays of scalars stay on one line: a year's series reads better that way.
      if items.allSatisfy({
        if case .object = $0 {
          return false
        } else if case .array = $0 {
          return false
        } else {
          return true
        }
      }) {
        out += "[" + items.map(writeCompact).joined(separator: ", ") + "]"
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        write(item, indent: indent + 2, into: &out)
        out += i == items.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    default:
      out += writeCompact(value)
    }
  }

  /// A JSON string literal, escaping quotes, backslashes and control characters.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
