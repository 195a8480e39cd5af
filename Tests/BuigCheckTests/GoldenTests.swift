import BuigCheck
import BuigCore
import BuigJSON
import Testing

@Suite struct GoldenTests {
  @Test func aSeedOutsideTheCommonRangeIsRefused() throws {
    let golden = Golden(
      scenario: "s", scenarioSHA256: "x", seed: 3_000_000_000, paths: 0, engineVersion: "0",
      blasCore: "c", values: [])
    let text = Array(JSONWriter.write(golden.json()).utf8)
    #expect(throws: InputIssues.self) { try Golden.decode(text, origin: "g.json") }
    #expect(Seed.checked(3_000_000_000) == nil)
    #expect(Seed.checked(2_147_483_647) == 2_147_483_647)
  }
}
