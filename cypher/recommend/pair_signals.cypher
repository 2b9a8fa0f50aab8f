// Path signals from each of $sources to the organisations of types $targets, on the
// network at the end of $as_of (all of it when null), as the in-memory feature space
// computes them: every linked pair counts once (its links' weights summed), a degree is
// a number of distinct partners. Per candidate: the number of common partners, with
// each one's degree and the product of the two pairs' weights (in the order of the
// organisations table, _row, so that sums taken from them add up in the same order as
// in memory); walks of length three; and the probability of a three-step random walk
// that goes to a partner chosen uniformly at each step. Per source, only the $limit
// candidates with the most common partners, then the most three-step walks, then the
// smallest id.
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
  WITH next,
    count(*) AS twoSteps,
    collect(CASE WHEN next.type IN $targets THEN partnerDegree END) AS partnerDegrees,
    collect(CASE WHEN next.type IN $targets THEN toPartner * fromPartner END) AS products,
    sum(1.0 / (sourceDegree * partnerDegree)) AS twoWalk
  CALL (next) {
    MATCH (next)-[third:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(last:Organization)
    WHERE $as_of IS NULL
      OR ((third.year IS NULL OR third.year <= $as_of)
        AND (last.founded IS NULL OR last.founded <= $as_of))
    WITH DISTINCT last
    RETURN count(last) AS nextDegree, collect(CASE WHEN last.type IN $targets THEN last END) AS reached
  }
  WITH next, twoSteps, partnerDegrees, products, twoWalk, nextDegree, reached,
    CASE WHEN next.type IN $targets THEN [[next, twoSteps, partnerDegrees, products, 0, 0.0]] ELSE [] END
      + [candidate IN reached | [candidate, 0, [], [], twoSteps, twoWalk / nextDegree]] AS found
  UNWIND found AS row
  WITH row[0] AS candidate,
    sum(row[1]) AS commonPartners,
    reduce(joined = [], part IN collect(row[2]) | joined + part) AS partnerDegrees,
    reduce(joined = [], part IN collect(row[3]) | joined + part) AS products,
    sum(row[4]) AS paths3,
    sum(row[5]) AS walk3
  RETURN candidate, commonPartners, partnerDegrees, products, paths3, walk3
  ORDER BY commonPartners DESC, paths3 DESC, candidate.id
  LIMIT $limit
}
RETURN source.id AS source, candidate.id AS target, commonPartners AS common_partners,
  partnerDegrees AS partner_degrees, products, paths3, walk3
