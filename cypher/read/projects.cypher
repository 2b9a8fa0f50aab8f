// Every row of the projects table (projects known only from participations have none).
MATCH (part:ProjectRow)
RETURN properties(part) AS properties
