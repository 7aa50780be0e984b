package ai.jarvis.trinity.registry;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.util.Causes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service registry: register, heartbeat, deregister, discover, list, wait for a service, and remove stale
 * entries. Every change is made in the registry file under its lock, then announced as a {@link RegistryEvent}.
 */
public final class ServiceRegistry {

    public static final Set<String> STATUSES = Set.of("starting", "healthy", "degraded", "unhealthy");
    private static final Set<String> AVAILABLE = Set.of("healthy", "degraded");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Duration WAIT_POLL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);

    private final RegistryFile file;
    private final String hostId;
    private final Duration heartbeatTimeout;
    private final Consumer<RegistryEvent> events;
    private final Clock clock;

    public ServiceRegistry(RegistryFile file, String hostId, Duration heartbeatTimeout,
                           Consumer<RegistryEvent> events, Clock clock) {
        this.file = file;
        this.hostId = hostId;
        this.heartbeatTimeout = heartbeatTimeout;
        this.events = events;
        this.clock = clock;
    }

    public String hostId() {
        return hostId;
    }

    /** Adds or replaces a service. Missing host, times and status are filled in; bad values are refused. */
    public ServiceEntry register(ServiceEntry requested) {
        ServiceEntry entry = requested.copy();
        checkName(entry.serviceName);
        if (entry.pid != null && entry.pid <= 0) {
            throw ApiException.badRequest("invalid pid", "pid must be a positive number, not " + entry.pid);
        }
        if (entry.port != null && (entry.port < 0 || entry.port > 65535)) {
            throw ApiException.badRequest("invalid port", "port must be from 1 to 65535, not " + entry.port);
        }
        entry.status = entry.status == null ? "starting" : checkStatus(entry.status);
        if (entry.healthEndpoint != null && !entry.healthEndpoint.startsWith("/")) {
            throw ApiException.badRequest("invalid health_endpoint", "a path starting with /, not " + entry.healthEndpoint);
        }
        if (entry.host == null || entry.host.isBlank()) {
            entry.host = hostId;
        }
        if (entry.address == null || entry.address.isBlank()) {
            entry.address = "127.0.0.1";
        }
        if (entry.pid != null && entry.processStartedAt == null && hostId.equals(entry.host)) {
            entry.processStartedAt = ProcessIdentity.startTime(entry.pid).orElse(null);
        }
        double now = now();
        entry.registeredAt = now;
        entry.lastHeartbeat = now;
        file.update(services -> {
            services.put(entry.serviceName, entry);
            return true;
        });
        publish(new RegistryEvent(RegistryEvent.REGISTERED, entry, null, null, now));
        return entry.copy();
    }

    /** Records that a service is alive, and its status if given. Unknown services are an error (404). */
    public ServiceEntry heartbeat(String name, String status) {
        checkName(name);
        String newStatus = status == null ? null : checkStatus(status);
        double now = now();
        ServiceEntry[] result = new ServiceEntry[1];
        String[] previous = new String[1];
        file.update(services -> {
            ServiceEntry entry = services.get(name);
            if (entry == null) {
                return false;
            }
            previous[0] = entry.status;
            entry.lastHeartbeat = now;
            if (newStatus != null) {
                entry.status = newStatus;
            }
            result[0] = entry.copy();
            return true;
        });
        if (result[0] == null) {
            throw ApiException.notFound("unknown service", name);
        }
        if (newStatus != null && !newStatus.equals(previous[0])) {
            publish(new RegistryEvent(RegistryEvent.STATUS, result[0], previous[0], null, now));
        }
        return result[0];
    }

    /** Removes a service; false when it was not registered. */
    public boolean deregister(String name) {
        checkName(name);
        ServiceEntry[] removed = new ServiceEntry[1];
        file.update(services -> {
            removed[0] = services.remove(name);
            return removed[0] != null;
        });
        if (removed[0] != null) {
            publish(new RegistryEvent(RegistryEvent.DEREGISTERED, removed[0], null, null, now()));
        }
        return removed[0] != null;
    }

    /** A registered service whose heartbeat is still fresh, whatever its status. */
    public Optional<ServiceEntry> discover(String name) {
        checkName(name);
        ServiceEntry entry = file.read().get(name);
        return entry != null && isFresh(entry, now()) ? Optional.of(entry) : Optional.empty();
    }

    /** The entry as the file has it, fresh or not. */
    public Optional<ServiceEntry> entry(String name) {
        return Optional.ofNullable(file.read().get(name));
    }

    /** Whether the entry's last heartbeat is older than the heartbeat timeout. */
    public boolean isStale(ServiceEntry entry) {
        return !isFresh(entry, now());
    }

    /** Available services (healthy or degraded, fresh heartbeat), or every entry of the file with {@code all}. */
    public List<ServiceEntry> list(boolean all) {
        double now = now();
        return file.read().values().stream()
                .filter(entry -> all || (AVAILABLE.contains(entry.status) && isFresh(entry, now)))
                .collect(Collectors.toList());
    }

    /** Waits until the service is registered with a fresh heartbeat, at most {@code timeout}. */
    public Optional<ServiceEntry> waitFor(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ServiceEntry> found = discover(name);
            long left = deadline - System.nanoTime();
            if (found.isPresent() || left <= 0) {
                return found;
            }
            try {
                Thread.sleep(Math.min(WAIT_POLL.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Removes entries whose heartbeat is older than the timeout, and entries of this machine whose process is
     * gone. Entries of other machines are judged by their heartbeat only. Returns what was removed.
     */
    public List<RegistryEvent> removeStale() {
        double now = now();
        Map<String, String> reasons = new LinkedHashMap<>();
        List<ServiceEntry> removed = new ArrayList<>();
        file.update(services -> {
            for (Iterator<ServiceEntry> it = services.values().iterator(); it.hasNext(); ) {
                ServiceEntry entry = it.next();
                String reason = staleReason(entry, now);
                if (reason != null) {
                    it.remove();
                    removed.add(entry);
                    reasons.put(entry.serviceName, reason);
                }
            }
            return !removed.isEmpty();
        });
        List<RegistryEvent> stale = new ArrayList<>();
        for (ServiceEntry entry : removed) {
            RegistryEvent event = new RegistryEvent(RegistryEvent.STALE, entry, null, reasons.get(entry.serviceName), now);
            LOG.info("Removed stale service {}: {}", entry.serviceName, event.getReason());
            publish(event);
            stale.add(event);
        }
        return stale;
    }

    private String staleReason(ServiceEntry entry, double now) {
        if (!isFresh(entry, now)) {
            return "no heartbeat for " + Math.round(now - (entry.lastHeartbeat == null ? 0 : entry.lastHeartbeat)) + " s";
        }
        if (hostId.equals(entry.host) && entry.pid != null && !ProcessIdentity.isAlive(entry.pid, entry.processStartedAt)) {
            return "process " + entry.pid + " is gone";
        }
        return null;
    }

    private boolean isFresh(ServiceEntry entry, double now) {
        return entry.lastHeartbeat != null && now - entry.lastHeartbeat <= heartbeatTimeout.toMillis() / 1000.0;
    }

    private void publish(RegistryEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Registry event {} not published: {}", event, Causes.rootMessage(e));
        }
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid service name",
                    "1 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                            + (name == null ? "nothing" : "'" + printable(name) + "'"));
        }
    }

    private static String checkStatus(String status) {
        if (!STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid status", "one of " + STATUSES + ", not '" + printable(status) + "'");
        }
        return status;
    }

    private static String printable(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
