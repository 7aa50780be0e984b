package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.ipc.InvalidMessageException;
import ai.jarvis.trinity.training.Experience;
import ai.jarvis.trinity.training.InvalidDatasetException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/**
 * One experience as the pipeline carries it: a JSON object checked by {@link Experience#from} (input, output, reward;
 * every other field kept) that always has an {@code id}, written as one line of JSON text.
 */
final class ExperienceJson {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final int MAX_ID_LENGTH = 256;

    private ExperienceJson() {
    }

    /** The JSON object a text holds, or the reason it is not one. */
    static ObjectNode parse(String text) {
        JsonNode node;
        try {
            node = text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException("not JSON: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "));
        }
        if (node == null) {
            throw new InvalidMessageException("empty message: an experience is a JSON object");
        }
        return object(node);
    }

    static ObjectNode object(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidMessageException("an experience is a JSON object, found " + describe(node));
        }
        return (ObjectNode) node;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name();
        };
    }

    /**
     * The experience checked (the reason in an {@link InvalidMessageException}, prefixed by {@code where}), its id
     * its own or the one {@code idIfNone} gives, as one line of JSON text.
     */
    static Identified identify(ObjectNode object, Supplier<String> idIfNone, String where) {
        Experience experience;
        try {
            experience = Experience.from(object, where);
        } catch (InvalidDatasetException e) {
            throw new InvalidMessageException(e.getMessage());
        }
        String id = experience.id() != null ? experience.id() : idIfNone.get();
        if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw new InvalidMessageException(where + ": 'id' must have 1 to " + MAX_ID_LENGTH + " characters");
        }
        ObjectNode line = JSON.createObjectNode().put("id", id);
        object.properties().forEach(field -> {
            if (!"id".equals(field.getKey())) {
                line.set(field.getKey(), field.getValue());
            }
        });
        try {
            return new Identified(id, JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An experience with its id, and its JSON text (which holds the id too). */
    record Identified(String id, String json) {
    }
}
