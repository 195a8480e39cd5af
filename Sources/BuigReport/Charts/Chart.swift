import BuigXLSX
import Foundation

/// Number formatting for axis ticks and labels, chosen by the caller (Dutch: "€ 1.234.567",
/// "7,5%"). The charts never format a number for people themselves: every tick and label text
/// goes through a `ChartFormat`.
public struct ChartFormat: Sendable {
  /// Turns a value (in the chart's unit: euros, percent, …) into the text a reader sees.
  public var value: @Sendable (Double) -> String

  /// A format from a function.
  public init(value: @escaping @Sendable (Double) -> String) { self.value = value }

  /// A plain number with exactly `decimals` decimals and a point (`1234.50`), then `suffix`:
  /// for tests and quick looks, not for the council report.
  public static func fixed(_ decimals: Int, suffix: String = "") -> ChartFormat {
    ChartFormat { SVG.fixed($0, decimals) + suffix }
  }
}

/// A reference line in a fan chart (for example a vangnet threshold in euros), one value per
/// year; drawn dotted with its label written at its right end.
public struct ChartLine: Sendable {
  /// The text written at the line's right end and in the legend.
  public var label: String
  /// One value per year, in the chart's unit; the same value every year gives a level line.
  public var values: [Double]

  /// A reference line.
  public init(label: String, values: [Double]) {
    self.label = label
    self.values = values
  }
}

/// The legend texts of a fan chart.
public struct FanLegend: Sendable {
  /// The band between the 5th and 95th percentile (90% of the paths).
  public var band90: String
  /// The band between the 25th and 75th percentile (50% of the paths).
  public var band50: String
  /// The median (50th percentile) line.
  public var median: String
  /// The expected (deterministic) line.
  public var expected: String

  /// Legend texts.
  public init(band90: String, band50: String, median: String, expected: String) {
    self.band90 = band90
    self.band50 = band50
    self.median = median
    self.expected = expected
  }
}

/// One series of a grouped bar chart: one value per category, nil where the amount is not
/// quantified ("p.m.").
public struct BarSeries: Sendable {
  /// The series name, in the legend.
  public var label: String
  /// One value per category, in the chart's unit; nil is drawn as a hatched "p.m." marker.
  public var values: [Double?]

  /// A series.
  public init(label: String, values: [Double?]) {
    self.label = label
    self.values = values
  }
}

/// One band of the vangnet (safety net) in a year, in percent of the budget: the part of the
/// deficit between `fromPercent` and `toPercent` is compensated at `ratePercent`.
public struct VangnetBandShape: Sendable {
  /// Where the band starts, in percent of the budget (the first band starts at the entry
  /// threshold).
  public var fromPercent: Double
  /// Where the band ends, in percent of the budget; nil for the open top band.
  public var toPercent: Double?
  /// The compensation rate in the band, in percent (50 for half of every euro of deficit).
  public var ratePercent: Double

  /// A band.
  public init(fromPercent: Double, toPercent: Double?, ratePercent: Double) {
    self.fromPercent = fromPercent
    self.toPercent = toPercent
    self.ratePercent = ratePercent
  }
}

/// Self-contained SVG charts for the council report: no script, no external fonts or images,
/// presentation attributes only (no `<style>`, which would leak into the page that inlines the
/// SVG). Every chart has a `<title>` and `<desc>`, a legend in text, the Okabe–Ito palette
/// (Okabe & Ito 2008, "Color Universal Design") and a second channel besides colour (patterns,
/// dash styles, markers, direct labels). Coordinates have two decimals and `data-value`
/// attributes four, so the same input gives the same bytes.
///
/// A chart's `id` prefixes the ids inside it (`-title`, `-desc`, pattern fills), so several
/// charts can share a page; it should be unique in the page and contain no spaces.
public enum Chart {}

