import Foundation
import MoEConfig
import MoETraining
import Testing

/// The byte-level corpus (train/held-out regions of one file) and uniform random tokens.
@Suite struct ByteCorpusAndRandomTokensTests {
  /// A 200-byte file whose byte i has value i: bytes 0..<180 (90 %) train, 180..<200 held out.
  static func makeFile(count: Int = 200) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("bytes-\(UUID().uuidString).txt").path
    try Data((0..<count).map { UInt8($0) }).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Training and held-out windows stay inside their own region.
  ///
  /// Each window is T + 1 = 8 consecutive bytes; training windows lie in 0...179 (starts
  /// 0...172), held-out windows in 180...199 (starts 180...192). 80 × 16 training windows over
  /// 173 starts reach both ends of the region.
  @Test func windowsComeOnlyFromTheirOwnRegion() throws {
    let path = try Self.makeFile()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let corpus = try ByteCorpus(contentsOf: path, batchSize: 16, sequenceLength: 7, seed: 1)
    #expect(corpus.trainingRange == 0..<180 && corpus.evaluationRange == 180..<200)
    var starts = Set<Int32>()
    for step in 0..<80 {
      for row in sequences(batch(corpus, step), sequenceLength: 7) {
        #expect(row == Array(row[0]...(row[0] + 7)))
        #expect(row[0] >= 0 && row[7] <= 179)
        starts.insert(row[0])
      }
    }
    #expect(starts.contains(0) && starts.contains(172))
    for index in 0..<10 {
      for row in sequences(batch(corpus, index, evaluation: true), sequenceLength: 7) {
        #expect(row == Array(row[0]...(row[0] + 7)))
        #expect(row[0] >= 180 && row[7] <= 199)
      }
    }
  }

  /// Same seed, same windows; another seed, other windows.
  @Test func byteBatchesAreDeterministic() throws {
    let bytes = (0..<200).map { UInt8($0) }
    let a = try ByteCorpus(bytes: bytes, batchSize: 4, sequenceLength: 7, seed: 1)
    let b = try ByteCorpus(bytes: bytes, batchSize: 4, sequenceLength: 7, seed: 1)
    let c = try ByteCorpus(bytes: bytes, batchSize: 4, sequenceLength: 7, seed: 2)
    #expect(batch(a, 9) == batch(b, 9))
    #expect(batch(a, 9) != batch(c, 9))
  }

  /// Missing and too-short text files are refused.
  ///
  /// 50 bytes with T = 7: the held-out region has 50 − 45 = 5 < 8 bytes. Missing files and too
  /// short files are refused with the key path `textPath`.
  @Test func unusableTextFilesAreRefused() throws {
    #expect(throws: ConfigError.self) {
      try ByteCorpus(
        bytes: Array(repeating: 65, count: 50), batchSize: 1, sequenceLength: 7, seed: 0)
    }
    do {
      _ = try ByteCorpus(
        contentsOf: "/nonexistent/file.txt", batchSize: 1, sequenceLength: 7, seed: 0)
      Issue.record("a missing file must throw")
    } catch {
      #expect(error.keyPath == "textPath")
    }
  }

  /// Through the data section: a byte corpus needs V ≥ 256 (key path `kind`).
  @Test func dataSectionBuildsAByteCorpus() throws {
    let path = try Self.makeFile()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var config = DataConfig()
    config.kind = .bytes
    config.textPath = path
    let source = try config.makeSource(
      vocabularySize: 256, batchSize: 2, sequenceLength: 7, seed: 0)
    #expect(source is ByteCorpus && source.vocabularySize == 256)
    #expect(source.crossEntropyFloor(evaluationBatches: 1) == nil)
    do {
      _ = try config.makeSource(vocabularySize: 128, batchSize: 2, sequenceLength: 7, seed: 0)
      Issue.record("V = 128 must be refused for bytes")
    } catch {
      #expect(error.keyPath == "kind")
    }
  }

  /// Random tokens are uniform, shifted by one, and differ between training and held-out.
  ///
  /// Uniform tokens over V = 16: 64 × 64 × 16 = 65 536 draws, 4096 expected per token with
  /// standard deviation √(4096·15/16) = 62; every count within 6σ = 372. Floor ln 16 = 2.7725887.
  @Test func randomTokensAreUniformAndShifted() {
    let source = RandomTokens(vocabularySize: 16, batchSize: 64, sequenceLength: 64, seed: 5)
    expectClose(source.crossEntropyFloor(evaluationBatches: 1)!, 2.7725887, tolerance: 1e-7)
    var counts = [Int](repeating: 0, count: 16)
    for step in 0..<16 {
      let (inputs, targets) = batch(source, step)
      for token in inputs { counts[Int(token)] += 1 }
      for row in 0..<64 {
        for t in 0..<63 { #expect(targets[row * 64 + t] == inputs[row * 64 + t + 1]) }
      }
    }
    #expect(counts.allSatisfy { abs($0 - 4096) < 372 }, "\(counts)")
    #expect(batch(source, 0, evaluation: true) != batch(source, 0))
  }
}
