import Foundation
import ZIPFoundation

/// How a number cell is shown: each format is one cell style of the workbook's `styles.xml`.
public enum NumberFormat: Int, Sendable, CaseIterable {
  /// Excel's General format.
  case general = 0
  /// Euros to the cent: `"€" #,##0.00`.
  case euro
  /// A fraction shown as a percentage with two decimals (`0.00%`): 0.0525 reads 5.25%.
  case percent
  /// A fraction shown as a percentage with four decimals (`0.0000%`), for probabilities.
  case probability
  /// Households, or any amount to two decimals: `#,##0.00`.
  case households
  /// A whole number without separators (a year, a seed): `0`.
  case integer
  /// A ratio to four decimals: `0.0000`.
  case ratio
  /// A count with thousands separators (paths): `#,##0`.
  case count

  /// The format code, or nil for Excel's General.
  var code: String? {
    switch self {
    case .general: nil
    case .euro: "\"€\" #,##0.00"
    case .percent: "0.00%"
    case .probability: "0.0000%"
    case .households: "#,##0.00"
    case .integer: "0"
    case .ratio: "0.0000"
    case .count: "#,##0"
    }
  }

  /// The number format id in `styles.xml`: built-in ids where Excel has the format, custom ids
  /// from 164.
  var id: Int {
    switch self {
    case .general: 0
    case .euro: 164
    case .percent: 10
    case .probability: 165
    case .households: 4
    case .integer: 1
    case .ratio: 166
    case .count: 3
    }
  }
}

/// One cell of a sheet.
public enum XLSXCell: Sendable, Equatable {
  /// No cell.
  case empty
  /// Text, written as an inline string.
  case text(String)
  /// Bold text (headers and section titles).
  case header(String)
  /// A number given as its decimal text (`-1234.5`, `0.052`), so that the workbook holds exactly
  /// the digits the other outputs print, and the format it is shown in. Text that is not a finite
  /// number (`NaN`, `inf`) is written as text, never as a plausible number.
  case number(String, NumberFormat)

  /// A number from a `Double`, written with Swift's shortest round-tripping text.
  public static func double(_ v: Double, _ format: NumberFormat) -> XLSXCell {
    v.isFinite
      ? .number(v == 0 ? "0" : "\(v)", format) : .text(v.isNaN ? "NaN" : v > 0 ? "inf" : "-inf")
  }

  /// A whole number.
  public static func int(_ v: Int, _ format: NumberFormat = .integer) -> XLSXCell {
    .number(String(v), format)
  }
}

/// One sheet: rows of cells, the first row the header (frozen when `freezeHeader`).
public struct XLSXSheet: Sendable {
  /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
  public var name: String
  /// The rows, top to bottom.
  public var rows: [[XLSXCell]]
  /// Whether the first row stays in view when scrolling.
  public var freezeHeader: Bool

  /// A sheet.
  public init(name: String, rows: [[XLSXCell]] = [], freezeHeader: Bool = true) {
    self.name = name
    self.rows = rows
    self.freezeHeader = freezeHeader
  }

  /// Adds a row.
  public mutating func add(_ row: [XLSXCell]) { rows.append(row) }
}

/// Problems writing a workbook.
public enum XLSXError: Error, CustomStringConvertible {
  /// A sheet name Excel refuses.
  case badSheetName(String)
  /// The ZIP container could not be written.
  case zip(String)

  /// The problem in words.
  public var description: String {
    switch self {
    case .badSheetName(let n):
      "sheet name \"\(n)\": expected 1 to 31 characters, none of []:*?/\\, and unique"
    case .zip(let m): "the workbook's ZIP container could not be written: \(m)"
    }
  }
}

