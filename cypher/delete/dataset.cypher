// Deletes up to $limit of collabnet's nodes (organisations, industries, counties,
// projects, project rows and the dataset node) with their relationships; called until it
// deletes nothing.
// $limit (integer): most nodes deleted in one call
MATCH (node)
WHERE node:Organization OR node:Industry OR node:County OR node:Project OR node:ProjectRow
  OR node:Dataset
WITH node LIMIT $limit
DETACH DELETE node
RETURN count(*) AS deleted
