import Foundation

/// The scenarios that ship with buig (the files of `scenarios/`), so that `buig` and
/// `buig example` work from any folder.
public enum EmbeddedScenarios {
  /// The name of the scenario `buig` runs with no arguments.
  public static let defaultName = "groningen-2018"

  private static var folder: URL? {
    Bundle.module.url(forResource: "scenarios", withExtension: nil)
  }

  /// The names of the embedded scenarios (file names without `.json`), sorted.
  public static func names() -> [String] {
    guard let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
    else {
      return []
    }
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// The bytes of an embedded scenario, or `nil` when there is none by that name.
  public static func bytes(_ name: String) -> [UInt8]? {
    guard names().contains(name), let folder,
      let data = FileManager.default.contents(
        atPath: folder.appendingPathComponent(name + ".json").path)
    else { return nil }
    return Array(data)
  }
}
