// Every linked pair at the end of $as_of (all when null), as the in-memory pair table has
// it, one row per organisation: the organisation's id and, for each partner whose id
// sorts after it, a list of the partner's id, the summed weight of their links, how many links,
// the kinds among them (relationship types), the first year, the summed funding (null
// when no link has one) and the position of their first link in the links table, which
// orders the pairs. Lists per organisation travel several times faster than a row per
// pair. Read by collabnet.analysis.structure for the overview figure and the page.
// $as_of (integer, optional): last year included
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
WHERE source.id < target.id
  AND ($as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (source.founded IS NULL OR source.founded <= $as_of)
      AND (target.founded IS NULL OR target.founded <= $as_of)))
WITH source, target, sum(link.weight) AS weight, count(link) AS links,
  collect(DISTINCT type(link)) AS kinds, min(link.year) AS year,
  CASE WHEN count(link.funding) = 0 THEN null ELSE sum(link.funding) END AS funding,
  min(link._row) AS first
// One list per pair, since collect leaves out nulls.
WITH source, collect([target.id, weight, links, kinds, year, funding, first]) AS pairs
RETURN source.id AS id, pairs
