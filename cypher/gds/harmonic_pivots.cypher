// Harmonic closeness estimated from pivots, over a projection made by gds/project: per
// organisation, the sum of 1 / distance from each pivot that reaches it (links
// unweighted, one shortest-path search per pivot, run inside the database).
// $graph_name (text): name of the projection
// $pivots (list): ids of the organisations the searches start from
UNWIND $pivots AS pivot
MATCH (source:Organization {id: pivot})
CALL gds.allShortestPaths.delta.stream($graph_name, {
  sourceNode: source,
  relationshipTypes: ['LINK']
})
YIELD targetNode, totalCost
WITH targetNode, totalCost
WHERE totalCost > 0
RETURN gds.util.asNode(targetNode).id AS id, sum(1.0 / totalCost) AS score
