import MoEModel

/// The columns of a metrics record: how many layers it has and which of them are MoE layers.
///
/// Columns come in a fixed order: ``MetricsRow/columns``, then for each layer `l` the
/// columns of ``LayerMetrics/columns`` and, in an MoE layer, of
/// `RoutingStatistics.metricsColumns`, each named `layer<l>_<name>`.
public struct MetricsLayout: Sendable, Equatable {
  /// Per layer, in order: whether it logs routing statistics (an MoE layer).
  public let isMoELayer: [Bool]

  /// The MoE layers, ascending.
  public var moeLayers: [Int] { isMoELayer.indices.filter { isMoELayer[$0] } }

  /// The layout of a model's runs.
  public init(model: ModelConfig) {
    isMoELayer = (0..<model.layerCount).map(model.isSparse)
  }

  /// The layout of `row`.
  public init(_ row: MetricsRow) {
    isMoELayer = row.layers.map { $0.routing != nil }
  }

  /// The layout of a record with the columns `names` (a `metrics.csv` header, the keys of
  /// `result.json`'s last finite metrics): layer `l` exists while some `layer<l>_` column does,
  /// and is an MoE layer when one of its routing columns is there. Names of no known column
  /// are ignored.
  public init(columnNames names: Set<String>) {
    let layerNames = LayerMetrics.columns.map(\.name)
    let routingNames = RoutingStatistics.metricsColumns.map(\.name)
    func has(layer: Int, _ columns: [String]) -> Bool {
      columns.contains { names.contains(Self.prefix(layer: layer) + $0) }
    }
    var isMoELayer: [Bool] = []
    while has(layer: isMoELayer.count, layerNames + routingNames) {
      isMoELayer.append(has(layer: isMoELayer.count, routingNames))
    }
    self.isMoELayer = isMoELayer
  }

  static func prefix(layer: Int) -> String { "layer\(layer)_" }

  /// Every column name, in order.
  public var columnNames: [String] {
    var names = MetricsRow.columns.map(\.name)
    for (layer, isMoE) in isMoELayer.enumerated() {
      let prefix = Self.prefix(layer: layer)
      names += LayerMetrics.columns.map { prefix + $0.name }
      if isMoE { names += RoutingStatistics.metricsColumns.map { prefix + $0.name } }
    }
    return names
  }

  /// One cell of a row: its column, its value (nil: none) and whether it is a count.
  struct Cell {
    var column: String
    var value: Double?
    var isInteger: Bool
  }

  /// Each column with its value in `row`, in column order; `row` must have this layout.
  func cells(of row: MetricsRow) -> [Cell] {
    precondition(MetricsLayout(row) == self, "metrics row of another layout")
    func cells<Record>(_ columns: [MetricsColumn<Record>], _ record: Record, _ prefix: String)
      -> [Cell]
    {
      columns.map {
        Cell(column: prefix + $0.name, value: $0.value(of: record), isInteger: $0.isInteger)
      }
    }
    var all = cells(MetricsRow.columns, row, "")
    for (layer, metrics) in row.layers.enumerated() {
      let prefix = Self.prefix(layer: layer)
      all += cells(LayerMetrics.columns, metrics, prefix)
      if let routing = metrics.routing {
        all += cells(RoutingStatistics.metricsColumns, routing, prefix)
      }
    }
    return all
  }

  /// The row whose values `value(column)` gives (nil: the record has no value there).
  ///
  /// A column the record lacks reads as a missing value: nil where a row may lack one, NaN
  /// where it may not (a result written before that column existed).
  func row(_ value: (String) -> Double?) throws(MetricsReadError) -> MetricsRow {
    func read<Record>(_ record: inout Record, _ columns: [MetricsColumn<Record>], _ prefix: String)
      throws(MetricsReadError)
    {
      for column in columns { try column.set(value(prefix + column.name), in: &record) }
    }
    var row = MetricsRow()
    try read(&row, MetricsRow.columns, "")
    for (layer, isMoE) in isMoELayer.enumerated() {
      let prefix = Self.prefix(layer: layer)
      var metrics = LayerMetrics()
      try read(&metrics, LayerMetrics.columns, prefix)
      if isMoE {
        var routing = RoutingStatistics.zero
        try read(&routing, RoutingStatistics.metricsColumns, prefix)
        metrics.routing = routing
      }
      row.layers.append(metrics)
    }
    return row
  }
}
