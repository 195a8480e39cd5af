import Foundation
import Testing

/// `buig report`: the council report's figures, languages, refusals and reproducibility.
@Suite("buig report")
struct ReportCLITests {
  let g2018 = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path
  let mechanistic = packageRoot.appendingPathComponent(
    "scenarios/groningen-2018-mechanistic.json"
  ).path
  let mau = packageRoot.appendingPathComponent("scenarios/groningen-2012-mau.json").path

  /// A number of the run's JSON as the Dutch report writes euros: € 1.234.567 (−€ for less
  /// than zero), rounded half away from zero, written independently of the engine's formatter.
  func dutchEuros(_ v: Double) -> String {
    let whole = Int((abs(v)).rounded(.toNearestOrAwayFromZero))
    var digits = String(whole)
    var groups: [String] = []
    while digits.count > 3 {
      groups.insert(String(digits.suffix(3)), at: 0)
      digits = String(digits.dropLast(3))
    }
    groups.insert(digits, at: 0)
    return (v < 0 && whole != 0 ? "−" : "") + "€ " + groups.joined(separator: ".")
  }

  func report(_ extra: [String]) throws -> (CLIResult, String) {
    let dir = try scratchDirectory()
    let out = dir.appendingPathComponent("r.html").path
    let r = try buig(["report", g2018, "--paths", "1000", "--quiet", "--output", out] + extra)
    let html = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    return (r, html)
  }

  @Test func theDutchReportCarriesTheRunsFigures() throws {
    let (r, html) = try report([])
    #expect(r.status == 0, "\(r.stderr)")
    let run = try buig(["run", g2018, "--paths", "1000", "--quiet", "--format", "json"]).json()
    let years = try #require(run["years"] as? [[String: Any]])
    var checked = 0
    for y in years {
      for q in ["netBurden", "budget", "spending", "interventionYield"] {
        let v = try #require((y[q] as? [String: Any])?["expected"] as? NSNumber).doubleValue
        #expect(html.contains(dutchEuros(v)), "\(q) \(y["year"]!): \(dutchEuros(v))")
        checked += 1
      }
      let p90 = try #require((y["netBurden"] as? [String: Any])?["p90"] as? NSNumber).doubleValue
      #expect(html.contains(dutchEuros(p90)), "p90 \(y["year"]!): \(dutchEuros(p90))")
      checked += 1
    }
    let horizon = try #require((run["horizon"] as? [String: Any])?["netBurden"] as? [String: Any])
    for key in ["p75", "p95", "p99"] {
      let v = try #require(horizon[key] as? NSNumber).doubleValue
      #expect(html.contains(dutchEuros(v)), "horizon \(key): \(dutchEuros(v))")
      checked += 1
    }
    let package = try #require((run["package"] as? [String: Any])?["total"] as? [String: Any])
    for key in ["netAfterVangnet", "npv", "cost"] {
      let v = try #require(package[key] as? NSNumber).doubleValue
      #expect(html.contains(dutchEuros(v)), "package \(key): \(dutchEuros(v))")
      checked += 1
    }
    #expect(checked >= 12)
    // Dutch terms and formats; the sections in order.
    for term in ["Meerjarenbeeld", "Nettolast", "Weerstandsvermogen", "vangnet", "2,25%"] {
      #expect(html.contains(term), "\(term)")
    }
    let order = [
      "samenvatting", "meerjarenbeeld", "onzekerheid", "vangnet", "maatregelen", "tekortoorzaken",
      "gevoeligheid", "weerstandsvermogen", "verantwoording",
    ].map { html.range(of: "<section id=\"\($0)\"")?.lowerBound }
    #expect(order.allSatisfy { $0 != nil })
    #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    // Self-contained: nothing fetched.
    for pattern in ["src=\"http", "href=\"http", "url(http", "<script", "@import", "<link"] {
      #expect(!html.contains(pattern), "\(pattern)")
    }
    #expect(html.utf8.count < 2_000_000)
    // Every chart has a title and a description, first thing inside it.
    let charts = html.components(separatedBy: "<svg ").dropFirst()
    #expect(charts.count >= 13)
    for chart in charts {
      let head = chart.components(separatedBy: "</desc>").first ?? ""
      #expect(head.contains("class=\"chart ") && head.contains("role=\"img\""))
      #expect(head.contains("-title\">") && head.contains("-desc\">"), "\(head.prefix(120))")
    }
  }

  @Test func englishComparisonAndTheSameBytes() throws {
    let (en, html) = try report(["--lang", "en", "--compare", mechanistic])
    #expect(en.status == 0, "\(en.stderr)")
    #expect(html.contains("<html lang=\"en\""))
    #expect(html.contains("Required reserve") && html.contains("<section id=\"vergelijking\""))
    #expect(html.contains("€ 26,180,000"))
    // No Dutch left in the English charts' legends.
    for word in ["verhoogt", "verlaagt", ">drempel<", "alles op de mediaan", "Mediaan", "Kosten"] {
      #expect(!html.contains(word), "\(word)")
    }
    let (_, again) = try report(["--lang", "en", "--compare", mechanistic])
    #expect(again == html)
  }

  @Test func badInputIsRefusedBeforeAnySimulation() throws {
    // Each would run 50,000,000 paths (many minutes) if the simulation came first.
    let cases: [([String], Int32, String)] = [
      (["--output", "/nonexistent-folder/r.html"], 1, "writable"),
      (["--lang", "fr", "--output", "/tmp/x.html"], 2, "--lang"),
      (["--compare", mau, "--output", "/tmp/x.html"], 1, "horizon"),
      (["--set", "interventions.nope.yield=1", "--output", "/tmp/x.html"], 1, "nope"),
      (["--paths", "1", "--output", "/tmp/x.html"], 2, "--paths"),
    ]
    for (extra, status, word) in cases {
      var arguments = ["report", g2018, "--paths", "50000000", "--quiet"]
      if let i = extra.firstIndex(of: "--paths") {
        arguments = ["report", g2018, "--quiet"] + extra[i...(i + 1)]
        arguments += extra.enumerated().filter { $0.offset != i && $0.offset != i + 1 }.map(
          \.element)
      } else {
        arguments += extra
      }
      let r = try buig(arguments)
      #expect(r.status == status, "\(extra): \(r.stderr)")
      #expect(r.stderr.contains(word), "\(extra): \(r.stderr)")
    }
  }
}
