// Platforms within three links of an organisation (usually an enterprise) that it has
// no link with yet: nearest first, then most partners in common, then most shared
// industries.
// $id (text): the organisation's id
// $limit (integer): most platforms listed
MATCH (start:Organization {id: $id})
MATCH route = (start)-[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION*1..3]-(platform:Platform)
WHERE platform <> start
  AND NOT (start)-[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(platform)
WITH start, platform, min(length(route)) AS hops
OPTIONAL MATCH (start)-[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(middle:Organization)
  -[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(platform)
WITH start, platform, hops, count(DISTINCT middle) AS common_partners
RETURN platform.id AS id,
  platform.name AS name,
  hops,
  common_partners,
  size([code IN coalesce(platform.industries, []) WHERE code IN coalesce(start.industries, [])])
    AS shared_industries
ORDER BY hops, common_partners DESC, shared_industries DESC, id
LIMIT $limit
