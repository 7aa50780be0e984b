package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reply to every kind of request body, and to methods that fail or return nothing. */
class RpcServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RpcServer server = new RpcServer("test-service", new RpcMethods()
            .add("echo", List.of("text"), params -> Map.of("text", params.text("text").orElse("")))
            .add("nothing", List.of(), params -> null)
            .add("explode", List.of(), params -> {
                throw new IllegalStateException("disk on fire");
            }));

    @Test
    void aMethodsResultIsTheReply() throws IOException {
        assertThat(reply("{\"method\": \"echo\", \"params\": {\"text\": \"hi\"}}").path("result").path("text").asText())
                .isEqualTo("hi");
        JsonNode nothing = reply("{\"method\": \"nothing\"}");
        assertThat(nothing.has("result")).isTrue();
        assertThat(nothing.path("result").isNull()).isTrue();
    }

    @Test
    void aFailingMethodIsAnErrorReplyWithItsCause() throws IOException {
        JsonNode error = reply("{\"method\": \"explode\"}").path("error");
        assertThat(error.path("code").asInt()).isEqualTo(RpcError.METHOD_FAILED);
        assertThat(error.path("message").asText()).isEqualTo("disk on fire");
    }

    @Test
    void badRequestsGetJsonRpcCodes() throws IOException {
        assertThat(code(null)).isEqualTo(RpcError.PARSE_ERROR);
        assertThat(code("")).isEqualTo(RpcError.PARSE_ERROR);
        assertThat(code("{\"method\": ")).isEqualTo(RpcError.PARSE_ERROR);
        assertThat(code("42")).isEqualTo(RpcError.INVALID_REQUEST);
        assertThat(code("{\"method\": 7}")).isEqualTo(RpcError.INVALID_REQUEST);
        assertThat(code("{\"method\": \"launch\"}")).isEqualTo(RpcError.METHOD_NOT_FOUND);
        assertThat(code("{\"method\": \"echo\", \"params\": [\"hi\"]}")).isEqualTo(RpcError.INVALID_PARAMS);
        assertThat(code("{\"method\": \"echo\", \"params\": {\"text\": 5}}")).isEqualTo(RpcError.INVALID_PARAMS);
        assertThat(code("{\"method\": \"echo\", \"params\": {\"txt\": \"hi\"}}")).isEqualTo(RpcError.INVALID_PARAMS);
    }

    private JsonNode reply(String body) throws IOException {
        return JSON.readTree(server.answer(body));
    }

    private int code(String body) throws IOException {
        return reply(body).path("error").path("code").asInt();
    }
}
