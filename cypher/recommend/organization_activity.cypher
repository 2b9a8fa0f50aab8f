// Per organisation at the end of $as_of (all when null), what the recommender knows of
// its links: distinct partners, partners of the types $sources and of the types
// $targets, the summed weight of its links and of those dated $year, its last dated
// link's year, the partners first linked in $year (a pair's first dated link is from
// that year), and the co-built centres it is the platform end of (the target of the
// link when that is a platform, else the source).
// $as_of (integer, optional): last year included
// $year (integer, optional): the year whose activity and new partners are counted
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
MATCH (o:Organization)
WHERE $as_of IS NULL OR o.founded IS NULL OR o.founded <= $as_of
CALL (o) {
  OPTIONAL MATCH (o)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
  WHERE $as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of)
      AND (partner.founded IS NULL OR partner.founded <= $as_of))
  WITH partner, sum(link.weight) AS weight,
    sum(CASE WHEN link.year = $year THEN link.weight ELSE 0 END) AS recent,
    min(link.year) AS firstYear, max(link.year) AS lastYear,
    count(CASE WHEN type(link) = 'CO_BUILT_CENTRE'
      AND ((startNode(link) = o AND NOT endNode(link):Platform)
        OR (endNode(link) = o AND o:Platform)) THEN 1 END) AS centres
  RETURN count(partner) AS degree,
    count(CASE WHEN partner.type IN $sources THEN 1 END) AS sourcePartners,
    count(CASE WHEN partner.type IN $targets THEN 1 END) AS targetPartners,
    coalesce(sum(weight), 0) AS activity,
    coalesce(sum(recent), 0) AS recent,
    max(lastYear) AS lastYear,
    count(CASE WHEN firstYear = $year THEN 1 END) AS newPartners,
    count(CASE WHEN centres > 0 THEN 1 END) AS coBuilt
}
RETURN o.id AS id, degree, sourcePartners AS source_partners,
  targetPartners AS target_partners, activity, recent, lastYear AS last_year,
  newPartners AS new_partners, coBuilt AS co_built
