// Per ego organisation at the end of $as_of (all when null), from its ego network alone:
// Burt's constraint and effective size (weighted, as collabnet.analysis.brokerage
// computes them), its partners per group and the ordered pairs of its partners that are
// linked to each other, per pair of groups (the closed triads behind the Gould–Fernandez
// roles). A pair's weight is the sum of its links' weights. Groups are the values of the
// organisation property $partition. Run for a batch of egos at a time.
// $ids (list): ids of the ego organisations
// $as_of (integer, optional): last year included
// $partition (text): the organisation property that defines the groups
UNWIND $ids AS ego_id
MATCH (ego:Organization {id: ego_id})
// Each partner q: the pair's weight, q's own strength and largest pair weight, and the
// ego's other partners that q is linked to, with that pair's weight.
CALL (ego) {
  MATCH (ego)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(q:Organization)
  WHERE $as_of IS NULL
    OR ((link.year IS NULL OR link.year <= $as_of) AND (q.founded IS NULL OR q.founded <= $as_of))
  WITH ego, q, toFloat(sum(link.weight)) AS pair_weight
  CALL (ego, q) {
    MATCH (q)-[own:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(j:Organization)
    WHERE $as_of IS NULL
      OR ((own.year IS NULL OR own.year <= $as_of) AND (j.founded IS NULL OR j.founded <= $as_of))
    WITH ego, j, toFloat(sum(own.weight)) AS weight
    RETURN
      sum(weight) AS strength,
      max(weight) AS largest,
      collect(
        CASE
          WHEN j <> ego AND EXISTS {
            MATCH (j)-[back:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(ego)
            WHERE $as_of IS NULL OR back.year IS NULL OR back.year <= $as_of
          }
          THEN {node: j, weight: weight, group: j[$partition]}
        END
      ) AS shared
  }
  RETURN collect({
    node: q, weight: pair_weight, strength: strength, largest: largest,
    group: q[$partition], shared: shared
  }) AS partners
}
WITH ego, partners, reduce(total = 0.0, p IN partners | total + p.weight) AS ego_strength
// constraint = Σ_j (p_ej + Σ_q p_eq p_qj)², effective size = Σ_j (1 - Σ_q p_eq m_jq),
// with p_xy = w_xy / strength(x) and m_jq = w_jq / largest(j).
CALL (partners, ego_strength) {
  UNWIND partners AS p
  UNWIND [{node: p.node, own: p.weight, largest: p.largest, through: 0.0, redundant: 0.0}]
    + [pair IN p.shared | {
        node: pair.node, own: 0.0, largest: 0.0,
        through: (p.weight / ego_strength) * pair.weight / p.strength,
        redundant: (p.weight / ego_strength) * pair.weight
      }] AS row
  WITH row.node AS j, sum(row.own) AS own, max(row.largest) AS largest,
    sum(row.through) AS through, sum(row.redundant) AS redundant
  RETURN
    sum((own / ego_strength + through) ^ 2) AS constraint,
    sum(1.0 - redundant / largest) AS effective_size
}
CALL (partners) {
  UNWIND partners AS p
  WITH p.group AS group, count(*) AS members
  RETURN collect({group: group, members: members}) AS groups
}
CALL (partners) {
  UNWIND partners AS p
  UNWIND p.shared AS pair
  WITH p.group AS first, pair.group AS second, count(*) AS pairs
  RETURN collect({first: first, second: second, pairs: pairs}) AS linked
}
RETURN
  ego.id AS id,
  size(partners) AS degree,
  constraint,
  effective_size,
  groups,
  linked
