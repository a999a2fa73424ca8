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
