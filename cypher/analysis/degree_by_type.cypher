// Per organisation type: how many organisations, their mean and largest number of
// distinct partners, and how many have no partner at all.
MATCH (o:Organization)
OPTIONAL MATCH (o)-[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WITH o, count(DISTINCT partner) AS degree
RETURN o.type AS type,
  count(o) AS organizations,
  avg(degree) AS mean_degree,
  max(degree) AS max_degree,
  count(CASE WHEN degree = 0 THEN 1 END) AS isolated
ORDER BY organizations DESC, type
