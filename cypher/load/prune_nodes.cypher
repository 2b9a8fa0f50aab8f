// Deletes up to $limit organisations, industries, counties, projects and project rows
// written by an earlier push and not by push $push, with their relationships.
// $push (text): id of the push that just finished
// $limit (integer): most nodes deleted in one call
MATCH (stale)
WHERE (stale:Organization OR stale:Industry OR stale:County OR stale:Project OR stale:ProjectRow)
  AND stale._push IS NOT NULL AND stale._push <> $push
WITH stale LIMIT $limit
DETACH DELETE stale
RETURN count(*) AS deleted
