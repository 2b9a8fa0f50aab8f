// Drops a projection made by gds/project (no error when it is already gone).
// $graph_name (text): name of the projection
CALL gds.graph.drop($graph_name, false) YIELD graphName
RETURN graphName
