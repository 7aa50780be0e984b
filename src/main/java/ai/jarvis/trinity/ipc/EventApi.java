package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;

/** The event bus over REST: what may be published, and the hub's recent events. */
public final class EventApi {

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final EventWindow window;

    public EventApi(EventWindow window) {
        this.window = window;
    }

    /**
     * The event to publish on {@code trinity.events.<topic>}: a JSON object, or a 400 that says what is wrong. Bound
     * by annotation: a parameter given as {@code ${...}} in the route loses its enclosing quotes ({@code "x"}).
     */
    public JsonNode event(@Header("topic") String topic, @Body String body) {
        try {
            TopicPattern.requireTopic(topic);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid topic", e.getMessage());
        }
        JsonNode event;
        try {
            event = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        }
        if (event == null || !event.isObject()) {
            throw ApiException.badRequest("invalid body", "an event is a JSON object, such as {\"step\": 3}");
        }
        return event;
    }

    public Map<String, String> accepted(String topic) {
        return Map.of("topic", topic);
    }

    /** {@code GET /api/events/recent[?topics=training.#,model.#][&after=<id>]}: held events, oldest first. */
    public List<BusEvent> recent(String topics, String after) {
        return window.after(after == null || after.isBlank() ? Long.MIN_VALUE : eventId(after), patterns(topics)).events();
    }

    /** Comma-separated topic patterns, {@code #} (everything) when none are given; 400 for a bad one. */
    public static List<TopicPattern> patterns(String topics) {
        try {
            return TopicPattern.parseList(topics == null || topics.isBlank() ? "#" : topics);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid topics", e.getMessage());
        }
    }

    public static long eventId(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid event id", "'" + text + "' is not an event id");
        }
    }
}
