// Per county (and industry, with $by_industry) and link year at the end of $as_of (all
// when null): the links touching an organisation of the county (and industry), each
// counted once per group (year null: undated links; industry null without
// $by_industry). Read by collabnet.analysis.coverage.
// $as_of (integer, optional): last year included
// $by_industry (boolean): one group per industry and county instead of per county
MATCH (o:Organization)
WHERE o.county IS NOT NULL AND ($as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of)
OPTIONAL MATCH (o)-[:IN_INDUSTRY]->(industry:Industry)
WHERE $by_industry
WITH o, industry
WHERE NOT $by_industry OR industry IS NOT NULL
MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (partner.founded IS NULL OR partner.founded <= $as_of))
RETURN industry.code AS industry, o.county AS county, link.year AS year, count(DISTINCT link) AS links
