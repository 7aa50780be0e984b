package ai.jarvis.trinity.ipc;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.util.PrintableText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of trinity.rpc.&lt;service&gt; and trinity.query.&lt;service&gt; (routes/common/rpc.yaml):
 * {@code {"method": ..., "params": {...}}} becomes {@code {"result": ...}} or {@code {"error": {"code", "message"}}}.
 * Whatever the request or the method does, the answer is a reply, and a refused or failed request is one log line.
 */
public final class RpcServer {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String serviceName;
    private final RpcMethods methods;

    public RpcServer(String serviceName, RpcMethods methods) {
        this.serviceName = serviceName;
        this.methods = methods;
    }

    /** The name this process answers under: its queues are trinity.rpc.&lt;name&gt; and trinity.query.&lt;name&gt;. */
    public String serviceName() {
        return serviceName;
    }

    /** The reply to one request body, as JSON text. */
    public String answer(String body) {
        String method = null;
        try {
            JsonNode request = parse(body);
            method = request.path("method").asText();
            RpcMethods.Entry entry = methods.find(method).orElseThrow(() -> new RpcError(RpcError.METHOD_NOT_FOUND,
                    "unknown method '" + shown(request.path("method").asText()) + "' (" + serviceName + " has "
                            + methods.names() + ")"));
            RpcParams params = params(request.path("params"), entry);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("result", entry.method().call(params));
            return JSON.writeValueAsString(reply);
        } catch (RpcError e) {
            LOG.warn("RPC {} refused: {}", method == null ? "request" : shown(method),
                    PrintableText.of(e.getMessage()));
            return error(e.code(), e.getMessage());
        } catch (ApiException e) {
            // The methods reuse the REST API's beans: their 400s are the caller's bad params here.
            int code = e.status() == 400 ? RpcError.INVALID_PARAMS : RpcError.METHOD_FAILED;
            LOG.warn("RPC {} refused: {}", method, PrintableText.of(e.getMessage()));
            return error(code, e.getMessage());
        } catch (Exception e) {
            LOG.warn("RPC {} failed: {}", method, PrintableText.of(rootMessage(e)));
            return error(RpcError.METHOD_FAILED, rootMessage(e));
        }
    }

    private static JsonNode parse(String body) {
        JsonNode request;
        try {
            request = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new RpcError(RpcError.PARSE_ERROR, "the request is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || request.isMissingNode()) {
            throw new RpcError(RpcError.PARSE_ERROR, "the request is empty");
        }
        if (!request.isObject() || !request.path("method").isTextual() || request.path("method").asText().isEmpty()) {
            throw new RpcError(RpcError.INVALID_REQUEST,
                    "a request is an object {\"method\": \"<name>\", \"params\": {...}} (params optional)");
        }
        return request;
    }

    private static RpcParams params(JsonNode params, RpcMethods.Entry entry) {
        if (params.isMissingNode() || params.isNull()) {
            return new RpcParams(JSON.createObjectNode());
        }
        if (!params.isObject()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "params must be an object");
        }
        for (Iterator<String> names = params.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!entry.params().contains(name)) {
                throw new RpcError(RpcError.INVALID_PARAMS, "unknown parameter '" + name + "' (this method takes "
                        + (entry.params().isEmpty() ? "none" : entry.params()) + ")");
            }
        }
        return new RpcParams(params);
    }

    /** A name from a request, as it may appear in a log line or a message. */
    private static String shown(String name) {
        return PrintableText.of(name.length() > 64 ? name.substring(0, 64) + "..." : name);
    }

    private static String error(int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        try {
            return JSON.writeValueAsString(Map.of("error", error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
