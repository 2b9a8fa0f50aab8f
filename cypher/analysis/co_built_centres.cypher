// At the end of $as_of (all when null): the distinct enterprise–platform pairs joined by
// a co-built R&D centre (the KPI of the "龙头企业+创新平台" model). Read by
// collabnet.analysis.kpi.
// $as_of (integer, optional): last year included
MATCH (enterprise:Enterprise)-[link:CO_BUILT_CENTRE]-(platform:Platform)
WHERE $as_of IS NULL
  OR ((link.year IS NULL OR link.year <= $as_of)
    AND (enterprise.founded IS NULL OR enterprise.founded <= $as_of)
    AND (platform.founded IS NULL OR platform.founded <= $as_of))
RETURN count(DISTINCT [enterprise, platform]) AS pairs
