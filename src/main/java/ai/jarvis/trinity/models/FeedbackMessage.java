package ai.jarvis.trinity.models;

import ai.jarvis.trinity.ipc.InvalidMessageException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * A message of the feedback channel (trinity.feedback), checked field by field: J-Prime's usage report of one model
 * version ({@code "kind": "usage"}) or a user's rating of one ({@code "kind": "rating"}). Fields it does not know are
 * kept but not read.
 */
public final class FeedbackMessage {

    public static final String USAGE = "usage";
    public static final String RATING = "rating";
    static final int MAX_COMMENT_LENGTH = 2000;
    static final int MAX_PROMPT_LENGTH = 4000;
    /** What a user may send to POST /api/feedback. */
    static final Set<String> RATING_REQUEST_FIELDS = Set.of("model_id", "version", "rating", "comment", "prompt");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode fields;

    private FeedbackMessage(ObjectNode fields) {
        this.fields = fields;
    }

    /** A message as it arrived on trinity.feedback. */
    public static FeedbackMessage parse(String body) throws InvalidMessageException {
        FeedbackMessage message = new FeedbackMessage(object(body));
        String kind = message.requiredText("kind");
        message.requiredText("model_id");
        switch (kind) {
            case USAGE -> message.checkUsage();
            case RATING -> message.checkRating();
            default -> throw new InvalidMessageException("unknown kind '" + kind + "' (usage or rating)");
        }
        return message;
    }

    /** The body of {@code POST /api/feedback}: only {@link #RATING_REQUEST_FIELDS}, checked as a rating. */
    static FeedbackMessage ratingRequest(String body) throws InvalidMessageException {
        ObjectNode request = object(body);
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RATING_REQUEST_FIELDS.contains(name)) {
                throw new InvalidMessageException("unknown field '" + name + "' (fields: model_id, version, rating, comment, prompt)");
            }
        }
        request.put("kind", RATING);
        FeedbackMessage message = new FeedbackMessage(request);
        message.requiredText("model_id");
        message.checkRating();
        return message;
    }

    private static ObjectNode object(String body) throws InvalidMessageException {
        JsonNode node;
        try {
            node = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidMessageException("the message must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private void checkUsage() throws InvalidMessageException {
        requiredVersion();
        long requests = count("requests");
        long errors = count("errors");
        if (errors > requests) {
            throw new InvalidMessageException("'errors' (" + errors + ") cannot exceed 'requests' (" + requests + ")");
        }
        JsonNode latency = fields.path("latency_ms");
        if (!latency.isMissingNode() && !latency.isNull()) {
            if (!latency.isObject()) {
                throw new InvalidMessageException("'latency_ms' must be an object {p50, p95, p99, max}");
            }
            for (String percentile : new String[] {"p50", "p95", "p99", "max"}) {
                JsonNode value = latency.path(percentile);
                if (!value.isMissingNode() && !value.isNull() && (!value.isNumber() || value.asDouble() < 0)) {
                    throw new InvalidMessageException("'latency_ms." + percentile + "' must be a number of milliseconds");
                }
            }
        }
    }

    private void checkRating() throws InvalidMessageException {
        JsonNode version = fields.path("version");
        if (!version.isMissingNode() && !version.isNull()) {
            requiredVersion();
        }
        JsonNode rating = fields.path("rating");
        if (!rating.isIntegralNumber() || rating.asLong() < 1 || rating.asLong() > 5) {
            throw new InvalidMessageException("'rating' must be a whole number from 1 to 5");
        }
        optionalText("comment", MAX_COMMENT_LENGTH);
        optionalText("prompt", MAX_PROMPT_LENGTH);
    }

    private String requiredText(String name) throws InvalidMessageException {
        JsonNode value = fields.path(name);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidMessageException("'" + name + "' must be a non-empty string");
        }
        return value.asText();
    }

    private void requiredVersion() throws InvalidMessageException {
        JsonNode version = fields.path("version");
        if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() < 1) {
            throw new InvalidMessageException("'version' must be a whole number from 1");
        }
    }

    private long count(String name) throws InvalidMessageException {
        JsonNode value = fields.path(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new InvalidMessageException("'" + name + "' must be a whole number from 0");
        }
        return value.asLong();
    }

    private void optionalText(String name, int maxLength) throws InvalidMessageException {
        JsonNode value = fields.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException("'" + name + "' must be a string");
        }
        String text = value.asText();
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new InvalidMessageException("'" + name + "' is longer than " + maxLength + " characters");
        }
    }

    public String kind() {
        return fields.path("kind").asText();
    }

    public String modelId() {
        return fields.path("model_id").asText();
    }

    /** The model version; null for a rating that names none. */
    public Integer version() {
        JsonNode version = fields.path("version");
        return version.isIntegralNumber() ? version.asInt() : null;
    }

    void version(int version) {
        fields.put("version", version);
    }

    /** The sender's id for the message, if it gave one (redeliveries of one message then count once). */
    public String feedbackId() {
        JsonNode id = fields.path("feedback_id");
        return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
    }

    void feedbackId(String id) {
        fields.put("feedback_id", id);
    }

    String text(String name) {
        JsonNode value = fields.path(name);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    long number(String name) {
        return fields.path(name).asLong();
    }

    Double latency(String percentile) {
        JsonNode value = fields.path("latency_ms").path(percentile);
        return value.isNumber() ? value.asDouble() : null;
    }

    Long samples() {
        JsonNode value = fields.path("samples");
        return value.isIntegralNumber() ? value.asLong() : null;
    }

    ObjectNode fields() {
        return fields;
    }
}
