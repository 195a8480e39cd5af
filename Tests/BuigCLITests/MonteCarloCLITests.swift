import Foundation
import Testing

@Suite("buig run (Monte Carlo), merge and compare")
struct MonteCarloCLITests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json").path

  @Test func sameSeedSameBytesAndFourShardsMergeToTheSameBytes() throws {
    let args = ["run", groningen, "--paths", "10000", "--seed", "7", "--format", "json", "--quiet"]
    let one = try buig(args)
    let two = try buig(args + ["--threads", "1", "--batch-size", "256"])
    #expect(one.status == 0, "\(one.stderr)")
    #expect(one.stdout == two.stdout)
    let j = try one.json()
    #expect((j["run"] as? [String: Any])?["seed"] as? Int == 7)
    #expect((j["engine"] as? [String: Any])?["blasCore"] as? String != nil)
    let netBurden = ((j["years"] as? [[String: Any]])?.first?["netBurden"] as? [String: Any])
    for key in ["expected", "mean", "se", "p5", "p25", "p50", "p75", "p95", "intervals"] {
      #expect(netBurden?[key] != nil)
    }
    let dir = try scratchDirectory()
    var parts: [String] = []
    for k in 1...4 {
      let part = dir.appendingPathComponent("part-\(k).bin").path
      let r = try buig([
        "run", groningen, "--paths", "10000", "--seed", "7", "--shard", "\(k)/4", "--output", part,
        "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      parts.append(part)
    }
    let merged = try buig(["merge", parts[2], parts[0], parts[3], parts[1], "--format", "json"])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(merged.stdout == one.stdout)
    let missing = try buig(["merge", parts[0], parts[1], parts[3]])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("missing: 3"))
    let other = try buig([
      "run", groningen, "--paths", "10000", "--seed", "8", "--shard", "3/4", "--output",
      dir.appendingPathComponent("x.bin").path, "--quiet",
    ])
    #expect(other.status == 0)
    let mixed = try buig([
      "merge", parts[0], parts[1], dir.appendingPathComponent("x.bin").path, parts[3],
    ])
    #expect(mixed.status == 1)
    #expect(mixed.stderr.contains("another run"))
    let notAPart = try buig(["merge", groningen])
    #expect(notAPart.status == 1)
  }

  @Test func anotherSeedGivesOtherNumbersAndTheReferenceKernelAgrees() throws {
    let a = try buig([
      "run", groningen, "--paths", "512", "--seed", "1", "--format", "csv", "--quiet",
    ])
    let b = try buig([
      "run", groningen, "--paths", "512", "--seed", "2", "--format", "csv", "--quiet",
    ])
    #expect(a.stdout != b.stdout)
    let blas = try buig(["run", groningen, "--paths", "512", "--format", "json", "--quiet"]).json()
    let reference = try buig([
      "run", groningen, "--paths", "512", "--format", "json", "--quiet", "--kernel", "reference",
    ]).json()
    let yb = try #require(blas["years"] as? [[String: Any]])
    let yr = try #require(reference["years"] as? [[String: Any]])
    for (x, y) in zip(yb, yr) {
      let mb = try #require(((x["netBurden"] as? [String: Any])?["mean"] as? NSNumber)?.doubleValue)
      let mr = try #require(((y["netBurden"] as? [String: Any])?["mean"] as? NSNumber)?.doubleValue)
      #expect(abs(mb - mr) <= 0.02, "\(mb) against \(mr)")
    }
  }

  @Test func precisionRunsUntilTheStandardErrorIsSmallEnough() throws {
    let r = try buig(["run", groningen, "--precision", "40000", "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    let paths = try #require((j["monteCarlo"] as? [String: Any])?["paths"] as? Int)
    #expect(paths % 10_240 == 0 && paths >= 10_240)
    for y in try #require(j["years"] as? [[String: Any]]) {
      let se = try #require(((y["netBurden"] as? [String: Any])?["se"] as? NSNumber)?.doubleValue)
      #expect(se < 40_000)
    }
    let again = try buig(["run", groningen, "--precision", "40000", "--format", "json", "--quiet"])
    #expect(again.stdout == r.stdout)
  }

  @Test func aCorrelationMatrixThatIsNotPositiveDefiniteIsRefusedOrRepaired() throws {
    let dir = try scratchDirectory()
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: groningen)))
        as? [String: Any])
    var uncertainty = object["uncertainty"] as! [[String: Any]]
    uncertainty.append([
      "target": "netPrice", "distribution": ["kind": "normal", "mean": 1, "sd": 0.02],
    ])
    object["uncertainty"] = uncertainty
    object["correlation"] = [
      "targets": ["workExitRate", "inflow", "netPrice"],
      "matrix": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
    ]
    let refused = dir.appendingPathComponent("refused.json")
    try JSONSerialization.data(withJSONObject: object).write(to: refused)
    let r = try buig(["run", refused.path, "--paths", "256", "--quiet"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("correlation.matrix"))
    #expect(r.stderr.contains("not positive definite"))
    var repaired = object
    var c = object["correlation"] as! [String: Any]
    c["repair"] = true
    repaired["correlation"] = c
    let file = dir.appendingPathComponent("repaired.json")
    try JSONSerialization.data(withJSONObject: repaired).write(to: file)
    let ok = try buig(["run", file.path, "--paths", "256", "--quiet", "--format", "json"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stderr.contains("warning: correlation.matrix is not positive definite"))
    #expect(ok.stderr.contains("largest change of an entry"))
    let warnings = try #require(
      (try ok.json()["monteCarlo"] as? [String: Any])?["warnings"] as? [String])
    #expect(warnings.contains { $0.contains("nearest valid matrix") })
  }

  @Test func compareReportsThePairedDifference() throws {
    let variant = packageRoot.appendingPathComponent("scenarios/groningen-2018-mechanistic.json")
      .path
    let r = try buig([
      "compare", groningen, variant, "--paths", "1024", "--format", "json", "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try r.json()
    let y = try #require((j["years"] as? [[String: Any]])?.first)
    let n = try #require(y["netBurden"] as? [String: Any])
    let paired = try #require(
      ((n["difference"] as? [String: Any])?["se"] as? NSNumber)?.doubleValue)
    let independent = try #require((n["independentSE"] as? NSNumber)?.doubleValue)
    #expect(paired < independent)
    #expect((y["pVariantBetter"] as? [String: Any])?["probability"] != nil)
    let table = try buig(["compare", groningen, variant, "--paths", "512", "--quiet"])
    #expect(table.status == 0)
    #expect(widestLine(table.stdout) <= 80)
    let other = packageRoot.appendingPathComponent("scenarios/van-bijstand-naar-baan-2019.json")
      .path
    let mismatch = try buig(["compare", groningen, other, "--paths", "512"])
    #expect(mismatch.status == 1)
    #expect(mismatch.stderr.contains("same horizon"))
  }

  @Test(arguments: [
    (["--paths", "-1"], 2), (["--batch-size", "100"], 2),
    (["--shard", "5/4", "--output", "/tmp/x"], 2),
    (["--shard", "1/2"], 2), (["--threads", "0"], 2), (["--precision", "-5"], 2),
  ])
  func badMonteCarloOptionsAreUsageErrors(args: [String], status: Int) throws {
    let r = try buig(["run", groningen, "--quiet"] + args)
    #expect(Int(r.status) == status, "\(args): \(r.stderr)")
    #expect(!r.stderr.isEmpty)
  }
}
