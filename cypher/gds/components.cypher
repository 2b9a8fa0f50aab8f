// The connected component of every organisation in a projection made by gds/project
// (weakly connected components of the undirected links; one without links is a
// component of its own).
// $graph_name (text): name of the projection
CALL gds.wcc.stream($graph_name, {relationshipTypes: ['LINK']})
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).id AS id, componentId AS component
