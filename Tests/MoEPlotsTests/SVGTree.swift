import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An SVG document parsed by Foundation's XMLParser into a small element tree, so tests check
/// the output through an independent XML reader rather than by string matching.
final class SVGElement {
  let name: String
  let attributes: [String: String]
  var children: [SVGElement] = []
  var text = ""

  init(name: String, attributes: [String: String]) {
    (self.name, self.attributes) = (name, attributes)
  }

  /// This element and all its descendants, depth first, in document order.
  var all: [SVGElement] { [self] + children.flatMap(\.all) }

  /// Descendants (and self) whose `class` attribute lists `name`.
  func elements(withClass name: String) -> [SVGElement] {
    all.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(name)) }
  }

  /// Descendants (and self) with this tag name.
  func elements(named tag: String) -> [SVGElement] { all.filter { $0.name == tag } }

  /// The text of this element and its descendants, concatenated.
  var allText: String { text + children.map(\.allText).joined() }

  /// A numeric attribute, or `nil` if absent or not a number.
  func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// Parses `svg`; records a test issue and returns `nil` when it is not well-formed XML.
func parseSVG(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> SVGElement? {
  let builder = TreeBuilder()
  let parser = XMLParser(data: Data(svg.utf8))
  parser.shouldProcessNamespaces = false
  parser.delegate = builder
  guard parser.parse(), let root = builder.root else {
    Issue.record(
      "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "no root")",
      sourceLocation: sourceLocation)
    return nil
  }
  return root
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
  var root: SVGElement?
  private var stack: [SVGElement] = []

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    let element = SVGElement(name: elementName, attributes: attributes)
    stack.last?.children.append(element)
    if root == nil { root = element }
    stack.append(element)
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
    qualifiedName: String?
  ) {
    stack.removeLast()
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    stack.last?.text += string
  }
}

/// The subpaths of a path's `d` attribute written as `M x y L x y … M …`, as point lists.
func subpaths(_ d: String) -> [[(x: Double, y: Double)]] {
  var result: [[(x: Double, y: Double)]] = []
  let tokens = d.split(separator: " ")
  var index = 0
  while index + 1 < tokens.count {
    let command = tokens[index].first!
    let x = Double(tokens[index].dropFirst())!
    let y = Double(tokens[index + 1])!
    if command == "M" { result.append([]) }
    result[result.count - 1].append((x, y))
    index += 2
  }
  return result
}
