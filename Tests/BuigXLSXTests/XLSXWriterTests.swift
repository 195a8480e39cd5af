import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif
import Testing
import ZIPFoundation

@testable import BuigXLSX

/// A small workbook with every kind of cell.
func sampleSheets() -> [XLSXSheet] {
  var a = XLSXSheet(name: "Numbers")
  a.add([.header("item"), .header("2018"), .header("share")])
  a.add([.text("net burden"), .number("-1234567.89", .euro), .number("0.052", .percent)])
  a.add([.text("caseload"), .number("10500.25", .households), .number("NaN", .probability)])
  a.add([.text(" A & B <c> \"d\"\u{1}"), .empty, .int(2018)])
  let b = XLSXSheet(name: "Second & last", rows: [[.header("only a header")]])
  return [a, b]
}

/// The entries of a ZIP archive read by hand: the local headers in file order, then the central
/// directory, checked against each other and against the end-of-central-directory record.
func zipEntries(_ data: Data) throws -> [(name: String, method: UInt16, date: UInt16, time: UInt16)]
{
  let b = [UInt8](data)
  func u16(_ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
  func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
  // The end-of-central-directory record: the last 22 bytes (no comment).
  let eocd = b.count - 22
  try #require(eocd > 0 && u32(eocd) == 0x0605_4b50)
  let count = Int(u16(eocd + 10))
  let cdSize = Int(u32(eocd + 12))
  let cdOffset = Int(u32(eocd + 16))
  #expect(cdOffset + cdSize == eocd)
  var out: [(String, UInt16, UInt16, UInt16)] = []
  var p = cdOffset
  for _ in 0..<count {
    try #require(u32(p) == 0x0201_4b50)
    let method = u16(p + 10)
    let time = u16(p + 12)
    let date = u16(p + 14)
    let nameLength = Int(u16(p + 28))
    let extra = Int(u16(p + 30))
    let comment = Int(u16(p + 32))
    let local = Int(u32(p + 42))
    let name = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
    // The local header names the same entry.
    try #require(u32(local) == 0x0403_4b50)
    let localName = String(
      decoding: b[(local + 30)..<(local + 30 + Int(u16(local + 26)))], as: UTF8.self)
    #expect(localName == name)
    out.append((name, method, date, time))
    p += 46 + nameLength + extra + comment
  }
  #expect(p == eocd)
  return out
}

/// An entry's text, read back with ZIPFoundation (which checks the CRC-32).
func entryText(_ data: Data, _ path: String) throws -> String {
  let archive = try Archive(data: data, accessMode: .read)
  let entry = try #require(archive[path])
  var out = Data()
  _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
  return String(decoding: out, as: UTF8.self)
}

@Suite struct XLSXWriterTests {
  @Test func theZIPHoldsEveryPartInAFixedOrderWithAFixedDate() throws {
    let data = try XLSXWriter.write(sampleSheets(), title: "t")
    let entries = try zipEntries(data)
    #expect(
      entries.map(\.name) == [
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
        "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
        "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
      ])
    for e in entries {
      #expect(e.method == 8)  // deflate
      #expect(e.date == 33)  // 1980-01-01: (0 << 9) | (1 << 5) | 1
      #expect(e.time == 0)
    }
    // Every entry reads back with a matching CRC-32.
    for e in entries { _ = try entryText(data, e.name) }
  }

  @Test func twoWritesAreByteIdentical() throws {
    let a = try XLSXWriter.write(sampleSheets(), title: "t")
    Thread.sleep(forTimeInterval: 2.1)  // past the 2-second resolution of a ZIP time
    let b = try XLSXWriter.write(sampleSheets(), title: "t")
    #expect(a == b)
  }

  @Test func numbersAreNumberCellsWithTheirFormatAndTextIsEscaped() throws {
    let data = try XLSXWriter.write(sampleSheets())
    let sheet = try entryText(data, "xl/worksheets/sheet1.xml")
    let euro = 1 + NumberFormat.euro.rawValue
    let percent = 1 + NumberFormat.percent.rawValue
    #expect(sheet.contains("<c r=\"B2\" s=\"\(euro)\"><v>-1234567.89</v></c>"))
    #expect(sheet.contains("<c r=\"C2\" s=\"\(percent)\"><v>0.052</v></c>"))
    // Not a finite number: text, never a number.
    #expect(sheet.contains("<c r=\"C3\" t=\"inlineStr\"><is><t>NaN</t></is></c>"))
    // Escaped, the control character left out, leading space preserved.
    #expect(
      sheet.contains(
        "<t xml:space=\"preserve\"> A &amp; B &lt;c&gt; &quot;d&quot;</t>"))
    #expect(
      sheet.contains(
        "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
    #expect(sheet.contains("<cols>"))
    let styles = try entryText(data, "xl/styles.xml")
    #expect(styles.contains("formatCode=\"&quot;€&quot; #,##0.00\""))
    let workbook = try entryText(data, "xl/workbook.xml")
    #expect(workbook.contains("name=\"Second &amp; last\""))
    // Every part is well-formed XML.
    for e in try zipEntries(data) {
      let parser = XMLParser(data: Data(try entryText(data, e.name).utf8))
      #expect(parser.parse(), "\(e.name): \(String(describing: parser.parserError))")
    }
  }

  @Test func styleIndexesMatchTheCellFormats() throws {
    // cellXfs: 0 default, 1 bold, then one per format after general, in declaration order.
    let styles = XLSXWriter.styles
    let xfs = styles.components(separatedBy: "<cellXfs")[1].components(separatedBy: "<xf ")
      .dropFirst()
    for f in NumberFormat.allCases where f != .general {
      let xf = xfs[xfs.startIndex + XLSXWriter.style(.number("1", f))]
      #expect(xf.contains("numFmtId=\"\(f.id)\""), "\(f)")
    }
  }

  @Test func columnLettersAndBadSheetNames() throws {
    #expect(XLSXWriter.column(0) == "A")
    #expect(XLSXWriter.column(25) == "Z")
    #expect(XLSXWriter.column(26) == "AA")
    #expect(XLSXWriter.column(701) == "ZZ")
    #expect(XLSXWriter.column(702) == "AAA")
    #expect(throws: XLSXError.self) { try XLSXWriter.write([XLSXSheet(name: "a/b")]) }
    #expect(throws: XLSXError.self) {
      try XLSXWriter.write([XLSXSheet(name: "x"), XLSXSheet(name: "X")])
    }
  }
}
