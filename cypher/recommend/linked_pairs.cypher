// The pairs linked at the end of $as_of (all when null) between an organisation of the
// types $sources and one of the types $targets: each pair once, by its ends' ids.
// $as_of (integer, optional): last year included
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
WHERE source.type IN $sources AND target.type IN $targets
  AND ($as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (source.founded IS NULL OR source.founded <= $as_of)
      AND (target.founded IS NULL OR target.founded <= $as_of)))
RETURN DISTINCT source.id AS source, target.id AS target
