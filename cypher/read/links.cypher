// Every link: its endpoints' ids, its relationship type and its properties.
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
RETURN source.id AS source, target.id AS target, type(link) AS type, properties(link) AS properties
