import BuigJSON

/// One change to a scenario document for one run: `PATH=VALUE`, as `--set` takes it.
///
/// The path is written the way error messages and uncertainty targets write one: members by
/// name (`caseload.value`), array elements by index (`interventions[0].successRate`), keys that
/// are not plain names in quotes (`caseload.byYear["2024"]`), and interventions by id
/// (`interventions.werkfit.successRate`). The value is JSON (`0.3`, `"p.m."`,
/// `{"value": 0.3, "source": "..."}`).
///
/// An edit changes the JSON document, not the decoded scenario: the edited document is read by
/// `Scenario.decode` like a file, so a value is checked exactly as it would be in the file. An
/// edit may add a member that an object does not have yet, but every object or array on the way
/// must exist; inside an intervention that names a `preset`, the preset's members count as
/// there (the one set is added to the scenario's intervention object, where it wins over the
/// preset).
public struct ScenarioEdit: Sendable, Equatable, CustomStringConvertible {
  /// One step of an edit's path.
  public enum Step: Sendable, Equatable {
    /// A member of an object by name; directly under the top-level `interventions`, the
    /// intervention with that id.
    case key(String)
    /// An element of an array (0-based).
    case index(Int)
  }

  /// The steps from the document's top level to the value that is set (at least one).
  public var path: [Step]
  /// The value to set.
  public var value: JSONValue
  /// The edit as it was given (`interventions.werkfit.successRate=0.3`), for outputs.
  public var text: String

  /// The edit as it was given.
  public var description: String { text }

  /// An edit from its parts; `text` is what outputs record.
  public init(path: [Step], value: JSONValue, text: String) {
    self.path = path
    self.value = value
    self.text = text
  }

  /// Reads `PATH=VALUE`, or throws an issue located at `--set PATH` that says what was expected
  /// and what was found. The first `=` outside quotes ends the path; spaces around the path are
  /// ignored. A value that is not JSON is refused, not taken as a string: text is written as a
  /// JSON string (`--set 'PATH="p.m."'`).
  public static func parse(_ text: String) throws(InputIssue) -> ScenarioEdit {
    var reader = PathReader(text)
    let path = try reader.readPath()
    let pathText = reader.pathText
    let valueText = String(reader.rest)
    let location = "--set \(pathText)"
    guard valueText.contains(where: { !$0.isWhitespace }) else {
      throw InputIssue(
        path: location, expected: "a JSON value after '='", found: "nothing",
        hint: "write PATH=VALUE, for example interventions.ID.successRate=0.3")
    }
    let value: JSONValue
    do {
      value = try JSONParser.parse(valueText)
    } catch {
      let shown = valueText.trimmingSpaces
      // A bare word (p.m., structural) is not taken as a string: that would hide a typo in a
      // number or a keyword.
      guard let first = shown.first, !first.isLetter else {
        throw InputIssue(
          path: location,
          expected: "a JSON value (a number, a string in double quotes, an object, ...)",
          found: "\(shown), which is not JSON",
          hint: "to set a text, quote it as JSON: --set '\(pathText)=\(JSONWriter.quote(shown))'")
      }
      throw InputIssue(
        path: location, expected: "a JSON value", found: "\(shown) (at \(error))",
        hint: first.isNumber || first == "-"
          ? "numbers are written with a decimal point and no thousands separators: 0.3, 2100"
          : nil)
    }
    return ScenarioEdit(path: path, value: value, text: text)
  }

  /// The document with this edit made, or an issue located at `--set PATH` when the path does
  /// not lead anywhere in it: an unknown intervention id, an index out of range, a step into a
  /// number, string, `true`, `false` or `null`, or a missing object or array on the way.
  public func apply(to document: JSONValue) throws(InputIssue) -> JSONValue {
    try put(document, path[...], at: .root, fallback: nil)
  }

  /// Where this edit's problems are reported: `--set` and the path as given.
  var location: String {
    var reader = PathReader(text)
    _ = try? reader.readPath()
    return "--set \(reader.pathText)"
  }

