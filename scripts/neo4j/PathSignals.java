// collabnet's procedures for the recommender and for brokerage, computed inside Neo4j
// from each organisation's partners, giving the same values as the Cypher statements
// cypher/recommend/pair_signals.cypher, pair_evidence.cypher and
// cypher/analysis/ego_brokerage.cypher:
//
//   CALL collabnet.pairSignalsPacked($sources, $targets, $candidates, $as_of, $limit)
//   CALL collabnet.pairEvidence($pairs, $as_of, $examples)
//   CALL collabnet.egoBrokerage($ids, $as_of, $partition)
//   CALL collabnet.egoBrokerageDerived($ids, $as_of, $listed_links, $present, $groups)
//   CALL collabnet.pairSignalsDerived($sources, $targets, $candidates, $as_of, $limit,
//       $listed_links, $present, $types)
//   CALL collabnet.pairEvidenceDerived($pairs, $as_of, $examples, $listed_links, $present)
//
// The Derived procedures work at an earlier cut of a network derived from
// participations (see cypher/analysis/derived/degrees.cypher): only the links before row
// $listed_links came from files, pairs of organisations sharing projects up to the cut
// are linked, weighted by the number of such projects, and who is present and each
// one's type or group are the cut's, given as lists by stored organisation row.
//
// pairSignalsPacked:
// For each source: its partners at the end of $as_of (a linked pair counts once, its
// links' weights summed; a degree is a number of distinct partners), then for every
// candidate (an organisation whose type is in $targets) within three links: the common
// partners (each one's degree and the product of the two pair weights, in the order of
// the organisations table, _row), the walks of length three and the probability of a
// three-step random walk. Only the $limit candidates with the most common partners,
// then the most three-step walks, then the smallest id. One row for the whole call, its
// numbers packed as little-endian arrays, one value after another in the order of the
// sources: the client reads each column as one block of bytes instead of millions of
// values.
//
// Built by scripts/neo4j/run.sh into a jar in the plugin folder; a Neo4j without it
// gets the same rows from the Cypher statement.
package collabnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private static final RelationshipType PARTICIPATED = RelationshipType.withName("PARTICIPATED");
    private static final RelationshipType[] LINKS = {
        RelationshipType.withName("CO_BUILT_CENTRE"),
        RelationshipType.withName("COOPERATION"),
        RelationshipType.withName("CO_FOUNDING"),
        RelationshipType.withName("JOINT_PROJECT"),
        RelationshipType.withName("INCUBATION"),
    };

    @Context
    public Transaction tx;

    /** The best candidates of every source found, packed (see the top of this file). */
    public static class Packed {
        public List<String> sources;
        // int32: how many candidates each source has.
        public byte[] counts;
        // int32: each candidate's position in $candidates (-1 for one not in it).
        public byte[] cols;
        // int32 per pair.
        public byte[] common_partners;
        // int32 and float64: common_partners of them per pair.
        public byte[] partner_degrees;
        public byte[] products;
        // float64 per pair.
        public byte[] paths3;
        public byte[] walk3;
    }

    /** One source's best candidates, a list per column. */
    private static class Row {
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
        // The partners' local numbers (see Search), and those of the candidate types,
        // found on first use.
        final int[] locals;
        int[] targets;

        Partners(Node[] nodes, double[] weights, int[] locals) {
            this.nodes = nodes;
            this.weights = weights;
            this.locals = locals;
        }
    }

    /** A growing list of ints. */
    private static final class Ints {
        int[] values = new int[64];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
            values[size++] = value;
        }
    }

    /** A growing list of doubles. */
    private static final class Doubles {
        double[] values = new double[64];
        int size;

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
            values[size++] = value;
        }
    }

    @Procedure(name = "collabnet.pairSignalsPacked", mode = Mode.READ)
    @Description("Path signals from each source to its best candidates of the given types.")
    public Stream<Packed> pairSignalsPacked(
            @Name("sources") List<String> sources,
            @Name("targets") List<String> targets,
            @Name("candidates") List<String> candidates,
            @Name("asOf") Long asOf,
            @Name("limit") Long limit) {
        return packedSignals(new Search(new HashSet<>(targets), asOf), sources, candidates, limit);
    }

    @Procedure(name = "collabnet.pairSignalsDerived", mode = Mode.READ)
    @Description("pairSignalsPacked at an earlier cut of a network derived from participations.")
    public Stream<Packed> pairSignalsDerived(
            @Name("sources") List<String> sources,
            @Name("targets") List<String> targets,
            @Name("candidates") List<String> candidates,
            @Name("asOf") Long asOf,
            @Name("limit") Long limit,
            @Name("listedLinks") Long listedLinks,
            @Name("present") List<Boolean> present,
            @Name("types") List<Object> types) {
        Search search = new Search(new HashSet<>(targets), asOf);
        search.derive(listedLinks, present, types);
        return packedSignals(search, sources, candidates, limit);
    }

    private Stream<Packed> packedSignals(
            Search search, List<String> sources, List<String> candidates, Long limit) {
        List<Row> rows = new ArrayList<>();
        for (String id : sources) {
            Node source = tx.findNode(ORGANIZATION, "id", id);
            if (source != null) {
                rows.add(search.signals(source, limit));
            }
        }
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            column.putIfAbsent(candidates.get(i), i);
        }
        return Stream.of(pack(rows, column));
    }

    private static Packed pack(List<Row> rows, Map<String, Integer> column) {
        int pairs = 0;
        int shared = 0;
        for (Row row : rows) {
            pairs += row.targets.size();
            for (List<Long> degrees : row.partner_degrees) {
                shared += degrees.size();
            }
        }
        ByteBuffer counts = buffer(4L * rows.size());
        ByteBuffer cols = buffer(4L * pairs);
        ByteBuffer common = buffer(4L * pairs);
        ByteBuffer degrees = buffer(4L * shared);
        ByteBuffer products = buffer(8L * shared);
        ByteBuffer paths3 = buffer(8L * pairs);
        ByteBuffer walk3 = buffer(8L * pairs);
        Packed packed = new Packed();
        packed.sources = new ArrayList<>();
        for (Row row : rows) {
            packed.sources.add(row.source);
            counts.putInt(row.targets.size());
            for (int j = 0; j < row.targets.size(); j++) {
                cols.putInt(column.getOrDefault(row.targets.get(j), -1));
                common.putInt(Math.toIntExact(row.common_partners.get(j)));
                for (long degree : row.partner_degrees.get(j)) {
                    degrees.putInt(Math.toIntExact(degree));
                }
                for (double product : row.products.get(j)) {
                    products.putDouble(product);
                }
                paths3.putDouble(row.paths3.get(j));
                walk3.putDouble(row.walk3.get(j));
            }
        }
        packed.counts = counts.array();
        packed.cols = cols.array();
        packed.common_partners = common.array();
        packed.partner_degrees = degrees.array();
        packed.products = products.array();
        packed.paths3 = paths3.array();
        packed.walk3 = walk3.array();
        return packed;
    }

    private static ByteBuffer buffer(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
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
        return evidence(new Search(Set.of(), asOf), pairs, examples);
    }

    @Procedure(name = "collabnet.pairEvidenceDerived", mode = Mode.READ)
    @Description("pairEvidence at an earlier cut of a network derived from participations.")
    public Stream<Evidence> pairEvidenceDerived(
            @Name("pairs") List<List<String>> pairs,
            @Name("asOf") Long asOf,
            @Name("examples") Boolean examples,
            @Name("listedLinks") Long listedLinks,
            @Name("present") List<Boolean> present) {
        Search search = new Search(Set.of(), asOf);
        search.derive(listedLinks, present, null);
        return evidence(search, pairs, examples);
    }

    private Stream<Evidence> evidence(Search search, List<List<String>> pairs, Boolean examples) {
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

    /** One ego's brokerage, as cypher/analysis/ego_brokerage.cypher gives it. */
    public static class Ego {
        public String id;
        public Long degree;
        public Double constraint;
        public Double effective_size;
        public List<Map<String, Object>> groups;
        public List<Map<String, Object>> linked;
    }

    @Procedure(name = "collabnet.egoBrokerage", mode = Mode.READ)
    @Description("Burt's constraint, effective size and group counts of each ego network.")
    public Stream<Ego> egoBrokerage(
            @Name("ids") List<String> ids,
            @Name("asOf") Long asOf,
            @Name("partition") String partition) {
        Search search = new Search(Set.of(), asOf);
        List<Ego> rows = new ArrayList<>();
        for (String id : ids) {
            Node ego = tx.findNode(ORGANIZATION, "id", id);
            if (ego != null) {
                rows.add(search.ego(ego, id, partition));
            }
        }
        return rows.stream();
    }

    @Procedure(name = "collabnet.egoBrokerageDerived", mode = Mode.READ)
    @Description("egoBrokerage at an earlier cut of a network derived from participations.")
    public Stream<Ego> egoBrokerageDerived(
            @Name("ids") List<String> ids,
            @Name("asOf") Long asOf,
            @Name("listedLinks") Long listedLinks,
            @Name("present") List<Boolean> present,
            @Name("groups") List<Object> groups) {
        Search search = new Search(Set.of(), asOf);
        search.derive(listedLinks, present, groups);
        List<Ego> rows = new ArrayList<>();
        for (String id : ids) {
            Node ego = tx.findNode(ORGANIZATION, "id", id);
            if (ego != null) {
                rows.add(search.ego(ego, id, null));
            }
        }
        return rows.stream();
    }

    /** One call's work: partners, rows and types are looked up once per organisation. */
    private static final class Search {
        private final Set<String> targetTypes;
        private final Long asOf;
        // Every organisation met gets a local number; what is known of it is held in
        // arrays by that number, and the per-source sums in arrays cleared after use.
        // Local numbers by node id: an array while the ids are small (a store's ids are
        // dense), a map for the rest. An entry is the local number plus one.
        private int[] localById = new int[1024];
        private final Map<Long, Integer> localOfLarge = new HashMap<>();
        private int count;
        private Node[] nodeOf = new Node[1024];
        private Partners[] partnersAt = new Partners[1024];
        private long[] rowAt = new long[1024];
        private byte[] targetAt = new byte[1024];
        private byte[] presentAt = new byte[1024];
        private String[] idAt = new String[1024];
        private long[] twoSteps = new long[1024];
        private double[] twoWalk = new double[1024];
        private int[] sharedCount = new int[1024];
        private double[] paths = new double[1024];
        private double[] walk = new double[1024];
        private int[] slotOf = new int[1024];
        private int[] positionAt = new int[1024];
        private final Ints touched = new Ints();

        // At an earlier cut of a network derived from participations (see
        // cypher/analysis/derived/degrees.cypher): only the links before row listedLinks
        // came from files, presence and groups are the cut's, given by stored
        // organisation row, and organisations that share projects up to the cut are
        // linked, weighted by the number of such projects. listedLinks < 0: stored links.
        private long listedLinks = -1;
        private List<Boolean> presentByRow;
        // The cut's group (egoBrokerageDerived) or type (pairSignalsDerived) by row.
        private List<Object> groupByRow;
        // Per local number, the last visit to a project that counted it (visits are
        // numbered from 1 across the call), so that a participant counts once a project.
        private long[] visitAt = new long[1024];
        private long visits;

        Search(Set<String> targetTypes, Long asOf) {
            this.targetTypes = targetTypes;
            this.asOf = asOf;
        }

        void derive(long listedLinks, List<Boolean> present, List<Object> groups) {
            this.listedLinks = listedLinks;
            this.presentByRow = present;
            this.groupByRow = groups;
        }

        private static final long DENSE_IDS = 1L << 28;

        private int local(Node node) {
            long key = node.getId();
            if (key >= 0 && key < DENSE_IDS) {
                int at = (int) key;
                if (at >= localById.length) {
                    localById = Arrays.copyOf(localById, Math.max(at + 1, 2 * localById.length));
                }
                if (localById[at] == 0) {
                    localById[at] = added(node) + 1;
                }
                return localById[at] - 1;
            }
            Integer known = localOfLarge.get(key);
            if (known == null) {
                known = added(node);
                localOfLarge.put(key, known);
            }
            return known;
        }

        private int added(Node node) {
            int next = count++;
            if (next == nodeOf.length) {
                int size = 2 * next;
                nodeOf = Arrays.copyOf(nodeOf, size);
                partnersAt = Arrays.copyOf(partnersAt, size);
                rowAt = Arrays.copyOf(rowAt, size);
                targetAt = Arrays.copyOf(targetAt, size);
                presentAt = Arrays.copyOf(presentAt, size);
                idAt = Arrays.copyOf(idAt, size);
                twoSteps = Arrays.copyOf(twoSteps, size);
                twoWalk = Arrays.copyOf(twoWalk, size);
                sharedCount = Arrays.copyOf(sharedCount, size);
                paths = Arrays.copyOf(paths, size);
                walk = Arrays.copyOf(walk, size);
                slotOf = Arrays.copyOf(slotOf, size);
                positionAt = Arrays.copyOf(positionAt, size);
                visitAt = Arrays.copyOf(visitAt, size);
            }
            nodeOf[next] = node;
            rowAt[next] = -1;
            return next;
        }

        Row signals(Node source, long limit) {
            Partners first = partners(source);
            int sourceDegree = first.nodes.length;
            Integer[] order = new Integer[sourceDegree];
            for (int i = 0; i < sourceDegree; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> row(first.nodes[i])));
            // Two steps: walks and random-walk mass per organisation reached, by local
            // number; the common-partner evidence of candidates, in the order of the
            // partners' rows, one entry after another.
            Ints reached = new Ints();
            Ints entryCandidate = new Ints();
            Ints entryDegree = new Ints();
            Doubles entryProduct = new Doubles();
            for (int i : order) {
                Partners second = partners(first.locals[i]);
                int partnerDegree = second.nodes.length;
                double step = 1.0 / ((double) sourceDegree * partnerDegree);
                for (int j = 0; j < partnerDegree; j++) {
                    int next = second.locals[j];
                    if (twoSteps[next] == 0) {
                        reached.add(next);
                    }
                    twoSteps[next] += 1;
                    twoWalk[next] += step;
                    if (target(next)) {
                        if (sharedCount[next] == 0 && paths[next] == 0) {
                            touched.add(next);
                        }
                        sharedCount[next] += 1;
                        entryCandidate.add(next);
                        entryDegree.add(partnerDegree);
                        entryProduct.add(first.weights[i] * second.weights[j]);
                    }
                }
            }
            // The third step, from every organisation reached in two.
            for (int r = 0; r < reached.size; r++) {
                int middle = reached.values[r];
                Partners third = partners(middle);
                long walks = twoSteps[middle];
                double mass = twoWalk[middle] / third.nodes.length;
                for (int last : targets(third)) {
                    if (sharedCount[last] == 0 && paths[last] == 0) {
                        touched.add(last);
                    }
                    paths[last] += walks;
                    walk[last] += mass;
                }
            }
            Integer[] candidates = best(touched, (int) Math.min(limit, touched.size));
            int kept = (int) Math.min(limit, candidates.length);
            // The kept candidates' evidence, each one's entries in the order they came.
            for (int c = 0; c < kept; c++) {
                slotOf[candidates[c]] = c + 1;
            }
            List<List<Long>> degreeLists = new ArrayList<>();
            List<List<Double>> productLists = new ArrayList<>();
            for (int c = 0; c < kept; c++) {
                degreeLists.add(new ArrayList<>(sharedCount[candidates[c]]));
                productLists.add(new ArrayList<>(sharedCount[candidates[c]]));
            }
            for (int e = 0; e < entryCandidate.size; e++) {
                int at = slotOf[entryCandidate.values[e]];
                if (at > 0) {
                    degreeLists.get(at - 1).add((long) entryDegree.values[e]);
                    productLists.get(at - 1).add(entryProduct.values[e]);
                }
            }
            Row row = new Row();
            row.source = (String) source.getProperty("id");
            row.targets = new ArrayList<>(kept);
            row.common_partners = new ArrayList<>(kept);
            row.partner_degrees = degreeLists;
            row.products = productLists;
            row.paths3 = new ArrayList<>(kept);
            row.walk3 = new ArrayList<>(kept);
            for (int c = 0; c < kept; c++) {
                int candidate = candidates[c];
                row.targets.add(id(candidate));
                row.common_partners.add((long) sharedCount[candidate]);
                row.paths3.add(paths[candidate]);
                row.walk3.add(walk[candidate]);
            }
            // Ready for the next source: only what was touched is cleared.
            for (int r = 0; r < reached.size; r++) {
                twoSteps[reached.values[r]] = 0;
                twoWalk[reached.values[r]] = 0.0;
            }
            for (int c = 0; c < touched.size; c++) {
                int candidate = touched.values[c];
                sharedCount[candidate] = 0;
                paths[candidate] = 0.0;
                walk[candidate] = 0.0;
                slotOf[candidate] = 0;
            }
            touched.size = 0;
            return row;
        }

        /** Negative when candidate a comes before b, positive when after: more common
         *  partners first, then more three-step walks, then the smaller id. */
        private int order(int a, int b) {
            int by = Integer.compare(-sharedCount[a], -sharedCount[b]);
            if (by == 0) {
                by = Double.compare(-paths[a], -paths[b]);
            }
            return by != 0 ? by : id(a).compareTo(id(b));
        }

        /** The first {@code kept} of the candidates in {@link #order}, in that order: a
         *  heap of the best so far, whose root is the last of them, then a sort. */
        private Integer[] best(Ints found, int kept) {
            int[] heap = new int[kept];
            int size = 0;
            for (int f = 0; f < found.size && kept > 0; f++) {
                int candidate = found.values[f];
                if (size < kept) {
                    int at = size++;
                    heap[at] = candidate;
                    while (at > 0) {
                        int up = (at - 1) / 2;
                        if (order(heap[up], heap[at]) >= 0) {
                            break;
                        }
                        int swap = heap[up];
                        heap[up] = heap[at];
                        heap[at] = swap;
                        at = up;
                    }
                } else if (order(candidate, heap[0]) < 0) {
                    heap[0] = candidate;
                    int at = 0;
                    while (true) {
                        int left = 2 * at + 1;
                        int right = left + 1;
                        int last = at;
                        if (left < size && order(heap[left], heap[last]) > 0) {
                            last = left;
                        }
                        if (right < size && order(heap[right], heap[last]) > 0) {
                            last = right;
                        }
                        if (last == at) {
                            break;
                        }
                        int swap = heap[last];
                        heap[last] = heap[at];
                        heap[at] = swap;
                        at = last;
                    }
                }
            }
            Integer[] chosen = new Integer[size];
            for (int c = 0; c < size; c++) {
                chosen[c] = heap[c];
            }
            Arrays.sort(chosen, this::order);
            return chosen;
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

        private int[] targets(Partners partners) {
            if (partners.targets == null) {
                Ints found = new Ints();
                for (int next : partners.locals) {
                    if (target(next)) {
                        found.add(next);
                    }
                }
                partners.targets = Arrays.copyOf(found.values, found.size);
            }
            return partners.targets;
        }

        /**
         * Burt's measures of the ego network, summed over the ego's partners q and
         * the partners j of q that are also the ego's (j ≠ ego): constraint is the sum
         * over the ego's partners j of (w(ego,j)/S + Σ_q w(ego,q)/S · w(q,j)/s(q))², and
         * effective size the sum of 1 − Σ_q w(ego,q)/S · w(q,j) / m(j), where S is the
         * ego's summed weight, s(q) the summed weight of q's links and m(j) its largest.
         */
        Ego ego(Node ego, String id, String partition) {
            int self = local(ego);
            Partners mine = partners(ego);
            int n = mine.locals.length;
            double total = 0.0;
            for (double weight : mine.weights) {
                total += weight;
            }
            // Positions among the ego's partners, by local number (cleared at the end).
            for (int i = 0; i < n; i++) {
                slotOf[mine.locals[i]] = i + 1;
            }
            double[] through = new double[n];
            double[] redundant = new double[n];
            double[] largest = new double[n];
            Object[] group = new Object[n];
            Map<Object, Long> members = new java.util.LinkedHashMap<>();
            Map<List<Object>, Long> pairs = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                group[i] = group(mine.locals[i], partition);
                members.merge(group[i], 1L, Long::sum);
            }
            for (int i = 0; i < n; i++) {
                Partners theirs = partners(mine.locals[i]);
                double strength = 0.0;
                double most = Double.NEGATIVE_INFINITY;
                for (double weight : theirs.weights) {
                    strength += weight;
                    most = Math.max(most, weight);
                }
                largest[i] = most;
                double share = mine.weights[i] / total;
                for (int k = 0; k < theirs.locals.length; k++) {
                    int other = theirs.locals[k];
                    int j = slotOf[other] - 1;
                    if (other == self || j < 0) {
                        continue;
                    }
                    through[j] += share * theirs.weights[k] / strength;
                    redundant[j] += share * theirs.weights[k];
                    pairs.merge(Arrays.asList(group[i], group[j]), 1L, Long::sum);
                }
            }
            double constraint = 0.0;
            double effective = 0.0;
            for (int i = 0; i < n; i++) {
                double direct = mine.weights[i] / total + through[i];
                constraint += direct * direct;
                effective += 1.0 - redundant[i] / largest[i];
                slotOf[mine.locals[i]] = 0;
            }
            Ego row = new Ego();
            row.id = id;
            row.degree = (long) n;
            row.constraint = n == 0 ? null : constraint;
            row.effective_size = n == 0 ? null : effective;
            row.groups = new ArrayList<>();
            for (Map.Entry<Object, Long> entry : members.entrySet()) {
                Map<String, Object> item = new HashMap<>();
                item.put("group", entry.getKey());
                item.put("members", entry.getValue());
                row.groups.add(item);
            }
            row.linked = new ArrayList<>();
            for (Map.Entry<List<Object>, Long> entry : pairs.entrySet()) {
                Map<String, Object> item = new HashMap<>();
                item.put("first", entry.getKey().get(0));
                item.put("second", entry.getKey().get(1));
                item.put("pairs", entry.getValue());
                row.linked.add(item);
            }
            return row;
        }

        /** The organisation's group: the cut's when derived, else its property. */
        private Object group(int local, String partition) {
            if (groupByRow != null) {
                return groupByRow.get(Math.toIntExact(row(nodeOf[local])));
            }
            return nodeOf[local].getProperty(partition, null);
        }

        private boolean target(int local) {
            if (targetAt[local] == 0) {
                Object type = groupByRow != null
                        ? groupByRow.get(Math.toIntExact(row(nodeOf[local])))
                        : nodeOf[local].getProperty("type", null);
                boolean found = targetTypes.contains(type);
                targetAt[local] = (byte) (found ? 2 : 1);
            }
            return targetAt[local] == 2;
        }

        private String id(int local) {
            if (idAt[local] == null) {
                idAt[local] = (String) nodeOf[local].getProperty("id");
            }
            return idAt[local];
        }

        private long row(Node node) {
            int at = local(node);
            if (rowAt[at] < 0) {
                rowAt[at] = ((Number) node.getProperty("_row", 0L)).longValue();
            }
            return rowAt[at];
        }

        /** Whether the organisation with this local number existed at the cut. */
        private boolean present(int local) {
            if (asOf == null) {
                return true;
            }
            if (presentAt[local] == 0) {
                boolean found;
                if (presentByRow != null) {
                    found = Boolean.TRUE.equals(presentByRow.get(Math.toIntExact(row(nodeOf[local]))));
                } else {
                    Object founded = nodeOf[local].getProperty("founded", null);
                    found = founded == null || ((Number) founded).longValue() <= asOf;
                }
                presentAt[local] = (byte) (found ? 2 : 1);
            }
            return presentAt[local] == 2;
        }

        /** Whether a participation has a year up to the cut. */
        private boolean upTo(Relationship participation) {
            Object year = participation.getProperty("year", null);
            return year != null && ((Number) year).longValue() <= asOf;
        }

        /** {@link #partners(Node)} of the organisation with this local number. */
        private Partners partners(int local) {
            Partners known = partnersAt[local];
            return known != null ? known : partners(nodeOf[local]);
        }

        /** The organisation's distinct partners at the cut, in the order first met. */
        private Partners partners(Node node) {
            int key = local(node);
            Partners known = partnersAt[key];
            if (known != null) {
                return known;
            }
            Ints locals = new Ints();
            Doubles weights = new Doubles();
            for (Relationship link : node.getRelationships(Direction.BOTH, LINKS)) {
                if (listedLinks >= 0 && ((Number) link.getProperty("_row")).longValue() >= listedLinks) {
                    continue;
                }
                if (asOf != null) {
                    Object year = link.getProperty("year", null);
                    if (year != null && ((Number) year).longValue() > asOf) {
                        continue;
                    }
                }
                int other = local(link.getOtherNode(node));
                if (!present(other)) {
                    continue;
                }
                Object weight = link.getProperty("weight", null);
                double value = weight == null ? 0.0 : ((Number) weight).doubleValue();
                int at = positionAt[other];
                if (at == 0) {
                    locals.add(other);
                    weights.add(value);
                    positionAt[other] = locals.size;
                } else {
                    weights.values[at - 1] += value;
                }
            }
            if (listedLinks >= 0) {
                // Each project shared up to the cut adds one to the pair's weight.
                Set<Long> projects = new HashSet<>();
                for (Relationship mine : node.getRelationships(Direction.OUTGOING, PARTICIPATED)) {
                    Node project = mine.getEndNode();
                    if (!upTo(mine) || !projects.add(project.getId())) {
                        continue;
                    }
                    long visit = ++visits;
                    for (Relationship theirs : project.getRelationships(Direction.INCOMING, PARTICIPATED)) {
                        int other = local(theirs.getStartNode());
                        if (other == key || visitAt[other] == visit || !upTo(theirs) || !present(other)) {
                            continue;
                        }
                        visitAt[other] = visit;
                        int at = positionAt[other];
                        if (at == 0) {
                            locals.add(other);
                            weights.add(1.0);
                            positionAt[other] = locals.size;
                        } else {
                            weights.values[at - 1] += 1.0;
                        }
                    }
                }
            }
            Node[] nodes = new Node[locals.size];
            for (int i = 0; i < locals.size; i++) {
                nodes[i] = nodeOf[locals.values[i]];
                positionAt[locals.values[i]] = 0;
            }
            double[] summed = Arrays.copyOf(weights.values, weights.size);
            Partners found = new Partners(nodes, summed, Arrays.copyOf(locals.values, locals.size));
            partnersAt[key] = found;
            return found;
        }
    }
}
