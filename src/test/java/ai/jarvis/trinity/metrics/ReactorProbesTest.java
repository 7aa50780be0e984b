package ai.jarvis.trinity.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics and the probes of a role other than the hub: a reactor, whose broker is the hub's, over TCP. */
class ReactorProbesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private TrinityNode hub;
    private TrinityNode reactor;

    @AfterEach
    void stop() {
        if (reactor != null) {
            reactor.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aReactorServesMetricsAndIsReadyOnlyWhileItReachesTheBroker() throws Exception {
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(home));
        reactor = TrinityNode.start(Role.REACTOR, TestHomes.settings(home, Map.of(
                "TRINITY_BROKER_URL", hub.brokerUrls().get("core"))));

        HttpResponse<String> metrics = Http.get(reactor.httpPort(), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        PrometheusText parsed = PrometheusText.parse(metrics.body());
        assertThat(parsed.value("trinity_info", Map.of("role", "reactor"))).hasValue(1);
        assertThat(parsed.types).containsKeys("camel_exchanges_total", "jvm_memory_used_bytes")
                .doesNotContainKeys("trinity_service_state", "artemis_message_count");

        assertThat(Http.get(reactor.httpPort(), "/api/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = Http.get(reactor.httpPort(), "/api/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("checks")).isEqualTo(JSON.readTree(
                "{\"broker\": \"up\", \"routes\": \"started\"}"));

        hub.close();
        hub = null;
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(reactor.httpPort(), "/api/health/ready").statusCode() == 503);
        JsonNode notReady = JSON.readTree(Http.get(reactor.httpPort(), "/api/health/ready").body());
        assertThat(notReady.path("checks").path("broker").asText()).startsWith("unreachable: ");
        assertThat(Http.get(reactor.httpPort(), "/api/health/live").statusCode()).isEqualTo(200);
    }
}
