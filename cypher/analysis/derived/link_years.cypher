// Links per kind (relationship type) and year at the end of $as_of of a network derived
// from participations, in the rows of analysis/link_years; who is present and which
// links count as in analysis/derived/degrees, a derived link's year as in
// analysis/derived/pair_table. A derived link's position is $listed_links, after every
// link read from files.
// $as_of (integer): last year included
// $listed_organizations (integer): how many organisations came from files
// $listed_links (integer): how many links came from files
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
  WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
    AND ((source._row < $listed_organizations
        AND (source.founded IS NULL OR source.founded <= $as_of))
      OR EXISTS { (source)-[one:PARTICIPATED]->(:Project) WHERE one.year <= $as_of })
    AND ((target._row < $listed_organizations
        AND (target.founded IS NULL OR target.founded <= $as_of))
      OR EXISTS { (target)-[other:PARTICIPATED]->(:Project) WHERE other.year <= $as_of })
  RETURN type(link) AS kind, link.year AS year, count(*) AS links, min(link._row) AS first
  UNION ALL
  MATCH (source:Organization)-[one:PARTICIPATED]->(project:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE source.id < target.id AND one.year <= $as_of AND other.year <= $as_of
  // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
  WITH source, target, project, min(one._row * 10000 + one.year) % 10000 AS year
  WITH source, target, min(year) AS year
  RETURN 'JOINT_PROJECT' AS kind, year, count(*) AS links, $listed_links AS first
}
RETURN kind, year, links, first