  /// `node` with `value` put at the end of `steps`; `at` is the path of `node` (for messages),
  /// `fallback` the members a preset supplies to `node` when the scenario leaves them out.
  private func put(
    _ node: JSONValue, _ steps: ArraySlice<Step>, at here: JSONPath,
    fallback: [(key: String, value: JSONValue)]?
  ) throws(InputIssue) -> JSONValue {
    guard let step = steps.first else { return value }
    let rest = steps.dropFirst()
    switch (node, step) {
    case (.object(var members), .key(let k)):
      if let i = members.firstIndex(where: { $0.key == k }) {
        members[i].value = try put(
          members[i].value, rest, at: here.appending(k),
          fallback: presetMembers(of: k, in: here, fallback: fallback))
      } else if rest.isEmpty {
        members.append((k, value))
      } else if let supplied = fallback?.first(where: { $0.key == k }) {
        // A member the preset supplies: copied into the scenario's object, then changed there.
        members.append((k, try put(supplied.value, rest, at: here.appending(k), fallback: nil)))
      } else {
        let names = members.map(\.key)
        throw InputIssue(
          path: location, expected: "a member \"\(k)\" in \(where: here) to go into",
          found: names.isEmpty
            ? "an empty object"
            : "an object with \(names.map { "\"\($0)\"" }.joined(separator: ", "))",
          hint: JSONReader.closest(to: k, in: names).map { "did you mean \"\($0)\"?" }
            ?? "set \(JSONPath(components: here.components + [.key(k)])) as a whole instead")
      }
      return .object(members)
    case (.array(var items), .index(let i)):
      guard items.indices.contains(i) else {
        throw InputIssue(
          path: location,
          expected: items.isEmpty
            ? "an element of \(where: here), which is empty"
            : "an index of \(where: here) from 0 to \(items.count - 1)",
          found: "[\(i)]")
      }
      items[i] = try put(
        items[i], rest, at: here.appending(i), fallback: interventionPreset(items[i], at: here))
      return .array(items)
    case (.array(var items), .key(let id)):
      guard here == JSONPath.root.appending("interventions") else {
        throw InputIssue(
          path: location, expected: "an index such as [0] into the array \(here)",
          found: "\".\(id)\"", hint: "only interventions are named by id")
      }
      let ids = items.compactMap { item -> String? in
        if case .string(let s) = item["id"] ?? .null { s } else { nil }
      }
      guard let i = items.firstIndex(where: { $0["id"] == .string(id) }) else {
        throw InputIssue(
          path: location,
          expected: ids.isEmpty
            ? "an intervention id, but the scenario has no interventions with an id"
            : "an intervention id of the scenario: \(JSONReader.list(ids))",
          found: "\"\(id)\"",
          hint: JSONReader.closest(to: id, in: ids).map { "did you mean \"\($0)\"?" })
      }
      items[i] = try put(
        items[i], rest, at: here.appending(i), fallback: interventionPreset(items[i], at: here))
      return .array(items)
    case (.object, .index(let i)):
      throw InputIssue(
        path: location, expected: "a member name after \(here), which is an object",
        found: "[\(i)]")
    default:
      let stepText: String
      switch step {
      case .key(let k): stepText = "\"\(k)\""
      case .index(let i): stepText = "[\(i)]"
      }
      throw InputIssue(
        path: location, expected: "an object or an array at \(here) to go into with \(stepText)",
        found: node.summary)
    }
  }

  /// The members a preset supplies to an element of the top-level `interventions` array: the
  /// preset's, without its `id`; `nil` for other elements or without a known preset.
  private func interventionPreset(_ item: JSONValue, at array: JSONPath)
    -> [(key: String, value: JSONValue)]?
  {
    guard array == JSONPath.root.appending("interventions"),
      case .string(let name) = item["preset"] ?? .null,
      let preset = InterventionPresets.all().first(where: { $0.id == name }),
      case .object(let members) = preset.value
    else { return nil }
    return members.filter { $0.key != "id" }
  }

  /// The members a preset supplies inside the member `key` of an object whose own preset
  /// members are `fallback`: the preset merges `costs` member by member, everything else whole.
  private func presetMembers(
    of key: String, in here: JSONPath, fallback: [(key: String, value: JSONValue)]?
  ) -> [(key: String, value: JSONValue)]? {
    guard key == "costs", case .object(let m)? = fallback?.first(where: { $0.key == key })?.value
    else { return nil }
    return m
  }

  /// Applies `edits` in order to the document in `bytes` and writes it with `JSONWriter`; the
  /// bytes as they are when there are no edits (so that a scenario's hash stays that of its
  /// file). Throws the document's syntax error located at `origin`, or one issue per edit that
  /// does not apply.
  public static func apply(_ edits: [ScenarioEdit], toDocument bytes: [UInt8], origin: String)
    throws(InputIssues) -> [UInt8]
  {
    guard !edits.isEmpty else { return bytes }
    var document = try JSONParser.document(bytes, origin: origin)
    var issues: [InputIssue] = []
    for edit in edits {
      do {
        document = try edit.apply(to: document)
      } catch {
        issues.append(error)
      }
    }
    if !issues.isEmpty { throw InputIssues(issues) }
    return Array(JSONWriter.write(document).utf8)
  }
}

extension String.StringInterpolation {
  /// `the top level` or the path, for "in ..." phrases of messages.
  fileprivate mutating func appendInterpolation(where path: JSONPath) {
    appendLiteral(path.components.isEmpty ? "the top level" : path.description)
  }
}

/// Reads the path of `PATH=VALUE` character by character.
private struct PathReader {
  let characters: [Character]
  var index = 0

  init(_ text: String) { characters = Array(text) }

