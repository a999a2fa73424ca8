import MoEStats
import Testing

/// Newcombe's hybrid score interval (method 10) for rate A − rate B.
@Suite struct ProportionDifferenceTests {
  // 56/70 − 48/80: Newcombe (1998)'s first worked example, method 10 gives [0.0524, 0.3339].
  // Independently recomputed from the two Wilson intervals (z = Φ⁻¹(0.975)) in python 3.11 with
  // scipy.stats.norm.ppf: [0.05243147240236498, 0.333872654036906].
  @Test func matchesNewcombesWorkedExample() throws {
    let d = try #require(
      try ProportionDifference(eventsA: 56, trialsA: 70, eventsB: 48, trialsB: 80))
    #expect(agrees(d.estimate, 0.8 - 0.6, relative: 1e-12))
    #expect(agrees(d.lower, 0.05243147240236498) && agrees(d.upper, 0.333872654036906))
    #expect(matches(d.lower, 0.0524) && matches(d.upper, 0.3339))
  }

  // 0/5 − 4/5, an edge case with k = 0 on one side. By hand from the Wilson intervals
  // [0, 0.4345] for 0/5 and [0.3755, 0.9638] for 4/5: lower = −0.8 − √(0² + (0.9638 − 0.8)²)
  // = −0.9638, upper = −0.8 + √(0.4345² + (0.8 − 0.3755)²) = −0.1926. Full precision from the
  // same python computation: [−0.9637758913675698, −0.19259086051089158].
  @Test func handlesZeroEventsOnOneSide() throws {
    let d = try #require(try ProportionDifference(eventsA: 0, trialsA: 5, eventsB: 4, trialsB: 5))
    #expect(agrees(d.lower, -0.9637758913675698) && agrees(d.upper, -0.19259086051089158))
  }

  // Swapping the groups negates the difference and swaps the ends (a property of the formula,
  // not of the code, which computes the two ends with different terms).
  @Test func swappingGroupsNegatesTheInterval() throws {
    for (kA, nA, kB, nB) in [(3, 10, 1, 10), (0, 4, 4, 4), (2, 7, 5, 9), (6, 6, 0, 3)] {
      let ab = try #require(
        try ProportionDifference(eventsA: kA, trialsA: nA, eventsB: kB, trialsB: nB))
      let ba = try #require(
        try ProportionDifference(eventsA: kB, trialsA: nB, eventsB: kA, trialsB: nA))
      #expect(
        agrees(ab.lower, -ba.upper, relative: 1e-12) && agrees(ab.upper, -ba.lower, relative: 1e-12)
      )
      #expect(-1 <= ab.lower && ab.lower <= ab.estimate && ab.estimate <= ab.upper && ab.upper <= 1)
    }
  }

  @Test func noTrialsInEitherGroupGivesNil() throws {
    #expect(try ProportionDifference(eventsA: 0, trialsA: 0, eventsB: 1, trialsB: 3) == nil)
    #expect(try ProportionDifference(eventsA: 1, trialsA: 3, eventsB: 0, trialsB: 0) == nil)
  }
}
