package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.supervisor.ManagedService.State;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of running children: HTTP probes for those with a health path (a passing probe is also their
 * registry heartbeat), the registry heartbeat for self-registered ones without. An unhealthy child is stopped,
 * and its exit is healed like a crash. Probes are plain HTTP, never behind a circuit breaker.
 */
final class HealthWatch {

    private static final Logger LOG = LoggerFactory.getLogger(HealthWatch.class);

    private final ChildEnvironment environment;
    private final RegistryRecords records;
    private final BiConsumer<String, Object> events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    HealthWatch(ChildEnvironment environment, RegistryRecords records, BiConsumer<String, Object> events) {
        this.environment = environment;
        this.records = records;
        this.events = events;
    }

    /** Checks the services whose probe interval has passed. */
    void checkDue(Collection<ManagedService> services) {
        long now = System.currentTimeMillis();
        for (ManagedService service : services) {
            Integer port;
            synchronized (service) {
                boolean watched = service.state == State.STARTING || service.state == State.RUNNING
                        || service.state == State.ADOPTED;
                if (!watched || service.probeInFlight || !service.isAlive()
                        || now - service.lastProbeMillis < service.spec.probeInterval * 1000) {
                    continue;
                }
                service.lastProbeMillis = now;
                if (service.healthySinceMillis != null && service.restarts > 0
                        && now - service.healthySinceMillis >= service.spec.resetAfter * 1000) {
                    service.restarts = 0;
                }
                if (service.spec.health == null) {
                    watchHeartbeat(service);
                    continue;
                }
                service.probeInFlight = true;
                port = service.port;
            }
            probe(port, service.spec).whenComplete((ok, error) -> probed(service, Boolean.TRUE.equals(ok)));
        }
    }

    private void probed(ManagedService service, boolean ok) {
        long now = System.currentTimeMillis();
        boolean restart = false;
        synchronized (service) {
            service.probeInFlight = false;
            if (!service.isAlive() || service.state == State.STOPPING) {
                return;
            }
            if (ok) {
                service.probeFailures = 0;
                if (service.healthySinceMillis == null) {
                    service.healthySinceMillis = now;
                }
                if (service.state == State.STARTING) {
                    service.state = State.RUNNING;
                    LOG.info("{} is healthy", service.spec.name);
                    events.accept("service.healthy", Map.of("service_name", service.spec.name,
                            "pid", service.process.pid(), "ts", Supervisor.epochSeconds(Instant.now())));
                }
            } else {
                service.probeFailures++;
                service.healthySinceMillis = null;
                boolean pastStart = service.state != State.STARTING
                        || now - service.startedAtMillis > service.spec.startTimeout * 1000;
                if (pastStart && service.probeFailures >= service.spec.probeFailures) {
                    service.reason = "unhealthy: " + service.probeFailures + " health probes failed";
                    service.probeInFlight = true; // no more probes of this process: it is on its way out
                    restart = true;
                }
            }
        }
        records.heartbeat(service, ok ? "healthy" : "unhealthy");
        if (restart) {
            LOG.warn("{} is {}: restarting it", service.spec.name, service.reason);
            ProcessTree.stop(service.process, Supervisor.seconds(service.spec.stopTimeout));
        }
    }

    /**
     * A service without a health check: if it registered itself, its own heartbeat is its health (a stale one
     * gets it restarted); if it never did, the supervisor keeps its entry alive while the process runs.
     */
    private void watchHeartbeat(ManagedService service) {
        Optional<ServiceEntry> own = records.selfRegistered(service);
        if (own.isEmpty()) {
            records.heartbeat(service, null);
        } else if (records.isStale(own.get())) {
            service.probeInFlight = true; // no more checks of this process: it is on its way out
            service.reason = "unhealthy: no registry heartbeat for over the heartbeat timeout";
            LOG.warn("{} is {}: restarting it", service.spec.name, service.reason);
            ProcessHandle process = service.process;
            CompletableFuture.runAsync(() -> ProcessTree.stop(process, Supervisor.seconds(service.spec.stopTimeout)));
        }
    }

    /** One HTTP probe: true for a 2xx answer within the probe timeout. */
    CompletableFuture<Boolean> probe(Integer port, ServiceSpec spec) {
        if (port == null) {
            return CompletableFuture.completedFuture(false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://" + environment.probeHost() + ":" + port + spec.health))
                .timeout(Supervisor.seconds(spec.probeTimeout)).GET();
        if (environment.apiToken() != null) {
            request.header("Authorization", "Bearer " + environment.apiToken());
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() >= 200 && response.statusCode() < 300)
                .exceptionally(error -> false);
    }
}
