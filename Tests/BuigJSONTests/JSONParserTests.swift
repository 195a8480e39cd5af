import Testing

@testable import BuigJSON

@Suite("JSON parser")
struct JSONParserTests {
  @Test func keepsNumbersAsWritten() throws {
    let v = try JSONParser.parse(#"{"a": 6284800.50, "b": -1.5e3, "c": 0}"#)
    #expect(v["a"] == .number("6284800.50"))
    #expect(v["b"] == .number("-1.5e3"))
    #expect(v["c"] == .number("0"))
  }

  @Test func keepsMemberOrderAndWritesTheSameBytes() throws {
    let text = #"{"z": 1, "a": [1, 2, {"q": "x\ny"}], "m": null, "t": true}"#
    let v = try JSONParser.parse(text)
    guard case .object(let members) = v else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.key) == ["z", "a", "m", "t"])
    let written = JSONWriter.write(v)
    #expect(try JSONParser.parse(written) == v)
    #expect(JSONWriter.write(try JSONParser.parse(written)) == written)
  }

  @Test func decodesEscapesAndSurrogatePairs() throws {
    let v = try JSONParser.parse(#"["\u00e9\t\"\\\/", "\ud83d\ude00", "€"]"#)
    #expect(v == .array([.string("é\t\"\\/"), .string("😀"), .string("€")]))
  }

  @Test func skipsAByteOrderMark() throws {
    let v = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))
    #expect(v == .array([.number("1")]))
  }

  @Test(arguments: [
    ("", 1, 1, "empty"),
    ("{\"a\": 1,}", 1, 9, "trailing comma"),
    ("[1, 2,]", 1, 7, "trailing comma"),
    ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""),
    ("{\"a\" 1}", 1, 6, "expected ':'"),
    ("[01]", 1, 3, "leading zeros"),
    ("[NaN]", 1, 2, "NaN and Infinity"),
    ("[1.]", 1, 4, "after the decimal point"),
    ("{\n  \"a\": tru\n}", 2, 8, "expected 'true'"),
    ("\"abc", 1, 5, "unterminated string"),
    ("[1] x", 1, 5, "after the end"),
    ("\"a\u{01}\"", 1, 3, "control character"),
    ("[\"\\x\"]", 1, 3, "invalid escape"),
    ("// c\n[1]", 1, 1, "expected a value"),
  ])
  func reportsSyntaxErrorsWithPositions(text: String, line: Int, column: Int, fragment: String) {
    do {
      _ = try JSONParser.parse(text)
      Issue.record("accepted invalid JSON: \(text)")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.column == column, "\(error)")
      #expect(error.message.contains(fragment), "\(error)")
    }
  }

  @Test(
    arguments: [
      [0x22, 0xFF, 0x22],  // a byte that never occurs in UTF-8
      [0x22, 0xC0, 0xAF, 0x22],  // overlong encoding of '/'
      [0x22, 0xED, 0xA0, 0x80, 0x22],  // an encoded surrogate
      [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
    ] as [[UInt8]])
  func refusesInvalidUTF8(bytes: [UInt8]) {
    do {
      _ = try JSONParser.parse(bytes)
      Issue.record("accepted invalid UTF-8")
    } catch {
      #expect(error.message.contains("invalid UTF-8"))
    }
  }

  @Test func limitsNesting() throws {
    let ok =
      String(repeating: "[", count: JSONParser.maximumDepth)
      + String(repeating: "]", count: JSONParser.maximumDepth)
    _ = try JSONParser.parse(ok)
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
  }

  @Test func limitsStringLengthAndDocumentSize() throws {
    let n = JSONParser.maximumStringBytes
    let longest = "\"" + String(repeating: "é", count: n / 2) + "\""
    #expect(try JSONParser.parse(longest) == .string(String(repeating: "é", count: n / 2)))
    let tooLong = "[\"" + String(repeating: "a", count: n + 1) + "\"]"
    do {
      _ = try JSONParser.parse(tooLong)
      Issue.record("a string of \(n + 1) bytes was read")
    } catch {
      #expect(error.description.contains("a string longer than 65536 bytes"))
      #expect(error.line == 1)
    }
    // An unterminated string in a big file is named at the limit, not read to the end.
    let open = "{\"note\": \"" + String(repeating: "x", count: 3 * n)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(open) }
    var big = Array("[".utf8)
    big += [UInt8](repeating: UInt8(ascii: " "), count: JSONParser.maximumBytes)
    big += Array("]".utf8)
    do {
      _ = try JSONParser.parse(big)
      Issue.record("a document of \(big.count) bytes was read")
    } catch {
      #expect(error.description.contains("more than the 16777216 (16 MiB) a JSON input may have"))
    }
    var fits = Array("[".utf8)
    fits += [UInt8](repeating: UInt8(ascii: " "), count: JSONParser.maximumBytes - 2)
    fits += Array("]".utf8)
    #expect(try JSONParser.parse(fits) == .array([]))
  }
}

