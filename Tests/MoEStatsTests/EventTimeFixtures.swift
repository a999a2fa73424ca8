import MoEStats

/// Right-censored samples for the time-to-event tests.
enum EventTimeFixtures {
  /// Events at `events`, then subjects censored at `censored`.
  static func sample(events: [Double], censored: [Double] = []) -> [EventTime] {
    events.map { EventTime(time: $0, event: true) }
      + censored.map { EventTime(time: $0, event: false) }
  }

  /// Freireich et al. (1963), remission times in weeks (R's MASS::gehan): the 6-MP arm.
  static let mercaptopurine = sample(
    events: [6, 6, 6, 7, 10, 13, 16, 22, 23],
    censored: [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35])
  /// The placebo arm: every subject relapsed.
  static let placebo = sample(
    events: [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23])
}
