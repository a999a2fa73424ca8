import Dispatch
import Testing

@testable import MoEStats

/// GSL errors become Swift errors: the process neither aborts (default handler) nor hangs.
@Suite struct GSLErrorHandlingTests {
  // P = 1.5 is outside (0, 1). Under GSL's default handler this call prints
  // "P must be in range 0 < P < 1" (betainv.c, GSL 2.7.1) and aborts the test process.
  @Test func badArgumentThrowsInsteadOfAborting() {
    #expect(
      throws: StatisticsError.gsl(
        function: "gsl_cdf_beta_Pinv", reason: "P must be in range 0 < P < 1", code: 1)  // GSL_EDOM
    ) {
      try GSL.betaQuantile(1.5, a: 1, b: 1)
    }
  }

  // Drawing t = 9 from a population of 4 + 4 is a domain error in GSL's hypergeometric CDF.
  @Test func hypergeometricDomainErrorThrows() {
    #expect(throws: StatisticsError.self) {
      try GSL.hypergeometricLowerTail(0, n1: 4, n2: 4, t: 9)
    }
  }

  // A negative count must not trap in the conversion to GSL's `unsigned int`.
  @Test func negativeCountIsRefusedBeforeGSL() {
    #expect(throws: StatisticsError.invalidArgument("k = -1 is not in 0...4294967295")) {
      try GSL.hypergeometricProbability(-1, n1: 4, n2: 4, t: 4)
    }
  }

  // A failed call leaves nothing behind for the next one on the same thread.
  @Test func errorDoesNotLeakIntoTheNextCall() throws {
    _ = try? GSL.betaQuantile(-1, a: 1, b: 1)
    // Φ⁻¹(0.975) = 1.959964 (standard normal table).
    #expect(matches(try GSL.normalQuantile(0.975), 1.959964, places: 6))
  }

  // Errors are recorded per thread: on two threads, failing and succeeding calls interleave and
  // each call sees only its own outcome.
  @Test func concurrentCallsSeeOnlyTheirOwnErrors() {
    let iterations = 2000
    let outcomes = UnsafeMutableBufferPointer<Bool>.allocate(capacity: iterations)
    defer { outcomes.deallocate() }
    outcomes.initialize(repeating: false)
    nonisolated(unsafe) let slots = outcomes
    DispatchQueue.concurrentPerform(iterations: iterations) { i in
      if i.isMultiple(of: 2) {
        slots[i] = (try? GSL.betaQuantile(2, a: 1, b: 1)) == nil  // must fail
      } else {
        slots[i] = (try? GSL.betaQuantile(0.5, a: 1, b: 1)) == 0.5  // Beta(1,1) is uniform
      }
    }
    #expect(outcomes.allSatisfy { $0 })
  }

  // The public API validates in Swift and never hands GSL a bad α.
  @Test func publicAPIRefusesBadAlphaInSwift() {
    #expect(throws: StatisticsError.invalidArgument("alpha must be in (0, 1), got 1.5")) {
      try BinomialInterval(events: 1, trials: 2, method: .clopperPearson, alpha: 1.5)
    }
  }
}
