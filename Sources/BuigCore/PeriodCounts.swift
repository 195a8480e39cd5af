/// The caseload at a period's end and the counts of the flows in the period (nil where the
/// data has none): what `buig calibrate` reads of each observed month or quarter.
public struct PeriodCounts: Sendable, Equatable {
  /// Households on benefit at the period's end.
  public var caseload: Double
  /// New and returning households in the period.
  public var inflow: Double?
  /// Exits to work in the period.
  public var outflowWork: Double?
  /// Exits to school in the period.
  public var outflowSchool: Double?
  /// Exits for other reasons in the period.
  public var outflowOther: Double?
  /// All exits (given, or the sum of the split).
  public var outflow: Double?
  /// The stock at the period's end by duration band (< 1, 1-2, 2-5, > 5 years), when the data
  /// give all four.
  public var durationBands: [Double]?
  /// The unemployment rate in the period (percent), when given.
  public var unemploymentRate: Double?
  /// The stock at the period's end by rung 1…7, when the data give all seven.
  public var rungStocks: [Double]?

  /// A period's counts.
  public init(
    caseload: Double, inflow: Double?, outflowWork: Double?, outflowSchool: Double?,
    outflowOther: Double?, outflow: Double?, durationBands: [Double]? = nil,
    unemploymentRate: Double? = nil, rungStocks: [Double]? = nil
  ) {
    self.rungStocks = rungStocks
    self.durationBands = durationBands
    self.unemploymentRate = unemploymentRate
    self.caseload = caseload
    self.inflow = inflow
    self.outflowWork = outflowWork
    self.outflowSchool = outflowSchool
    self.outflowOther = outflowOther
    self.outflow = outflow
  }
}
