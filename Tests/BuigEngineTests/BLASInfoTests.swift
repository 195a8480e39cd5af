import Testing

@testable import BuigEngine

@Suite("BLAS")
struct BLASInfoTests {
  @Test func reportsTheLinkedOpenBLAS() {
    #expect(BLASInfo.configuration.contains("OpenBLAS"))
    #expect(!BLASInfo.coreName.isEmpty && BLASInfo.coreName != "unknown")
  }
}

@Suite("BLAS kernel choice")
struct BLASKernelChoiceTests {
  @Test func aUserSettingIsNeverOverridden() {
    let cpu = "flags\t\t: fpu sse3 avx2 fma avx512f\n"
    #expect(
      BLASInfo.betterCoreType(environment: ["OPENBLAS_CORETYPE": "Prescott"], cpuinfo: cpu) == nil)
    #expect(BLASInfo.betterCoreType(environment: ["BUIG_BLAS_REEXEC": "1"], cpuinfo: cpu) == nil)
    #expect(BLASInfo.betterCoreType(environment: [:], cpuinfo: nil) == nil)
  }

  @Test func onlyTheGenericFallbackIsReplaced() {
    // On this machine the kernel OpenBLAS chose is kept unless it is the Prescott fallback.
    let cpu = "flags\t\t: fpu sse3 avx2 fma\n"
    let choice = BLASInfo.betterCoreType(environment: [:], cpuinfo: cpu)
    #expect(choice == (BLASInfo.coreName == "Prescott" ? "Haswell" : nil))
  }
}
