/// Every sheet name and column header of the workbooks (`--format xlsx`), in one place.
public enum WorkbookLabels {
  /// Sheet names.
  public enum Sheet {
    /// The meerjarenbeeld: quantities by year.
    public static let meerjarenbeeld = "Meerjarenbeeld"
    /// Each intervention's cost and effects by year.
    public static let interventions = "Interventions"
    /// The worth of each intervention and of the package over the horizon.
    public static let worth = "Worth"
    /// Monte Carlo statistics.
    public static let monteCarlo = "Monte Carlo"
    /// The required reserve.
    public static let reserve = "Reserve"
    /// The attribution of each year's deficit.
    public static let attribution = "Attribution"
    /// The audit trail: every number of the scenario with its source.
    public static let auditTrail = "Audit trail"
    /// The run's metadata.
    public static let metadata = "Metadata"
    /// A comparison of two scenarios.
    public static let comparison = "Comparison"
  }

  /// The statistic column of an expected (deterministic) value.
  public static let expected = "expected"
  /// The horizon column's header: its first and last year.
  public static func horizon(_ first: Int, _ last: Int) -> String { "\(first)-\(last)" }
  /// The worth row of the whole package.
  public static let package = "(package)"
  /// A yield that is not quantified.
  public static let pm = "p.m."
  /// An attribution amount that is not quantified.
  public static let notQuantified = "n.q."

  /// Headers of the meerjarenbeeld, before the year columns.
  public static let meerjarenbeeld = ["quantity", "key", "unit", "statistic"]
  /// Headers of the interventions sheet.
  public static let interventions = [
    "intervention", "name", "year", "cost", "yield", "effect before vangnet",
    "effect after vangnet", "caseload effect",
  ]
  /// Headers of the worth sheet.
  public static let worth = [
    "intervention", "name", "cost", "yield", "effect after vangnet", "net after vangnet", "NPV",
    "ROI", "payback year", "notes",
  ]
  /// Headers of the Monte Carlo sheet, before the statistic columns.
  public static let monteCarlo = ["item", "key", "intervention", "period", "unit"]
  /// Statistic columns of the Monte Carlo sheet (a probability is shown as `mean` with its `se`).
  public static let statistics = [
    "mean", "se", "sd", "p5", "p25", "p50", "p75", "p80", "p90", "p95", "p99",
  ]
  /// Headers of the attribution sheet.
  public static let attribution = ["year", "cause", "label", "amount", "basis", "source"]
  /// Headers of the audit trail.
  public static let auditTrail = ["path", "value", "source", "note"]
  /// The title of the `--set` edits below the audit trail.
  public static let setEdits = "--set edits (made to the scenario before it ran)"
  /// Headers of the metadata sheet.
  public static let metadata = ["field", "value"]
  /// Headers of the reserve sheet, before the certainty levels.
  public static let reserve = ["period", "expected", "mean", "se"]
  /// Headers of the comparison sheet.
  public static let comparison = [
    "period", "quantity", "key", "base expected", "variant expected", "difference expected",
    "base mean", "base se", "variant mean", "variant se", "difference mean", "difference se",
    "difference p5", "difference p25", "difference p50", "difference p75", "difference p95",
    "independent se", "P(variant lower)", "P se",
  ]
}
