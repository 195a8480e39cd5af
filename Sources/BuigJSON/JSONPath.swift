import Foundation

/// The location of a value inside a JSON document, written the way people read it:
/// `interventions[2].successRate`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
  /// One step of a path: an object key or an array index.
  public enum Component: Hashable, Sendable {
    /// A member of an object.
    case key(String)
    /// An element of an array (0-based).
    case index(Int)
  }

  /// The steps from the document's top level.
  public private(set) var components: [Component]

  /// The top level of a document.
  public static let root = JSONPath(components: [])

  /// A path from its steps.
  public init(components: [Component]) { self.components = components }

  /// This path extended by an object key.
  public func appending(_ key: String) -> JSONPath {
    JSONPath(components: components + [.key(key)])
  }

  /// This path extended by an array index.
  public func appending(_ index: Int) -> JSONPath {
    JSONPath(components: components + [.index(index)])
  }

  /// `interventions[2].successRate`; keys that are not plain identifiers (a space, a leading
  /// digit as in a year) are quoted (`costs["2018"]`); the top level reads `(top level)`.
  public var description: String {
    if components.isEmpty { return "(top level)" }
    var out = ""
    for c in components {
      switch c {
      case .index(let i): out += "[\(i)]"
      case .key(let k):
        let plain =
          !k.isEmpty && !("0"..."9").contains(k.unicodeScalars.first!)
          && k.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "_"
              || $0 == "$"
          }
        if plain {
          out += out.isEmpty ? k : ".\(k)"
        } else {
          let escaped = k.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
          out += "[\"\(escaped)\"]"
        }
      }
    }
    return out
  }
}
