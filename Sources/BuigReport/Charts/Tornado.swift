import Foundation

extension Chart {
  /// Tornado: one horizontal bar per input, in the order given (top to bottom), from the
  /// outcome with the input at its low value to the outcome with it at its high value, around
  /// the base outcome (`class="base-line"`, `data-value`). Each bar is a group
  /// `class="tornado-bar"` with `data-label`, `data-low` and `data-high`, holding a rect
  /// `class="low"` from the base to the low outcome (solid blue) and a rect `class="high"` from
  /// the base to the high outcome (hatched orange), each with its value written at its end.
  ///
  /// Values are in the chart's unit (euros of deficit, say); the x axis has 4–6 nice ticks
  /// covering every low, high and the base (0 only when it is among them). The chart is at
  /// least 320 units high and grows where needed to give every input a row of 26 units.
  public static func tornado(
    id: String, title: String, description: String,
    bars: [(label: String, low: Double, high: Double)], base: Double, lowLabel: String,
    highLabel: String, format: ChartFormat, baseLabel: String = "basis"
  ) -> String {
    let lowFill = SeriesFill(chartID: id, index: 0, color: Palette.blue)
    let highFill = SeriesFill(chartID: id, index: 1, color: Palette.orange)
    let items: [(LegendKey, String)] = [
      (.swatch(fill: lowFill.fill, stroke: nil), lowLabel),
      (.swatch(fill: highFill.fill, stroke: nil), highLabel),
      (.line(color: Palette.black, dash: nil, width: 1.5, marker: false), baseLabel),
    ]
    let legend = Chart.legend(items, x: 8, y: 18, maxWidth: SVG.width - 16)
    let values = bars.flatMap { [$0.low, $0.high] } + [base]
    let scale = NiceScale(values: values, includeZero: false)
    let rowHeight = 26.0
    let top = 18 + legend.height + 22
    let height = max(SVG.height, top + rowHeight * Double(bars.count) + 36)
    let bottom = height - 36
    let labelWidth = min(190, (bars.map { SVG.textWidth($0.label) }.max() ?? 0))
    let valueWidth =
      (values.filter(\.isFinite).map { SVG.textWidth(format.value($0)) }.max() ?? 0) + 8
    let left = 8 + labelWidth + 8 + valueWidth
    let right = SVG.width - 8 - valueWidth
    let x = LinearMap(d0: scale.lower, d1: scale.upper, r0: left, r1: right)
    let row = (bottom - top) / Double(max(bars.count, 1))

    var out = SVG.open(
      id: id, kind: "tornado", title: title, description: description, height: height)
    out += "<defs>\n" + lowFill.def + highFill.def + "</defs>\n"
    out += legend.svg
    out += "<g class=\"axis-x\">\n"
    for t in scale.ticks {
      out +=
        "<g class=\"tick\" data-value=\"\(SVG.v(t))\"><line x1=\"\(SVG.n(x(t)))\" "
        + "y1=\"\(SVG.n(top))\" x2=\"\(SVG.n(x(t)))\" y2=\"\(SVG.n(bottom))\" "
        + "stroke=\"\(Palette.grid)\" stroke-width=\"1\"/>"
        + "<text x=\"\(SVG.n(x(t)))\" y=\"\(SVG.n(bottom + 16))\" text-anchor=\"middle\">"
        + SVG.escape(format.value(t)) + "</text></g>\n"
    }
    out += "</g>\n"

    for (k, bar) in bars.enumerated() {
      let cy = top + (Double(k) + 0.5) * row
      let h = min(row * 0.7, 18)
      out +=
        "<g class=\"tornado-bar\" data-label=\"\(SVG.escape(bar.label))\" "
        + "data-low=\"\(SVG.v(bar.low))\" data-high=\"\(SVG.v(bar.high))\">"
      out += SVG.text(
        SVG.wrap(bar.label, maxChars: Int(labelWidth / SVG.charWidth) + 1, maxLines: 1),
        x: 8 + labelWidth, y: cy + 4, anchor: "end", cls: "row-label")
      for (cls, value, fill) in [("low", bar.low, lowFill), ("high", bar.high, highFill)]
      where value.isFinite {
        let x0 = min(x(base), x(value))
        let w = abs(x(value) - x(base))
        let after = value >= base
        out +=
          "<rect class=\"\(cls)\" data-value=\"\(SVG.v(value))\" x=\"\(SVG.n(x0))\" "
          + "y=\"\(SVG.n(cy - h / 2))\" width=\"\(SVG.n(w))\" height=\"\(SVG.n(h))\" "
          + "fill=\"\(fill.fill)\" stroke=\"\(fill.color)\"/>"
          + "<text class=\"value-label\" x=\"\(SVG.n(x(value) + (after ? 4 : -4)))\" "
          + "y=\"\(SVG.n(cy + 4))\" text-anchor=\"\(after ? "start" : "end")\">"
          + SVG.escape(format.value(value)) + "</text>"
      }
      out +=
        "<title>\(SVG.escape(bar.label + ": " + lowLabel + " " + format.value(bar.low) + ", "))"
        + "\(SVG.escape(highLabel + " " + format.value(bar.high)))</title></g>\n"
    }
    out +=
      "<g class=\"base-line\" data-value=\"\(SVG.v(base))\"><line x1=\"\(SVG.n(x(base)))\" "
      + "y1=\"\(SVG.n(top - 6))\" x2=\"\(SVG.n(x(base)))\" y2=\"\(SVG.n(bottom))\" "
      + "stroke=\"\(Palette.black)\" stroke-width=\"1.5\"/>"
      + "<text x=\"\(SVG.n(x(base)))\" y=\"\(SVG.n(top - 9))\" text-anchor=\"middle\">"
      + SVG.escape(baseLabel + " " + format.value(base)) + "</text></g>\n"
    out += SVG.close
    return out
  }
}
