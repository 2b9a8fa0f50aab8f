// Projects the network at the end of $as_of (all of it when null) into GDS as one
// undirected graph named $graph_name: one LINK relationship per linked pair weighted by
// the sum of its links' weights, as the in-memory adjacency is, and one SELF loop on
// every organisation. Eigenvector centrality iterates over both, x <- (A + I) x, as
// networkx does; every other measure reads LINK only. With participations
// ($listed_links set) a cut keeps the links read from files (rows before $listed_links)
// between organisations present then (as in analysis/derived/degrees) and derives the
// others again from the participations up to $as_of: a pair's weight is then the number
// of distinct projects they shared. Organisations without links at
// the cut have a SELF loop only and score zero on every measure (see
// collabnet/backends/neo4j/gds.py). The rows go in ordered by their ends' ids: GDS
// numbers the organisations in the order it meets them, and its seeded choices
// (betweenness's sampled sources, Leiden's runs) follow that numbering, so the same
// seed gives the same figures on every projection.
// $as_of (integer, optional): last year included
// $graph_name (text): name of the in-memory projection
// $listed_links (integer, optional): with participations, how many links came from files
// $listed_organizations (integer, optional): with participations, how many organisations came from files
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
  WHERE $as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (($listed_links IS NULL
          AND (source.founded IS NULL OR source.founded <= $as_of)
          AND (target.founded IS NULL OR target.founded <= $as_of))
        OR (link._row < $listed_links
          AND ((source._row < $listed_organizations
              AND (source.founded IS NULL OR source.founded <= $as_of))
            OR EXISTS { (source)-[one:PARTICIPATED]->(:Project) WHERE one.year <= $as_of })
          AND ((target._row < $listed_organizations
              AND (target.founded IS NULL OR target.founded <= $as_of))
            OR EXISTS { (target)-[other:PARTICIPATED]->(:Project) WHERE other.year <= $as_of }))))
  RETURN source, target, link.weight AS weight, 'LINK' AS type
  UNION ALL
  MATCH (source:Organization)-[one:PARTICIPATED]->(project:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE $listed_links IS NOT NULL AND $as_of IS NOT NULL
    AND one.year <= $as_of AND other.year <= $as_of AND source.id < target.id
  RETURN source, target, toFloat(count(DISTINCT project)) AS weight, 'LINK' AS type
  UNION ALL
  MATCH (organization:Organization)
  RETURN organization AS source, organization AS target, 1.0 AS weight, 'SELF' AS type
}
WITH
  CASE WHEN source.id < target.id THEN source ELSE target END AS first,
  CASE WHEN source.id < target.id THEN target ELSE source END AS second,
  weight,
  type
WITH first, second, type, sum(weight) AS weight
ORDER BY first.id, second.id, type
WITH gds.graph.project(
  $graph_name,
  first,
  second,
  {relationshipType: type, relationshipProperties: {weight: weight}},
  {undirectedRelationshipTypes: ['*']}
) AS projection
RETURN projection.nodeCount AS nodes, projection.relationshipCount AS relationships
