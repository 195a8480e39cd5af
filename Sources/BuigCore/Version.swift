/// The engine's version, recorded in every output.
public enum BuigVersion {
  /// Semantic version of the engine and its output formats.
  public static let current = "0.2.0"
}
