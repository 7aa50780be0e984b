package ai.jarvis.trinity.api;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.runtime.Role;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What {@code GET /api/health} reports: this process, its broker (on the hub) and the machine. */
public final class HealthReport {

    static final double LOW_DISK_FRACTION = 0.05;
    static final double HIGH_MEMORY_PCT = 95.0;

    private final Role role;
    private final String version;
    private final Path home;
    private final EmbeddedBroker broker;
    private final long startedAtNanos = System.nanoTime();
    private volatile Supplier<Map<String, Map<String, Object>>> services = Map::of;
    private volatile Supplier<Map<String, Object>> database;
    private volatile Supplier<Map<String, Object>> model;
    private volatile Supplier<Map<String, Object>> breakers;
    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public HealthReport(Role role, String version, Path home, EmbeddedBroker broker) {
        this.role = role;
        this.version = version;
        this.home = home;
        this.broker = broker;
    }

    /** The supervised services, whose states the report includes (a failed one makes the hub degraded). */
    public void watchServices(Supplier<Map<String, Map<String, Object>>> services) {
        this.services = services;
    }

    /** The training database, whose state the report includes (one that cannot be read makes the hub degraded). */
    public void watchDatabase(Supplier<Map<String, Object>> database) {
        this.database = database;
    }

    /**
     * The circuit breakers (name to state and counts), which the report includes. An open breaker does not change the
     * status: it says a service this process calls is failing, not that this process is.
     */
    public void watchBreakers(Supplier<Map<String, Object>> breakers) {
        this.breakers = breakers;
    }

    /** The model J-Prime serves (id and version; null while none is), which the report includes. */
    public void watchModel(Supplier<Map<String, Object>> model) {
        this.model = model;
    }

    public Map<String, Object> report() {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", null);
        body.put("role", role.id());
        body.put("service_name", role.serviceName());
        body.put("version", version);
        body.put("pid", ProcessHandle.current().pid());
        body.put("uptime_s", Math.round((System.nanoTime() - startedAtNanos) / 1e7) / 100.0);
        if (broker != null) {
            String state = broker.state();
            if (!"started".equals(state)) {
                problems.add("broker is " + state);
            }
            body.put("broker", Map.of("state", state, "urls", broker.urls()));
        }
        Map<String, Map<String, Object>> supervised = services.get();
        if (!supervised.isEmpty()) {
            Map<String, Object> states = new LinkedHashMap<>();
            supervised.forEach((name, view) -> {
                states.put(name, view.get("state"));
                if ("failed".equals(view.get("state"))) {
                    warnings.add(name + " failed: " + view.get("reason"));
                }
            });
            body.put("services", states);
        }
        if (database != null) {
            Map<String, Object> db = database.get();
            if (!"open".equals(db.get("state"))) {
                warnings.add("training database: " + db.get("error"));
            }
            body.put("db", db);
        }
        if (model != null) {
            body.put("model", model.get());
        }
        if (breakers != null) {
            body.put("breakers", breakers.get());
        }
        body.put("system", system(warnings));
        String status = !problems.isEmpty() ? "critical" : !warnings.isEmpty() ? "degraded" : "healthy";
        body.put("status", status);
        problems.addAll(warnings);
        body.put("reasons", problems);
        return body;
    }

    private Map<String, Object> system(List<String> warnings) {
        Map<String, Object> system = new LinkedHashMap<>();
        double cpu = os.getCpuLoad();
        system.put("cpu_pct", cpu < 0 || Double.isNaN(cpu) ? null : round(cpu * 100));
        long total = os.getTotalMemorySize();
        long free = os.getFreeMemorySize();
        double memPct = total > 0 ? round(100.0 * (total - free) / total) : 0;
        system.put("mem_pct", memPct);
        system.put("mem_free_bytes", free);
        if (memPct > HIGH_MEMORY_PCT) {
            warnings.add("memory " + memPct + "% used");
        }
        try {
            FileStore store = Files.getFileStore(home);
            long usable = store.getUsableSpace();
            system.put("disk_free_bytes", usable);
            if (usable < store.getTotalSpace() * LOW_DISK_FRACTION) {
                warnings.add("less than 5% disk free under " + home);
            }
        } catch (IOException e) {
            system.put("disk_free_bytes", null);
            warnings.add("cannot read free disk space of " + home);
        }
        return system;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
