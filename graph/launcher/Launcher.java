// Lockstep's local Neo4j: Neo4j Community (embedded) with its Bolt connector on 127.0.0.1.
//
// Run by `lockstep db start` as `java -cp <maven classpath> Launcher` (compiled once with javac into
// Lockstep's cache; source-file mode `Launcher.java` where there is no javac). Everything else about the server lives in Python (graph/local_server.py); this
// file only starts the database, sets the initial password, reports readiness and shuts down
// cleanly on SIGTERM.
//
// Arguments: <home dir> <bolt port> <page cache size, e.g. 128m>
// Environment: LOCKSTEP_NEO4J_PASSWORD (the password for user neo4j; never on the command line).

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Launcher <home> <port> <pagecache>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String port = args[1];
        String pagecache = args[2];
        String password = System.getenv("LOCKSTEP_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("LOCKSTEP_NEO4J_PASSWORD must hold at least 8 characters");
            System.exit(2);
        }

        Map<String, String> cfg = new HashMap<>();
        cfg.put("server.bolt.enabled", "true");
        cfg.put("server.bolt.listen_address", "127.0.0.1:" + port);
        cfg.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        cfg.put("server.memory.pagecache.size", pagecache);
        cfg.put("dbms.security.auth_enabled", "true");
        // Keep transaction logs bounded: this is a working copy, not the system of record.
        cfg.put("db.tx_log.rotation.retention_policy", "512M size");
        // The databases are checkpointed and closed before Bolt shuts down; Bolt's own idle waits
        // (2 x 5 s) would only delay every stop, and a bulk import stops the server.
        cfg.put("internal.server.bolt.thread_pool_shutdown_wait_time", "0s");
        cfg.put("internal.server.bolt.connection_shutdown_wait_time", "0s");
        cfg.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        cfg.put("internal.dbms.bolt.netty_server_shutdown_timeout", "1s");

        // The builder takes raw settings only from a file: write them next to the store.
        Files.createDirectories(home.resolve("conf"));
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        StringBuilder text = new StringBuilder();
        cfg.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("LOCKSTEP STOPPING");
            System.out.flush();
            dbms.shutdown();
            System.out.println("LOCKSTEP STOPPED");
            System.out.flush();
            stopped.countDown();
        }));

        GraphDatabaseService system = dbms.database("system");
        try {
            system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // On later starts the password is already this one; any other problem shows at login.
            System.out.println("LOCKSTEP NOTE password unchanged: " + e.getMessage());
        }
        GraphDatabaseService db = dbms.database("neo4j");
        db.executeTransactionally("RETURN 1");
        System.out.println("LOCKSTEP READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
