package ai.jarvis.trinity.serving;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.resilience.Breakers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The hub's side of {@code POST /api/generate} (routes/generate.yaml): the same prompt check as J-Prime's, J-Prime's
 * address from the service registry, and which of J-Prime's answers count as its failure.
 */
public final class PrimeProxy {

    public static final String SERVICE = "jarvis-prime";
    private static final Set<String> AVAILABLE = Set.of("healthy", "degraded");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceRegistry registry;
    private final int maxPromptLength;
    private final String apiToken;
    private final long registryRetryAfterSeconds;

    /**
     * {@code apiToken}: the token J-Prime requires when the hub has one (children are given the hub's), else null.
     * {@code registryRetryAfterSeconds}: how soon a missing or unhealthy J-Prime may be registered again (a heartbeat).
     */
    public PrimeProxy(ServiceRegistry registry, int maxPromptLength, String apiToken, long registryRetryAfterSeconds) {
        this.registry = registry;
        this.maxPromptLength = maxPromptLength;
        this.apiToken = apiToken;
        this.registryRetryAfterSeconds = registryRetryAfterSeconds;
    }

    /** The body unchanged if J-Prime would take it, else the 400 J-Prime would answer. */
    public String checkPrompt(String body) {
        PromptRequest.prompt(body, maxPromptLength);
        return body;
    }

    /** Where J-Prime answers: a registered, fresh, healthy or degraded entry; null when there is none. */
    public String url() {
        return available().map(PrimeProxy::baseUrl).orElse(null);
    }

    private Optional<ServiceEntry> available() {
        return registry.discover(SERVICE).filter(entry -> AVAILABLE.contains(entry.status) && entry.port != null);
    }

    private static String baseUrl(ServiceEntry entry) {
        Object url = entry.metadata == null ? null : entry.metadata.get("url");
        String base = url instanceof String && !((String) url).isBlank() ? (String) url
                : "http://" + entry.address + ":" + entry.port;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The hub's token for J-Prime, or null when the API has none. */
    public String authorization() {
        return apiToken == null ? null : "Bearer " + apiToken;
    }

    /** 503 without a call: J-Prime is not registered, its heartbeat is stale, or it says it is not healthy. */
    public Map<String, Object> notAvailable(Exchange exchange) {
        Map<String, Object> detail = new LinkedHashMap<>();
        Optional<ServiceEntry> entry = registry.entry(SERVICE);
        detail.put("reason", entry.isEmpty() ? SERVICE + " is not registered"
                : registry.isStale(entry.get()) ? SERVICE + " has not sent a heartbeat in time"
                : SERVICE + " is " + entry.get().status);
        detail.put("retry_after_s", registryRetryAfterSeconds);
        return Breakers.unavailable(exchange, SERVICE, registryRetryAfterSeconds, detail);
    }

    /**
     * J-Prime answered. 2xx and 4xx pass through as they are and count as calls that worked (J-Prime is there and
     * judged the request), and so does its 503 "no model": J-Prime is up, only waiting for its first model, and an
     * open breaker would keep answering 503 for the whole wait after the model arrived. Any other 5xx is J-Prime
     * failing: it counts against the breaker and the fallback answers.
     */
    public void checkAnswer(Integer status, String body) {
        int code = status == null ? 500 : status;
        if (code < 500 || code == 503 && "no model".equals(errorOf(body))) {
            return;
        }
        throw new ApiException(502, SERVICE + " failed", SERVICE + " answered " + code + ": " + body);
    }

    private static String errorOf(String body) {
        try {
            JsonNode answer = JSON.readTree(body == null ? "" : body);
            return answer == null ? null : answer.path("error").asText(null);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
