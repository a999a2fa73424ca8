import MoETraining
// Temporary until the sweep-spec branch lands.
public struct PlannedRun: Sendable {
  public var index: Int
  public var id: String
  public var pointIndex: Int
  public var label: String
  public var seed: Int
  public var config: RunConfig
}
