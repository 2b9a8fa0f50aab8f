// Per organisation at the end of $as_of (all when null): distinct partners and the
// summed weight of its links, as the in-memory backend computes them.
// $as_of (integer, optional): last year included
MATCH (o:Organization)
WHERE $as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of
OPTIONAL MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (partner.founded IS NULL OR partner.founded <= $as_of))
RETURN o.id AS id, count(DISTINCT partner) AS degree, sum(link.weight) AS weighted_degree
