/// The Kaplan–Meier (product-limit) estimate of the fraction still event-free over time, from
/// right-censored event times (see ``EventTime``).
///
///     S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ / nᵢ)
///
/// with dᵢ events at tᵢ and nᵢ subjects at risk there (time ≥ tᵢ; a subject censored at tᵢ is
/// still at risk at tᵢ). When every censored time is at or after the last event (runs trained
/// to one length) this is 1 − (events by t) / n.
public struct KaplanMeierCurve: Hashable, Sendable {
  /// One drop of the curve: at `time`, from `before` to `after`.
  public struct Drop: Hashable, Sendable {
    public let time: Double
    public let before: Double
    public let after: Double
  }

  /// The drops in increasing time; empty when nothing happened.
  public let drops: [Drop]
  /// The last time any subject was seen (the curve's right end); nil for no subjects.
  public let end: Double?

  public init(_ times: [EventTime]) {
    end = times.map(\.time).max()
    var survival = 1.0
    var drops: [Drop] = []
    for t in times.distinctEventTimes {
      let (atRisk, events) = times.riskSet(at: t)
      let after = survival * (1 - Double(events) / Double(atRisk))
      drops.append(Drop(time: t, before: survival, after: after))
      survival = after
    }
    self.drops = drops
  }

  /// The curve as the vertices of a step line from (0, 1) to (``end``, S(end)): each drop is a
  /// vertical segment. Empty for no subjects.
  public var stepVertices: [(x: Double, y: Double)] {
    guard let end else { return [] }
    var vertices: [(x: Double, y: Double)] = [(0, 1)]
    for drop in drops { vertices += [(drop.time, drop.before), (drop.time, drop.after)] }
    vertices.append((end, drops.last?.after ?? 1))
    return vertices
  }
}
