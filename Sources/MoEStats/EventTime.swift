/// One subject of a time-to-event comparison: the time it was last seen and whether the event
/// happened then (`event: false` is right-censored: still event-free at `time`).
public struct EventTime: Hashable, Sendable {
  public var time: Double
  public var event: Bool

  public init(time: Double, event: Bool) {
    self.time = time
    self.event = event
  }
}

extension [EventTime] {
  /// The distinct times at which an event happened, ascending.
  var distinctEventTimes: [Double] { Set(filter(\.event).map(\.time)).sorted() }

  /// At time `t`: the subjects at risk (time ≥ t, so one censored at t is still at risk) and
  /// the events.
  func riskSet(at t: Double) -> (atRisk: Int, events: Int) {
    (count(where: { $0.time >= t }), count(where: { $0.event && $0.time == t }))
  }
}
