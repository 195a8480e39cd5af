import BuigReport
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An element of a parsed SVG.
final class Node {
  let name: String
  let attrs: [String: String]
  var children: [Node] = []
  var text = ""

  init(name: String, attrs: [String: String]) {
    self.name = name
    self.attrs = attrs
  }

  var classes: Set<Substring> { Set((attrs["class"] ?? "").split(separator: " ")) }

  func has(_ cls: String) -> Bool { classes.contains(Substring(cls)) }

  /// This element and all below it, in document order.
  var all: [Node] { [self] + children.flatMap(\.all) }

  /// Every element below with class `cls`.
  func find(_ cls: String) -> [Node] { all.filter { $0.has(cls) } }

  /// All text below, concatenated.
  var allText: String { text + children.map(\.allText).joined() }

  func number(_ attr: String) -> Double? { attrs[attr].flatMap(Double.init) }

  func first(_ name: String) -> Node? { all.dropFirst().first { $0.name == name } }
}

/// Parses SVG text into a tree with Foundation's XMLParser; fails the test when it is not
/// well-formed XML.
final class TreeBuilder: NSObject, XMLParserDelegate {
  var stack: [Node] = []
  var root: Node?

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
  ) {
    let node = Node(name: elementName, attrs: attributeDict)
    stack.last?.children.append(node)
    if root == nil { root = node }
    stack.append(node)
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?
  ) {
    stack.removeLast()
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    stack.last?.text += string
  }

  static func parse(_ svg: String) throws -> Node {
    let parser = XMLParser(data: Data(svg.utf8))
    let builder = TreeBuilder()
    parser.delegate = builder
    let ok = parser.parse()
    #expect(ok, "not well-formed: \(String(describing: parser.parserError))")
    return try #require(builder.root)
  }
}

/// The value-to-position map of an axis, recovered from two of its ticks.
struct AxisMap {
  let a: Double
  let b: Double

  /// From the `tick` groups of `axis`: their `data-value` and the position of their line
  /// (`y1` for a vertical axis, `x1` for a horizontal one).
  init(axis: Node, coordinate: String) throws {
    let ticks = axis.find("tick")
    #expect(ticks.count >= 2)
    let pts = try ticks.map { t in
      (try #require(t.number("data-value")), try #require(t.first("line")?.number(coordinate)))
    }
    let (v0, p0) = pts[0]
    let (v1, p1) = pts[pts.count - 1]
    b = (p1 - p0) / (v1 - v0)
    a = p0 - b * v0
    for (v, p) in pts { #expect(abs(a + b * v - p) < 0.02, "ticks not evenly spaced") }
  }

  func callAsFunction(_ v: Double) -> Double { a + b * v }
}

func points(_ node: Node) throws -> [(Double, Double)] {
  try #require(node.attrs["points"]).split(separator: " ").map { pair in
    let xy = pair.split(separator: ",").map { Double($0)! }
    return (xy[0], xy[1])
  }
}

func near(_ a: Double, _ b: Double, _ tolerance: Double = 0.02) -> Bool {
  abs(a - b) <= tolerance
}

let euro = ChartFormat { "€ " + String(Int($0.rounded())) }
let pct = ChartFormat { String(format: "%.1f%%", $0) }

/// Checks that the ticks are 4–6 nice numbers (1, 2, 2.5, 5 × 10^k apart) covering `values`.
func checkNiceTicks(_ axis: Node, covering values: [Double]) throws {
  let ticks = try axis.find("tick").map { try #require($0.number("data-value")) }
  #expect((4...6).contains(ticks.count), "\(ticks.count) ticks")
  let step = ticks[1] - ticks[0]
  for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(near(b - a, step, 1e-6 * abs(step))) }
  let k = floor(log10(step))
  let mantissa = step / pow(10, k)
  #expect([1, 2, 2.5, 5, 10].contains { near(mantissa, $0, 1e-6) }, "step \(step)")
  #expect(ticks.first! <= values.min()! && ticks.last! >= values.max()!)
}

func checkHeader(_ root: Node, id: String, title: String, description: String) {
  #expect(root.name == "svg")
  #expect(root.attrs["xmlns"] == "http://www.w3.org/2000/svg")
  #expect(root.attrs["id"] == id)
  #expect(root.attrs["role"] == "img")
  #expect(root.has("chart"))
  #expect(root.attrs["aria-labelledby"] == "\(id)-title \(id)-desc")
  #expect(root.attrs["viewBox"]?.hasPrefix("0 0 640") == true)
  #expect(root.children.count >= 2)
  #expect(root.children[0].name == "title" && root.children[0].attrs["id"] == "\(id)-title")
  #expect(root.children[0].text == title)
  #expect(root.children[1].name == "desc" && root.children[1].attrs["id"] == "\(id)-desc")
  #expect(root.children[1].text == description)
  // Self-contained: no script, no external reference, no style sheet leaking into the page.
  #expect(!root.all.contains { ["script", "image", "style", "foreignObject"].contains($0.name) })
  #expect(root.find("legend").count == 1)
}

@Suite("SVG charts")
struct ChartTests {
  static let years = [2025, 2026, 2027, 2028, 2029]
  static let p5 = [-2e6, -1.5e6, -1e6, -0.8e6, -0.5e6]
  static let p25 = [0.5e6, 1e6, 1.5e6, 2e6, 2.5e6]
  static let p50 = [1e6, 2e6, 3e6, 3.5e6, 4e6]
  static let p75 = [1.5e6, 3e6, 4.5e6, 5e6, 5.5e6]
  static let p95 = [3e6, 5e6, 7e6, 8e6, 9.2e6]
  static let expected = [1.2e6, 2.2e6, 3.1e6, 3.8e6, 4.1e6]

