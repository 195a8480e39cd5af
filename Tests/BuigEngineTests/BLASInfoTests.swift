import Testing

@testable import BuigEngine

@Suite("BLAS")
struct BLASInfoTests {
  @Test func reportsTheLinkedOpenBLAS() {
    #expect(BLASInfo.configuration.contains("OpenBLAS"))
    #expect(!BLASInfo.coreName.isEmpty && BLASInfo.coreName != "unknown")
  }
}
