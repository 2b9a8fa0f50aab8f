// The triangles through every organisation in a projection made by gds/project: pairs
// of its partners that are partners of each other (each linked pair counted once).
// $graph_name (text): name of the projection
CALL gds.triangleCount.stream($graph_name, {relationshipTypes: ['LINK']})
YIELD nodeId, triangleCount
RETURN gds.util.asNode(nodeId).id AS id, triangleCount AS triangles
