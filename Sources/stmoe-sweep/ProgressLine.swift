import Foundation

/// A single self-overwriting status line on a terminal; silent when stderr is not one.
final class ProgressLine {
  let enabled: Bool
  private var lastDraw = Date.distantPast

  init(enabled: Bool) { self.enabled = enabled }

  /// Redraws at most ten times a second.
  func update(_ text: String) {
    guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
  }

  func finish() {
    if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  /// `75` → `1:15`, `3725` → `1:02:05`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let total = Int(seconds.rounded())
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
  }
}
