import Foundation

extension Chart {
  /// Vangnet band view per year: the deficit in percent of the budget (a diamond,
  /// `class="deficit-marker"`) against the entry threshold (`class="ref-line threshold"`) and
  /// the bands above it (`class="band"`, shaded darker as the compensation rate rises, the
  /// rate written in the band), so a reader sees where the deficit falls and what a euro saved
  /// is worth there: in a band compensated at r%, a euro less deficit saves the municipality
  /// (100 − r)% of a euro.
  ///
  /// `deficitPercent` and `bands` have one entry per year; the first band of a year starts at
  /// its entry threshold, and a band holds the deficits from its `fromPercent` up to, not
  /// including, its `toPercent` (nil: no upper end). A marker carries `data-band`, the index of
  /// its band in the year (−1 below the threshold), and `data-rate`, that band's rate (0 below
  /// the threshold). A nil deficit is drawn as the text `pmText` (`class="pm"`). `format`
  /// writes the axis ticks and the deficits (percent of the budget), `percentFormat` the
  /// compensation rates.
  public static func bandView(
    id: String, title: String, description: String, years: [Int],
    deficitPercent: [Double?], bands: [[VangnetBandShape]], format: ChartFormat,
    percentFormat: ChartFormat, deficitLabel: String = "tekort",
    thresholdLabel: String = "drempel", bandLabel: String = "band, met vergoeding",
    pmText: String = "p.m."
  ) -> String {
    let n = years.count
    precondition(deficitPercent.count == n, "Chart.bandView: one deficit per year")
    precondition(bands.count == n, "Chart.bandView: one list of bands per year")
    let items: [(LegendKey, String)] = [
      (.diamond(color: Palette.vermillion), deficitLabel),
      (.line(color: Palette.black, dash: "5 3", width: 1.5, marker: false), thresholdLabel),
      (.shade(color: Palette.blue, opacity: 0.45), bandLabel),
    ]
    var values = deficitPercent.compactMap { $0 }
    for yearBands in bands {
      for band in yearBands {
        values.append(band.fromPercent)
        if let to = band.toPercent {
          values.append(to)
        } else {
          values.append(band.fromPercent + max(band.fromPercent * 0.25, 1))
        }
      }
    }
    let plot = Plot(legend: items, values: values, includeZero: true, format: format)
    let y = plot.map
    let centers = plot.centers(n)
    let columnWidth = plot.columnWidth(n) * 0.7

    var out = SVG.open(id: id, kind: "bandview", title: title, description: description)
    out += plot.legend
    out += yAxis(plot.scale, y, left: plot.left, right: plot.right, format: format)
    out += xLabels(
      years.map(String.init), centers: centers, y: plot.bottom + 16,
      columnWidth: plot.columnWidth(n))

    for i in 0..<n {
      let x = centers[i] - columnWidth / 2
      for (k, band) in bands[i].enumerated() {
        let from = max(band.fromPercent, plot.scale.lower)
        let to = min(band.toPercent ?? plot.scale.upper, plot.scale.upper)
        guard to > from else { continue }
        let top = y(to)
        let height = y(from) - y(to)
        let rate = percentFormat.value(band.ratePercent)
        let opacity = 0.12 + 0.5 * min(max(band.ratePercent, 0), 100) / 100
        let toAttr = band.toPercent.map { " data-to=\"\(SVG.v($0))\"" } ?? ""
        out +=
          "<g class=\"band\" data-year=\"\(years[i])\" data-index=\"\(k)\" "
          + "data-from=\"\(SVG.v(band.fromPercent))\"\(toAttr) "
          + "data-rate=\"\(SVG.v(band.ratePercent))\" data-label=\"\(SVG.escape(rate))\">"
          + "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(columnWidth))\" "
          + "height=\"\(SVG.n(height))\" fill=\"\(Palette.blue)\" "
          + "fill-opacity=\"\(SVG.fixed(opacity, 2))\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        if height >= 12 {
          out +=
            "<text x=\"\(SVG.n(x + 4))\" y=\"\(SVG.n(top + min(height / 2 + 4, height - 2)))\" "
            + "font-size=\"10\">\(SVG.escape(rate))</text>"
        }
        out += "</g>\n"
      }
      if let entry = bands[i].first?.fromPercent {
        out +=
          "<line class=\"ref-line threshold\" data-year=\"\(years[i])\" "
          + "data-value=\"\(SVG.v(entry))\" x1=\"\(SVG.n(x - 4))\" y1=\"\(SVG.n(y(entry)))\" "
          + "x2=\"\(SVG.n(x + columnWidth + 4))\" y2=\"\(SVG.n(y(entry)))\" "
          + "stroke=\"\(Palette.black)\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
      }
    }
    let marked = (0..<n).filter { deficitPercent[$0].map(\.isFinite) ?? false }
    for run in runs(marked) where run.count > 1 {
      let pts = run.map { (centers[$0], y(deficitPercent[$0]!)) }
      out +=
        "<polyline class=\"deficit-line\" points=\"\(SVG.points(pts))\" fill=\"none\" "
        + "stroke=\"\(Palette.vermillion)\" stroke-width=\"1.5\" stroke-dasharray=\"2 2\"/>\n"
    }
    for i in 0..<n {
      guard let deficit = deficitPercent[i], deficit.isFinite else {
        out += SVG.text(
          [pmText], x: centers[i], y: plot.bottom - 6, cls: "pm",
          extra: "data-year=\"\(years[i])\"")
        continue
      }
      let k = bands[i].firstIndex {
        deficit >= $0.fromPercent && ($0.toPercent.map { deficit < $0 } ?? true)
      }
      let rate = k.map { bands[i][$0].ratePercent } ?? 0
      let cy = y(deficit)
      out +=
        "<g class=\"deficit-marker\" data-year=\"\(years[i])\" data-value=\"\(SVG.v(deficit))\" "
        + "data-band=\"\(k ?? -1)\" data-rate=\"\(SVG.v(rate))\">"
        + "<path d=\"\(diamondPath(centers[i], cy, 6))\" fill=\"\(Palette.vermillion)\" "
        + "stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        + "<text x=\"\(SVG.n(centers[i] + 9))\" y=\"\(SVG.n(cy - 5))\" font-weight=\"bold\" "
        + "stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\">"
        + SVG.escape(format.value(deficit)) + "</text>"
        + "<title>\(years[i]): \(SVG.escape(deficitLabel + " " + format.value(deficit)))"
        + "\(k == nil ? "" : SVG.escape(", " + bandLabel + " " + percentFormat.value(rate)))"
        + "</title></g>\n"
    }
    out += SVG.close
    return out
  }
}
