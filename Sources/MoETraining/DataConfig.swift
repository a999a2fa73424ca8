import MoEConfig

/// Where training tokens come from; the JSON value is the case name.
public enum DataKind: String, Codable, Hashable, Sendable, CaseIterable {
  case synthetic, bytes, randomTokens
}

/// How the synthetic corpus weights its domains; the JSON value is the case name.
public enum DomainWeighting: String, Codable, Hashable, Sendable, CaseIterable {
  case uniform, random
}

/// The data section of a run.
///
/// `sharedVocabulary` turns the synthetic corpus into one where routing has to matter: the D
/// domains are chains over the same V tokens that differ in their transitions only, so the
/// domain of a sequence must be inferred from its context, and the floor is the Bayes-optimal
/// predictor's cross-entropy on the held-out batches (``SyntheticMarkovCorpus``). With the
/// default (disjoint slices) the first token reveals the domain and a bigram table is optimal.
///
/// Batch size, sequence length and vocabulary size come from the model and training sections
/// and are passed to ``makeSource(vocabularySize:batchSize:sequenceLength:seed:)``.
public struct DataConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var kind = DataKind.synthetic  // embedded multi-domain Markov corpus; no downloads
  public var domainCount = 4  // synthetic: D domains, each owning V/D tokens (unless shared)
  public var branching = 4  // synthetic: successors per token (≥ 2); 4 gives ≈ 1.08 nats/token
  public var domainWeighting = DomainWeighting.uniform  // synthetic: uniform or seeded weights
  public var sharedVocabulary = false  // synthetic: every domain a chain over all V tokens
  public var corpusSeed = 0  // synthetic: seeds the chains, fixed across run seeds
  public var textPath = ""  // bytes: the text file (train = first 90 %, held-out = last 10 %)

  public init() {}

  public func validate() throws(ConfigError) {
    try ConfigChecks.require(domainCount, atLeast: 1, key: "domainCount")
    try ConfigChecks.require(
      branching, atLeast: 2, key: "branching",
      suggestion: "each token needs a cycle successor and at least one more")
    try ConfigChecks.require(corpusSeed, atLeast: 0, key: "corpusSeed")
    if kind == .bytes && textPath.isEmpty {
      throw ConfigError(
        keyPath: "textPath", "is required when kind is bytes", suggestion: "a path to a text file")
    }
  }

  /// The batch source this section describes, for a model with `vocabularySize` tokens.
  ///
  /// The section is expected to be checked already (decoded, or part of a checked run config):
  /// this throws only when it does not fit the model (more domains than tokens, a byte corpus
  /// for a vocabulary below 256) or the text file is unusable.
  public func makeSource(
    vocabularySize: Int, batchSize: Int, sequenceLength: Int, seed: UInt64
  ) throws(ConfigError) -> any BatchSource {
    switch kind {
    case .synthetic:
      guard sharedVocabulary || domainCount <= vocabularySize else {
        throw ConfigError(
          keyPath: "domainCount",
          "\(domainCount) domains cannot each own a token of a \(vocabularySize)-token vocabulary",
          suggestion: "fewer domains, or sharedVocabulary: true")
      }
      return SyntheticMarkovCorpus(
        vocabularySize: vocabularySize, domainCount: domainCount, branching: branching,
        domainWeighting: domainWeighting, sharedVocabulary: sharedVocabulary,
        corpusSeed: UInt64(corpusSeed), batchSize: batchSize, sequenceLength: sequenceLength,
        seed: seed)
    case .bytes:
      guard vocabularySize >= 256 else {
        throw ConfigError(
          keyPath: "kind",
          "a byte corpus needs a vocabulary of 256 tokens, the model has \(vocabularySize)")
      }
      return try ByteCorpus(
        contentsOf: textPath, batchSize: batchSize, sequenceLength: sequenceLength, seed: seed)
    case .randomTokens:
      return RandomTokens(
        vocabularySize: vocabularySize, batchSize: batchSize, sequenceLength: sequenceLength,
        seed: seed)
    }
  }
}
