/// A syntax error in a JSON document, with the line and column (both 1-based) where reading
/// stopped.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// 1-based line of the offending byte.
  public var line: Int
  /// 1-based column (in bytes) of the offending byte.
  public var column: Int
  /// What was wrong, in words.
  public var message: String

  /// `line 3, column 14: expected ',' or '}' after an object member, found 'x'`.
  public var description: String { "line \(line), column \(column): \(message)" }
}

/// Reads a JSON document (RFC 8259) into a `JSONValue`.
///
/// Strict where a lenient reader would guess: duplicate keys, trailing commas, comments,
/// invalid UTF-8, control characters in strings, leading zeros and bare `NaN`/`Infinity` are all
/// errors with a position. A UTF-8 byte-order mark at the start is skipped (editors on Windows
/// write one). Nesting is limited to `maximumDepth` levels so that a hostile document cannot
/// exhaust the stack; a document to `maximumBytes` bytes and a string (or member name) to
/// `maximumStringBytes` bytes as written, so that a wrong file given by mistake is named as such
/// rather than read into memory.
///
/// - Complexity: O(n) in the document's length.
public struct JSONParser {
  /// Deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 64
  /// Largest document accepted, in bytes (16 MiB): a scenario with realised years and a rule
  /// table are tens of kilobytes.
  public static let maximumBytes = 16 * 1024 * 1024
  /// Longest string or member name accepted, in UTF-8 bytes (64 KiB): the longest text a
  /// scenario holds is a source note of a few hundred bytes.
  public static let maximumStringBytes = 64 * 1024

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  /// Parses a whole document; anything but whitespace after the top-level value is an error.
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    if bytes.count > maximumBytes {
      throw parser.error(
        "the document is \(bytes.count) bytes, more than the \(maximumBytes) (16 MiB) a JSON input may have: is it the right file?"
      )
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
    parser.skipWhitespace()
    if parser.index >= bytes.count {
      throw parser.error("the document is empty: expected a JSON value")
    }
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.index < bytes.count {
      throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
    }
    return value
  }

  /// Parses a document given as a string.
  public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try parse(Array(text.utf8))
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func error(_ message: String) -> JSONSyntaxError {
    var line = 1
    var column = 1
    for b in bytes[..<min(index, bytes.count)] {
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return JSONSyntaxError(line: line, column: column, message: message)
  }

  private func describeCurrent() -> String {
    guard index < bytes.count else { return "the end of the document" }
    let b = bytes[index]
    if b >= 0x20 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
    return "byte 0x" + String(b, radix: 16, uppercase: true)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.count else {
      throw error("unexpected end of the document: expected a value")
    }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectWord("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    case UInt8(ascii: "N"), UInt8(ascii: "I"):
      throw error("NaN and Infinity are not JSON numbers: write a finite number")
    default:
      throw error(
        "expected a value (object, array, string, number, true, false or null), found \(describeCurrent())"
      )
    }
  }

  private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
    let w = Array(word.utf8)
    guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
      throw error("expected '\(word)', found \(describeCurrent())")
    }
    index += w.count
  }

  private mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONParser.maximumDepth {
      throw error("nesting deeper than \(JSONParser.maximumDepth) levels of arrays and objects")
    }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var members: [(key: String, value: JSONValue)] = []
    var seen = Set<String>()
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in double quotes, found \(describeCurrent())")
      }
      let keyStart = index
      let key = try parseString()
      if seen.contains(key) {
        index = keyStart
        throw error("duplicate key \"\(key)\" in the same object")
      }
      seen.insert(key)
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after the member name \"\(key)\", found \(describeCurrent())")
      }
      index += 1
      skipWhitespace()
      let value = try parseValue()
      members.append((key, value))
      skipWhitespace()
      guard index < bytes.count else {
        throw error("unexpected end of the document inside an object: expected ',' or '}'")
      }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
          throw error("trailing comma before '}': remove the last ','")
        }
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return .object(members)
      }
      throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    index += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else {
        throw error("unexpected end of the document inside an array: expected ',' or ']'")
      }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
          throw error("trailing comma before ']': remove the last ','")
        }
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(items)
      }
      throw error("expected ',' or ']' after an array item, found \(describeCurrent())")
    }
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> String {
    let start = index
    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, isDigit(bytes[index]) else {
      throw error("expected a digit in a number, found \(describeCurrent())")
    }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count && isDigit(bytes[index]) {
        throw error("numbers cannot have leading zeros")
      }
    } else {
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit after the decimal point, found \(describeCurrent())")
      }
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count
      && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"))
    {
      index += 1
      if index < bytes.count
        && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"))
      {
        index += 1
      }
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit in the exponent, found \(describeCurrent())")
      }
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1  // opening quote
    let start = index
    var scalars = String.UnicodeScalarView()
    while true {
      guard index < bytes.count else { throw error("unterminated string: expected a closing '\"'") }
      if index - start > JSONParser.maximumStringBytes {
        throw error(
          "a string longer than \(JSONParser.maximumStringBytes) bytes (64 KiB): is a closing '\"' missing?"
        )
      }
      let b = bytes[index]
      switch b {
      case UInt8(ascii: "\""):
        index += 1
        return String(scalars)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw error("unterminated escape sequence in a string") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800...0xDBFF).contains(code) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u")
            else {
              throw error("a \\u escape for a high surrogate must be followed by a low surrogate")
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
              throw error("invalid low surrogate in a \\u escape")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw error("a lone low surrogate in a \\u escape")
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
          scalars.append(scalar)
        default:
          index -= 2
          throw error("invalid escape sequence '\\\(Character(UnicodeScalar(e)))' in a string")
        }
      case 0x00..<0x20:
        throw error(
          "control character (byte 0x\(String(b, radix: 16, uppercase: true))) in a string: escape it"
        )
      case 0x00..<0x80:
        scalars.append(Unicode.Scalar(b))
        index += 1
      default:
        scalars.append(try decodeUTF8Scalar())
      }
    }
  }

  private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard index + 4 <= bytes.count else {
      throw error("a \\u escape needs four hexadecimal digits")
    }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let b = bytes[index]
      let d: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
      default: throw error("a \\u escape needs four hexadecimal digits, found \(describeCurrent())")
      }
      v = v << 4 | d
      index += 1
    }
    return v
  }

  /// Decodes one multi-byte UTF-8 sequence at `index`, refusing overlong forms, surrogates and
  /// code points above U+10FFFF.
  private mutating func decodeUTF8Scalar() throws(JSONSyntaxError) -> Unicode.Scalar {
    let b0 = bytes[index]
    let invalid =
      "invalid UTF-8 (byte 0x\(String(b0, radix: 16, uppercase: true))): save the file as UTF-8"
    let length: Int
    var code: UInt32
    switch b0 {
    case 0xC2...0xDF: length = 2; code = UInt32(b0 & 0x1F)
    case 0xE0...0xEF: length = 3; code = UInt32(b0 & 0x0F)
    case 0xF0...0xF4: length = 4; code = UInt32(b0 & 0x07)
    default: throw error(invalid)
    }
    guard index + length <= bytes.count else { throw error(invalid) }
    for k in 1..<length {
      let b = bytes[index + k]
      guard b & 0xC0 == 0x80 else { throw error(invalid) }
      code = code << 6 | UInt32(b & 0x3F)
    }
    let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
    guard code >= minimum, code <= 0x10FFFF, !(0xD800...0xDFFF).contains(code),
      let scalar = Unicode.Scalar(code)
    else { throw error(invalid) }
    index += length
    return scalar
  }
}
