package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry entries the supervisor keeps for its children: registered at launch (so that even a program that
 * never calls the registry is found), heartbeated while it is healthy, removed when it stops. A registry problem
 * is a warning, never the end of a child.
 */
final class RegistryRecords {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRecords.class);
    /** Metadata key of the entries registered on a child's behalf. */
    private static final String SUPERVISED_BY = "supervised_by";

    private final ServiceRegistry registry;
    private final String hubName;

    RegistryRecords(ServiceRegistry registry, String hubName) {
        this.registry = registry;
        this.hubName = hubName;
    }

    void register(ManagedService service) {
        ServiceEntry entry = new ServiceEntry();
        entry.serviceName = service.spec.name;
        entry.pid = service.process.pid();
        entry.port = service.port;
        entry.healthEndpoint = service.spec.health;
        entry.status = service.spec.health == null ? "healthy" : "starting";
        entry.metadata.put(SUPERVISED_BY, hubName);
        try {
            registry.register(entry);
        } catch (RuntimeException e) {
            LOG.warn("Could not register {}: {}", service.spec.name, e.getMessage());
        }
    }

    /** Heartbeats on the child's behalf (with a status, or keeping its own); registers it again if it is gone. */
    void heartbeat(ManagedService service, String status) {
        try {
            registry.heartbeat(service.spec.name, status);
        } catch (ApiException notRegistered) {
            register(service);
        } catch (RuntimeException e) {
            LOG.warn("Could not heartbeat {}: {}", service.spec.name, e.getMessage());
        }
    }

    void deregister(ManagedService service) {
        try {
            registry.deregister(service.spec.name);
        } catch (RuntimeException e) {
            LOG.warn("Could not deregister {}: {}", service.spec.name, e.getMessage());
        }
    }

    /** The child's entry if the child registered itself (rather than the supervisor on its behalf). */
    Optional<ServiceEntry> selfRegistered(ManagedService service) {
        return registry.entry(service.spec.name).filter(entry -> !entry.metadata.containsKey(SUPERVISED_BY));
    }

    boolean isStale(ServiceEntry entry) {
        return registry.isStale(entry);
    }
}
