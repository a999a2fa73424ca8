/// The restricted mean time to the event up to a horizon τ (RMST): the area under the
/// Kaplan–Meier curve, μ̂(τ) = ∫₀^τ Ŝ(t) dt, the mean event-free time within [0, τ]. With runs
/// trained for τ steps it is the mean number of steps a run trains before it diverges, a
/// completed run counting τ.
///
/// Its variance is the standard Greenwood-type estimate (Klein & Moeschberger, *Survival
/// Analysis*, 2nd ed., §4.5; what R's `print(survfit(...), rmean = τ)` reports as se(rmean)):
///
///     Var μ̂(τ) = Σ over event times tᵢ ≤ τ of Aᵢ² · dᵢ / (nᵢ (nᵢ − dᵢ)),   Aᵢ = ∫_{tᵢ}^τ Ŝ(t) dt
///
/// with dᵢ events and nᵢ at risk at tᵢ. A term with nᵢ = dᵢ has Aᵢ = 0 (the curve is 0 after
/// tᵢ) and contributes 0. Events after τ are not counted; a curve still above 0 at its last
/// observed time is carried flat to τ, so τ should not exceed the follow-up (the run length).
///
/// Empty samples give `nil`; non-finite times or a horizon that is not positive and finite throw
/// ``StatisticsError/invalidArgument(_:)``.
public struct RestrictedMeanTime: Hashable, Sendable {
  public let horizon: Double
  public let estimate: Double
  public let variance: Double
  public var standardError: Double { variance.squareRoot() }

  public init?(_ times: [EventTime], horizon: Double) throws(StatisticsError) {
    try Validation.finite(times.map(\.time), "times")
    guard horizon.isFinite, horizon > 0 else {
      throw .invalidArgument("horizon must be positive and finite, got \(horizon)")
    }
    guard !times.isEmpty else { return nil }
    self.horizon = horizon
    // The curve's drops up to τ; between them Ŝ is constant.
    let drops = KaplanMeierCurve(times).drops.filter { $0.time <= horizon }
    var area = 0.0
    var left = 0.0
    var level = 1.0
    for drop in drops {
      area += level * (drop.time - left)
      (left, level) = (drop.time, drop.after)
    }
    area += level * (horizon - left)
    estimate = area
    // Aᵢ, from the last drop backwards: the area right of tᵢ.
    var variance = 0.0
    var areaRight = level * (horizon - (drops.last?.time ?? horizon))
    for (index, drop) in drops.enumerated().reversed() {
      let (atRisk, events) = times.riskSet(at: drop.time)
      if atRisk > events {
        variance +=
          areaRight * areaRight * Double(events) / (Double(atRisk) * Double(atRisk - events))
      }
      if index > 0 { areaRight += drop.before * (drop.time - drops[index - 1].time) }
    }
    self.variance = variance
  }
}

/// The difference of two restricted mean times to the event, "A − B", at one horizon, with its
/// normal-approximation interval: δ ± z₁₋α/₂ · √(Var A + Var B) (independent samples).
///
/// Returns `nil` when either sample is empty.
public struct RestrictedMeanDifference: Hashable, Sendable {
  public let a: RestrictedMeanTime
  public let b: RestrictedMeanTime
  public let lower: Double
  public let upper: Double
  public var estimate: Double { a.estimate - b.estimate }
  public var range: ClosedRange<Double> { lower...upper }

  public init?(_ a: [EventTime], _ b: [EventTime], horizon: Double, alpha: Double = 0.05)
    throws(StatisticsError)
  {
    try Validation.alpha(alpha)
    guard let a = try RestrictedMeanTime(a, horizon: horizon),
      let b = try RestrictedMeanTime(b, horizon: horizon)
    else { return nil }
    (self.a, self.b) = (a, b)
    let halfWidth =
      try GSL.normalQuantile(1 - alpha / 2) * (a.variance + b.variance).squareRoot()
    let estimate = a.estimate - b.estimate
    (lower, upper) = (estimate - halfWidth, estimate + halfWidth)
  }
}
