// Links per year at the end of $as_of (all when null); year null: undated links.
// $as_of (integer, optional): last year included
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (source.founded IS NULL OR source.founded <= $as_of)
    AND (target.founded IS NULL OR target.founded <= $as_of))
RETURN link.year AS year, count(*) AS links
