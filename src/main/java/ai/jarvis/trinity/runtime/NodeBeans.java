package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.api.ApiErrors;
import ai.jarvis.trinity.api.HealthReport;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.registry.ProcessIdentity;
import ai.jarvis.trinity.registry.RegistryApi;
import ai.jarvis.trinity.registry.RegistryEvent;
import ai.jarvis.trinity.registry.RegistryFile;
import ai.jarvis.trinity.registry.SelfRegistration;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
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
    private volatile ProducerTemplate events;

    NodeBeans(Role role, Settings settings, Path home, EmbeddedBroker broker) {
        this.role = role;
        this.settings = settings;
        this.broker = broker;
        this.health = new HealthReport(role, TrinityNode.version(), home, broker);
        this.registry = new ServiceRegistry(new RegistryFile(settings.getPath("jarvis.registry-dir")),
                ProcessIdentity.machineId(), settings.getSeconds("jarvis.heartbeat-timeout"), this::publish,
                Clock.systemUTC());
        this.self = new SelfRegistration(registry, this::describeSelf, health);
    }

    void bindTo(CamelContext context) {
        context.getRegistry().bind("healthReport", health);
        context.getRegistry().bind("serviceRegistry", registry);
        context.getRegistry().bind("selfRegistration", self);
        context.getRegistry().bind("registryApi", new RegistryApi(registry, settings.getSeconds("trinity.max-wait")));
        context.getRegistry().bind("apiErrors", new ApiErrors());
        events = context.createProducerTemplate();
    }

    /** Registry events go to the registry-events route, which puts them on the event bus. */
    private void publish(RegistryEvent event) {
        ProducerTemplate template = events;
        if (template != null) {
            template.sendBody("direct:registry-event", event);
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
