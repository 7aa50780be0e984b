package ai.jarvis.trinity.registry;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.WaitParameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The registry as the REST API and the {@code trinity.registry} broker address offer it: JSON in, entries out,
 * bad input refused with a 400 that says what is wrong.
 */
public final class RegistryApi {

    private final ServiceRegistry registry;
    private final Duration maxWait;
    private final ObjectMapper json = new ObjectMapper();

    public RegistryApi(ServiceRegistry registry, Duration maxWait) {
        this.registry = registry;
        this.maxWait = maxWait;
    }

    public List<ServiceEntry> list(String all) {
        return registry.list("true".equalsIgnoreCase(all));
    }

    /** The service, waiting for it up to {@code wait} (capped) when given; 404 when it is not there. */
    public ServiceEntry get(String name, String wait) {
        ServiceRegistry.checkName(name);
        Duration patience = wait == null ? Duration.ZERO : WaitParameter.parse("wait", wait, maxWait);
        return registry.waitFor(name, patience)
                .orElseThrow(() -> ApiException.notFound("unknown service", name));
    }


    public ServiceEntry register(String name, String body) {
        ServiceEntry entry = body == null || body.isBlank() ? new ServiceEntry() : parse(body, ServiceEntry.class);
        if (entry.serviceName != null && !entry.serviceName.equals(name)) {
            throw ApiException.badRequest("name mismatch", "the body names '" + entry.serviceName + "', the path '" + name + "'");
        }
        entry.serviceName = name;
        return registry.register(entry);
    }

    public ServiceEntry heartbeat(String name, String body) {
        String status = null;
        if (body != null && !body.isBlank()) {
            JsonNode node = parse(body, JsonNode.class);
            if (!node.isObject()) {
                throw ApiException.badRequest("invalid body", "expected a JSON object such as {\"status\": \"healthy\"}");
            }
            status = node.hasNonNull("status") ? node.get("status").asText() : null;
        }
        return registry.heartbeat(name, status);
    }

    public Map<String, Object> deregister(String name) {
        if (!registry.deregister(name)) {
            throw ApiException.notFound("unknown service", name);
        }
        return Map.of("deregistered", name);
    }

    /**
     * One message on {@code trinity.registry}: {@code {"op": "register"|"heartbeat"|"deregister",
     * "service_name": ..., ...entry fields}}.
     */
    public Object handleMessage(String body) {
        JsonNode message = parse(body, JsonNode.class);
        if (!message.isObject() || !message.hasNonNull("op") || !message.hasNonNull("service_name")) {
            throw ApiException.badRequest("invalid registry message", "expected {\"op\": ..., \"service_name\": ...}");
        }
        String op = message.get("op").asText();
        String name = message.get("service_name").asText();
        ((ObjectNode) message).remove("op");
        switch (op) {
            case "register": return register(name, message.toString());
            case "heartbeat": return heartbeat(name, message.toString());
            case "deregister": return registry.deregister(name);
            default: throw ApiException.badRequest("invalid registry message", "op must be register, heartbeat or deregister, not '" + op + "'");
        }
    }

    private <T> T parse(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (InvalidFormatException e) {
            throw ApiException.badRequest("invalid field", e.getPath().isEmpty() ? e.getOriginalMessage()
                    : e.getPath().get(e.getPath().size() - 1).getFieldName() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        }
    }
}
