// Weighted PageRank over a projection made by gds/project.
// $graph_name (text): name of the projection
// $damping (number): damping factor
// $max_iterations (integer): iteration cap
// $tolerance (number): convergence tolerance
CALL gds.pageRank.stream($graph_name, {
  relationshipTypes: ['LINK'],
  dampingFactor: $damping,
  relationshipWeightProperty: 'weight',
  maxIterations: $max_iterations,
  tolerance: $tolerance
})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
