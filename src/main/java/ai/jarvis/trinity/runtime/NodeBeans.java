package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.api.ApiErrors;
import ai.jarvis.trinity.api.HealthReport;
import ai.jarvis.trinity.api.Readiness;
import ai.jarvis.trinity.api.ServicesView;
import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.ipc.KnownDestinations;
import ai.jarvis.trinity.ipc.QueueBeans;
import ai.jarvis.trinity.ipc.RpcBeans;
import ai.jarvis.trinity.pipeline.PipelineBeans;
import ai.jarvis.trinity.registry.ProcessIdentity;
import ai.jarvis.trinity.registry.RegistryApi;
import ai.jarvis.trinity.registry.RegistryFile;
import ai.jarvis.trinity.registry.SelfRegistration;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.resilience.Breakers;
import ai.jarvis.trinity.serving.PrimeProxy;
import ai.jarvis.trinity.supervisor.ChildEnvironment;
import ai.jarvis.trinity.supervisor.ServiceExit;
import ai.jarvis.trinity.supervisor.ServicesConfig;
import ai.jarvis.trinity.supervisor.Supervisor;
import ch.qos.logback.core.util.FileSize;
import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** The Java beans a process's routes call, by the names the route files use. */
final class NodeBeans {

    private final Role role;
    private final Settings settings;
    private final EmbeddedBroker broker;
    final HealthReport health;
    final ServiceRegistry registry;
    final SelfRegistration self;
    final Supervisor supervisor;
    final TrainingBeans training;
    final EventBusBeans eventBus;
    final PrimeBeans prime;
    final Breakers breakers;
    private volatile ProducerTemplate events;

    NodeBeans(Role role, Settings settings, Path home, EmbeddedBroker broker, ConfigFiles files) {
        this.role = role;
        this.settings = settings;
        this.broker = broker;
        this.health = new HealthReport(role, TrinityNode.version(), home, broker);
        this.registry = new ServiceRegistry(new RegistryFile(settings.getPath("jarvis.registry-dir")),
                ProcessIdentity.machineId(), settings.getSeconds("jarvis.heartbeat-timeout"),
                event -> publish("registry." + event.getKind(), event), Clock.systemUTC());
        this.self = new SelfRegistration(registry, this::describeSelf, health);
        this.supervisor = role != Role.HUB ? null
                : new Supervisor(settings.getBoolean("trinity.supervisor-enabled") ? ServicesConfig.load(files, settings)
                        : List.of(), settings.getPath("trinity.logs-dir"), registry, childEnvironment(), this::publish,
                        this::healExit);
        health.watchServices(supervisor == null ? Map::of : supervisor::views);
        this.eventBus = role == Role.HUB ? EventBusBeans.hub(settings) : null;
        this.prime = role == Role.PRIME ? new PrimeBeans(settings, serviceName(), this::publish) : null;
        this.breakers = role == Role.HUB ? Breakers.of(settings, this::publish) : null;
        if (breakers != null) {
            health.watchBreakers(breakers::health);
        }
        if (prime != null) {
            health.watchModel(prime.server::health);
        }
        this.training = role == Role.HUB ? TrainingBeans.hub(settings, broker, this::publish)
                : role == Role.REACTOR ? TrainingBeans.reactor(settings, serviceName()) : null;
        if (role == Role.HUB) {
            health.watchDatabase(training::databaseHealth);
        }
    }

    void bindTo(CamelContext context) {
        context.getRegistry().bind("healthReport", health);
        context.getRegistry().bind("serviceRegistry", registry);
        context.getRegistry().bind("selfRegistration", self);
        RegistryApi registryApi = new RegistryApi(registry, settings.getSeconds("trinity.max-wait"));
        context.getRegistry().bind("registryApi", registryApi);
        context.getRegistry().bind("servicesView", new ServicesView(registryApi, supervisor));
        if (supervisor != null) {
            context.getRegistry().bind("supervisor", supervisor);
        }
        context.getRegistry().bind("apiErrors", new ApiErrors());
        context.getRegistry().bind("readiness", readiness(context));
        if (breakers != null) {
            breakers.bindTo(context);
            context.getRegistry().bind("primeProxy", primeProxy());
        }
        if (training != null) {
            training.bindTo(context);
        }
        if (eventBus != null) {
            eventBus.bindTo(context);
        }
        if (prime != null) {
            prime.bindTo(context);
        }
        RpcBeans.bindTo(context, role, serviceName(), settings, broker);
        context.getRegistry().bind("knownDestinations", new KnownDestinations());
        if (broker != null) {
            QueueBeans.bindTo(context, broker);
            PipelineBeans.bindTo(context, settings, broker, this::publish);
        }
        events = context.createProducerTemplate();
    }

