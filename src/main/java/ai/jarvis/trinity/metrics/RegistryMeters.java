package ai.jarvis.trinity.metrics;

import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The service registry file as the hub sees it at each scrape: how many entries, and how old each one's last
 * heartbeat is (a service that left the registry leaves the metrics too).
 */
final class RegistryMeters {

    private final ServiceRegistry services;
    private final MultiGauge heartbeatAge;
    private volatile int size;

    RegistryMeters(ServiceRegistry services, MeterRegistry registry) {
        this.services = services;
        Gauge.builder("trinity.registry.services", () -> size)
                .description("Entries in the service registry, fresh or stale")
                .register(registry);
        this.heartbeatAge = MultiGauge.builder("trinity.registry.heartbeat.age")
                .description("Seconds since the service's last heartbeat (stale after jarvis.heartbeat-timeout)")
                .baseUnit("seconds")
                .register(registry);
    }

    void refresh() {
        List<ServiceEntry> entries = services.list(true);
        double now = System.currentTimeMillis() / 1000.0;
        size = entries.size();
        heartbeatAge.register(entries.stream()
                .filter(entry -> entry.lastHeartbeat != null)
                .map(entry -> MultiGauge.Row.of(Tags.of("service", entry.serviceName),
                        Math.max(0, now - entry.lastHeartbeat)))
                .collect(Collectors.toList()), true);
    }
}
