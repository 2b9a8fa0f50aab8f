// Eigenvector centrality over a projection made by gds/project: power iteration over
// the pairs and every organisation's SELF loop, x <- (A + I) x, from the same start as
// networkx; links unweighted (GDS scales a weighted iteration per organisation, which
// networkx does not).
// $graph_name (text): name of the projection
// $max_iterations (integer): iteration cap
// $tolerance (number): convergence tolerance
CALL gds.eigenvector.stream($graph_name, {
  relationshipTypes: ['LINK', 'SELF'],
  maxIterations: $max_iterations,
  tolerance: $tolerance
})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
