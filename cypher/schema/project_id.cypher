// Project ids are unique; the constraint's index serves every MERGE on a project.
CREATE CONSTRAINT collabnet_project_id IF NOT EXISTS
FOR (p:Project) REQUIRE p.project IS UNIQUE
