// Per organisation present at the end of $as_of of a network derived from participations,
// the columns of recommend/organization_activity but the activity (see
// recommend/project_activity): distinct partners, partners of the types $sources and of
// the types $targets, its last link's year, the partners first linked in $year and the
// co-built centres it is the platform end of. Who is present and each one's type are
// the cut's ($present, $types: by stored organisation row); which links count as in
// analysis/derived/degrees, a derived pair's year as in analysis/derived/pair_table.
// $as_of (integer): last year included
// $year (integer): the year whose new partners are counted
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $types (list): per stored organisation row, its type at the cut (null when absent)
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
MATCH (o:Organization)
WHERE $present[o._row]
CALL (o) {
  CALL (o) {
    MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
    WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
      AND $present[partner._row]
    RETURN partner, link.year AS year,
      CASE WHEN type(link) = 'CO_BUILT_CENTRE'
        AND ((startNode(link) = o AND $types[endNode(link)._row] <> 'platform')
          OR (endNode(link) = o AND $types[o._row] = 'platform')) THEN 1 ELSE 0 END AS centre
    UNION ALL
    MATCH (o)-[mine:PARTICIPATED]->(project:Project)<-[theirs:PARTICIPATED]-(partner:Organization)
    WHERE mine.year <= $as_of AND theirs.year <= $as_of AND partner <> o
    // Years lie within 1900-2100: the smallest row * 10000 + year keeps the first row's year.
    WITH o, partner, project, min(mine._row * 10000 + mine.year) % 10000 AS mine_year,
      min(theirs._row * 10000 + theirs.year) % 10000 AS their_year
    WITH partner, CASE WHEN o.id < partner.id THEN mine_year ELSE their_year END AS year
    RETURN partner, min(year) AS year, 0 AS centre
  }
  WITH partner, min(year) AS firstYear, max(year) AS lastYear, sum(centre) AS centres
  RETURN count(partner) AS degree,
    count(CASE WHEN $types[partner._row] IN $sources THEN 1 END) AS sourcePartners,
    count(CASE WHEN $types[partner._row] IN $targets THEN 1 END) AS targetPartners,
    max(lastYear) AS lastYear,
    count(CASE WHEN firstYear = $year THEN 1 END) AS newPartners,
    count(CASE WHEN centres > 0 THEN 1 END) AS coBuilt
}
RETURN o.id AS id, degree, sourcePartners AS source_partners,
  targetPartners AS target_partners, lastYear AS last_year,
  newPartners AS new_partners, coBuilt AS co_built
