package tasques.engine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.join.ParentJoinPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.percolator.PercolatorPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.script.mustache.MustachePlugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;
import org.opensearch.transport.TransportService;

/**
 * One OpenSearch node in this JVM, bound to loopback only, for tests and benchmarks (tests/support/engine.py).
 *
 * <p>The distribution's modules come from the classpath (as the test framework's MockNode loads them); plugins
 * unzipped under {@code <home>/plugins/} load as in a real install, with their own class loaders. No security
 * manager is installed. Arguments, each {@code --name=value}:
 *
 * <ul>
 *   <li>{@code --home} (required): path.home; config/, modules/, plugins/, data/ and logs/ are created in it.
 *   <li>{@code --cluster} (default {@code engine}), {@code --name} (default {@code node-0}).
 *   <li>{@code --http-port}, {@code --transport-port} (default 9200 and 9300; 0 picks a free port).
 *   <li>{@code --seed-ports}: comma-separated transport ports of the other nodes; with
 *       {@code --cluster-managers}, the comma-separated names of the cluster-manager nodes that bootstrap the
 *       cluster. Without them the node runs with single-node discovery.
 *   <li>{@code --setting=key=value}, repeatable: any other node setting.
 *   <li>{@code --exit-with-stdin=true}: close the node when standard input reaches its end, so a node never
 *       outlives the process that started it with a pipe on its standard input, even one killed outright.
 * </ul>
 *
 * <p>Once the node serves, one line {@code ENGINE STARTED name=... http=HOST:PORT transport=HOST:PORT
 * version=...} goes to standard output; if it cannot start, {@code ENGINE FAILED <exception>} and exit status 1.
 * SIGTERM (or SIGINT) closes the node, and the JVM exits with 143 (130), as any JVM ended by that signal.
 */
public final class EngineNode extends Node {
    static final String LOOPBACK = "127.0.0.1";

    static final List<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        PainlessPlugin.class,
        CommonAnalysisPlugin.class,
        ReindexPlugin.class,
        MapperExtrasPlugin.class,
        ParentJoinPlugin.class,
        MatrixAggregationPlugin.class,
        PercolatorPlugin.class,
        MustachePlugin.class
    );

    /** Console logging at INFO, written into config/ when the home has no log4j2.properties of its own. */
    static final String LOG4J2_PROPERTIES = String.join(
        "\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        // One WARN per request without a compatible client otherwise; the deprecation log stays quiet.
        "logger.deprecation.name = org.opensearch.deprecation",
        "logger.deprecation.level = error",
        ""
    );

    EngineNode(Environment environment) {
        super(environment, MODULES, true);
    }

    public static void main(String[] args) {
        // Before anything touches log4j: the node closes itself on SIGTERM and logs while doing so.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        // Logging takes System.out and System.err over once configured; our own lines go to the originals.
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        try {
            run(args, out);
        } catch (Throwable failure) {
            out.println("ENGINE FAILED " + failure);
            out.flush();
            failure.printStackTrace(err);
            err.flush();
            System.exit(1);
        }
    }

    static void run(String[] args, PrintStream out) throws Exception {
        final Map<String, String> options = parse(args);
        final String homeOption = options.get("home");
        if (homeOption == null) {
            throw new IllegalArgumentException("--home=<path.home> is required");
        }
        final Path home = Path.of(homeOption).toAbsolutePath();
        for (String folder : List.of("config", "modules", "plugins", "data", "logs")) {
            Files.createDirectories(home.resolve(folder));
        }
        final Path log4j = home.resolve("config").resolve("log4j2.properties");
        if (!Files.exists(log4j)) {
            Files.writeString(log4j, LOG4J2_PROPERTIES, StandardCharsets.UTF_8);
        }

        final String nodeName = options.getOrDefault("name", "node-0");
        final Settings settings = settings(home, nodeName, options);
        LogConfigurator.registerErrorListener();
        final Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings,
            Map.of(),
            home.resolve("config"),
            () -> nodeName
        );
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(environment);

        final EngineNode node = new EngineNode(environment);
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "engine-shutdown"));

        if (Boolean.parseBoolean(options.getOrDefault("exit-with-stdin", "false"))) {
            final Thread watch = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // Nothing is sent on the pipe; its end is the signal.
                    }
                } catch (IOException e) {
                    // A broken pipe ends it as well.
                }
                System.exit(0);
            }, "engine-stdin-watch");
            watch.setDaemon(true);
            watch.start();
        }
        node.start();
        final String http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().toString();
        final String transport = node.injector().getInstance(TransportService.class).boundAddress().publishAddress().toString();
        out.println(
            "ENGINE STARTED name=" + nodeName + " http=" + http + " transport=" + transport + " version=" + Version.CURRENT
        );
        out.flush();
        // The node's threads are daemons: hold the JVM until the shutdown hook has closed the node.
        closed.await();
    }

    static Settings settings(Path home, String nodeName, Map<String, String> options) {
        final Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", options.getOrDefault("cluster", "engine"))
            .put("node.name", nodeName)
            .put("network.host", LOOPBACK)
            .put("http.port", options.getOrDefault("http-port", "9200"))
            .put("transport.port", options.getOrDefault("transport-port", "9300"))
            // Shared disks on test machines fill up: never refuse shards or go read-only over free space.
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        final String seeds = options.get("seed-ports");
        final String managers = options.get("cluster-managers");
        if ((seeds == null) != (managers == null)) {
            throw new IllegalArgumentException("--seed-ports and --cluster-managers go together");
        }
        if (seeds == null) {
            builder.put("discovery.type", "single-node");
        } else {
            final List<String> hosts = new ArrayList<>();
            for (String port : seeds.split(",")) {
                if (!port.isBlank()) {
                    hosts.add(LOOPBACK + ":" + port.strip());
                }
            }
            builder.putList("discovery.seed_hosts", hosts);
            builder.putList("cluster.initial_cluster_manager_nodes", Arrays.asList(managers.split(",")));
        }
        for (String setting : options.getOrDefault("setting", "").split("\n")) {
            if (setting.isEmpty()) {
                continue;
            }
            final int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--setting wants key=value, got [" + setting + "]");
            }
            builder.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return builder.build();
    }

    /** {@code --name=value} pairs; a repeated {@code --setting} accumulates, one per line. */
    static Map<String, String> parse(String[] args) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            final int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("arguments are --name=value, got [" + arg + "]");
            }
            final String name = arg.substring(2, equals);
            final String value = arg.substring(equals + 1);
            options.merge(name, value, (old, added) -> "setting".equals(name) ? old + "\n" + added : added);
        }
        return options;
    }
}
