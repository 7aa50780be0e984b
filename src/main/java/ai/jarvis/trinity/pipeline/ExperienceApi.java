package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.ipc.InvalidMessageException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * POST /api/experiences: one experience, a JSON array of them, or {@code {"experiences": [...]}}. All are checked
 * before any is sent (400 naming the first bad one), and each gets its id: its own, else {@code <Idempotency-Key>:<n>}
 * with a key, else a random UUID.
 */
public final class ExperienceApi {

    static final String IDS = "experience_ids";
    static final String DUPLICATE = "experience_duplicate";
    private static final int MAX_KEY_LENGTH = 200;

    private final EmbeddedBroker broker;

    ExperienceApi(EmbeddedBroker broker) {
        this.broker = broker;
    }

    /**
     * The messages to send: {@code {"json": <the experience>, "duplicate_id": <key>:<n> or null}}; the experiences'
     * ids in the exchange property {@value #IDS}. When the key was used before, the property {@value #DUPLICATE} is
     * true and nothing is to be sent.
     */
    public List<Map<String, String>> read(@Body String body, @Header("Idempotency-Key") String key, Exchange exchange) {
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
            throw ApiException.badRequest("invalid Idempotency-Key", "1 to " + MAX_KEY_LENGTH + " characters");
        }
        List<JsonNode> given = experiences(body);
        List<Map<String, String>> messages = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Map<String, Integer> positions = new HashMap<>();
        for (int n = 1; n <= given.size(); n++) {
            String where = "experience " + n;
            int position = n;
            ExperienceJson.Identified experience;
            try {
                experience = ExperienceJson.identify(ExperienceJson.object(given.get(n - 1)),
                        () -> key == null ? UUID.randomUUID().toString() : key + ":" + position, where);
            } catch (InvalidMessageException e) {
                String reason = e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage();
                throw ApiException.badRequest("invalid experience", reason);
            }
            Integer earlier = positions.putIfAbsent(experience.id(), n);
            if (earlier != null) {
                throw ApiException.badRequest("invalid experience",
                        where + ": id '" + experience.id() + "' is the id of experience " + earlier + " too");
            }
            Map<String, String> message = new HashMap<>();
            message.put("json", experience.json());
            message.put("duplicate_id", key == null ? null : key + ":" + n);
            messages.add(message);
            ids.add(experience.id());
        }
        exchange.setProperty(IDS, ids);
        exchange.setProperty(DUPLICATE, key != null && seen(key + ":1"));
        return messages;
    }

    private static List<JsonNode> experiences(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : ExperienceJson.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        }
        if (root != null && root.isObject() && root.has("experiences")) {
            root = root.get("experiences");
            if (!root.isArray()) {
                throw ApiException.badRequest("invalid body", "'experiences' must be an array of experiences");
            }
        }
        if (root == null || !(root.isArray() || root.isObject())) {
            throw ApiException.badRequest("invalid body", "send an experience {\"input\", \"output\", \"reward\"}, "
                    + "an array of them, or {\"experiences\": [...]}");
        }
        List<JsonNode> experiences = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(experiences::add);
        } else {
            experiences.add(root);
        }
        if (experiences.isEmpty()) {
            throw ApiException.badRequest("empty experience list", "send at least one experience");
        }
        return experiences;
    }

    /** Whether trinity.experiences' duplicate-ID cache holds the id (as a JMS string property stores it). */
    private boolean seen(String duplicateId) {
        ActiveMQServer server = broker.server();
        if (server == null) {
            throw new ApiException(503, "broker unavailable", "the embedded broker is not running");
        }
        return server.getPostOffice().getDuplicateIDCache(SimpleString.of(ExperiencePipeline.ADDRESS))
                .contains(SimpleString.of(duplicateId).getData());
    }

    /** 202 {"accepted": n, "ids": [...]}, or for a key used before 200 {"accepted": 0, "duplicate": true, "ids"}. */
    public Map<String, Object> answer(@ExchangeProperty(IDS) List<String> ids, @ExchangeProperty(DUPLICATE) boolean duplicate,
                                      Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, duplicate ? 200 : 202);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", duplicate ? 0 : ids.size());
        if (duplicate) {
            answer.put("duplicate", true);
        }
        answer.put("ids", ids);
        return answer;
    }
}
