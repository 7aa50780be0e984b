package ai.jarvis.trinity.api;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * What {@code GET /api/health/ready} reports: whether this process can do its work now, for orchestrators that
 * send it traffic only then. Each check names the state it must be in; any other state makes the process not ready
 * (503) and is given as the reason.
 */
public final class Readiness {

    public static final String UP = "up";
    public static final String STARTED = "started";

    private final Map<String, Check> checks = new LinkedHashMap<>();

    private record Check(String readyState, Supplier<String> state) {
    }

    /** The check {@code name} passes when {@code state} gives {@code readyState}. */
    public Readiness require(String name, String readyState, Supplier<String> state) {
        checks.put(name, new Check(readyState, state));
        return this;
    }

    /** {"status": "ready" | "not ready", "checks": {name: state}, "reasons": ["<name>: <state>", ...]}. */
    public Map<String, Object> report() {
        Map<String, Object> states = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        checks.forEach((name, check) -> {
            String state;
            try {
                state = check.state().get();
            } catch (RuntimeException e) {
                state = "error: " + rootMessage(e);
            }
            states.put(name, state);
            if (!check.readyState().equals(state)) {
                reasons.add(name + ": " + state);
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reasons.isEmpty() ? "ready" : "not ready");
        body.put("checks", states);
        body.put("reasons", reasons);
        return body;
    }

    /** "started" once Camel and every route are, else which are not. */
    public static String routes(CamelContext context) {
        if (!context.isStarted()) {
            return "camel is " + context.getStatus().name().toLowerCase();
        }
        List<String> notStarted = context.getRoutes().stream()
                .map(Route::getRouteId)
                .filter(id -> context.getRouteController().getRouteStatus(id) != ServiceStatus.Started)
                .collect(Collectors.toList());
        return notStarted.isEmpty() ? STARTED : "not started: " + String.join(", ", notStarted);
    }

    /** "up" when a connection to the broker can be had from {@code connections} (a pool: usually no new one). */
    public static String broker(ConnectionFactory connections) {
        try (Connection connection = connections.createConnection()) {
            return UP;
        } catch (JMSException | RuntimeException e) {
            return "unreachable: " + rootMessage(e);
        }
    }
}
