// Harmonic closeness over a projection made by gds/project: per organisation, the sum of
// 1 / distance to every other one it reaches (links unweighted), divided by the
// projection's node count minus one.
// $graph_name (text): name of the projection
CALL gds.closeness.harmonic.stream($graph_name, {relationshipTypes: ['LINK']})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score
