package ai.jarvis.trinity.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The {@code params} of one request, read by name; a value of the wrong type is an invalid-params error. */
public final class RpcParams {

    private final JsonNode params;

    RpcParams(JsonNode params) {
        this.params = params;
    }

    /** A text parameter; empty when absent or null. */
    public Optional<String> text(String name) {
        JsonNode value = params.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "'" + name + "' must be a string");
        }
        return Optional.of(value.asText());
    }

    /** A whole-number parameter; empty when absent or null. */
    public Optional<Integer> integer(String name) {
        JsonNode value = params.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "'" + name + "' must be a whole number");
        }
        return Optional.of(value.asInt());
    }
}
