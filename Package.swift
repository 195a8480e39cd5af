// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
  name: "buig",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "buig", targets: ["buig"]),
    .library(name: "BuigCore", targets: ["BuigCore"]),
    .library(name: "BuigEngine", targets: ["BuigEngine"]),
    .library(name: "BuigScenario", targets: ["BuigScenario"]),
    .library(name: "BuigJSON", targets: ["BuigJSON"]),
    .library(name: "BuigCheck", targets: ["BuigCheck"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // OpenBLAS (CBLAS) and the LAPACK routines it exports, found through pkg-config.
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapack-dev", "pkg-config"])]
    ),
    // A JSON reader that keeps numbers exact and knows where every value sits.
    .target(name: "BuigJSON"),
    // Domain types and budget rules; the rule table ships as a resource.
    .target(
      name: "BuigCore",
      dependencies: ["BuigJSON"],
      resources: [.copy("Resources/rules.json")]
    ),
    // Input files: decoding with every problem reported at once, mapping to BuigCore.
    .target(
      name: "BuigScenario",
      dependencies: ["BuigCore", "BuigJSON"],
      resources: [
        .copy("Resources/groningen-2018-position.json"), .copy("Resources/presets.json"),
        .copy("Resources/flows.json"),
        .copy("Resources/scenarios"),
      ]
    ),
    // Numerics on BLAS and LAPACK.
    .target(name: "BuigEngine", dependencies: ["BuigCore", "BuigJSON", "CBLAS"]),
    // Goldens and their tolerances: benchmark scenarios as regression tests (`buig check`).
    .target(name: "BuigCheck", dependencies: ["BuigCore", "BuigJSON", "BuigEngine"]),
    // An xlsx (SpreadsheetML) writer: the XML by hand, the ZIP container by ZIPFoundation.
    .target(
      name: "BuigXLSX", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    // Renderers: table, JSON, CSV, xlsx, JUnit XML.
    .target(
      name: "BuigReport",
      dependencies: [
        "BuigCore", "BuigJSON", "BuigEngine", "BuigScenario", "BuigCheck", "BuigXLSX",
      ]),
    .executableTarget(
      name: "buig",
      dependencies: [
        "BuigCore", "BuigEngine", "BuigReport", "BuigJSON", "BuigScenario", "BuigCheck",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "FlyingFox", package: "FlyingFox"),
      ],
      // The what-if page of `buig serve`: its own HTML, CSS and JavaScript, nothing fetched.
      resources: [.copy("Resources/serve")]
    ),
    // The seeded generator and property check the test targets share.
    .target(name: "BuigTestSupport", path: "Tests/BuigTestSupport"),
    .testTarget(name: "BuigJSONTests", dependencies: ["BuigJSON"]),
    .testTarget(
      name: "BuigCoreTests",
      dependencies: ["BuigCore", "BuigJSON", "BuigScenario", "BuigTestSupport"],
      exclude: ["Fixtures"]),
    // Fixtures are read by path from the source tree, not bundled.
    .testTarget(
      name: "BuigEngineTests",
      dependencies: ["BuigEngine", "BuigCore", "BuigScenario", "BuigTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "BuigCLITests", dependencies: ["BuigCore", "buig"], exclude: ["Fixtures"]),
    .testTarget(name: "BuigReportTests", dependencies: ["BuigReport", "BuigEngine", "BuigJSON"]),
    .testTarget(
      name: "BuigXLSXTests",
      dependencies: ["BuigXLSX", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    .testTarget(
      name: "BuigCheckTests", dependencies: ["BuigCheck", "BuigCore", "BuigEngine", "BuigScenario"]),
  ]
)

// The fuzz targets (make fuzz): built only with BUIG_FUZZ=1 and -sanitize=fuzzer, since
// libFuzzer supplies their main.
if ProcessInfo.processInfo.environment["BUIG_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "buig-fuzz", dependencies: ["BuigCore", "BuigJSON", "BuigScenario"], path: "Fuzz"))
}
