// The partners of each organisation of $ids at the end of $as_of of a network derived
// from participations, as the in-memory adjacency has them at that cut; who is present
// and which links count as in analysis/derived/degrees. Read by
// collabnet.analysis.structure.
// $ids (list): organisation ids
// $as_of (integer): last year included
// $listed_organizations (integer): how many organisations came from files
// $listed_links (integer): how many links came from files
UNWIND $ids AS id
MATCH (o:Organization {id: id})
WHERE (o._row < $listed_organizations AND (o.founded IS NULL OR o.founded <= $as_of))
  OR EXISTS { (o)-[mine:PARTICIPATED]->(:Project) WHERE mine.year <= $as_of }
CALL (o) {
  CALL (o) {
    MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
    WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
      AND ((partner._row < $listed_organizations
          AND (partner.founded IS NULL OR partner.founded <= $as_of))
        OR EXISTS { (partner)-[theirs:PARTICIPATED]->(:Project) WHERE theirs.year <= $as_of })
    RETURN partner
    UNION
    MATCH (o)-[mine:PARTICIPATED]->(:Project)<-[theirs:PARTICIPATED]-(partner:Organization)
    WHERE mine.year <= $as_of AND theirs.year <= $as_of AND partner <> o
    RETURN partner
  }
  RETURN collect(DISTINCT partner.id) AS partners
}
RETURN id, partners