/// Writes an Office Open XML workbook (SpreadsheetML, `.xlsx`) by hand: inline strings, number
/// cells with number formats, frozen header rows, column widths from the content. The same
/// sheets always give the same bytes: the ZIP entries are written in a fixed order, with a fixed
/// date (1980-01-01 00:00, the earliest a ZIP entry can hold), fixed permissions and no dates in
/// `docProps`.
public enum XLSXWriter {
  /// The ZIP entries' modification date: 1980-01-01 00:00:00 UTC.
  public static let entryDate = Date(timeIntervalSince1970: 315_532_800)

  /// The workbook's parts, in the order they are zipped: path and contents.
  public static func parts(_ sheets: [XLSXSheet], title: String = "") throws -> [(String, String)] {
    var names = Set<String>()
    for s in sheets {
      let bad = s.name.contains { "[]:*?/\\".contains($0) }
      if s.name.isEmpty || s.name.count > 31 || bad || !names.insert(s.name.lowercased()).inserted {
        throw XLSXError.badSheetName(s.name)
      }
    }
    var out: [(String, String)] = [
      ("[Content_Types].xml", contentTypes(sheets.count)),
      ("_rels/.rels", rootRels),
      ("docProps/app.xml", app),
      ("docProps/core.xml", core(title)),
      ("xl/workbook.xml", workbook(sheets)),
      ("xl/_rels/workbook.xml.rels", workbookRels(sheets.count)),
      ("xl/styles.xml", styles),
    ]
    for (i, s) in sheets.enumerated() {
      out.append(("xl/worksheets/sheet\(i + 1).xml", sheet(s)))
    }
    return out
  }

  /// The workbook as the bytes of an `.xlsx` file (deflated ZIP entries).
  public static func write(_ sheets: [XLSXSheet], title: String = "") throws -> Data {
    let files = try parts(sheets, title: title)
    do {
      let archive = try Archive(accessMode: .create)
      for (path, text) in files {
        let data = Data(text.utf8)
        try archive.addEntry(
          with: path, type: .file, uncompressedSize: Int64(data.count),
          modificationDate: entryDate, permissions: 0o644, compressionMethod: .deflate
        ) { position, size in
          data.subdata(in: Int(position)..<Int(position) + size)
        }
      }
      guard let bytes = archive.data else { throw XLSXError.zip("no archive data") }
      return bytes
    } catch let e as XLSXError {
      throw e
    } catch {
      throw XLSXError.zip("\(error)")
    }
  }

  // MARK: - XML

  /// Text with `&`, `<`, `>`, `"` escaped and the characters XML 1.0 cannot hold (control
  /// characters other than tab, line feed and carriage return) left out.
  public static func escape(_ s: String) -> String { XMLText.escape(s) }

  /// The column letters of a zero-based column index: A, …, Z, AA, ….
  public static func column(_ index: Int) -> String {
    var n = index + 1
    var s = ""
    while n > 0 {
      let r = (n - 1) % 26
      s = String(UnicodeScalar(UInt8(65 + r))) + s
      n = (n - 1) / 26
    }
    return s
  }

  static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  static let pkgRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"

  static func contentTypes(_ count: Int) -> String {
    var s =
      header
      + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
      + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
      + "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    for i in 1..<(count + 1) {
      s +=
        "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    }
    return s + "</Types>"
  }

  static let rootRels =
    header + "<Relationships xmlns=\"\(pkgRelNS)\">"
    + "<Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/>"
    + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    + "<Relationship Id=\"rId3\" Type=\"\(relNS)/extended-properties\" Target=\"docProps/app.xml\"/>"
    + "</Relationships>"

  static let app =
    header
    + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
    + "<Application>buig</Application></Properties>"

  static func core(_ title: String) -> String {
    header
      + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
      + "<dc:title>\(escape(title))</dc:title><dc:creator>buig</dc:creator></cp:coreProperties>"
  }

  static func workbook(_ sheets: [XLSXSheet]) -> String {
    var s = header + "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\"><sheets>"
    for (i, sheet) in sheets.enumerated() {
      s += "<sheet name=\"\(escape(sheet.name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
    }
    return s + "</sheets></workbook>"
  }

