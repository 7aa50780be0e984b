package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code --json} option of the commands that list something: the hub's JSON instead of a table. */
final class JsonOutput {

    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "print JSON (as the hub's API answers it) instead of a table")
    boolean json;

    static void print(PrintWriter out, JsonNode value) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        out.flush();
    }

    /** One JSON value on one line (for streams: JSON lines). */
    static void printLine(PrintWriter out, JsonNode value) {
        out.println(value.toString());
        out.flush();
    }

    /** Text as JSON, or as a JSON string when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
