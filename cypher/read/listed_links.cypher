// The links read from files of a network derived from participations (rows before $rows,
// which come first in the links table): their endpoints' ids, relationship type and
// properties. The pull derives the other links again from the participations.
// $rows (integer): how many links came from files
MATCH (source:Organization)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]->(target:Organization)
WHERE link._row < $rows
RETURN source.id AS source, target.id AS target, type(link) AS type, properties(link) AS properties