  static func workbookRels(_ count: Int) -> String {
    var s = header + "<Relationships xmlns=\"\(pkgRelNS)\">"
    for i in 0..<count {
      s +=
        "<Relationship Id=\"rId\(i + 1)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
    }
    s +=
      "<Relationship Id=\"rId\(count + 1)\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
    return s + "</Relationships>"
  }

  /// Cell style indexes: 0 the default, 1 bold text, then one per number format after general.
  static func style(_ cell: XLSXCell) -> Int {
    switch cell {
    case .header: 1
    case .number(_, let f): f == .general ? 0 : 1 + f.rawValue
    case .text, .empty: 0
    }
  }

  static let styles: String = {
    let custom = NumberFormat.allCases.filter { $0.id >= 164 }
    var s = header + "<styleSheet xmlns=\"\(mainNS)\">"
    s += "<numFmts count=\"\(custom.count)\">"
    for f in custom {
      s += "<numFmt numFmtId=\"\(f.id)\" formatCode=\"\(escape(f.code!))\"/>"
    }
    s += "</numFmts>"
    s +=
      "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
      + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
      + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
      + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
      + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    let formats = NumberFormat.allCases.filter { $0 != .general }
    s += "<cellXfs count=\"\(2 + formats.count)\">"
    s += "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    s += "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    for f in formats {
      s +=
        "<xf numFmtId=\"\(f.id)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    }
    s += "</cellXfs>"
    s +=
      "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    return s + "</styleSheet>"
  }()

  /// Whether a number's text is a finite decimal number a spreadsheet reads as a number.
  static func isNumber(_ text: String) -> Bool {
    guard let v = Double(text), v.isFinite else { return false }
    return text.allSatisfy { "0123456789.-+eE".contains($0) }
  }

  /// The width, in characters, a cell needs.
  static func width(_ cell: XLSXCell) -> Int {
    switch cell {
    case .empty: 0
    case .text(let t), .header(let t):
      t.split(separator: "\n").map(\.count).max() ?? 0
    case .number(let t, let f):
      switch f {
      case .euro, .households: t.count + t.count / 3 + 3
      case .percent, .probability: t.count + 2
      default: t.count
      }
    }
  }

  static func sheet(_ sheet: XLSXSheet) -> String {
    var s = header + "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
    if sheet.freezeHeader && sheet.rows.count > 1 {
      s +=
        "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews>"
    } else {
      s += "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
    }
    s += "<sheetFormatPr defaultRowHeight=\"15\"/>"
    let columns = sheet.rows.map(\.count).max() ?? 0
    if columns > 0 {
      s += "<cols>"
      for c in 0..<columns {
        let w = sheet.rows.map { c < $0.count ? width($0[c]) : 0 }.max() ?? 0
        let chars = min(max(w + 2, 8), 80)
        s += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(chars)\" customWidth=\"1\"/>"
      }
      s += "</cols>"
    }
    s += "<sheetData>"
    for (r, row) in sheet.rows.enumerated() {
      s += "<row r=\"\(r + 1)\">"
      for (c, cell) in row.enumerated() {
        let ref = "\(column(c))\(r + 1)"
        let st = style(cell)
        let sAttr = st == 0 ? "" : " s=\"\(st)\""
        switch cell {
        case .empty: continue
        case .text(let t), .header(let t):
          s += inline(ref, sAttr, t)
        case .number(let t, _):
          if isNumber(t) {
            s += "<c r=\"\(ref)\"\(sAttr)><v>\(t)</v></c>"
          } else {
            s += inline(ref, "", t)
          }
        }
      }
      s += "</row>"
    }
    return s + "</sheetData></worksheet>"
  }

  static func inline(_ ref: String, _ style: String, _ text: String) -> String {
    let e = escape(text)
    let space =
      (text.first?.isWhitespace ?? false) || (text.last?.isWhitespace ?? false)
      ? " xml:space=\"preserve\"" : ""
    return "<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t\(space)>\(e)</t></is></c>"
  }
}
