// Per organisation at the end of $as_of (all when null), what industry coverage counts:
// distinct partners, whether any partner is a platform, and, for an enterprise, whether
// it has a co-built centre with a platform. Read by collabnet.analysis.coverage.
// $as_of (integer, optional): last year included
MATCH (o:Organization)
WHERE $as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of
OPTIONAL MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (partner.founded IS NULL OR partner.founded <= $as_of))
RETURN o.id AS id,
  count(DISTINCT partner) AS partners,
  count(CASE WHEN partner:Platform THEN 1 END) > 0 AS platform_partner,
  count(CASE WHEN o:Enterprise AND partner:Platform AND type(link) = 'CO_BUILT_CENTRE' THEN 1 END) > 0 AS covered
