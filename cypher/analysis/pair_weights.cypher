// Every linked pair at the end of $as_of (all when null), as the in-memory pair table has
// it: the two ends' ids (the smaller first), the summed weight of their links, how many
// links, the kinds among them (relationship types) and the position of the pair's first
// link in the links table, which orders the pairs. Read by collabnet.analysis.structure
// for the briefing's overview figure.
// $as_of (integer, optional): last year included
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (source.founded IS NULL OR source.founded <= $as_of)
    AND (target.founded IS NULL OR target.founded <= $as_of))
WITH
  CASE WHEN source.id < target.id THEN source.id ELSE target.id END AS a,
  CASE WHEN source.id < target.id THEN target.id ELSE source.id END AS b,
  link
RETURN a, b, sum(link.weight) AS weight, count(link) AS links,
  collect(DISTINCT type(link)) AS kinds, min(link._row) AS first
