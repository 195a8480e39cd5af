import Foundation

extension Chart {
  /// Waterfall: steps that add up to a total, for example the deficit attribution (macro
  /// shortfall, herverdeeleffect, reservation, rest → deficit). Step k runs from the sum of
  /// the steps before it to that sum plus its value (`class="step"` with `data-label`,
  /// `data-value`, `data-start`, `data-end`); a step that adds is drawn in vermillion with a
  /// hatch, one that subtracts in solid blue, each with its value written at its end. A nil
  /// step is not quantified: a labelled gap (`class="step pm"`, the text `pmText`) that the
  /// chain passes unchanged. The last column is the total, the sum of the quantified steps,
  /// from 0 (`class="total"`, black).
  ///
  /// Values are in the chart's unit; the y axis has 4–6 nice ticks and always includes 0.
  public static func waterfall(
    id: String, title: String, description: String, steps: [(label: String, value: Double?)],
    totalLabel: String, format: ChartFormat, pmText: String = "p.m.",
    increaseLabel: String = "verhoogt", decreaseLabel: String = "verlaagt"
  ) -> String {
    let up = SeriesFill(chartID: id, index: 1, color: Palette.vermillion)
    let down = SeriesFill(chartID: id, index: 0, color: Palette.blue)
    let pm = SeriesFill.pmPattern(chartID: id)
    var items: [(LegendKey, String)] = [
      (.swatch(fill: up.fill, stroke: nil), increaseLabel),
      (.swatch(fill: down.fill, stroke: nil), decreaseLabel),
      (.swatch(fill: Palette.black, stroke: nil), totalLabel),
    ]
    let hasPM = steps.contains { $0.value == nil }
    if hasPM { items.append((.swatch(fill: pm.fill, stroke: Palette.muted), pmText)) }

    var running = 0.0
    var levels = [0.0]
    var chain: [(start: Double, end: Double)] = []
    for step in steps {
      let v = step.value.flatMap { $0.isFinite ? $0 : nil } ?? 0
      chain.append((running, running + v))
      running += v
      levels.append(running)
    }
    let total = running
    let plot = Plot(legend: items, values: levels, includeZero: true, format: format)
    let y = plot.map
    let n = steps.count + 1
    let centers = plot.centers(n)
    let barWidth = plot.columnWidth(n) * 0.6

    var out = SVG.open(id: id, kind: "waterfall", title: title, description: description)
    out += "<defs>\n" + up.def + down.def + (hasPM ? pm.def : "") + "</defs>\n"
    out += plot.legend
    out += yAxis(plot.scale, y, left: plot.left, right: plot.right, format: format)
    out += xLabels(
      steps.map(\.label) + [totalLabel], centers: centers, y: plot.bottom + 16,
      columnWidth: plot.columnWidth(n))

    for (k, step) in steps.enumerated() {
      let (start, end) = chain[k]
      let x = centers[k] - barWidth / 2
      let attrs =
        "data-label=\"\(SVG.escape(step.label))\" data-start=\"\(SVG.v(start))\" "
        + "data-end=\"\(SVG.v(end))\""
      // The connector from this column's end level to the next column.
      let next = centers[k + 1] - barWidth / 2
      out +=
        "<line class=\"connector\" x1=\"\(SVG.n(x + barWidth))\" y1=\"\(SVG.n(y(end)))\" "
        + "x2=\"\(SVG.n(next))\" y2=\"\(SVG.n(y(end)))\" stroke=\"\(Palette.muted)\" "
        + "stroke-dasharray=\"3 2\"/>\n"
      guard let value = step.value, value.isFinite else {
        let h = 16.0
        out +=
          "<g class=\"step pm\" \(attrs)><rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y(start) - h / 2))\" "
          + "width=\"\(SVG.n(barWidth))\" height=\"\(SVG.n(h))\" fill=\"\(pm.fill)\" "
          + "stroke=\"\(Palette.muted)\" stroke-dasharray=\"2 2\"/>"
          + "<text x=\"\(SVG.n(centers[k]))\" y=\"\(SVG.n(y(start) - h / 2 - 3))\" "
          + "text-anchor=\"middle\">\(SVG.escape(pmText))</text>"
          + "<title>\(SVG.escape(step.label + ": " + pmText))</title></g>\n"
        continue
      }
      let fill = value >= 0 ? up : down
      let top = min(y(start), y(end))
      let height = abs(y(end) - y(start))
      // The value above the bar when it adds, below it when it subtracts.
      let labelY = value >= 0 ? top - 4 : top + height + 12
      out +=
        "<g class=\"step\" \(attrs) data-value=\"\(SVG.v(value))\">"
        + "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(barWidth))\" "
        + "height=\"\(SVG.n(height))\" fill=\"\(fill.fill)\" stroke=\"\(fill.color)\"/>"
        + "<text class=\"value-label\" x=\"\(SVG.n(centers[k]))\" y=\"\(SVG.n(labelY))\" "
        + "text-anchor=\"middle\">\(SVG.escape(format.value(value)))</text>"
        + "<title>\(SVG.escape(step.label + ": " + format.value(value)))</title></g>\n"
    }
    let x = centers[n - 1] - barWidth / 2
    let top = min(y(total), y(0))
    let labelY = total >= 0 ? top - 4 : top + abs(y(total) - y(0)) + 12
    out +=
      "<g class=\"total\" data-label=\"\(SVG.escape(totalLabel))\" "
      + "data-value=\"\(SVG.v(total))\"><rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(top))\" "
      + "width=\"\(SVG.n(barWidth))\" height=\"\(SVG.n(abs(y(total) - y(0))))\" "
      + "fill=\"\(Palette.black)\"/>"
      + "<text class=\"value-label\" x=\"\(SVG.n(centers[n - 1]))\" y=\"\(SVG.n(labelY))\" "
      + "text-anchor=\"middle\" font-weight=\"bold\">\(SVG.escape(format.value(total)))</text>"
      + "<title>\(SVG.escape(totalLabel + ": " + format.value(total)))</title></g>\n"
    out += SVG.close
    return out
  }
}
