import MoEKernels
import Testing

/// The profile's accounting with a clock the test controls (no real time involved): time goes
/// to the innermost open phase only, and nothing outside every phase is charged.
@Suite struct StepProfileTests {
  final class ManualClock: @unchecked Sendable {
    var seconds = 0.0
  }

  @Test func timeGoesToTheInnermostOpenPhase() {
    let clock = ManualClock()
    let profile = StepProfile(clock: { clock.seconds })
    clock.seconds = 1  // before any phase: charged to nothing
    profile.enter(.forward)
    clock.seconds = 3  // 2 s of forward
    profile.enter(.rounding)
    clock.seconds = 3.5  // 0.5 s of rounding inside forward
    profile.leave()
    clock.seconds = 4  // 0.5 s more of forward
    profile.enter(.forward)  // nested same phase: still forward
    clock.seconds = 5
    profile.leave()
    profile.leave()
    clock.seconds = 9  // outside every phase: the caller's "rest"
    profile.enter(.optimizer)
    clock.seconds = 9.25
    profile.leave()
    #expect(profile[.forward] == 3.5)
    #expect(profile[.rounding] == 0.5)
    #expect(profile[.optimizer] == 0.25)
    #expect(profile[.backward] == 0 && profile[.routing] == 0)
    #expect(profile.total == 4.25)
    profile.reset()
    #expect(profile.total == 0)
  }

  @Test func hooksDoNothingWithoutAnInstalledProfile() {
    #expect(StepProfile.current == nil)
    StepProfile.enter(.forward)  // must not crash or record anywhere
    StepProfile.leave()
  }
}
