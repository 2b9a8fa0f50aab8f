// The core number of every organisation in a projection made by gds/project: the
// largest k such that it belongs to a subgraph where everyone has at least k partners.
// $graph_name (text): name of the projection
CALL gds.kcore.stream($graph_name, {relationshipTypes: ['LINK']})
YIELD nodeId, coreValue
RETURN gds.util.asNode(nodeId).id AS id, coreValue AS core_number
