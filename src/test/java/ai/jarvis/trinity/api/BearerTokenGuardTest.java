package ai.jarvis.trinity.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With TRINITY_API_TOKEN set, the REST API answers only requests that carry it. */
class BearerTokenGuardTest {

    @TempDir
    Path home;

    @Test
    void theApiRequiresTheTokenWhenOneIsConfigured() {
        try (TrinityNode hub = TrinityNode.start(Role.HUB,
                TestHomes.settings(home, Map.of("TRINITY_API_TOKEN", "s3cret-token")))) {
            HttpResponse<String> anonymous = Http.get(hub.httpPort(), "/api/health");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"error\":\"unauthorized\"");

            assertThat(Http.get(hub.httpPort(), "/api/health", "Authorization", "Bearer wrong").statusCode())
                    .isEqualTo(401);
            assertThat(Http.get(hub.httpPort(), "/api/health", "Authorization", "Bearer s3cret-token").statusCode())
                    .isEqualTo(200);
        }
    }
}
