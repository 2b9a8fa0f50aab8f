// Per industry at the end of $as_of (all when null): the distinct universities and
// institutes linked to a platform or an enterprise of the industry. Read by
// collabnet.analysis.coverage.
// $as_of (integer, optional): last year included
MATCH (industry:Industry)<-[:IN_INDUSTRY]-(o:Organization)
WHERE (o:Platform OR o:Enterprise)
  AND ($as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of)
MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(academic:Organization)
WHERE (academic:University OR academic:Institute)
  AND ($as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (academic.founded IS NULL OR academic.founded <= $as_of)))
RETURN industry.code AS industry, count(DISTINCT academic) AS engaged
