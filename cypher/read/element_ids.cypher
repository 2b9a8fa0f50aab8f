// Every organisation's id and the database's own id for its node, so that a push can
// find the ends of its links without an index lookup each.
MATCH (o:Organization)
RETURN o.id AS id, elementId(o) AS node
