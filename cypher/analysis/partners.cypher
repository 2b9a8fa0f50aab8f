// The partners of each organisation of $ids at the end of $as_of (all when null), as the
// in-memory adjacency has them. Read by collabnet.analysis.structure.
// $ids (list): organisation ids
// $as_of (integer, optional): last year included
UNWIND $ids AS id
MATCH (o:Organization {id: id})
WHERE $as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of
OPTIONAL MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (partner.founded IS NULL OR partner.founded <= $as_of))
RETURN id, collect(DISTINCT partner.id) AS partners
