/// Text for XML (and HTML) documents: the one escaping that the workbook, the charts, the
/// council report and the JUnit file share.
public enum XMLText {
  /// `&`, `<`, `>` and `"` as entities, so that the text is safe in element content and in
  /// double-quoted attribute values; the control characters XML 1.0 does not allow (all below
  /// U+0020 but tab, line feed and carriage return, and U+FFFE, U+FFFF) left out.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "\t", "\n", "\r": out.unicodeScalars.append(u)
      default:
        if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
        out.unicodeScalars.append(u)
      }
    }
    return out
  }
}
