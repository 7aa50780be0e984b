package ai.jarvis.trinity.models;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;

/** The optional body of deploy and rollback: nothing, {@code {}} or {@code {"version": n}}; a 400 that says why not. */
final class VersionRequest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private VersionRequest() {
    }

    /** The version asked for; null when the body names none. */
    static Integer version(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw ApiException.badRequest("invalid body", "the body must be a JSON object {\"version\": n}, or empty");
        }
        for (Iterator<String> fields = request.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!"version".equals(field)) {
                throw ApiException.badRequest("unknown field", "'" + field + "' (the only field is 'version')");
            }
        }
        JsonNode version = request.path("version");
        if (version.isMissingNode() || version.isNull()) {
            return null;
        }
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 1) {
            throw ApiException.badRequest("invalid version", "'version' must be a whole number from 1");
        }
        return version.asInt();
    }
}
