package graph.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs Neo4j Community in this JVM with Bolt on a loopback port, for the tests and the
 * benchmark. Arguments: {@code --data DIR} (created if missing; reused when it holds a
 * database, which is how the outage test restarts Neo4j on the same data) and
 * {@code --port N} (0, the default, lets the system choose). The password comes from the
 * environment variable NEO4J_PASSWORD, or is generated and printed to stderr.
 *
 * <p>When Bolt accepts connections it prints one line to stdout, the bolt URI. It shuts the
 * database down on SIGTERM and when its standard input closes: a parent that dies, even by
 * SIGKILL, closes that pipe, so no JVM outlives the process that started it.
 */
public final class Neo4jLauncher {
  private static final String USER = "neo4j";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    Path data = Path.of(options.getOrDefault("--data", Files.createTempDirectory("neo4j-test-").toString()));
    int port = Integer.parseInt(options.getOrDefault("--port", "0"));
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.isEmpty()) {
      byte[] bytes = new byte[12];
      new SecureRandom().nextBytes(bytes);
      password = HexFormat.of().formatHex(bytes);
      System.err.println("neo4j password: " + password);
    }
    Files.createDirectories(data);

    // Watching from the start: a parent that dies while Neo4j is still starting ends us too.
    Thread watcher = new Thread(() -> watchParent(System.in), "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
    try {
      start(data, port, password, options);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void start(Path data, int port, String password, Map<String, String> options) {
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(
            Long.parseLong(options.getOrDefault("--pagecache-mb", "256"))))
        .build();

    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

    setPassword(dbms, password);

    GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    HostnamePort bolt = system.getDependencyResolver()
        .resolveDependency(ConnectorPortRegister.class)
        .getLocalAddress(ConnectorType.BOLT);
    System.out.println("bolt://" + bolt.getHost() + ":" + bolt.getPort());
    System.out.flush();
  }

  /**
   * Sets the password of the built-in user. On a data folder that already has it, Neo4j
   * refuses the same password again, which is the state we want.
   */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    try {
      dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
          "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
          Map.of("password", password));
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) throw e;
    }
  }

  /** Blocks until stdin closes, then exits, which runs the shutdown hook. */
  private static void watchParent(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Anything written to stdin is ignored; only its end matters.
      }
    } catch (IOException ignored) {
      // A broken pipe means the same as its end.
    }
    System.exit(0);
  }

  private static Map<String, String> parse(String[] args) {
    java.util.HashMap<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected an option, got " + args[i]);
      options.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0) throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
    return options;
  }
}