  /// The path as written, without the spaces around it (up to `=`, or all of it without one).
  var pathText: String {
    let end = equalsIndex ?? characters.count
    return String(characters[..<end]).trimmingSpaces
  }

  /// What follows the `=` that ends the path (empty without one).
  var rest: ArraySlice<Character> {
    guard let e = equalsIndex else { return [] }
    return characters[(e + 1)...]
  }

  /// The index of the first `=` outside double quotes.
  var equalsIndex: Int? {
    var quoted = false
    var escaped = false
    for (i, c) in characters.enumerated() {
      if quoted {
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          quoted = false
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "=" {
        return i
      }
    }
    return nil
  }

  private var location: String {
    "--set \(pathText.isEmpty ? String(characters).trimmingSpaces : pathText)"
  }

  private func failure(_ expected: String, found: String, hint: String? = nil) -> InputIssue {
    InputIssue(path: location, expected: expected, found: found, hint: hint)
  }

  private static let example = "write PATH=VALUE, for example interventions.ID.successRate=0.3"

  private var current: String {
    index < end ? "'\(characters[index])' at character \(index + 1)" : "the end of the path"
  }

  private var end: Int { equalsIndex ?? characters.count }

  /// Reads the steps of the path, up to the `=`.
  mutating func readPath() throws(InputIssue) -> [ScenarioEdit.Step] {
    guard equalsIndex != nil else {
      throw failure(
        "PATH=VALUE", found: "no '=' in \"\(String(characters))\"", hint: Self.example)
    }
    skipSpaces()
    var steps: [ScenarioEdit.Step] = []
    if index < end && characters[index] != "[" && characters[index] != "." {
      steps.append(try name(after: steps))
    }
    while true {
      skipSpaces()
      guard index < end else { break }
      switch characters[index] {
      case ".":
        index += 1
        steps.append(try name(after: steps))
      case "[":
        index += 1
        steps.append(try bracket(first: steps.isEmpty))
      default:
        throw failure("'.', '[' or '=' after \(describe(steps))", found: current)
      }
    }
    guard !steps.isEmpty else {
      throw failure("a path before '='", found: "nothing", hint: Self.example)
    }
    return steps
  }

  private mutating func skipSpaces() {
    while index < end && characters[index].isWhitespace { index += 1 }
  }

  /// A plain member name (or an intervention id after `interventions`): everything up to the
  /// next `.`, `[`, `]`, `"`, `=` or space.
  private mutating func name(after steps: [ScenarioEdit.Step]) throws(InputIssue)
    -> ScenarioEdit.Step
  {
    let start = index
    while index < end, !".[]\"=".contains(characters[index]), !characters[index].isWhitespace {
      index += 1
    }
    guard index > start else {
      throw failure("a member name", found: current)
    }
    let word = String(characters[start..<index])
    let isInterventionID = steps == [.key("interventions")]
    if let first = word.first, first.isNumber, !isInterventionID {
      throw failure(
        "a key that starts with a digit (a year) in quotes", found: ".\(word)",
        hint: "write it as [\"\(word)\"], for example caseload.byYear[\"2024\"]")
    }
    return .key(word)
  }

  /// `[0]` or `["key"]`, after the `[`.
  private mutating func bracket(first: Bool) throws(InputIssue) -> ScenarioEdit.Step {
    skipSpaces()
    guard index < end else { throw failure("an index or a quoted key after '['", found: current) }
    let step: ScenarioEdit.Step
    if characters[index] == "\"" {
      let start = index
      index += 1
      var escaped = false
      while index < end {
        let c = characters[index]
        index += 1
        if escaped {
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          break
        }
      }
      let literal = String(characters[start..<index])
      guard case .string(let key)? = try? JSONParser.parse(literal) else {
        throw failure("a key as a JSON string, such as [\"2024\"]", found: literal)
      }
      step = .key(key)
    } else {
      let start = index
      while index < end && characters[index].isASCII && characters[index].isNumber { index += 1 }
      guard index > start, let i = Int(String(characters[start..<index])) else {
        throw failure(
          "an index (0, 1, ...) or a key in double quotes after '['", found: current,
          hint: "years as keys are quoted: caseload.byYear[\"2024\"]")
      }
      if first {
        throw failure(
          "a member of the scenario's top level, which is an object", found: "[\(i)]")
      }
      step = .index(i)
    }
    skipSpaces()
    guard index < end, characters[index] == "]" else {
      throw failure("']'", found: current)
    }
    index += 1
    return step
  }

  private func describe(_ steps: [ScenarioEdit.Step]) -> String {
    steps.isEmpty
      ? "the start"
      : JSONPath(
        components: steps.map {
          switch $0 {
          case .key(let k): .key(k)
          case .index(let i): .index(i)
          }
        }
      ).description
  }
}

extension String {
  /// The string without spaces at either end.
  fileprivate var trimmingSpaces: String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}
