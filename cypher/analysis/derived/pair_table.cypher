// Every linked pair at the end of $as_of of a network derived from participations, as
// the in-memory pair table has it at that cut, in the rows of analysis/pair_table (one
// list per organisation). Who is present and which links count as in
// analysis/derived/degrees. A derived link's year is the first of the pair's projects up
// to $as_of, each project's year being that of the first participation (in file order)
// of the organisation whose id sorts first; its position is $listed_links, after every
// link read from files, and derived pairs are ordered by their ids (see
// collabnet.backends.neo4j.read.pair_table).
// $as_of (integer): last year included
// $listed_organizations (integer): how many organisations came from files
// $listed_links (integer): how many links came from files
CALL () {
  MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
  WHERE source.id < target.id AND link._row < $listed_links
    AND (link.year IS NULL OR link.year <= $as_of)
    AND ((source._row < $listed_organizations
        AND (source.founded IS NULL OR source.founded <= $as_of))
      OR EXISTS { (source)-[one:PARTICIPATED]->(:Project) WHERE one.year <= $as_of })
    AND ((target._row < $listed_organizations
        AND (target.founded IS NULL OR target.founded <= $as_of))
      OR EXISTS { (target)-[other:PARTICIPATED]->(:Project) WHERE other.year <= $as_of })
  RETURN source, target, link.weight AS weight, type(link) AS kind, link.year AS year,
    link.funding AS funding, link._row AS first
  UNION ALL
  MATCH (source:Organization)-[one:PARTICIPATED]->(project:Project)<-[other:PARTICIPATED]-(target:Organization)
  WHERE source.id < target.id AND one.year <= $as_of AND other.year <= $as_of
  // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
  WITH source, target, project, min(one._row * 10000 + one.year) % 10000 AS year
  WITH source, target, count(project) AS projects, min(year) AS year
  RETURN source, target, toFloat(projects) AS weight, 'JOINT_PROJECT' AS kind, year,
    null AS funding, $listed_links AS first
}
WITH source, target, sum(weight) AS weight, count(*) AS links,
  collect(DISTINCT kind) AS kinds, min(year) AS year,
  CASE WHEN count(funding) = 0 THEN null ELSE sum(funding) END AS funding,
  min(first) AS first
WITH source, collect([target.id, weight, links, kinds, year, funding, first]) AS pairs
RETURN source.id AS id, pairs
