package ai.jarvis.trinity.resilience;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.config.Settings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.resilience4j.ResilienceConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's circuit breakers: every {@code circuitBreaker} of the routes takes the thresholds of trinity.breaker.*
 * (bound as Camel's default resilience4j configuration) and lives in this one registry, named by the EIP's id. Each
 * state transition is one log line and an event {@code trinity.events.breaker.<name>.<state>}; /api/health shows the
 * states; {@link #fallback} is the answer of a call a breaker did not let through or that failed.
 */
public final class Breakers {

    private static final Logger LOG = LoggerFactory.getLogger(Breakers.class);

    private final BreakerSettings settings;
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();
    private final BiConsumer<String, Object> publish;
    private final Clock clock;

    Breakers(BreakerSettings settings, BiConsumer<String, Object> publish, Clock clock) {
        this.settings = settings;
        this.publish = publish;
        this.clock = clock;
        registry.getEventPublisher().onEntryAdded(added -> watch(added.getAddedEntry()));
    }

    public static Breakers of(Settings settings, BiConsumer<String, Object> publish) {
        return new Breakers(BreakerSettings.of(settings), publish, Clock.systemUTC());
    }

    /**
     * Camel's resilience4j EIP finds the registry by its type (it must be the only one) and the configuration by the
     * default id; {@code breakers} is this object for the fallbacks.
     */
    public void bindTo(CamelContext context) {
        context.getRegistry().bind("breakers", this);
        context.getRegistry().bind("breakerRegistry", registry);
        context.getRegistry().bind(ResilienceConstants.DEFAULT_RESILIENCE_CONFIGURATION_ID, settings.toCamel());
    }

    private void watch(CircuitBreaker breaker) {
        breaker.getEventPublisher().onStateTransition(this::transitioned);
    }

    private void transitioned(CircuitBreakerOnStateTransitionEvent transition) {
        String name = transition.getCircuitBreakerName();
        CircuitBreaker.State from = transition.getStateTransition().getFromState();
        CircuitBreaker.State to = transition.getStateTransition().getToState();
        if (to == CircuitBreaker.State.OPEN) {
            openedAt.put(name, clock.instant());
        }
        CircuitBreaker breaker = registry.circuitBreaker(name);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", to.name().toLowerCase());
        event.put("breaker", name);
        event.put("state", to.name());
        event.put("previous_state", from.name());
        event.putAll(metrics(breaker));
        event.put("retry_after_s", retryAfterSeconds(name, to));
        event.put("ts", clock.millis() / 1000.0);
        if (to == CircuitBreaker.State.OPEN) {
            LOG.warn("Circuit breaker {} opened ({} of {} recent calls failed): calls refused for {} s", name,
                    breaker.getMetrics().getNumberOfFailedCalls(), breaker.getMetrics().getNumberOfBufferedCalls(),
                    settings.waitSeconds);
        } else {
            LOG.info("Circuit breaker {}: {} -> {}", name, from, to);
        }
        publish.accept("breaker." + name + "." + to.name().toLowerCase(), event);
    }

    /** name -> state, failure rate and call counts, for /api/health. */
    public Map<String, Object> health() {
        Map<String, Object> states = new TreeMap<>();
        registry.getAllCircuitBreakers().forEach(breaker -> {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("state", breaker.getState().name());
            state.putAll(metrics(breaker));
            states.put(breaker.getName(), state);
        });
        return states;
    }

    private static Map<String, Object> metrics(CircuitBreaker breaker) {
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        Map<String, Object> values = new LinkedHashMap<>();
        float rate = metrics.getFailureRate();
        // resilience4j reports -1 until the breaker has seen its minimum number of calls.
        values.put("failure_rate", rate < 0 ? null : Math.round(rate * 10) / 10.0);
        values.put("buffered_calls", metrics.getNumberOfBufferedCalls());
        values.put("failed_calls", metrics.getNumberOfFailedCalls());
        values.put("not_permitted_calls", metrics.getNumberOfNotPermittedCalls());
        return values;
    }

    /**
     * The fallback of breaker {@code name} guarding {@code service}: 503 with a Retry-After header and
     * {@code {"error": "<service> unavailable", "detail": {"breaker", "state", "retry_after_s", "reason"}}}. The
     * reason is the failure of the call when it failed; a call the breaker refused, or abandoned at the time limit,
     * has none.
     */
    public Map<String, Object> fallback(String service, String name, Exchange exchange) {
        CircuitBreaker.State state = registry.circuitBreaker(name).getState();
        long retryAfter = retryAfterSeconds(name, state);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("breaker", name);
        detail.put("state", state.name());
        detail.put("retry_after_s", retryAfter);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure != null) {
            detail.put("reason", rootMessage(failure));
        } else if (state == CircuitBreaker.State.CLOSED) {
            detail.put("reason", "no answer within " + settings.callTimeout.toMillis() / 1000.0 + " s");
        }
        return unavailable(exchange, service, retryAfter, detail);
    }

    /** 503 {"error": "<service> unavailable", "detail": ...} with Retry-After, for the routes' explicit fallbacks. */
    public static Map<String, Object> unavailable(Exchange exchange, String service, long retryAfterSeconds,
                                                  Map<String, Object> detail) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader("Retry-After", retryAfterSeconds);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", service + " unavailable");
        body.put("detail", detail);
        return body;
    }

    /** Open: the rest of the wait; half-open (trial calls under way) or closed (one call failed): a second. */
    private long retryAfterSeconds(String name, CircuitBreaker.State state) {
        if (state != CircuitBreaker.State.OPEN) {
            return 1;
        }
        Instant opened = openedAt.getOrDefault(name, clock.instant());
        Duration left = Duration.ofSeconds(settings.waitSeconds).minus(Duration.between(opened, clock.instant()));
        return Math.max(1, (left.toMillis() + 999) / 1000);
    }
}