  static func fanSVG(title: String = "Tekort") -> String {
    Chart.fan(
      id: "fan1", title: title, description: "Waaier van het tekort per jaar", years: years,
      p5: p5, p25: p25, p50: p50, p75: p75, p95: p95, expected: expected,
      lines: [ChartLine(label: "drempel", values: [6e6, 6e6, 6e6, 6e6, 6e6])], format: euro,
      legend: FanLegend(band90: "90%", band50: "50%", median: "mediaan", expected: "verwacht"))
  }

  @Test func fanChartStructure() throws {
    let root = try TreeBuilder.parse(Self.fanSVG())
    checkHeader(root, id: "fan1", title: "Tekort", description: "Waaier van het tekort per jaar")
    let axis = try #require(root.find("axis-y").first)
    let all = Self.p5 + Self.p95 + Self.expected + [6e6]
    try checkNiceTicks(axis, covering: all)
    let y = try AxisMap(axis: axis, coordinate: "y1")
    #expect(root.find("band-90").count == 1)
    #expect(root.find("band-50").count == 1)
    #expect(root.find("expected").count == 1)
    #expect(root.find("ref-line").count == 1)
    #expect(root.find("ref-line")[0].attrs["data-label"] == "drempel")
    #expect(root.find("ref-label").map(\.text) == ["drempel"])

    // The median: one point per year, at the year's label and the value's height.
    let median = try #require(root.find("median").first)
    let pts = try points(median)
    #expect(pts.count == Self.years.count)
    let labels = root.find("x-label")
    #expect(labels.map(\.allText) == Self.years.map(String.init))
    for (k, (px, py)) in pts.enumerated() {
      #expect(near(px, try #require(labels[k].number("x"))))
      #expect(near(py, y(Self.p50[k])))
    }
    // The 90% band runs along p95 and back along p5.
    let band = try points(root.find("band-90")[0])
    #expect(band.count == 2 * Self.years.count)
    #expect(near(band[0].1, y(Self.p95[0])) && near(band.last!.1, y(Self.p5[0])))
    // Expected dashed, median solid: a second channel besides colour.
    #expect(root.find("expected")[0].attrs["stroke-dasharray"] != nil)
    #expect(median.attrs["stroke-dasharray"] == nil)
  }

  @Test func escapingAndReproducibility() throws {
    let svg = Self.fanSVG(title: "Tekort <&> \"x\" 'y'")
    let root = try TreeBuilder.parse(svg)
    #expect(root.children[0].text == "Tekort <&> \"x\" 'y'")
    // Attributes are double-quoted, so an apostrophe needs no entity.
    #expect(svg.contains("Tekort &lt;&amp;&gt; &quot;x&quot; 'y'"))
    #expect(Self.fanSVG() == Self.fanSVG())
    let first = Self.samples()
    #expect(first.count == 5 && first == Self.samples())
    for svg in first.values {
      let root = try TreeBuilder.parse(svg)
      // Every number in the geometry has exactly two decimals (pattern tiles aside).
      let patterns = root.all.filter { $0.name == "pattern" }.flatMap(\.all)
      let skip = Set(patterns.map(ObjectIdentifier.init))
      for node in root.all where !skip.contains(ObjectIdentifier(node)) {
        for key in ["x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy"] {
          guard let text = node.attrs[key] else { continue }
          #expect(text.split(separator: ".").last?.count == 2, "\(key)=\(text)")
        }
      }
    }
  }

