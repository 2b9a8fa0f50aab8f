// Projects the links at the end of $as_of (all when null) into GDS as one undirected
// graph named $graph_name, weighted by link weight. Organisations without links are left
// out: their PageRank follows from the others' (see collabnet/backends/neo4j.py).
// $as_of (integer, optional): last year included
// $graph_name (text): name of the in-memory projection
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (source.founded IS NULL OR source.founded <= $as_of)
    AND (target.founded IS NULL OR target.founded <= $as_of))
WITH gds.graph.project(
  $graph_name,
  source,
  target,
  {relationshipProperties: {weight: link.weight}},
  {undirectedRelationshipTypes: ['*']}
) AS projection
RETURN projection.nodeCount AS nodes, projection.relationshipCount AS relationships
