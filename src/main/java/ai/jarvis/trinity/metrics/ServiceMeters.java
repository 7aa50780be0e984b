package ai.jarvis.trinity.metrics;

import ai.jarvis.trinity.supervisor.Supervisor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * The supervised services of services.yaml (fixed while the hub runs): restarts, uptime and state. The state is a
 * state set, one series per state of which the current one is 1 and the others 0, so that
 * {@code trinity_service_state{state="failed"} == 1} selects the failed services.
 */
final class ServiceMeters {

    private final Supervisor supervisor;
    private volatile Map<String, Map<String, Object>> views;

    ServiceMeters(Supervisor supervisor, MeterRegistry registry) {
        this.supervisor = supervisor;
        this.views = supervisor.views();
        for (String service : views.keySet()) {
            FunctionCounter.builder("trinity.service.restarts", supervisor, s -> s.restartsSinceHubStart(service))
                    .description("Processes started for the service after its first one (healing restarts and restarts "
                            + "or starts by hand) since the hub started")
                    .tag("service", service)
                    .register(registry);
            Gauge.builder("trinity.service.consecutive.restarts", () -> number(service, "restarts"))
                    .description("Restarts in a row without staying healthy for restart.reset.after; the service is "
                            + "given up at max.restart.attempts")
                    .tag("service", service)
                    .register(registry);
            Gauge.builder("trinity.service.uptime", () -> number(service, "uptime_s"))
                    .description("Seconds the service's current process has been running; 0 while it is not running")
                    .baseUnit("seconds")
                    .tag("service", service)
                    .register(registry);
            for (String state : Supervisor.stateNames()) {
                Gauge.builder("trinity.service.state", () -> state.equals(field(service, "state")) ? 1 : 0)
                        .description("1 for the state the service is in, 0 for the others")
                        .tags("service", service, "state", state)
                        .register(registry);
            }
        }
    }

    /** One look at the supervisor per scrape, for all of its meters. */
    void refresh() {
        views = supervisor.views();
    }

    private Object field(String service, String name) {
        Map<String, Object> view = views.get(service);
        return view == null ? null : view.get(name);
    }

    private double number(String service, String name) {
        Object value = field(service, name);
        return value instanceof Number ? ((Number) value).doubleValue() : 0;
    }
}
