// The participations of a known year up to the end of $as_of, with what they say of the
// organisation: its id, the project's id, the row's position, year, declared type and
// name, and country, county and location where given. An earlier cut of a network
// derived from participations derives its organisations from these (see
// collabnet.participations.derive_organizations), so no link is read.
// $as_of (integer): last year included
MATCH (organization:Organization)-[participated:PARTICIPATED]->(project:Project)
WHERE participated.year <= $as_of
RETURN
  organization.id AS org,
  project.project AS project,
  participated._row AS row,
  participated.year AS year,
  participated.org_type AS org_type,
  participated.org_name AS org_name,
  participated.country AS country,
  participated.county AS county,
  participated.location AS location
