// The community of every organisation in a projection, as gds/leiden wrote it.
// $graph_name (text): name of the projection
CALL gds.graph.nodeProperty.stream($graph_name, 'community')
YIELD nodeId, propertyValue
RETURN gds.util.asNode(nodeId).id AS id, propertyValue AS community
