package ai.jarvis.trinity.runtime;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.api.BearerTokenGuard;
import ai.jarvis.trinity.api.LogFollowHandler;
import ai.jarvis.trinity.api.ApiRequestGuard;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.HomeLock;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.config.TrinityHome;
import ai.jarvis.trinity.metrics.NodeMetrics;
import ai.jarvis.trinity.dashboard.Dashboard;
import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.supervisor.Supervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running trinity process in one of its roles: Camel with its routes and HTTP server, and on the hub the
 * embedded broker (started before the routes, stopped after them) and the lock on TRINITY_HOME.
 */
public final class TrinityNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrinityNode.class);
    private static final AtomicInteger IN_VM_BROKER_IDS = new AtomicInteger();

    private final Role role;
    private final Settings settings;
    private final Main main;
    private final EmbeddedBroker broker;
    private final HomeLock lock;
    private final JmsPoolConnectionFactory connectionFactory;
    private final NodeBeans beans;
    private final NodeMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private RouteFileReloader reloader;

    private TrinityNode(Role role, Settings settings, Main main, EmbeddedBroker broker, HomeLock lock,
                        JmsPoolConnectionFactory connectionFactory, NodeBeans beans, NodeMetrics metrics) {
        this.beans = beans;
        this.metrics = metrics;
        this.role = role;
        this.settings = settings;
        this.main = main;
        this.broker = broker;
        this.lock = lock;
        this.connectionFactory = connectionFactory;
    }

    /**
     * Starts a process of this role, or fails with a {@link ConfigurationException} that says what to change.
     * Whatever was started before the failure is stopped again.
     */
    public static TrinityNode start(Role role, Settings given) {
        Settings settings = Ports.resolve(role, given);
        Exposure.check(settings);
        TrinityHome home = TrinityHome.prepare(settings);
        ConfigFiles files = new ConfigFiles(settings);
        HomeLock lock = role == Role.HUB ? HomeLock.acquire(home, settings) : null;
        EmbeddedBroker broker = null;
        JmsPoolConnectionFactory connectionFactory = null;
        Main main = null;
        NodeBeans nodeBeans = null;
        NodeMetrics metrics = new NodeMetrics(role, version());
        try {
            Ports.checkFree(role, settings, files);
            CompletableFuture<EmbeddedBroker> brokerStart = CompletableFuture.completedFuture(null);
            if (role == Role.HUB) {
                settings = settings.with("trinity.broker-vm-id", Integer.toString(IN_VM_BROKER_IDS.incrementAndGet()));
                broker = new EmbeddedBroker(settings, files);
                broker.publishMetricsTo(metrics.brokerRegistry());
                EmbeddedBroker starting = broker;
                brokerStart = CompletableFuture.supplyAsync(() -> {
                    starting.start();
                    return starting;
                });
            }
            connectionFactory = connectionFactory(role, settings);
            NodeBeans beans = new NodeBeans(role, settings, home.root(), broker, files);
            nodeBeans = beans;
            main = new Main();
            // SIGINT/SIGTERM are trinity's to handle (ShutdownSignals): no JVM shutdown hook from Camel.
            main.setShutdownStrategy(new SimpleMainShutdownStrategy());
            main.setOverrideProperties(camelProperties(role, settings, files));
            JmsPoolConnectionFactory pool = connectionFactory;
            main.configure().addConfiguration(new CamelConfiguration() {
                @Override
                public void configure(CamelContext context) {
                    beans.bindTo(context);
                    context.getRegistry().bind("trinityConnectionFactory", pool);
                    metrics.bindTo(context, beans.serviceName());
                }
            });
            main.init();
            // Camel read and built the routes while the broker started; the routes start once it is up.
            awaitBroker(brokerStart);
            main.start();
            TrinityNode node = new TrinityNode(role, settings, main, broker, lock, connectionFactory, beans, metrics);
            node.afterStart(files);
            node.startServices();
            LOG.info("{} ({}) is up: http://{}:{}", role.serviceName(), role.id(), settings.get("trinity.bind-host"),
                    node.httpPort());
            return node;
        } catch (RuntimeException | Error e) {
            stopQuietly(main, broker, connectionFactory, lock);
            closeTraining(nodeBeans);
            metrics.close();
            throw e instanceof ConfigurationException ? (ConfigurationException) e : StartupFailures.explain(e);
        } catch (Exception e) {
            stopQuietly(main, broker, connectionFactory, lock);
            closeTraining(nodeBeans);
            metrics.close();
            throw StartupFailures.explain(e);
        }
    }

    private static void awaitBroker(CompletableFuture<EmbeddedBroker> brokerStart) {
        try {
            brokerStart.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
    }

    private void afterStart(ConfigFiles files) throws Exception {
        CamelContext context = main.getCamelContext();
        checkHttpServerListens(context);
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(httpPort()));
        if (settings.isSet("trinity.api-token")) {
            router.route().order(Integer.MIN_VALUE)
                    .handler(new BearerTokenGuard(settings.get("trinity.api-token"), Dashboard::serves));
        }
        if (role == Role.HUB) {
            Dashboard.mount(router);
        }
        router.route("/api/*").order(Integer.MIN_VALUE + 1).handler(new ApiRequestGuard(
                settings.getLong("trinity.max-body-size"), Map.of("/api/training/start", settings.getLong("training.max-inline-size"))));
        if (beans.supervisor != null) {
            router.get("/api/services/:name/logs").order(Integer.MIN_VALUE + 2)
                    .handler(new LogFollowHandler(beans.supervisor, router.vertx()));
        }
        if (beans.eventBus != null) {
            beans.eventBus.afterStart(router);
        }
        if (beans.training != null) {
            beans.training.afterStart(router);
        }
        beans.self.register();
        Optional<List<Path>> routesOnDisk = files.routeFoldersOnDisk(role.routeFolders());
        if (routesOnDisk.isPresent() && settings.getBoolean("trinity.routes-reload")) {
            reloader = new RouteFileReloader(context, routesOnDisk.get());
            reloader.start();
        }
    }

    /** The supervised services start in the background: the hub is up before its children are. */
    private void startServices() {
        if (beans.supervisor != null) {
            Thread starter = new Thread(beans.supervisor::startAll, "supervisor-start");
            starter.setDaemon(true);
            starter.start();
        }
    }

    /** Vert.x reports a failed bind only in its log; a process without its HTTP server must not start. */
    private void checkHttpServerListens(CamelContext context) {
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null || server.getServer() == null || server.getServer().actualPort() <= 0) {
            throw new ConfigurationException("port " + httpPort() + " on " + settings.get("trinity.bind-host")
                    + " is already in use: set " + settings.describe(role.httpPortKey()) + " to a free port (0 picks one)");
        }
    }

    /** Durations given in seconds that routes use in milliseconds, as {@code <key>-ms}. */
    private static final List<String> SECONDS_FOR_ROUTES =
            List.of("jarvis.heartbeat-interval", "jarvis.heartbeat-timeout", "jarvis.cleanup-interval",
                    "training.staging-poll-interval", "trinity.model-sync-interval", "trinity.training-flush-interval",
                    "trinity.feedback-interval");

    private static Properties camelProperties(Role role, Settings settings, ConfigFiles files) {
        Properties properties = settings.resolved();
        for (String key : SECONDS_FOR_ROUTES) {
            properties.setProperty(key + "-ms", Long.toString(settings.getSeconds(key).toMillis()));
        }
        properties.setProperty("camel.main.name", role.serviceName());
        properties.setProperty("camel.server.port", settings.get(role.httpPortKey()));
        properties.setProperty("camel.server.max-body-size", Long.toString(Math.max(
                settings.getLong("trinity.max-body-size"), settings.getLong("training.max-inline-size"))));
        properties.setProperty("camel.main.routes-include-pattern", files.routesIncludePattern(role.routeFolders()));
        return properties;
    }

    /**
     * The JMS connections of this process's routes: in-process to the embedded broker on the hub, over TCP to the
     * hub's broker in the other roles. Pooled, and connected only when a route first uses it.
     */
    private static JmsPoolConnectionFactory connectionFactory(Role role, Settings settings) {
        String url = role == Role.HUB ? "vm://" + settings.get("trinity.broker-vm-id") : settings.get("trinity.broker-url");
        return pooledConnections(new ActiveMQConnectionFactory(url), settings);
    }

    /** Connections of {@code factory}, pooled, with the broker user when one is configured. */
    static JmsPoolConnectionFactory pooledConnections(ActiveMQConnectionFactory factory, Settings settings) {
        if (settings.isSet("trinity.broker-user")) {
            factory.setUser(settings.get("trinity.broker-user"));
            factory.setPassword(settings.get("trinity.broker-password"));
        }
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(factory);
        return pool;
    }

    public static String version() {
        try (var in = TrinityNode.class.getResourceAsStream("/trinity-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    public Settings settings() {
        return settings;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public int httpPort() {
        return Integer.parseInt(settings.get(role.httpPortKey()));
    }

    /** The watcher of routes/ on disk, when route files are read from disk and reload is on. */
    public Optional<RouteFileReloader> routeReloader() {
        return Optional.ofNullable(reloader);
    }

    /** The supervisor of services.yaml (hub only; empty elsewhere or when TRINITY_SUPERVISOR_ENABLED=false). */
    public Optional<Supervisor> supervisor() {
        return Optional.ofNullable(beans.supervisor);
    }

    /** The service registry as this process sees it. */
    public ServiceRegistry registry() {
        return beans.registry;
    }

    public String serviceName() {
        return beans.serviceName();
    }

    /** Client URLs of the broker by acceptor name (hub only; empty elsewhere). */
    public Map<String, String> brokerUrls() {
        return broker == null ? Map.of() : broker.urls();
    }

    /** The embedded broker (hub only; empty elsewhere). */
    public Optional<EmbeddedBroker> broker() {
        return Optional.ofNullable(broker);
    }

    /** Stops HTTP and the routes, then the broker, then lets go of TRINITY_HOME. Only the first call stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping {}", role.serviceName());
        if (beans.training != null) {
            beans.training.beforeStop();
        }
        if (beans.supervisor != null) {
            beans.supervisor.stopAll();
        }
        try {
            beans.self.deregister();
        } catch (RuntimeException e) {
            LOG.warn("Could not deregister {}: {}", beans.serviceName(), rootMessage(e));
        }
        stopQuietly(main, broker, connectionFactory, lock);
        closeTraining(beans);
        metrics.close();
        LOG.info("{} stopped", role.serviceName());
    }

    private static void closeTraining(NodeBeans beans) {
        if (beans != null && beans.training != null) {
            beans.training.close();
        }
    }

    private static void stopQuietly(Main main, EmbeddedBroker broker, JmsPoolConnectionFactory connectionFactory,
                                    HomeLock lock) {
        if (main != null) {
            try {
                main.stop();
            } catch (Exception e) {
                LOG.warn("Camel did not stop cleanly: {}", rootMessage(e));
            }
        }
        if (connectionFactory != null) {
            connectionFactory.stop();
        }
        if (broker != null) {
            broker.stop();
        }
        if (lock != null) {
            lock.close();
        }
    }
}
