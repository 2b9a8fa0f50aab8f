// An embedded Neo4j Community 5.26 with Graph Data Science, reachable over Bolt on
// 127.0.0.1 only. A single-file program: nothing to build.
//
//   java -cp '.neo4j/lib/*' scripts/neo4j/Launcher.java      (or: make neo4j)
//
// Environment (all optional):
//   NEO4J_PORT       Bolt port on 127.0.0.1                      (default 7687)
//   NEO4J_PASSWORD   password of the user `neo4j`                (default collabnet-test)
//   NEO4J_DATA       home of the DBMS: stores, transaction logs, logs/ (default .neo4j/data)
//   NEO4J_PAGECACHE  page cache size, Neo4j syntax like 64m or 1g (default 64m)
//   NEO4J_PLUGINS    folder of the GDS jars (and collabnet's procedure, see
//                    PathSignals.java) the procedure loader scans
//                    (default: plugins/ next to the Neo4j jars on the class path)
//
// Prints exactly one line to stdout, `ready: bolt://127.0.0.1:PORT`, once the `neo4j`
// database is available, the password is set and the Bolt port accepts connections.
// Neo4j's own logs go to NEO4J_DATA/logs/ (debug.log, neo4j.log). SIGTERM or Ctrl-C
// shuts the DBMS down cleanly; a failure to start exits with status 1.

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static volatile DatabaseManagementService dbms;
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(env("NEO4J_PORT", "7687"));
        String password = env("NEO4J_PASSWORD", "collabnet-test");
        Path home = Path.of(env("NEO4J_DATA", ".neo4j/data")).toAbsolutePath().normalize();
        Path plugins = pluginsFolder();
        long pageCache = SettingValueParsers.BYTES.parse(env("NEO4J_PAGECACHE", "64m"));
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);
        // The user log (neo4j.log of a server) goes to a file; embedded, it has none.
        OutputStream userLog = Files.newOutputStream(
                logs.resolve("neo4j.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "neo4j-shutdown"));

        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(Map.of(
                            BoltConnector.enabled, true,
                            BoltConnector.listen_address, new SocketAddress(HOST, port),
                            BoltConnector.advertised_address, new SocketAddress(HOST, port),
                            BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED,
                            GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST),
                            HttpConnector.enabled, false,
                            HttpsConnector.enabled, false,
                            GraphDatabaseSettings.auth_enabled, true,
                            GraphDatabaseSettings.udc_enabled, false))
                    .setConfig(Map.of(
                            GraphDatabaseSettings.plugin_dir, plugins,
                            GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"),
                            GraphDatabaseSettings.procedure_allowlist,
                            List.of("gds.*", "collabnet.*", "db.*", "dbms.*", "tx.*"),
                            GraphDatabaseSettings.pagecache_memory, pageCache,
                            GraphDatabaseSettings.logs_directory, logs))
                    // Stop within about a second instead of ten: Bolt waits 5 s for its
                    // connections and 5 s for its threads by default; no in-JVM connector.
                    .setConfig(Map.of(
                            BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500),
                            BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500),
                            BoltConnectorInternalSettings.enable_local_connector, false))
                    .setUserLogProvider(new Log4jLogProvider(userLog))
                    .build();
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(TimeUnit.MINUTES.toMillis(2))) {
                throw new IllegalStateException("database 'neo4j' did not become available");
            }
            setPassword(password);
            awaitBolt(port, Duration.ofSeconds(60));
        } catch (Throwable e) {
            // The trace first, then its root cause last, where a log tail shows it.
            e.printStackTrace(System.err);
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println("Launcher: Neo4j failed to start: " + cause);
            System.exit(1);
        }
        System.out.println("ready: bolt://" + HOST + ":" + port);
        System.out.flush();
        STOPPED.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    // The procedure loader only scans jars in the plugin folder, not the class path:
    // scripts/neo4j/resolve.sh links the GDS jars into lib/plugins/.
    private static Path pluginsFolder() throws URISyntaxException {
        String configured = System.getenv("NEO4J_PLUGINS");
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path jar = Path.of(DatabaseManagementServiceBuilder.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().resolve("plugins");
    }

    // Community edition: the user `neo4j` exists with the initial password `neo4j` and
    // "change required". Set ours with CHANGE NOT REQUIRED; on a restart the password may
    // already be ours, which Neo4j refuses as "the same": that is fine.
    private static void setPassword(String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static void awaitBolt(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt port " + port + " does not accept connections", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void shutdown() {
        DatabaseManagementService service = dbms;
        if (service != null) {
            try {
                service.shutdown();
            } catch (Throwable e) {
                System.err.println("Launcher: shutdown failed: " + e);
            }
        }
        STOPPED.countDown();
    }
}
