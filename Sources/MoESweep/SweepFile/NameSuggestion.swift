/// Finding what a user probably meant: a label, or a key path of the run config.
///
/// `MoEConfig` suggests keys within one object by edit distance alone. Sweep files name keys by
/// whole paths, where the common mistakes are different: a section left out or wrong
/// (`learningRate`, `model.learningRate` for `schedule.learningRate`), a name cut short
/// (`model.routerZLoss`), or a typo. The rules below try those in turn.
enum NameSuggestion {
  /// The candidate most likely meant by `typed`, trying in turn: equal ignoring case; a typo
  /// (at most max(1, ⌊length/3⌋) insertions, deletions, substitutions or swaps of neighbours,
  /// ignoring case; fewest wins); a candidate that starts with `typed` or that `typed` starts
  /// with, both sides at least 3 characters (closest length wins). Ties go to the candidate
  /// listed first.
  static func nearest(to typed: String, in candidates: [String]) -> String? {
    let word = typed.lowercased()
    let lowered = candidates.map { $0.lowercased() }
    if let equal = lowered.firstIndex(of: word) { return candidates[equal] }
    let limit = max(1, word.count / 3)
    var typo: (candidate: String, distance: Int)?
    for (candidate, lower) in zip(candidates, lowered) {
      let distance = editDistance(word, lower)
      if distance <= limit, distance < lower.count, distance < (typo?.distance ?? .max) {
        typo = (candidate, distance)
      }
    }
    if let typo { return typo.candidate }
    var prefix: (candidate: String, gap: Int)?
    for (candidate, lower) in zip(candidates, lowered)
    where min(word.count, lower.count) >= 3 && (lower.hasPrefix(word) || word.hasPrefix(lower)) {
      let gap = abs(lower.count - word.count)
      if gap < (prefix?.gap ?? .max) { prefix = (candidate, gap) }
    }
    return prefix?.candidate
  }

  /// The key paths in `keyPaths` most likely meant by `typed` (empty if none is close),
  /// trying in turn:
  /// 1. the same path ignoring case;
  /// 2. every path whose last key equals the typed last key ignoring case (the section was left
  ///    out or is wrong: `kind` gives `data.kind`, `optimizer.kind` and `schedule.kind`), the
  ///    nearest to the whole typed path first;
  /// 3. the nearest sibling by ``nearest(to:in:)``, when the typed section exists;
  /// 4. the nearest last key in any section by ``nearest(to:in:)``, in every section that has it.
  static func nearestKeyPaths(to typed: String, in keyPaths: [String]) -> [String] {
    let (section, last) = split(typed)
    if let same = keyPaths.first(where: { $0.lowercased() == typed.lowercased() }) { return [same] }
    let sameLast = keyPaths.filter { split($0).last.lowercased() == last.lowercased() }
    if !sameLast.isEmpty { return nearestFirst(sameLast, to: typed) }
    let siblings = keyPaths.filter { split($0).section == section }
    if !siblings.isEmpty, let name = nearest(to: last, in: siblings.map { split($0).last }) {
      return siblings.filter { split($0).last == name }
    }
    guard let name = nearest(to: last, in: keyPaths.map { split($0).last }) else { return [] }
    return nearestFirst(keyPaths.filter { split($0).last == name }, to: typed)
  }

  /// `did you mean "a"?`, `did you mean "a" or "b"?`, `did you mean "a", "b" or "c"?`.
  static func didYouMean(_ candidates: [String]) -> String? {
    let names = candidates.map(quoted)
    guard let last = names.last else { return nil }
    let list = names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    return "did you mean \(list)?"
  }

  /// Stable: equally near paths keep their order.
  private static func nearestFirst(_ keyPaths: [String], to typed: String) -> [String] {
    keyPaths.enumerated()
      .sorted {
        (editDistance($0.element, typed), $0.offset) < (editDistance($1.element, typed), $1.offset)
      }
      .map(\.element)
  }

  /// `schedule.learningRate` → (`schedule`, `learningRate`); `steps` → ("", `steps`).
  private static func split(_ keyPath: String) -> (section: String, last: String) {
    guard let dot = keyPath.lastIndex(of: ".") else { return ("", keyPath) }
    return (String(keyPath[..<dot]), String(keyPath[keyPath.index(after: dot)...]))
  }

  /// Optimal-string-alignment distance between two strings, by characters: insertions,
  /// deletions, substitutions and swaps of adjacent characters each cost 1.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let substitution = table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, substitution)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
