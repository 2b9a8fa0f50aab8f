// Per industry and link year at the end of $as_of (all when null): the links touching an
// organisation of the industry, each counted once (year null: undated links). Read by
// collabnet.analysis.coverage.
// $as_of (integer, optional): last year included
MATCH (industry:Industry)<-[:IN_INDUSTRY]-(o:Organization)
WHERE $as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of
MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (partner.founded IS NULL OR partner.founded <= $as_of))
RETURN industry.code AS industry, link.year AS year, count(DISTINCT link) AS links
