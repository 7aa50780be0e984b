package ai.jarvis.trinity.serving;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;

/** The body of {@code POST /api/generate}: {@code {"prompt": "..."}} and nothing else, or a 400 that says why not. */
final class PromptRequest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PromptRequest() {
    }

    static String prompt(String body, int maxLength) {
        JsonNode request;
        try {
            request = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw ApiException.badRequest("invalid body", "the body must be a JSON object {\"prompt\": \"...\"}");
        }
        for (Iterator<String> fields = request.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!"prompt".equals(field)) {
                throw ApiException.badRequest("unknown field", "'" + field + "' (the only field is 'prompt')");
            }
        }
        JsonNode prompt = request.path("prompt");
        if (!prompt.isTextual()) {
            throw ApiException.badRequest("invalid prompt", "'prompt' must be a string");
        }
        String text = prompt.textValue();
        if (text.isBlank()) {
            throw ApiException.badRequest("empty prompt", "'prompt' must not be empty or blank");
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            throw ApiException.badRequest("prompt too long", length + " characters, at most " + maxLength
                    + " (TRINITY_MAX_PROMPT_LENGTH)");
        }
        return text;
    }
}
