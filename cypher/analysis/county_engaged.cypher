// Per county (and industry, with $by_industry) at the end of $as_of (all when null): the
// distinct universities and institutes linked to a platform or an enterprise of the
// county (and industry; industry null without $by_industry). Read by
// collabnet.analysis.coverage.
// $as_of (integer, optional): last year included
// $by_industry (boolean): one group per industry and county instead of per county
MATCH (o:Organization)
WHERE (o:Platform OR o:Enterprise) AND o.county IS NOT NULL
  AND ($as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of)
OPTIONAL MATCH (o)-[:IN_INDUSTRY]->(industry:Industry)
WHERE $by_industry
WITH o, industry
WHERE NOT $by_industry OR industry IS NOT NULL
MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(academic:Organization)
WHERE (academic:University OR academic:Institute)
  AND ($as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (academic.founded IS NULL OR academic.founded <= $as_of)))
RETURN industry.code AS industry, o.county AS county, count(DISTINCT academic) AS engaged
