import Foundation

/// Files that ship inside a target's resource bundle (the rule table, the presets, the flow
/// model, the built-in position): one way to read them and one message when one is missing.
public enum Resource {
  /// The bytes of `file` (name and extension) in `bundle` (a target's `Bundle.module`), or an
  /// issue saying that the installation is incomplete.
  public static func bytes(_ file: String, in bundle: Bundle) throws(InputIssues) -> [UInt8] {
    let name = (file as NSString).deletingPathExtension
    let ext = (file as NSString).pathExtension
    guard let url = bundle.url(forResource: name, withExtension: ext),
      let data = try? Data(contentsOf: url)
    else {
      throw InputIssues([
        InputIssue(
          path: file, expected: "the file shipped with buig", found: "no readable file",
          hint: "reinstall buig; the resource bundle is missing")
      ])
    }
    return Array(data)
  }

  /// The JSON of `file` in `bundle`, or an issue when it is missing or not JSON.
  public static func json(_ file: String, in bundle: Bundle) throws(InputIssues) -> JSONValue {
    try JSONParser.document(try bytes(file, in: bundle), origin: file)
  }
}
