// Every organisation's properties.
MATCH (o:Organization)
RETURN properties(o) AS properties
