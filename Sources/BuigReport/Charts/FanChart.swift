import Foundation

extension Chart {
  /// Fan chart per year: bands p5–p95 (`class="band-90"`) and p25–p75 (`class="band-50"`),
  /// the median line (`class="median"`, solid black with a dot per year), the expected line
  /// (`class="expected"`, dashed) and optional reference lines (`class="ref-line"`, dotted,
  /// each with its label at its right end), for example the vangnet thresholds in euros.
  ///
  /// Every array has one value per year, in the chart's unit (euros for a deficit); a value
  /// that is not finite leaves a gap in its line or band (a line is then several polylines). The y axis has 4–6 nice ticks and
  /// includes 0 when the values cross it or lie within a factor two of it.
  public static func fan(
    id: String, title: String, description: String, years: [Int], p5: [Double],
    p25: [Double], p50: [Double], p75: [Double], p95: [Double], expected: [Double],
    lines: [ChartLine] = [], format: ChartFormat, legend: FanLegend
  ) -> String {
    fan(
      id: id, title: title, description: description, labels: years.map(String.init), p5: p5,
      p25: p25, p50: p50, p75: p75, p95: p95, expected: expected, lines: lines, format: format,
      legend: legend)
  }

  /// The same fan over any categories (months, quarters): `labels` name them (in the points'
  /// titles), and the x axis writes only those in `axis` (all when nil), so that 120 months
  /// can carry a label a year.
  public static func fan(
    id: String, title: String, description: String, labels: [String], axis: Set<Int>? = nil,
    p5: [Double], p25: [Double], p50: [Double], p75: [Double], p95: [Double], expected: [Double],
    lines: [ChartLine] = [], format: ChartFormat, legend: FanLegend
  ) -> String {
    let years = labels
    let n = years.count
    for (name, series) in [
      ("p5", p5), ("p25", p25), ("p50", p50), ("p75", p75), ("p95", p95),
      ("expected", expected),
    ] {
      precondition(series.count == n, "Chart.fan: \(name) needs one value per year")
    }
    for line in lines {
      precondition(line.values.count == n, "Chart.fan: line \(line.label) needs one per year")
    }
    let refStyles: [(color: String, dash: String)] = [
      (Palette.orange, "2 3"), (Palette.purple, "8 3 2 3"), (Palette.green, "1 2"),
      (Palette.vermillion, "6 2"),
    ]
    var items: [(LegendKey, String)] = [
      (.swatch(fill: Palette.sky, stroke: nil), legend.band90),
      (.swatch(fill: Palette.blue, stroke: nil), legend.band50),
      (.line(color: Palette.black, dash: nil, width: 2.5, marker: true), legend.median),
      (.line(color: Palette.vermillion, dash: "6 4", width: 2, marker: false), legend.expected),
    ]
    for (k, line) in lines.enumerated() {
      let style = refStyles[k % refStyles.count]
      items.append(
        (.line(color: style.color, dash: style.dash, width: 1.5, marker: false), line.label))
    }
    let all = p5 + p25 + p50 + p75 + p95 + expected + lines.flatMap(\.values)
    let plot = Plot(
      legend: items, values: all, includeZero: NiceScale.zeroIsSensible(all), format: format)
    let xs = plot.centers(n)
    let y = plot.map

    var out = SVG.open(id: id, kind: "fan", title: title, description: description)
    out += plot.legend
    out += yAxis(plot.scale, y, left: plot.left, right: plot.right, format: format)
    out += xLabels(
      years.enumerated().map { axis?.contains($0.offset) == false ? "" : $0.element },
      centers: xs, y: plot.bottom + 16,
      columnWidth: axis == nil ? plot.columnWidth(n) : plot.right - plot.left)

    func band(_ lower: [Double], _ upper: [Double], cls: String, fill: String, label: String)
      -> String
    {
      var out = ""
      for idx in runs((0..<n).filter { lower[$0].isFinite && upper[$0].isFinite }) {
        // One year has no width: give its band the width of a bar.
        let half = idx.count == 1 ? plot.columnWidth(n) * 0.15 : 0
        var pts = idx.map { (xs[$0] - half, y(upper[$0])) }
        if half > 0 { pts.append((xs[idx[0]] + half, y(upper[idx[0]]))) }
        if half > 0 { pts.append((xs[idx[0]] + half, y(lower[idx[0]]))) }
        pts += idx.reversed().map { (xs[$0] - half, y(lower[$0])) }
        out +=
          "<polygon class=\"\(cls)\" data-label=\"\(SVG.escape(label))\" points=\""
          + SVG.points(pts) + "\" fill=\"\(fill)\" fill-opacity=\"0.45\" stroke=\"none\"/>\n"
      }
      return out
    }
    out += band(p5, p95, cls: "band-90", fill: Palette.sky, label: legend.band90)
    out += band(p25, p75, cls: "band-50", fill: Palette.blue, label: legend.band50)

    for (k, line) in lines.enumerated() {
      let style = refStyles[k % refStyles.count]
      let idx = (0..<n).filter { line.values[$0].isFinite }
      guard let last = idx.last else { continue }
      out += "<g class=\"ref-line\" data-label=\"\(SVG.escape(line.label))\">"
      for run in runs(idx) {
        var pts = run.map { (xs[$0], y(line.values[$0])) }
        if idx.count == 1 { pts = [(plot.left, pts[0].1), (plot.right, pts[0].1)] }
        out +=
          "<polyline points=\"\(SVG.points(pts))\" fill=\"none\" stroke=\"\(style.color)\" "
          + "stroke-width=\"1.5\" stroke-dasharray=\"\(style.dash)\"/>"
      }
      out += SVG.text(
        [line.label], x: idx.count == 1 ? plot.right : xs[last], y: y(line.values[last]) - 4,
        anchor: "end", cls: "ref-label")
      out += "</g>\n"
    }

    func line(_ values: [Double], cls: String, label: String, attrs: String) -> String {
      runs((0..<n).filter { values[$0].isFinite }).map { idx in
        let pts = idx.map { (xs[$0], y(values[$0])) }
        let data = idx.map { SVG.v(values[$0]) }.joined(separator: " ")
        return "<polyline class=\"\(cls)\" data-label=\"\(SVG.escape(label))\" "
          + "data-values=\"\(data)\" points=\"\(SVG.points(pts))\" fill=\"none\" \(attrs)/>\n"
      }.joined()
    }
    out += line(
      expected, cls: "expected", label: legend.expected,
      attrs: "stroke=\"\(Palette.vermillion)\" stroke-width=\"2\" stroke-dasharray=\"6 4\"")
    out += line(
      p50, cls: "median", label: legend.median,
      attrs: "stroke=\"\(Palette.black)\" stroke-width=\"2.5\"")
    out += "<g class=\"median-points\">"
    for i in 0..<n where p50[i].isFinite {
      out +=
        "<circle cx=\"\(SVG.n(xs[i]))\" cy=\"\(SVG.n(y(p50[i])))\" r=\"2.5\" "
        + "fill=\"\(Palette.black)\"><title>\(years[i]): \(SVG.escape(format.value(p50[i])))"
        + "</title></circle>"
    }
    out += "</g>\n"
    out += SVG.close
    return out
  }
}