@Suite("JSON reader")
struct JSONReaderTests {
  @Test func pathsReadLikeCode() {
    let p = JSONPath.root.appending("interventions").appending(2).appending("successRate")
    #expect(p.description == "interventions[2].successRate")
    #expect(JSONPath.root.appending("a b").description == #"["a b"]"#)
    #expect(JSONPath.root.description == "(top level)")
  }

  @Test func reportsEveryProblemWithPathExpectedAndFound() throws {
    let v = try JSONParser.parse(#"{"rate": 1.4, "name": 3, "count": "12", "sucessRate": 0.5}"#)
    let log = IssueLog()
    let r = JSONReader(v, log: log)
    let o = try #require(r.object(keys: ["rate", "name", "count", "successRate", "missing"]))
    #expect(o.required("rate", "a rate")?.double(in: 0...1) == nil)
    #expect(o.required("name", "a name")?.string() == nil)
    #expect(o.required("count", "a count")?.int(in: 0...100) == nil)
    #expect(o.required("missing", "a number") == nil)
    o.finish()
    let text = log.issues.map(\.description)
    #expect(text.count == 5)
    #expect(text[0] == "rate: expected a number from 0 to 1, found number 1.4")
    #expect(text[1] == #"name: expected a string, found number 3"#)
    #expect(text[2].hasPrefix(#"count: expected a whole number from 0 to 100, found string "12""#))
    #expect(text[2].contains("without quotes"))
    #expect(text[3].hasPrefix("missing: expected a number, found nothing"))
    #expect(text[4].hasPrefix(#"sucessRate: expected one of the fields"#))
    #expect(text[4].contains(#"did you mean "successRate"?"#))
  }

  @Test func refusesHugeNumbersAndNaNStrings() throws {
    let v = try JSONParser.parse(#"{"a": 1e400, "b": "NaN", "c": 1e20}"#)
    let log = IssueLog()
    let o = try #require(JSONReader(v, log: log).object(keys: ["a", "b", "c"]))
    #expect(o.required("a", "x")?.decimal(in: 0...1_000_000) == nil)
    #expect(o.required("b", "x")?.decimal(in: 0...1_000_000) == nil)
    #expect(o.required("c", "x")?.double(in: 0...1e12) == nil)
    o.finish()
    #expect(log.issues.count == 3)
    #expect(log.issues[0].hint?.contains("too large") == true)
    #expect(log.issues[1].hint?.contains("NaN") == true)
  }

  @Test func sourcedNumbersRecordTheirProvenance() throws {
    let v = try JSONParser.parse(
      #"{"a": {"value": 0.46, "source": "seed 000", "note": "52 of 113"}, "b": 2}"#)
    let log = IssueLog()
    let trail = AuditTrail()
    let o = try #require(JSONReader(v, log: log).object(keys: ["a", "b"]))
    #expect(o.required("a", "x")?.sourcedNumber(trail: trail)?.double(in: 0...1) == 0.46)
    #expect(o.required("b", "x")?.sourcedNumber(trail: trail)?.int(in: 0...5) == 2)
    o.finish()
    #expect(log.issues.isEmpty)
    #expect(
      trail.records == [
        Provenance(path: "a", value: "0.46", source: "seed 000", note: "52 of 113"),
        Provenance(path: "b", value: "2", source: nil, note: nil),
      ])
  }
}
