// Path signals from each of $sources to the organisations of types $targets, on the
// network at the end of $as_of (all of it when null), as the in-memory feature space
// computes them: every linked pair counts once (its links' weights summed), a degree is
// a number of distinct partners. Per candidate: the number of common partners, with
// each one's degree and the product of the two pairs' weights (in the order of the
// organisations table, _row, so that sums taken from them add up in the same order as
// in memory); walks of length three; and the probability of a three-step random walk
// that goes to a partner chosen uniformly at each step. Per source, only the $limit
// candidates with the most common partners, then the most three-step walks, then the
// smallest id: one row per source, a list per column.
// $sources (list): ids of the organisations asking
// $targets (list): organisation types of the candidates
// $as_of (integer, optional): last year included
// $limit (integer): most candidates per source
UNWIND $sources AS sourceId
MATCH (source:Organization {id: sourceId})
CALL (source) {
  MATCH (source)-[first:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(partner:Organization)
  WHERE $as_of IS NULL
    OR ((first.year IS NULL OR first.year <= $as_of)
      AND (partner.founded IS NULL OR partner.founded <= $as_of))
  WITH partner, sum(first.weight) AS toPartner
  WITH collect([partner, toPartner]) AS partners
  WITH partners, size(partners) AS sourceDegree
  UNWIND partners AS step
  WITH sourceDegree, step[0] AS partner, step[1] AS toPartner
  MATCH (partner)-[second:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(next:Organization)
  WHERE $as_of IS NULL
    OR ((second.year IS NULL OR second.year <= $as_of)
      AND (next.founded IS NULL OR next.founded <= $as_of))
  WITH sourceDegree, partner, toPartner, next, sum(second.weight) AS fromPartner
  WITH sourceDegree, partner, toPartner, collect([next, fromPartner]) AS nexts
  WITH sourceDegree, partner, toPartner, size(nexts) AS partnerDegree, nexts
  UNWIND nexts AS step
  WITH sourceDegree, partner, toPartner, partnerDegree, step[0] AS next, step[1] AS fromPartner
  ORDER BY partner._row
  RETURN next,
    count(*) AS twoSteps,
    collect(CASE WHEN next.type IN $targets THEN partnerDegree END) AS partnerDegrees,
    collect(CASE WHEN next.type IN $targets THEN toPartner * fromPartner END) AS products,
    sum(1.0 / (sourceDegree * partnerDegree)) AS twoWalk
}
// The third step once per organisation reached in two steps by any source of the batch.
WITH next, collect([source, twoSteps, partnerDegrees, products, twoWalk]) AS arrivals
CALL (next) {
  MATCH (next)-[third:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(last:Organization)
  WHERE $as_of IS NULL
    OR ((third.year IS NULL OR third.year <= $as_of)
      AND (last.founded IS NULL OR last.founded <= $as_of))
  WITH DISTINCT last
  RETURN count(last) AS nextDegree, collect(CASE WHEN last.type IN $targets THEN last END) AS reached
}
UNWIND arrivals AS arrival
WITH arrival[0] AS source,
  CASE WHEN next.type IN $targets
    THEN [[next, 0, 0.0, [arrival[1], arrival[2], arrival[3]]]] ELSE [] END
    + [candidate IN reached | [candidate, arrival[1], arrival[4] / nextDegree]] AS found
UNWIND found AS row
WITH source, row[0] AS candidate, sum(row[1]) AS paths3, sum(row[2]) AS walk3,
  collect(row[3]) AS shared
WITH source, candidate, paths3, walk3, coalesce(shared[0], [0, [], []]) AS shared
ORDER BY shared[0] DESC, paths3 DESC, candidate.id
WITH source, collect([candidate.id, shared[0], shared[1], shared[2], paths3, walk3])[..$limit] AS best
RETURN source.id AS source,
  [row IN best | row[0]] AS targets,
  [row IN best | row[1]] AS common_partners,
  [row IN best | row[2]] AS partner_degrees,
  [row IN best | row[3]] AS products,
  [row IN best | row[4]] AS paths3,
  [row IN best | row[5]] AS walk3
