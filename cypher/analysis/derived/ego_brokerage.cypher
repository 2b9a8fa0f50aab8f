// Per ego organisation at the end of $as_of of a network derived from participations, the
// rows of analysis/ego_brokerage: Burt's constraint and effective size, the partners per
// group and the ordered pairs of linked partners per pair of groups. Who is present and
// each one's group are the cut's ($present, $groups: by stored organisation row); which
// links count and their weights as in analysis/derived/degrees. Run for a batch of egos
// at a time.
// $ids (list): ids of the egos, present at the cut
// $as_of (integer): last year included
// $listed_links (integer): how many links came from files
// $present (list): per stored organisation row, whether it is present at the cut
// $groups (list): per stored organisation row, its group at the cut
UNWIND $ids AS ego_id
MATCH (ego:Organization {id: ego_id})
CALL (ego) {
  CALL (ego) {
    MATCH (ego)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(q:Organization)
    WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
      AND $present[q._row]
    RETURN q, link.weight AS weight
    UNION ALL
    MATCH (ego)-[mine:PARTICIPATED]->(project:Project)<-[theirs:PARTICIPATED]-(q:Organization)
    WHERE mine.year <= $as_of AND theirs.year <= $as_of AND q <> ego
    WITH q, count(DISTINCT project) AS projects
    RETURN q, toFloat(projects) AS weight
  }
  WITH q, toFloat(sum(weight)) AS weight
  RETURN collect({node: q, weight: weight}) AS mine
}
WITH ego, mine, [p IN mine | p.node] AS partner_nodes
// Each partner q: q's own strength and largest pair weight, and the ego's other partners
// that q is linked to, with that pair's weight.
CALL (ego, mine, partner_nodes) {
  UNWIND mine AS p
  WITH p.node AS q, p.weight AS pair_weight
  CALL (ego, q, partner_nodes) {
    CALL (q) {
      MATCH (q)-[link:CO_BUILT_CENTRE|COOPERATION|CO_FOUNDING|JOINT_PROJECT|INCUBATION]-(j:Organization)
      WHERE link._row < $listed_links AND (link.year IS NULL OR link.year <= $as_of)
        AND $present[j._row]
      RETURN j, link.weight AS weight
      UNION ALL
      MATCH (q)-[own:PARTICIPATED]->(project:Project)<-[theirs:PARTICIPATED]-(j:Organization)
      WHERE own.year <= $as_of AND theirs.year <= $as_of AND j <> q
      WITH j, count(DISTINCT project) AS projects
      RETURN j, toFloat(projects) AS weight
    }
    WITH j, toFloat(sum(weight)) AS weight
    RETURN
      sum(weight) AS strength,
      max(weight) AS largest,
      collect(
        CASE
          WHEN j <> ego AND j IN partner_nodes
          THEN {node: j, weight: weight, group: $groups[j._row]}
        END
      ) AS shared
  }
  RETURN collect({
    node: q, weight: pair_weight, strength: strength, largest: largest,
    group: $groups[q._row], shared: shared
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
