package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.WaitParameter;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.broker.QueueMessages;
import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.util.PrintableText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The hub's side of {@code POST /api/rpc/{service}/{method}} and {@code POST /api/query/{service}/{method}}
 * (routes/rpc.yaml): checks the call and builds its request, then turns the reply (or its absence) into the answer.
 */
public final class RpcClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METHOD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    private final EmbeddedBroker broker;
    private final Duration defaultTimeout;
    private final Duration maxWait;

    public RpcClient(EmbeddedBroker broker, Duration defaultTimeout, Duration maxWait) {
        this.broker = broker;
        this.defaultTimeout = defaultTimeout;
        this.maxWait = maxWait;
    }

    /**
     * The request for {@code trinity.<channel>.<service>}: 400 for a bad name, body or timeout, 503 when no process
     * consumes the service's queue (answered at once rather than after the timeout).
     */
    public RemoteCall request(String channel, String service, String method, String timeout, String params) {
        ServiceRegistry.checkName(service);
        if (method == null || !METHOD.matcher(method).matches()) {
            throw ApiException.badRequest("invalid method",
                    "1 to 64 characters: letters, digits, '_', '.' or '-', not starting with a digit");
        }
        String destination = "trinity." + channel + "." + service;
        if (new QueueMessages(broker, destination).consumers() == 0) {
            throw new ApiException(503, "no such service", "nothing answers on " + destination);
        }
        ObjectNode request = JSON.createObjectNode().put("method", method);
        request.set("params", params(params));
        return new RemoteCall(destination, method, request.toString(), timeout(timeout).toMillis());
    }

    /** The reply: its result (200); an error reply is 404 (unknown method), 400 (invalid params) or 502. */
    public Map<String, Object> answer(RemoteCall call, String reply) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(reply == null ? "" : reply);
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        if (parsed != null && parsed.has("result")) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("result", parsed.get("result"));
            return answer;
        }
        JsonNode error = parsed == null ? null : parsed.get("error");
        if (error == null || !error.isObject()) {
            throw new ApiException(502, "invalid reply", call.getDestination()
                    + " answered neither a result nor an error: " + PrintableText.of(shorter(reply)));
        }
        switch (error.path("code").asInt()) {
            case RpcError.METHOD_NOT_FOUND -> throw ApiException.notFound("unknown method", error);
            case RpcError.INVALID_PARAMS -> throw ApiException.badRequest("invalid params", error);
            default -> throw new ApiException(502, "remote error", error);
        }
    }

    /** No reply within the timeout: 504. */
    public void timedOut(RemoteCall call) {
        throw new ApiException(504, "timeout", "no reply from " + call.getDestination() + " to " + call.getMethod()
                + " within " + call.getTimeoutMillis() + " ms");
    }

    private static JsonNode params(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode params;
        try {
            params = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid params", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (!params.isObject()) {
            throw ApiException.badRequest("invalid params",
                    "the body must be a JSON object (the method's params), or empty");
        }
        return params;
    }

    /** {@code ?timeout=} (500ms, 2s, ...), TRINITY_RPC_TIMEOUT when absent, never more than TRINITY_MAX_WAIT. */
    private Duration timeout(String timeout) {
        if (timeout == null) {
            return defaultTimeout.compareTo(maxWait) > 0 ? maxWait : defaultTimeout;
        }
        Duration asked = WaitParameter.parse("timeout", timeout, maxWait);
        if (asked.isZero()) {
            throw ApiException.badRequest("invalid timeout", "the timeout must be more than 0");
        }
        return asked;
    }

    private static String shorter(String text) {
        return text == null ? "nothing" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
