// collabnet's procedures for the recommender, computed inside Neo4j from each
// organisation's partners, giving the same rows as the Cypher statements
// cypher/recommend/pair_signals.cypher and pair_evidence.cypher:
//
//   CALL collabnet.pairSignals($sources, $targets, $as_of, $limit)
//   CALL collabnet.pairEvidence($pairs, $as_of, $examples)
//
// pairSignals:
// For each source: its partners at the end of $as_of (a linked pair counts once, its
// links' weights summed; a degree is a number of distinct partners), then for every
// candidate (an organisation whose type is in $targets) within three links: the common
// partners (each one's degree and the product of the two pair weights, in the order of
// the organisations table, _row), the walks of length three and the probability of a
// three-step random walk. Only the $limit candidates with the most common partners,
// then the most three-step walks, then the smallest id; one row per source.
//
// Built by scripts/neo4j/run.sh into a jar in the plugin folder; a Neo4j without it
// gets the same rows from the Cypher statement.
package collabnet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class PathSignals {
    private static final Label ORGANIZATION = Label.label("Organization");
    private static final RelationshipType[] LINKS = {
        RelationshipType.withName("CO_BUILT_CENTRE"),
        RelationshipType.withName("COOPERATION"),
        RelationshipType.withName("CO_FOUNDING"),
        RelationshipType.withName("JOINT_PROJECT"),
        RelationshipType.withName("INCUBATION"),
    };

    @Context
    public Transaction tx;

    /** One source's best candidates, a list per column. */
    public static class Row {
        public String source;
        public List<String> targets;
        public List<Long> common_partners;
        public List<List<Long>> partner_degrees;
        public List<List<Double>> products;
        public List<Double> paths3;
        public List<Double> walk3;
    }

    /** An organisation's partners at the cut, with the summed weight of each pair. */
    private static final class Partners {
        final Node[] nodes;
        final double[] weights;
        // Those of the candidate types, found on first use.
        Node[] targets;

        Partners(Node[] nodes, double[] weights) {
            this.nodes = nodes;
            this.weights = weights;
        }
    }

    @Procedure(name = "collabnet.pairSignals", mode = Mode.READ)
    @Description("Path signals from each source to its best candidates of the given types.")
    public Stream<Row> pairSignals(
            @Name("sources") List<String> sources,
            @Name("targets") List<String> targets,
            @Name("asOf") Long asOf,
            @Name("limit") Long limit) {
        Search search = new Search(new HashSet<>(targets), asOf);
        List<Row> rows = new ArrayList<>();
        for (String id : sources) {
            Node source = tx.findNode(ORGANIZATION, "id", id);
            if (source != null) {
                rows.add(search.signals(source, limit));
            }
        }
        return rows.stream();
    }

    /** The evidence behind one pair: its shared partners and a three-step path. */
    public static class Evidence {
        public Long position;
        public List<String> shared;
        public List<String> example;
    }

    @Procedure(name = "collabnet.pairEvidence", mode = Mode.READ)
    @Description("Shared partners and one three-step path for each [source, candidate] pair.")
    public Stream<Evidence> pairEvidence(
            @Name("pairs") List<List<String>> pairs,
            @Name("asOf") Long asOf,
            @Name("examples") Boolean examples) {
        Search search = new Search(Set.of(), asOf);
        List<Evidence> rows = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Node source = tx.findNode(ORGANIZATION, "id", pairs.get(i).get(0));
            Node candidate = tx.findNode(ORGANIZATION, "id", pairs.get(i).get(1));
            if (source != null && candidate != null) {
                Evidence row = search.evidence(source, candidate, Boolean.TRUE.equals(examples));
                row.position = (long) i;
                rows.add(row);
            }
        }
        return rows.stream();
    }

    /** One call's work: partners, rows and types are looked up once per organisation. */
    private static final class Search {
        private final Set<String> targetTypes;
        private final Long asOf;
        private final Map<Long, Partners> partnersOf = new HashMap<>();
        private final Map<Long, Long> rowOf = new HashMap<>();
        private final Map<Long, Boolean> isTarget = new HashMap<>();

        Search(Set<String> targetTypes, Long asOf) {
            this.targetTypes = targetTypes;
            this.asOf = asOf;
        }

        Row signals(Node source, long limit) {
            Partners first = partners(source);
            int sourceDegree = first.nodes.length;
            Integer[] order = new Integer[sourceDegree];
            for (int i = 0; i < sourceDegree; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> row(first.nodes[i])));
            // Two steps: walks and random-walk mass per organisation reached; common-partner
            // evidence per candidate, in the order of the partners' rows.
            Map<Long, Node> reachedNode = new HashMap<>();
            Map<Long, long[]> twoSteps = new HashMap<>();
            Map<Long, double[]> twoWalk = new HashMap<>();
            Map<Long, List<Long>> degrees = new HashMap<>();
            Map<Long, List<Double>> products = new HashMap<>();
            for (int i : order) {
                Node partner = first.nodes[i];
                Partners second = partners(partner);
                int partnerDegree = second.nodes.length;
                for (int j = 0; j < partnerDegree; j++) {
                    Node next = second.nodes[j];
                    long key = next.getId();
                    reachedNode.putIfAbsent(key, next);
                    twoSteps.computeIfAbsent(key, k -> new long[1])[0] += 1;
                    twoWalk.computeIfAbsent(key, k -> new double[1])[0] +=
                            1.0 / ((double) sourceDegree * partnerDegree);
                    if (target(next)) {
                        degrees.computeIfAbsent(key, k -> new ArrayList<>()).add((long) partnerDegree);
                        products.computeIfAbsent(key, k -> new ArrayList<>())
                                .add(first.weights[i] * second.weights[j]);
                    }
                }
            }
            // The third step, from every organisation reached in two.
            Map<Long, Node> candidateNode = new HashMap<>();
            Map<Long, double[]> paths = new HashMap<>();
            for (Map.Entry<Long, Node> entry : reachedNode.entrySet()) {
                Partners third = partners(entry.getValue());
                long walks = twoSteps.get(entry.getKey())[0];
                double mass = twoWalk.get(entry.getKey())[0] / third.nodes.length;
                for (Node last : targets(third)) {
                    long key = last.getId();
                    candidateNode.putIfAbsent(key, last);
                    double[] found = paths.computeIfAbsent(key, k -> new double[2]);
                    found[0] += walks;
                    found[1] += mass;
                }
            }
            for (long key : degrees.keySet()) {
                candidateNode.putIfAbsent(key, reachedNode.get(key));
            }
            List<Long> keys = new ArrayList<>(candidateNode.keySet());
            Map<Long, String> ids = new HashMap<>();
            for (long key : keys) {
                ids.put(key, (String) candidateNode.get(key).getProperty("id"));
            }
            keys.sort(Comparator.<Long>comparingLong(k -> -shared(degrees, k))
                    .thenComparingDouble(k -> -pathCount(paths, k))
                    .thenComparing(ids::get));
            Row row = new Row();
            row.source = (String) source.getProperty("id");
            row.targets = new ArrayList<>();
            row.common_partners = new ArrayList<>();
            row.partner_degrees = new ArrayList<>();
            row.products = new ArrayList<>();
            row.paths3 = new ArrayList<>();
            row.walk3 = new ArrayList<>();
            for (long key : keys.subList(0, (int) Math.min(limit, keys.size()))) {
                double[] found = paths.getOrDefault(key, new double[2]);
                row.targets.add(ids.get(key));
                row.common_partners.add(shared(degrees, key));
                row.partner_degrees.add(degrees.getOrDefault(key, List.of()));
                row.products.add(products.getOrDefault(key, List.of()));
                row.paths3.add(found[0]);
                row.walk3.add(found[1]);
            }
            return row;
        }

        Evidence evidence(Node source, Node candidate, boolean withExample) {
            Map<Long, Node> mine = new HashMap<>();
            for (Node partner : partners(source).nodes) {
                mine.put(partner.getId(), partner);
            }
            List<Node> shared = new ArrayList<>();
            for (Node partner : partners(candidate).nodes) {
                if (mine.containsKey(partner.getId())) {
                    shared.add(partner);
                }
            }
            shared.sort(Comparator.comparingLong(this::row));
            Evidence row = new Evidence();
            row.shared = new ArrayList<>();
            for (Node partner : shared) {
                row.shared.add((String) partner.getProperty("id"));
            }
            if (withExample) {
                row.example = example(source, candidate, mine);
            }
            return row;
        }

        // Among the candidate's partners y (other than the source): the most partners in
        // common with the source, then the first listed; through x, the first listed of
        // those (other than the candidate and y).
        private List<String> example(Node source, Node candidate, Map<Long, Node> mine) {
            List<Node> ends = new ArrayList<>();
            Map<Long, List<Node>> through = new HashMap<>();
            for (Node next : partners(candidate).nodes) {
                if (next.getId() == source.getId()) {
                    continue;
                }
                List<Node> middles = new ArrayList<>();
                for (Node middle : partners(next).nodes) {
                    if (mine.containsKey(middle.getId())) {
                        middles.add(middle);
                    }
                }
                if (!middles.isEmpty()) {
                    ends.add(next);
                    through.put(next.getId(), middles);
                }
            }
            ends.sort(Comparator.<Node>comparingLong(y -> -through.get(y.getId()).size())
                    .thenComparingLong(this::row));
            for (Node next : ends) {
                Node first = null;
                for (Node middle : through.get(next.getId())) {
                    if (middle.getId() == candidate.getId() || middle.getId() == next.getId()) {
                        continue;
                    }
                    if (first == null || row(middle) < row(first)) {
                        first = middle;
                    }
                }
                if (first != null) {
                    return List.of((String) first.getProperty("id"), (String) next.getProperty("id"));
                }
            }
            return null;
        }

        private static long shared(Map<Long, List<Long>> degrees, long key) {
            List<Long> found = degrees.get(key);
            return found == null ? 0 : found.size();
        }

        private static double pathCount(Map<Long, double[]> paths, long key) {
            double[] found = paths.get(key);
            return found == null ? 0.0 : found[0];
        }

        private Node[] targets(Partners partners) {
            if (partners.targets == null) {
                List<Node> found = new ArrayList<>();
                for (Node node : partners.nodes) {
                    if (target(node)) {
                        found.add(node);
                    }
                }
                partners.targets = found.toArray(new Node[0]);
            }
            return partners.targets;
        }

        private boolean target(Node node) {
            return isTarget.computeIfAbsent(
                    node.getId(), k -> targetTypes.contains(node.getProperty("type", null)));
        }

        private long row(Node node) {
            return rowOf.computeIfAbsent(
                    node.getId(), k -> ((Number) node.getProperty("_row", 0L)).longValue());
        }

        private boolean present(Node node) {
            if (asOf == null) {
                return true;
            }
            Object founded = node.getProperty("founded", null);
            return founded == null || ((Number) founded).longValue() <= asOf;
        }

        /** The organisation's distinct partners at the cut, in the order first met. */
        private Partners partners(Node node) {
            long key = node.getId();
            Partners known = partnersOf.get(key);
            if (known != null) {
                return known;
            }
            Map<Long, Integer> position = new HashMap<>();
            List<Node> nodes = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            for (Relationship link : node.getRelationships(Direction.BOTH, LINKS)) {
                if (asOf != null) {
                    Object year = link.getProperty("year", null);
                    if (year != null && ((Number) year).longValue() > asOf) {
                        continue;
                    }
                }
                Node other = link.getOtherNode(node);
                if (!present(other)) {
                    continue;
                }
                Object weight = link.getProperty("weight", null);
                double value = weight == null ? 0.0 : ((Number) weight).doubleValue();
                long otherKey = other.getId();
                Integer at = position.get(otherKey);
                if (at == null) {
                    position.put(otherKey, nodes.size());
                    nodes.add(other);
                    weights.add(value);
                } else {
                    weights.set(at, weights.get(at) + value);
                }
            }
            double[] summed = new double[weights.size()];
            for (int i = 0; i < summed.length; i++) {
                summed[i] = weights.get(i);
            }
            Partners found = new Partners(nodes.toArray(new Node[0]), summed);
            partnersOf.put(key, found);
            return found;
        }
    }
}
