// The titles of the links at the end of $as_of (all when null) that have one: their
// ends' ids and title, in the order of the links table (_row).
// $as_of (integer, optional): last year included
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE link.title IS NOT NULL
  AND ($as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (source.founded IS NULL OR source.founded <= $as_of)
      AND (target.founded IS NULL OR target.founded <= $as_of)))
RETURN source.id AS source, target.id AS target, link.title AS title
ORDER BY link._row
