import Foundation
import MoEConfig
import MoESweep
import Testing

/// Nothing runs until the whole file is right: each mistake is refused with the file, the key
/// path in the sweep file where it was made, and a suggestion where one helps. The files and
/// their messages are in ``MalformedSweepCorpus``.
@Suite struct MalformedSweepTests {
  @Test(arguments: MalformedSweepCorpus.unknownKeysAndMalformedJSON)
  func unknownKeysAndMalformedJSON(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.wrongTypesAnywhere)
  func wrongTypesAnywhere(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  /// `null` is refused wherever it is, instead of being read as an absent key.
  @Test(arguments: MalformedSweepCorpus.nulls)
  func nulls(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.namesAndSeeds)
  func namesAndSeeds(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.baseAndVariants)
  func baseAndVariants(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.axes)
  func axes(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.keyPathSuggestions)
  func keyPathSuggestions(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.resolvedConfigs)
  func resolvedConfigs(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test(arguments: MalformedSweepCorpus.limits)
  func absurdlyLargeSweepsAreRefusedBeforeExpanding(_ refusal: Refusal) {
    #expect(SweepFixtures.refusal(refusal.json) == refusal.message)
  }

  @Test func anUnreadableFileIsNamed() {
    #expect(throws: ConfigError.self) {
      try SweepDefinition.load(contentsOfFile: "/nonexistent/sweep.json")
    }
    do {
      _ = try SweepPlan(contentsOfFile: "/nonexistent/sweep.json")
    } catch {
      #expect(
        error.file == "/nonexistent/sweep.json" && error.message.hasPrefix("cannot read the file"))
    }
  }
}