  @Test func barChartStructure() throws {
    let series = [
      BarSeries(label: "kosten", values: [-1.2e6, -1.5e6, -1.5e6]),
      BarSeries(label: "opbrengst", values: [0.4e6, nil, 2.6e6]),
      BarSeries(label: "effect <&> na vangnet", values: [0.1e6, 0.3e6, nil]),
    ]
    let svg = Chart.bars(
      id: "bars1", title: "Kosten en baten", description: "Per jaar",
      categories: ["2025", "2026", "2027"],
      series: series, format: euro)
    let root = try TreeBuilder.parse(svg)
    checkHeader(root, id: "bars1", title: "Kosten en baten", description: "Per jaar")
    let axis = try #require(root.find("axis-y").first)
    let values = series.flatMap { $0.values.compactMap { $0 } }
    try checkNiceTicks(axis, covering: values + [0])
    let y = try AxisMap(axis: axis, coordinate: "y1")
    let bars = root.find("bar")
    #expect(bars.count == values.count)
    #expect(root.find("pm").count == 2)
    #expect(root.find("pm").allSatisfy { $0.allText.contains("p.m.") })
    #expect(
      root.find("pm").map { $0.attrs["data-series"] ?? "" } == [
        "opbrengst", "effect <&> na vangnet",
      ])
    #expect(root.find("series").count == series.count)
    for bar in bars {
      let serie = try #require(series.first { $0.label == bar.attrs["data-series"] })
      let c = try #require(["2025", "2026", "2027"].firstIndex(of: bar.attrs["data-category"]))
      let value = try #require(serie.values[c])
      #expect(bar.number("data-value") == value)
      let top = try #require(bar.number("y"))
      let height = try #require(bar.number("height"))
      #expect(near(top, min(y(value), y(0))))
      #expect(near(height, abs(y(value) - y(0))))
    }
    // Series differ without colour: each has its own fill (a pattern after the first).
    let fills = Set(bars.compactMap { $0.attrs["fill"] })
    #expect(fills.count == series.count)
  }

  @Test func waterfallChains() throws {
    let steps: [(label: String, value: Double?)] = [
      ("macrotekort", 3e6), ("herverdeeleffect", -1e6), ("reservering", nil), ("rest", 0.5e6),
    ]
    let svg = Chart.waterfall(
      id: "wf", title: "Tekort verklaard", description: "Van macrotekort naar tekort",
      steps: steps, totalLabel: "tekort", format: euro)
    let root = try TreeBuilder.parse(svg)
    checkHeader(
      root, id: "wf", title: "Tekort verklaard", description: "Van macrotekort naar tekort")
    let axis = try #require(root.find("axis-y").first)
    try checkNiceTicks(axis, covering: [0, 3e6, 2e6, 2.5e6])
    let y = try AxisMap(axis: axis, coordinate: "y1")
    let drawn = root.find("step")
    #expect(drawn.count == steps.count)
    #expect(drawn.map { $0.attrs["data-label"] ?? "" } == steps.map(\.label))
    #expect(drawn.filter { $0.has("pm") }.count == 1 && drawn[2].has("pm"))
    #expect(drawn[2].allText.contains("p.m."))
    var level = 0.0
    for (node, step) in zip(drawn, steps) {
      let start = try #require(node.number("data-start"))
      let end = try #require(node.number("data-end"))
      #expect(near(start, level), "each step starts where the one before ended")
      #expect(near(end, start + (step.value ?? 0)))
      if let value = step.value {
        let rect = try #require(node.first("rect"))
        #expect(near(try #require(rect.number("y")), min(y(start), y(end))))
        #expect(near(try #require(rect.number("height")), abs(y(end) - y(start))))
        #expect(node.number("data-value") == value)
      }
      level = end
    }
    let total = try #require(root.find("total").first)
    #expect(total.number("data-value") == steps.compactMap(\.value).reduce(0, +))
    let rect = try #require(total.first("rect"))
    #expect(near(try #require(rect.number("y")), y(2.5e6)))
    #expect(near(try #require(rect.number("height")), y(0) - y(2.5e6)))
  }