/// The Okabe–Ito colour-blind-safe palette.
enum Palette {
  static let black = "#000000"
  static let orange = "#E69F00"
  static let sky = "#56B4E9"
  static let green = "#009E73"
  static let yellow = "#F0E442"
  static let blue = "#0072B2"
  static let vermillion = "#D55E00"
  static let purple = "#CC79A7"
  /// Series colours in order (black is kept for medians and totals; yellow last, it is light).
  static let series = [blue, orange, green, vermillion, purple, sky, yellow]
  static let grid = "#D9D9D9"
  static let text = "#222222"
  static let muted = "#666666"
}

/// SVG text building blocks shared by the charts.
enum SVG {
  /// The chart's width in user units (the page scales it to 100%).
  static let width = 640.0
  /// The usual chart height in user units.
  static let height = 320.0
  /// Approximate width of one character at font size 11 (sans-serif), for layout.
  static let charWidth = 6.2

  /// XML-escapes text for element content and attribute values; drops the control characters
  /// XML 1.0 does not allow.
  static func escape(_ text: String) -> String { XMLText.escape(text) }

  /// A number with exactly `decimals` decimals, half away from zero, never `-0`.
  static func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "inf" : "-inf" }
    let scale = pow(10.0, Double(decimals))
    let r = (abs(v) * scale).rounded(.toNearestOrAwayFromZero) / scale * (v < 0 ? -1 : 1)
    let text = String(format: "%.\(decimals)f", r)
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
      return String(text.dropFirst())
    }
    return text
  }

  /// A coordinate: two decimals.
  static func n(_ v: Double) -> String { fixed(v, 2) }

  /// A raw value for a `data-` attribute: four decimals.
  static func v(_ value: Double) -> String { fixed(value, 4) }

  /// The opening `<svg>` with `<title>` and `<desc>` first.
  static func open(
    id: String, kind: String, title: String, description: String, height: Double = height
  ) -> String {
    let i = escape(id)
    return """
      <svg xmlns="http://www.w3.org/2000/svg" id="\(i)" class="chart chart-\(kind)" \
      role="img" viewBox="0 0 \(n(width)) \(n(height))" aria-labelledby="\(i)-title \(i)-desc" \
      font-family="sans-serif" font-size="11" fill="\(Palette.text)">
      <title id="\(i)-title">\(escape(title))</title>
      <desc id="\(i)-desc">\(escape(description))</desc>

      """
  }

  /// The closing tag.
  static let close = "</svg>\n"

  /// `points` for a polyline or polygon.
  static func points(_ pts: [(Double, Double)]) -> String {
    pts.map { n($0.0) + "," + n($0.1) }.joined(separator: " ")
  }

  /// A text element; `lines` are stacked with `tspan`s 12 units apart.
  static func text(
    _ lines: [String], x: Double, y: Double, anchor: String = "middle", cls: String? = nil,
    extra: String = ""
  ) -> String {
    let c = cls.map { " class=\"\($0)\"" } ?? ""
    let e = extra.isEmpty ? "" : " " + extra
    if lines.count == 1 {
      return "<text\(c) x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(e)>"
        + escape(lines[0]) + "</text>\n"
    }
    let spans = lines.enumerated().map { k, line in
      "<tspan x=\"\(n(x))\" dy=\"\(k == 0 ? "0" : "12")\">\(escape(line))</tspan>"
    }
    return "<text\(c) x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(e)>"
      + spans.joined() + "</text>\n"
  }

  /// Splits a label into at most `maxLines` lines of about `maxChars` characters at spaces
  /// (the last line ends in "…" when the label does not fit).
  static func wrap(_ label: String, maxChars: Int, maxLines: Int = 2) -> [String] {
    let limit = max(maxChars, 4)
    var lines: [String] = []
    var current = ""
    for word in label.split(separator: " ") {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if candidate.count <= limit || current.isEmpty {
        current = candidate
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty || lines.isEmpty { lines.append(current) }
    if lines.count > maxLines {
      lines = Array(lines.prefix(maxLines))
      lines[maxLines - 1] += "…"
    }
    return lines.map { $0.count > limit + 2 ? String($0.prefix(limit)) + "…" : $0 }
  }

  /// Estimated width of a text at font size 11.
  static func textWidth(_ s: String) -> Double { Double(s.count) * charWidth }
}

/// A fill for the n-th series: its Okabe–Ito colour with its own pattern (solid, diagonal
/// hatch, dots, cross-hatch, …) so that series differ without colour too.
struct SeriesFill {
  /// The colour.
  let color: String
  /// The value of a `fill` attribute.
  let fill: String
  /// The `<pattern>` definition, empty for a solid fill.
  let def: String

  init(chartID: String, index: Int, color: String? = nil) {
    let c = color ?? Palette.series[index % Palette.series.count]
    self.color = c
    let pid = SVG.escape(chartID) + "-fill-\(index)"
    let ink = c == Palette.yellow || c == Palette.sky ? "#333333" : "#FFFFFF"
    let kind = index % 6
    let body: String
    switch kind {
    case 1:
      body = "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(ink)\" stroke-width=\"2\"/>"
    case 2:
      body = "<circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"\(ink)\"/>"
    case 3:
      body =
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(ink)\" stroke-width=\"1.2\"/>"
        + "<line x1=\"0\" y1=\"0\" x2=\"6\" y2=\"0\" stroke=\"\(ink)\" stroke-width=\"1.2\"/>"
    case 4:
      body = "<line x1=\"0\" y1=\"3\" x2=\"6\" y2=\"3\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>"
    case 5:
      body = "<line x1=\"3\" y1=\"0\" x2=\"3\" y2=\"6\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>"
    default:
      body = ""
    }
    if body.isEmpty {
      fill = c
      def = ""
    } else {
      let rotate = kind == 1 || kind == 3 ? " patternTransform=\"rotate(45)\"" : ""
      fill = "url(#\(pid))"
      def =
        "<pattern id=\"\(pid)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"\(rotate)>"
        + "<rect width=\"6\" height=\"6\" fill=\"\(c)\"/>" + body + "</pattern>\n"
    }
  }

  /// The grey diagonal hatch for "p.m." (not quantified) markers.
  static func pmPattern(chartID: String) -> (fill: String, def: String) {
    let pid = SVG.escape(chartID) + "-pm"
    return (
      "url(#\(pid))",
      "<pattern id=\"\(pid)\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" "
        + "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#FFFFFF\"/>"
        + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"\(Palette.muted)\" "
        + "stroke-width=\"1.5\"/></pattern>\n"
    )
  }
}

/// "Nice" axis ticks: 4–6 ticks at a step of 1, 2, 2.5 or 5 × 10^k that cover the data.
struct NiceScale: Equatable {
  /// The tick values, ascending; the first and last are the axis ends.
  let ticks: [Double]
  /// The step between ticks.
  let step: Double

  var lower: Double { ticks[0] }
  var upper: Double { ticks[ticks.count - 1] }

  /// Ticks covering the finite `values` (and 0 when `includeZero`).
  init(values: [Double], includeZero: Bool) {
    let finite = values.filter { $0.isFinite }
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if includeZero {
      lo = min(lo, 0)
      hi = max(hi, 0)
    }
    if lo == hi {
      if lo == 0 {
        hi = 1
      } else {
        let pad = abs(lo) * 0.1
        lo -= pad
        hi += pad
      }
    }
    let span = hi - lo
    let e = Int(floor(log10(span)))
    var best: (score: Double, step: Double, first: Int, count: Int)?
    for k in (e - 2)...(e + 1) {
      for m in [1.0, 2.0, 2.5, 5.0] {
        let step = m * pow(10.0, Double(k))
        let first = Int(floor(lo / step + 1e-9))
        let last = Int(ceil(hi / step - 1e-9))
        let count = last - first + 1
        let covered = Double(last - first) * step
        let score =
          (4...6).contains(count)
          ? covered / span : 100 + Double(abs(count - 5))
        if best == nil || score < best!.score - 1e-12 { best = (score, step, first, count) }
      }
    }
    let b = best!
    step = b.step
    ticks = (0..<b.count).map { Double(b.first + $0) * b.step }
  }

  /// Whether 0 belongs on an axis for these values: when they cross 0 or lie within a factor
  /// two of it (a deficit read against zero), not when they are far from it.
  static func zeroIsSensible(_ values: [Double]) -> Bool {
    let finite = values.filter { $0.isFinite }
    guard let lo = finite.min(), let hi = finite.max() else { return true }
    if lo > 0 { return lo <= hi / 2 }
    if hi < 0 { return hi >= lo / 2 }
    return true
  }
}

/// A linear map from values to user units.
struct LinearMap {
  let d0: Double
  let d1: Double
  let r0: Double
  let r1: Double

  func callAsFunction(_ value: Double) -> Double {
    d1 == d0 ? r0 : r0 + (value - d0) / (d1 - d0) * (r1 - r0)
  }
}

/// The key drawn before a legend text.
enum LegendKey {
  case swatch(fill: String, stroke: String?)
  case shade(color: String, opacity: Double)
  case line(color: String, dash: String?, width: Double, marker: Bool)
  case diamond(color: String)
}

extension Chart {
  /// A legend in rows from (x, y), wrapping at `maxWidth`; returns the SVG and its height.
  static func legend(
    _ items: [(LegendKey, String)], x: Double, y: Double, maxWidth: Double
  ) -> (svg: String, height: Double) {
    var out = "<g class=\"legend\">\n"
    var cx = x
    var cy = y
    let rowHeight = 16.0
    for (key, label) in items {
      let w = 22 + SVG.textWidth(label) + 14
      if cx > x, cx + w > x + maxWidth {
        cx = x
        cy += rowHeight
      }
      out += "<g class=\"legend-item\" data-label=\"\(SVG.escape(label))\">"
      switch key {
      case .swatch(let fill, let stroke):
        let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
        out +=
          "<rect x=\"\(SVG.n(cx))\" y=\"\(SVG.n(cy - 9))\" width=\"16\" height=\"10\" "
          + "fill=\"\(fill)\"\(s)/>"
      case .shade(let color, let opacity):
        out +=
          "<rect x=\"\(SVG.n(cx))\" y=\"\(SVG.n(cy - 9))\" width=\"16\" height=\"10\" "
          + "fill=\"\(color)\" fill-opacity=\"\(SVG.fixed(opacity, 2))\"/>"
      case .line(let color, let dash, let width, let marker):
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        out +=
          "<line x1=\"\(SVG.n(cx))\" y1=\"\(SVG.n(cy - 4))\" x2=\"\(SVG.n(cx + 16))\" "
          + "y2=\"\(SVG.n(cy - 4))\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\"\(d)/>"
        if marker {
          out +=
            "<circle cx=\"\(SVG.n(cx + 8))\" cy=\"\(SVG.n(cy - 4))\" r=\"2.5\" fill=\"\(color)\"/>"
        }
      case .diamond(let color):
        out += "<path d=\"\(diamondPath(cx + 8, cy - 4, 5))\" fill=\"\(color)\"/>"
      }
      out += "<text x=\"\(SVG.n(cx + 22))\" y=\"\(SVG.n(cy))\">\(SVG.escape(label))</text></g>\n"
      cx += w
    }
    out += "</g>\n"
    return (out, cy - y + rowHeight)
  }

  /// A diamond of half-size `r` around (x, y), as path data.
  static func diamondPath(_ x: Double, _ y: Double, _ r: Double) -> String {
    "M\(SVG.n(x)) \(SVG.n(y - r))L\(SVG.n(x + r)) \(SVG.n(y))L\(SVG.n(x)) \(SVG.n(y + r))"
      + "L\(SVG.n(x - r)) \(SVG.n(y))Z"
  }

  /// Consecutive runs in ascending indices: [0, 1, 3, 4, 5] → [[0, 1], [3, 4, 5]]; a line is
  /// drawn per run so that it does not bridge a missing year.
  static func runs(_ indices: [Int]) -> [[Int]] {
    var out: [[Int]] = []
    for i in indices {
      if let last = out.last?.last, last == i - 1 {
        out[out.count - 1].append(i)
      } else {
        out.append([i])
      }
    }
    return out
  }

  /// The left margin that fits the tick labels.
  static func leftMargin(_ scale: NiceScale, _ format: ChartFormat) -> Double {
    let widest = scale.ticks.map { SVG.textWidth(format.value($0)) }.max() ?? 0
    return max(44, widest + 14)
  }

  /// A vertical value axis with grid lines across the plot and a zero line where 0 is on it.
  static func yAxis(
    _ scale: NiceScale, _ map: LinearMap, left: Double, right: Double, format: ChartFormat
  ) -> String {
    var out = "<g class=\"axis-y\">\n"
    for t in scale.ticks {
      let y = map(t)
      out +=
        "<g class=\"tick\" data-value=\"\(SVG.v(t))\"><line x1=\"\(SVG.n(left))\" "
        + "y1=\"\(SVG.n(y))\" x2=\"\(SVG.n(right))\" y2=\"\(SVG.n(y))\" "
        + "stroke=\"\(Palette.grid)\" stroke-width=\"1\"/>"
        + "<text x=\"\(SVG.n(left - 6))\" y=\"\(SVG.n(y + 4))\" text-anchor=\"end\">"
        + SVG.escape(format.value(t)) + "</text></g>\n"
    }
    out +=
      "<line x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(map(scale.lower)))\" x2=\"\(SVG.n(left))\" "
      + "y2=\"\(SVG.n(map(scale.upper)))\" stroke=\"\(Palette.muted)\" stroke-width=\"1\"/>\n"
    if scale.lower <= 0, scale.upper >= 0 {
      let y = map(0)
      out +=
        "<line class=\"zero-line\" x1=\"\(SVG.n(left))\" y1=\"\(SVG.n(y))\" "
        + "x2=\"\(SVG.n(right))\" y2=\"\(SVG.n(y))\" stroke=\"\(Palette.muted)\" "
        + "stroke-width=\"1.2\"/>\n"
    }
    out += "</g>\n"
    return out
  }

  /// Category labels under the plot, centred at `centers`, wrapped to the column width; an
  /// empty label writes nothing.
  static func xLabels(_ labels: [String], centers: [Double], y: Double, columnWidth: Double)
    -> String
  {
    var out = "<g class=\"axis-x\">\n"
    let maxChars = Int(columnWidth / SVG.charWidth)
    for (label, x) in zip(labels, centers) where !label.isEmpty {
      out += SVG.text(
        SVG.wrap(label, maxChars: maxChars), x: x, y: y, cls: "x-label",
        extra: "data-label=\"\(SVG.escape(label))\"")
    }
    out += "</g>\n"
    return out
  }
}

/// The plot area of a chart with a vertical value axis, a legend above and category labels
/// below.
struct Plot {
  let left: Double
  let right: Double
  let top: Double
  let bottom: Double
  let scale: NiceScale
  let map: LinearMap
  let legend: String

  /// The centres of `n` equal columns across the plot.
  func centers(_ n: Int) -> [Double] {
    let w = columnWidth(n)
    return (0..<n).map { left + (Double($0) + 0.5) * w }
  }

  /// The width of one of `n` equal columns.
  func columnWidth(_ n: Int) -> Double { (right - left) / Double(max(n, 1)) }

  /// A legend on top, then the plot down to room for two lines of category labels.
  init(
    legend items: [(LegendKey, String)], values: [Double], includeZero: Bool,
    format: ChartFormat, height: Double = SVG.height, rightMargin: Double = 16
  ) {
    let legend = Chart.legend(items, x: 8, y: 18, maxWidth: SVG.width - 16)
    self.legend = legend.svg
    scale = NiceScale(values: values, includeZero: includeZero)
    left = Chart.leftMargin(scale, format)
    right = SVG.width - rightMargin
    top = 18 + legend.height + 8
    bottom = height - 36
    map = LinearMap(d0: scale.lower, d1: scale.upper, r0: bottom, r1: top)
  }
}
