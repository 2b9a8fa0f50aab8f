// How many participations have no year (they count for the whole network only). Read by
// collabnet.analysis.structure for the network's summary.
MATCH (:Organization)-[participated:PARTICIPATED]->(:Project)
WHERE participated.year IS NULL
RETURN count(participated) AS participations
