// Per industry: platforms, new-type R&D institutions, enterprises, leading enterprises,
// and leading enterprises with no link to any platform (thin coverage shows here).
MATCH (industry:Industry)
OPTIONAL MATCH (industry)<-[:IN_INDUSTRY]-(o:Organization)
WITH industry, o,
  CASE WHEN o:Enterprise AND o.leading = true
    THEN size([(o)-[:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(platform:Platform) | platform])
  END AS platform_links
RETURN industry.code AS industry,
  industry.name_zh AS name_zh,
  count(CASE WHEN o:Platform THEN 1 END) AS platforms,
  count(CASE WHEN o.rd_institution = true THEN 1 END) AS rd_institutions,
  count(CASE WHEN o:Enterprise THEN 1 END) AS enterprises,
  count(CASE WHEN platform_links IS NOT NULL THEN 1 END) AS leading_enterprises,
  count(CASE WHEN platform_links = 0 THEN 1 END) AS leading_without_platform
ORDER BY platforms, industry
