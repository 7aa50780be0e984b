package ai.jarvis.trinity.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One training example: what was asked ({@code input}), what was answered ({@code output}) and how good that answer
 * was ({@code reward}). {@code fields} is the whole original JSON object, metadata included; when it is null (an
 * experience made in code) it is built from the other components. {@code id} may be null.
 */
public record Experience(String id, String input, String output, double reward, ObjectNode fields) {

    public Experience {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (fields == null) {
            fields = JsonNodeFactory.instance.objectNode();
            if (id != null) {
                fields.put("id", id);
            }
            fields.put("input", input).put("output", output).put("reward", reward);
        }
    }

    public static Experience of(String input, String output, double reward) {
        return new Experience(null, input, output, reward, null);
    }

    /**
     * The experience a JSON object describes: {@code input} a non-blank string, {@code output} a string,
     * {@code reward} a finite number, optional {@code id} a string or a number (kept as a string). Otherwise an
     * {@link InvalidDatasetException} whose message is {@code "<where>: <problem>"}.
     */
    public static Experience from(ObjectNode object, String where) {
        String input = requiredString(object, "input", where);
        if (input.isBlank()) {
            throw invalid(where, "'input' is blank");
        }
        String output = requiredString(object, "output", where);
        JsonNode reward = object.get("reward");
        if (reward == null) {
            throw invalid(where, "missing 'reward'");
        }
        if (!reward.isNumber()) {
            throw invalid(where, "'reward' must be a number");
        }
        if (!Double.isFinite(reward.doubleValue())) {
            throw invalid(where, "'reward' must be a finite number");
        }
        return new Experience(id(object, where), input, output, reward.doubleValue(), object);
    }

    private static String requiredString(ObjectNode object, String name, String where) {
        JsonNode value = object.get(name);
        if (value == null) {
            throw invalid(where, "missing '" + name + "'");
        }
        if (!value.isTextual()) {
            throw invalid(where, "'" + name + "' must be a string");
        }
        return value.textValue();
    }

    private static String id(ObjectNode object, String where) {
        JsonNode id = object.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() && !id.isNumber()) {
            throw invalid(where, "'id' must be a string or a number");
        }
        return id.asText();
    }

    private static InvalidDatasetException invalid(String where, String problem) {
        return new InvalidDatasetException(where + ": " + problem);
    }
}
