// swift-tools-version: 6.1
// The benchmark suite of buig: a nested package, so that the root package never depends on it.
// Run it with `make bench` (full) or `make bench-smoke` (tiny sizes) from the root.
import PackageDescription

let package = Package(
  name: "buig-benchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    // `name:` is required: a path dependency's identity is otherwise its folder's name.
    .package(name: "buig", path: "..")
  ],
  targets: [
    // cblas_dgemm for the machine-limit measurement (the engine's own CBLAS module is internal).
    .systemLibrary(
      name: "BenchBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "pkg-config"])]
    ),
    // Runs one command and reports its own wall time, CPU time and peak memory (see main.c).
    .executableTarget(name: "buig-bench-launch"),
    .executableTarget(
      name: "buig-bench",
      dependencies: [
        .product(name: "BuigEngine", package: "buig"),
        .product(name: "BuigCore", package: "buig"),
        .product(name: "BuigScenario", package: "buig"),
        .product(name: "BuigJSON", package: "buig"),
        "BenchBLAS",
      ]
    ),
  ]
)
