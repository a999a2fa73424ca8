import Foundation
import MoEConfig
import MoEModel

extension RunConfig {
  /// Refuses a run whose ``RunMemoryEstimate`` exceeds `available`, before anything is
  /// allocated: a mistyped size fails here with the key to fix, instead of failing to allocate
  /// or growing until the machine swaps.
  ///
  /// The error is at the model size key that dominates the estimate: of the keys set above
  /// their default, the one whose default would shrink the estimate most (else at `model`). Its
  /// suggestion is the largest valid value of that key that fits, when one does.
  public func checkMemory(available: AvailableMemory) throws(ConfigError) {
    let estimate = RunMemoryEstimate(self)
    guard estimate.totalBytes > available.bytes else { return }
    let needs: String
    if estimate.totalBytes.isFinite {
      let parts = [
        "weights and gradients \(Self.formatBytes(estimate.model.weightBytes))",
        "optimizer state \(Self.formatBytes(estimate.optimizerStateBytes))",
        "activations "
          + Self.formatBytes(estimate.model.activationBytes + estimate.model.routingBytes),
      ]
      needs =
        "needs an estimated \(Self.formatBytes(estimate.totalBytes)) of memory"
        + " (\(parts.joined(separator: ", ")))"
    } else {
      needs = "has a size above 2³¹ − 1, which needs more memory than can be addressed"
    }
    let message =
      "a run of this config \(needs), more than the \(Self.formatBytes(available.bytes))"
      + " available (\(available.source))"
    guard let key = dominantSizeKey(totalBytes: estimate.totalBytes) else {
      throw ConfigError(
        keyPath: "model", message, suggestion: "use a smaller model or fewer tokens per step")
    }
    let suggestion = largestFittingValue(of: key.keyPath, availableBytes: available.bytes).map {
      "at most \(key.name)=\($0) fits"
    }
    throw ConfigError(
      keyPath: "model.\(key.name)", message,
      suggestion: suggestion ?? "reduce \(key.name) and the other sizes")
  }

  /// The size key set above its default whose default value would shrink the estimate most.
  private func dominantSizeKey(totalBytes: Double) -> ModelMemory.SizeKey? {
    let defaults = ModelConfig()
    var best: (key: ModelMemory.SizeKey, bytes: Double)?
    for key in ModelMemory.sizeKeys
    where model[keyPath: key.keyPath] > defaults[keyPath: key.keyPath] {
      var smaller = self
      smaller.model[keyPath: key.keyPath] = defaults[keyPath: key.keyPath]
      let bytes = RunMemoryEstimate(smaller).totalBytes
      if bytes < (best?.bytes ?? totalBytes) { best = (key, bytes) }
    }
    return best?.key
  }

  /// The largest value of `keyPath`, at most its current one, for which the model validates and
  /// the estimate fits in `availableBytes`; nil when even 1 does not fit. The estimate grows
  /// with every size key, so the largest fitting value is found by bisection.
  private func largestFittingValue(
    of keyPath: WritableKeyPath<ModelConfig, Int>, availableBytes: Double
  ) -> Int? {
    func fits(_ value: Int) -> Bool {
      var candidate = self
      candidate.model[keyPath: keyPath] = value
      return RunMemoryEstimate(candidate).totalBytes <= availableBytes
    }
    guard fits(1) else { return nil }
    var low = 1
    var high = model[keyPath: keyPath]  // fits(low), !fits(high)
    while high - low > 1 {
      let middle = low + (high - low) / 2
      if fits(middle) { low = middle } else { high = middle }
    }
    // The largest valid value below (channels must be a multiple of headCount, …).
    for value in stride(from: low, through: max(1, low - 4096), by: -1) {
      var candidate = model
      candidate[keyPath: keyPath] = value
      if candidate.validationError == nil { return value }
    }
    return nil
  }

  /// `bytes` in binary units with one decimal ("31.6 GiB").
  static func formatBytes(_ bytes: Double) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = bytes
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(Int(value)) bytes" : String(format: "%.1f ", value) + units[unit]
  }
}
