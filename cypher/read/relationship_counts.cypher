// Number of relationships per type.
MATCH ()-[relationship]->()
RETURN type(relationship) AS type, count(*) AS relationships
ORDER BY type
