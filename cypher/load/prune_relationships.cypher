// Deletes up to $limit relationships written by an earlier push and not by push $push.
// $push (text): id of the push that just finished
// $limit (integer): most relationships deleted in one call
MATCH ()-[stale]->()
WHERE stale._push IS NOT NULL AND stale._push <> $push
WITH stale LIMIT $limit
DELETE stale
RETURN count(*) AS deleted
