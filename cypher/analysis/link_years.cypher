// Links per kind (relationship type) and year at the end of $as_of (all when null), with
// the position of each kind's first link of the year in the links table; year null:
// undated links. Read by collabnet.analysis.coverage, .structure (the network's summary)
// and the recommender.
// $as_of (integer, optional): last year included
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (source.founded IS NULL OR source.founded <= $as_of)
    AND (target.founded IS NULL OR target.founded <= $as_of))
RETURN type(link) AS kind, link.year AS year, count(*) AS links, min(link._row) AS first
