package ai.jarvis.trinity.registry;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.HealthReport;
import java.util.Map;
import java.util.function.Supplier;

/** This process in the registry: registered once it serves HTTP, heartbeating with its health, gone at stop. */
public final class SelfRegistration {

    private final ServiceRegistry registry;
    private final Supplier<ServiceEntry> describe;
    private final HealthReport health;

    public SelfRegistration(ServiceRegistry registry, Supplier<ServiceEntry> describe, HealthReport health) {
        this.registry = registry;
        this.describe = describe;
        this.health = health;
    }

    public ServiceEntry register() {
        ServiceEntry entry = describe.get();
        entry.status = status();
        return registry.register(entry);
    }

    /** Heartbeats with the current health; registers again when the entry is gone (cleaned up, file lost). */
    public ServiceEntry heartbeat() {
        try {
            return registry.heartbeat(describe.get().serviceName, status());
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            return register();
        }
    }

    public void deregister() {
        registry.deregister(describe.get().serviceName);
    }

    private String status() {
        Map<String, Object> report = health.report();
        switch (String.valueOf(report.get("status"))) {
            case "healthy": return "healthy";
            case "degraded": return "degraded";
            default: return "unhealthy";
        }
    }
}
