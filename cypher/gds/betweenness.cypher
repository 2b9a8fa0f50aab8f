// Betweenness centrality over a projection made by gds/project (links unweighted), the
// raw sum of pair dependencies as GDS counts them, from $sampling_size sources drawn
// with $sampling_seed (exact when that is the projection's node count). On one thread:
// with more, the same seed drew different sources from one run to the next.
// $graph_name (text): name of the projection
// $sampling_size (integer): number of sources
// $sampling_seed (integer): seed of the draw
CALL gds.betweenness.stream($graph_name, {
  relationshipTypes: ['LINK'],
  samplingSize: $sampling_size,
  samplingSeed: $sampling_seed,
  concurrency: 1
})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