    /**
     * GET /api/health/ready: the broker (the embedded one on the hub, a connection to the hub's elsewhere), every
     * route started, and on the hub the training database.
     */
    private Readiness readiness(CamelContext context) {
        Readiness readiness = new Readiness().require("broker", Readiness.UP, broker != null
                ? () -> "started".equals(broker.state()) ? Readiness.UP : broker.state()
                : () -> Readiness.broker(context.getRegistry()
                        .lookupByNameAndType("trinityConnectionFactory", ConnectionFactory.class)));
        readiness.require("routes", Readiness.STARTED, () -> Readiness.routes(context));
        if (role == Role.HUB) {
            readiness.require("db", "open", () -> {
                Map<String, Object> db = training.databaseHealth();
                return "open".equals(db.get("state")) ? "open" : "error: " + db.get("error");
            });
        }
        return readiness;
    }

    /**
     * Events go through an in-memory queue to the events route (routes/common/events.yaml), which puts them on
     * trinity.events.<topic> in order: publishing never delays the work that causes it (a restart, a heartbeat).
     */
    private void publish(String topic, Object event) {
        ProducerTemplate template = events;
        if (template != null) {
            template.sendBodyAndHeader("seda:event", event, "trinityTopic", topic);
        }
    }

    /** The hub's POST /api/generate (routes/generate.yaml); Retry-After of a missing J-Prime: one heartbeat. */
    private PrimeProxy primeProxy() {
        long heartbeatSeconds = (settings.getSeconds("jarvis.heartbeat-interval").toMillis() + 999) / 1000;
        return new PrimeProxy(registry, settings.getInt("trinity.max-prompt-length"),
                settings.isSet("trinity.api-token") ? settings.get("trinity.api-token") : null, Math.max(1, heartbeatSeconds));
    }

    /** A supervised process ended: the healing route (routes/supervisor.yaml) takes it from here. */
    private void healExit(ServiceExit exit) {
        ProducerTemplate template = events;
        if (template != null) {
            template.asyncSendBody("seda:service-exited", exit);
        }
    }

    /** What children are told about this hub (DESIGN §9). */
    private ChildEnvironment childEnvironment() {
        String probeHost = loopbackOr(settings.get("trinity.bind-host"));
        return new ChildEnvironment(() -> hubValuesForChildren(probeHost), serviceName(), Ports.bindAddress(settings),
                probeHost, settings.get("trinity.child-jvm-options"),
                FileSize.valueOf(settings.get("trinity.log-max-size")).getSize(), settings.getInt("trinity.log-max-files"),
                settings.isSet("trinity.api-token") ? settings.get("trinity.api-token") : null);
    }

    private Map<String, String> hubValuesForChildren(String probeHost) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("TRINITY_HOME", settings.getPath("trinity.home").toString());
        values.put("TRINITY_HUB_URL", "http://" + probeHost + ":" + settings.getPort("trinity.http-port"));
        if (broker != null) {
            Map<String, String> urls = broker.urls();
            putIfPresent(values, "TRINITY_BROKER_URL", urls.get("core"));
            putIfPresent(values, "TRINITY_AMQP_URL", urls.get("amqp"));
            putIfPresent(values, "TRINITY_STOMP_URL", urls.get("stomp"));
            putIfPresent(values, "TRINITY_MQTT_URL", urls.get("mqtt"));
        }
        return values;
    }

    private static void putIfPresent(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }

    /** Where this machine reaches a listener bound to {@code bindHost}. */
    private static String loopbackOr(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isAnyLocalAddress() ? "127.0.0.1" : bindHost;
        } catch (IOException e) {
            return bindHost;
        }
    }

    String serviceName() {
        return settings.isSet("trinity.service-name") ? settings.get("trinity.service-name") : role.serviceName();
    }

    private ServiceEntry describeSelf() {
        ServiceEntry entry = new ServiceEntry();
        entry.serviceName = serviceName();
        entry.pid = ProcessHandle.current().pid();
        entry.address = advertisedAddress();
        entry.port = settings.getPort(role.httpPortKey());
        entry.healthEndpoint = "/api/health";
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("role", role.id());
        metadata.put("version", TrinityNode.version());
        metadata.put("url", "http://" + entry.address + ":" + entry.port);
        if (broker != null) {
            metadata.put("broker_urls", broker.urls());
        }
        if (role == Role.HUB) {
            // The CLI on this machine drops datasets here (trinity-camel train <file>).
            metadata.put("dropbox_dir", settings.getPath("training.dropbox-dir").toAbsolutePath().toString());
        }
        entry.metadata = metadata;
        return entry;
    }

    /** The bind address, or this machine's name when bound to every interface. */
    private String advertisedAddress() {
        String bindHost = settings.get("trinity.bind-host");
        try {
            return InetAddress.getByName(bindHost).isAnyLocalAddress()
                    ? InetAddress.getLocalHost().getHostName() : bindHost;
        } catch (IOException e) {
            return bindHost;
        }
    }
}
