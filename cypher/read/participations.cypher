// Every participation: the organisation's id, the project's id and the row's columns.
MATCH (organization:Organization)-[participated:PARTICIPATED]->(project:Project)
RETURN organization.id AS org, project.project AS project, properties(participated) AS properties