  @Test func tornadoBarsAroundTheBase() throws {
    let bars: [(label: String, low: Double, high: Double)] = [
      ("instroom", 2.2e6, 5.1e6), ("uitstroom", 2.9e6, 4.0e6),
      ("prijs <&> per uitkering", 3.4e6, 3.9e6), ("omgekeerd", 3.8e6, 3.1e6),
    ]
    let base = 3.5e6
    let svg = Chart.tornado(
      id: "tor", title: "Gevoeligheid", description: "Tekort bij laag en hoog", bars: bars,
      base: base, lowLabel: "laag", highLabel: "hoog", format: euro)
    let root = try TreeBuilder.parse(svg)
    checkHeader(root, id: "tor", title: "Gevoeligheid", description: "Tekort bij laag en hoog")
    let axis = try #require(root.find("axis-x").first)
    try checkNiceTicks(axis, covering: bars.flatMap { [$0.low, $0.high] } + [base])
    let x = try AxisMap(axis: axis, coordinate: "x1")
    let drawn = root.find("tornado-bar")
    #expect(drawn.map { $0.attrs["data-label"] ?? "" } == bars.map(\.label), "order as given")
    let baseLine = try #require(root.find("base-line").first)
    #expect(baseLine.number("data-value") == base)
    #expect(near(try #require(baseLine.first("line")?.number("x1")), x(base)))
    var lastY = -Double.infinity
    for (node, bar) in zip(drawn, bars) {
      #expect(node.number("data-low") == bar.low && node.number("data-high") == bar.high)
      for (cls, value) in [("low", bar.low), ("high", bar.high)] {
        let rect = try #require(node.find(cls).first)
        let left = try #require(rect.number("x"))
        let right = left + (try #require(rect.number("width")))
        // The bar runs from the base to the value, on the value's side of the base.
        if value < base {
          #expect(near(left, x(value)) && near(right, x(base)))
        } else {
          #expect(near(left, x(base)) && near(right, x(value)))
        }
        let y = try #require(rect.number("y"))
        #expect(y > lastY, "rows top to bottom in the given order")
      }
      lastY = try #require(node.find("low").first?.number("y"))
    }
  }

  @Test func bandViewPlacesTheDeficitInItsBand() throws {
    let shape = [
      VangnetBandShape(fromPercent: 7.5, toPercent: 10, ratePercent: 50),
      VangnetBandShape(fromPercent: 10, toPercent: 12.5, ratePercent: 75),
      VangnetBandShape(fromPercent: 12.5, toPercent: nil, ratePercent: 100),
    ]
    let years = [2025, 2026, 2027, 2028, 2029]
    let deficits: [Double?] = [5, 8.2, 10, nil, 13.1]
    let svg = Chart.bandView(
      id: "band", title: "Vangnet", description: "Tekort tegen de banden", years: years,
      deficitPercent: deficits, bands: Array(repeating: shape, count: years.count), format: pct,
      percentFormat: ChartFormat { String(Int($0)) + "%" })
    let root = try TreeBuilder.parse(svg)
    checkHeader(root, id: "band", title: "Vangnet", description: "Tekort tegen de banden")
    let axis = try #require(root.find("axis-y").first)
    try checkNiceTicks(axis, covering: [0, 13.1, 12.5])
    let y = try AxisMap(axis: axis, coordinate: "y1")
    #expect(root.find("band").count == 3 * years.count)
    #expect(root.find("threshold").count == years.count)
    #expect(root.find("pm").map { $0.attrs["data-year"] } == ["2028"])
    let markers = root.find("deficit-marker")
    #expect(markers.map { $0.attrs["data-year"] } == ["2025", "2026", "2027", "2029"])
    let expectedBand = ["2025": -1, "2026": 0, "2027": 1, "2029": 2]
    let expectedRate = ["2025": 0.0, "2026": 50, "2027": 75, "2029": 100]
    for marker in markers {
      let year = try #require(marker.attrs["data-year"])
      let value = try #require(marker.number("data-value"))
      #expect(marker.number("data-band").map(Int.init) == expectedBand[year])
      #expect(marker.number("data-rate") == expectedRate[year])
      // The diamond's centre is at the value's height …
      let d = try #require(marker.first("path")?.attrs["d"])
      let numbers = d.split { "MLZ ".contains($0) }.map { Double($0)! }
      let cy = numbers[3]
      #expect(near(cy, y(value)))
      // … and inside the rectangle of the band it is said to fall in (below the threshold
      // when in none).
      let bands = root.find("band").filter { $0.attrs["data-year"] == year }
      if let k = marker.number("data-band"), k >= 0 {
        let band = try #require(bands.first { $0.number("data-index") == k })
        #expect(band.attrs["data-label"] == "\(Int(try #require(band.number("data-rate"))))%")
        let rect = try #require(band.first("rect"))
        let top = try #require(rect.number("y"))
        let bottom = top + (try #require(rect.number("height")))
        #expect(top - 0.01 <= cy && cy <= bottom + 0.01)
      } else {
        let threshold = try #require(bands.first?.number("data-from"))
        #expect(value < threshold && cy > y(threshold))
      }
    }
  }

  @Test(arguments: [
    [0.0], [1.0], [0.37], [-0.2, 0.9], [5.0, 6.01], [0, 10.01], [0, 25.01], [-3e6, 7.2e6],
    [1234567, 2345678], [99, 101], [-0.001, -0.0004], [7.5, 12.5, 13.1],
  ])
  func ticksAreNiceAndCover(_ values: [Double]) throws {
    // Bars always show 0; the tornado shows only its values (and the base).
    let bars = Chart.bars(
      id: "b", title: "t", description: "d", categories: values.map { _ in "c" },
      series: [BarSeries(label: "s", values: values)], format: .fixed(4))
    let root = try TreeBuilder.parse(bars)
    try checkNiceTicks(try #require(root.find("axis-y").first), covering: values + [0])
    let tornado = Chart.tornado(
      id: "t", title: "t", description: "d", bars: [("a", values.min()!, values.max()!)],
      base: values[0], lowLabel: "l", highLabel: "h", format: .fixed(4))
    let troot = try TreeBuilder.parse(tornado)
    try checkNiceTicks(try #require(troot.find("axis-x").first), covering: values)
  }

  @Test func aMissingYearBreaksTheLines() throws {
    var p50 = Self.p50
    p50[2] = .nan
    var p5 = Self.p5
    p5[4] = .nan
    let svg = Chart.fan(
      id: "gap", title: "t", description: "d", years: Self.years, p5: p5, p25: Self.p25,
      p50: p50, p75: Self.p75, p95: Self.p95, expected: Self.expected, format: euro,
      legend: FanLegend(band90: "90%", band50: "50%", median: "mediaan", expected: "verwacht"))
    let root = try TreeBuilder.parse(svg)
    #expect(try root.find("median").map { try points($0).count } == [2, 2])
    #expect(try root.find("band-90").map { try points($0).count } == [8])
    #expect(try root.find("expected").map { try points($0).count } == [5])
    #expect(!svg.contains("NaN"))
  }

  /// One sample of every chart.
  static func samples() -> [String: String] {
    let shape = [
      VangnetBandShape(fromPercent: 7.5, toPercent: 10, ratePercent: 50),
      VangnetBandShape(fromPercent: 10, toPercent: 12.5, ratePercent: 75),
      VangnetBandShape(fromPercent: 12.5, toPercent: nil, ratePercent: 100),
    ]
    return [
      "fan": Self.fanSVG(),
      "bars": Chart.bars(
        id: "bars", title: "Kosten en baten", description: "Per jaar",
        categories: ["2025", "2026", "2027"],
        series: [
          BarSeries(label: "kosten", values: [-1.2e6, -1.5e6, -1.5e6]),
          BarSeries(label: "opbrengst", values: [0.4e6, nil, 2.6e6]),
          BarSeries(label: "effect na vangnet", values: [0.1e6, 0.3e6, nil]),
        ], format: euro),
      "waterfall": Chart.waterfall(
        id: "wf", title: "Tekort verklaard", description: "Van macrotekort naar tekort",
        steps: [
          ("macrotekort", 3e6), ("herverdeeleffect", -1e6), ("reservering", nil),
          ("rest", 0.5e6),
        ], totalLabel: "tekort", format: euro),
      "tornado": Chart.tornado(
        id: "tor", title: "Gevoeligheid", description: "Tekort bij laag en hoog",
        bars: [
          ("instroom", 2.2e6, 5.1e6), ("uitstroom", 2.9e6, 4.0e6),
          ("prijs per uitkering", 3.4e6, 3.9e6), ("omgekeerd", 3.8e6, 3.1e6),
        ], base: 3.5e6, lowLabel: "laag", highLabel: "hoog", format: euro),
      "bandview": Chart.bandView(
        id: "band", title: "Vangnet", description: "Tekort tegen de banden",
        years: [2025, 2026, 2027, 2028, 2029], deficitPercent: [5, 8.2, 10, nil, 13.1],
        bands: Array(repeating: shape, count: 5), format: pct,
        percentFormat: ChartFormat { String(Int($0)) + "%" }),
    ]
  }

  /// With `CHART_SAMPLES=dir` set, writes one sample of every chart to `dir` to look at.
  @Test func writesSamplesWhenAsked() throws {
    guard let dir = ProcessInfo.processInfo.environment["CHART_SAMPLES"] else { return }
    for (name, svg) in Self.samples() {
      try svg.write(toFile: dir + "/" + name + ".svg", atomically: true, encoding: .utf8)
    }
  }
}
