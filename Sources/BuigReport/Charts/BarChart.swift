import Foundation

extension Chart {
  /// Grouped bars per category (for example years) for several series (cost, yield, effect
  /// after the vangnet). Each bar is a `rect` with `class="bar"`, `data-series`,
  /// `data-category` and `data-value` (the value, four decimals), drawn from 0 up or down;
  /// each series has its Okabe–Ito colour and its own pattern. A nil value is drawn as a
  /// hatched marker with the text `pmText` (`class="pm"`) instead of a bar.
  ///
  /// Every series has one value per category, in the chart's unit; the y axis has 4–6 nice
  /// ticks and always includes 0.
  public static func bars(
    id: String, title: String, description: String, categories: [String],
    series: [BarSeries], format: ChartFormat, pmText: String = "p.m."
  ) -> String {
    let n = categories.count
    for s in series {
      precondition(s.values.count == n, "Chart.bars: \(s.label) needs one value per category")
    }
    let fills = series.indices.map { SeriesFill(chartID: id, index: $0) }
    let pm = SeriesFill.pmPattern(chartID: id)
    var items: [(LegendKey, String)] = zip(fills, series).map {
      (.swatch(fill: $0.fill, stroke: nil), $1.label)
    }
    let hasPM = series.contains { $0.values.contains { $0 == nil } }
    if hasPM { items.append((.swatch(fill: pm.fill, stroke: Palette.muted), pmText)) }
    let values = series.flatMap { $0.values.compactMap { $0 } }
    let plot = Plot(legend: items, values: values, includeZero: true, format: format)
    let y = plot.map
    let zero = y(0)
    let centers = plot.centers(n)
    let group = plot.columnWidth(n) * 0.8
    let barWidth = group / Double(max(series.count, 1))

    var out = SVG.open(id: id, kind: "bars", title: title, description: description)
    out += "<defs>\n" + fills.map(\.def).joined() + (hasPM ? pm.def : "") + "</defs>\n"
    out += plot.legend
    out += yAxis(plot.scale, y, left: plot.left, right: plot.right, format: format)
    out += xLabels(
      categories, centers: centers, y: plot.bottom + 16, columnWidth: plot.columnWidth(n))
    for (s, (serie, fill)) in zip(series, fills).enumerated() {
      out += "<g class=\"series\" data-label=\"\(SVG.escape(serie.label))\">\n"
      for (c, value) in serie.values.enumerated() {
        let x = centers[c] - group / 2 + Double(s) * barWidth
        let attrs =
          "data-series=\"\(SVG.escape(serie.label))\" "
          + "data-category=\"\(SVG.escape(categories[c]))\""
        let tip = SVG.escape(serie.label + ", " + categories[c] + ": ")
        guard let value, value.isFinite else {
          let h = 16.0
          out +=
            "<g class=\"pm\" \(attrs)><rect x=\"\(SVG.n(x + 1))\" y=\"\(SVG.n(zero - h))\" "
            + "width=\"\(SVG.n(max(barWidth - 2, 1)))\" height=\"\(SVG.n(h))\" "
            + "fill=\"\(pm.fill)\" stroke=\"\(Palette.muted)\" stroke-dasharray=\"2 2\"/>"
            + "<text x=\"\(SVG.n(x + barWidth / 2))\" y=\"\(SVG.n(zero - h - 3))\" "
            + "text-anchor=\"middle\" font-size=\"10\">\(SVG.escape(pmText))</text>"
            + "<title>\(tip)\(SVG.escape(pmText))</title></g>\n"
          continue
        }
        let top = min(y(value), zero)
        let height = abs(y(value) - zero)
        out +=
          "<rect class=\"bar\" \(attrs) data-value=\"\(SVG.v(value))\" "
          + "x=\"\(SVG.n(x + 1))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(max(barWidth - 2, 1)))\" "
          + "height=\"\(SVG.n(height))\" fill=\"\(fill.fill)\" stroke=\"\(fill.color)\">"
          + "<title>\(tip)\(SVG.escape(format.value(value)))</title></rect>\n"
      }
      out += "</g>\n"
    }
    out += SVG.close
    return out
  }
}
