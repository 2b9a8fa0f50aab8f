// The links dated $first to $last between an organisation of the types $sources and
// one of the types $targets (either way round): their ends' ids and year.
// $first (integer): first year
// $last (integer): last year
// $sources (list): organisation types of the side that asks
// $targets (list): organisation types of the candidates
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(target:Organization)
WHERE link.year >= $first AND link.year <= $last
  AND source.type IN $sources AND target.type IN $targets
RETURN source.id AS source, target.id AS target, link.year AS year
