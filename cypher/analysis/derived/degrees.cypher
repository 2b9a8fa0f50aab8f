// Per organisation at the end of $as_of of a network derived from participations: distinct
// partners and the summed weight of its links, as the in-memory backend derives them at
// that cut. Present then: the organisations read from files (rows before
// $listed_organizations) founded by then or of no known founding year, and every
// organisation with a participation up to then. Links: those read from files (rows
// before $listed_links) of a known year up to $as_of or undated, between organisations
// present; and one per pair of organisations sharing projects up to $as_of (both
// participations of a known year up to then), weighted by the number of such projects.
// $as_of (integer): last year included
// $listed_organizations (integer): how many organisations came from files
// $listed_links (integer): how many links came from files
MATCH (o:Organization)
WHERE (o._row < $listed_organizations AND (o.founded IS NULL OR o.founded <= $as_of))
  OR EXISTS { (o)-[mine:PARTICIPATED]->(:Project) WHERE mine.year <= $as_of }
CALL (o) {
  CALL (o) {
    MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
    WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
      AND ((partner._row < $listed_organizations
          AND (partner.founded IS NULL OR partner.founded <= $as_of))
        OR EXISTS { (partner)-[theirs:PARTICIPATED]->(:Project) WHERE theirs.year <= $as_of })
    RETURN partner, link.weight AS weight
    UNION ALL
    MATCH (o)-[mine:PARTICIPATED]->(project:Project)<-[theirs:PARTICIPATED]-(partner:Organization)
    WHERE mine.year <= $as_of AND theirs.year <= $as_of AND partner <> o
    WITH partner, count(DISTINCT project) AS projects
    RETURN partner, toFloat(projects) AS weight
  }
  RETURN count(DISTINCT partner) AS degree, sum(weight) AS weighted_degree
}
RETURN o.id AS id, degree, weighted_degree
