/// A type with a default instance; its encoding supplies every key a config file leaves out.
///
/// A struct whose stored properties all have initial values gets an implicit `init()`; a public
/// type must still write `public init() {}` to satisfy this public requirement.
public protocol DefaultConstructible {
  init()
}

/// What a configuration section adopts to be read strictly: `Codable` (property names are the
/// keys), `DefaultConstructible` (absent keys take the defaults) and `ValidatedConfig` (checked after
/// decoding, errors prefixed with the section's key path).
///
/// Choices are `String`-backed, `CaseIterable`, `Codable` enums, so errors can list allowed values.
public typealias ConfigSection = Codable & DefaultConstructible & ValidatedConfig
