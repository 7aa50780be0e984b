package ai.jarvis.trinity.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.util.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's POST /api/generate and its circuit breaker, against a real HTTP server on loopback registered as
 * jarvis-prime through the hub's registry API. The server answers like J-Prime, or fails, or hangs, as a test says.
 */
class GenerateProxyTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final double CALL_TIMEOUT_S = 1.5;
    private static final int SLIDING_WINDOW = 4;
    private static final String ANSWER =
            "{\"answer\":\"Paris\",\"model_id\":\"job-1\",\"version\":3,\"similarity\":0.9,\"latency_ms\":0.4}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Mode { ANSWER, NO_MODEL, FAIL, HANG }

    @TempDir
    static Path home;

    private static TrinityNode hub;
    private static int port;
    private static HttpServer prime;
    private static ExecutorService primeThreads;
    private static volatile Mode mode = Mode.ANSWER;
    private static final AtomicInteger primeCalls = new AtomicInteger();
    private static final List<String> primeRequests = new CopyOnWriteArrayList<>();
    private static final CountDownLatch releaseHung = new CountDownLatch(1);
    private static Connection connection;
    private static final List<String> breakerTopics = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(home, Map.of(
                "TRINITY_MAX_PROMPT_LENGTH", "50",
                "TRINITY_BREAKER_MINIMUM_CALLS", "3",
                "TRINITY_BREAKER_SLIDING_WINDOW", Integer.toString(SLIDING_WINDOW),
                "TRINITY_BREAKER_WAIT_DURATION", "2",
                "TRINITY_BREAKER_HALF_OPEN_CALLS", "1",
                "TRINITY_BREAKER_CALL_TIMEOUT", Double.toString(CALL_TIMEOUT_S))));
        port = hub.httpPort();
        primeThreads = Executors.newCachedThreadPool();
        prime = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        prime.setExecutor(primeThreads);
        prime.createContext("/api/generate", GenerateProxyTest::answerLikeJPrime);
        prime.start();
        connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createTopic("trinity.events.breaker.#"));
        consumer.setMessageListener(message -> {
            try {
                breakerTopics.add(message.getStringProperty("topic"));
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        connection.start();
    }

    @AfterAll
    static void stop() throws JMSException {
        releaseHung.countDown();
        if (connection != null) {
            connection.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (prime != null) {
            prime.stop(0);
            primeThreads.shutdownNow();
        }
    }

    private static void answerLikeJPrime(HttpExchange exchange) throws IOException {
        primeCalls.incrementAndGet();
        primeRequests.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                + exchange.getRequestHeaders().containsKey("X-Client-Secret") + " "
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        switch (mode) {
            case ANSWER -> respond(exchange, 200, ANSWER);
            case NO_MODEL -> respond(exchange, 503, "{\"error\":\"no model\",\"detail\":\"J-Prime has not loaded a model yet\"}");
            case FAIL -> respond(exchange, 500, "{\"error\":\"internal error\",\"detail\":\"boom\"}");
            case HANG -> {
                try {
                    releaseHung.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                respond(exchange, 200, ANSWER);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Every test starts from a registered, answering J-Prime and a closed breaker whose window holds successes only. */
    @BeforeEach
    void healthyPrime() {
        mode = Mode.ANSWER;
        registerPrime(prime.getAddress().getPort(), "healthy");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                generate("{\"prompt\": \"capital of France?\"}").statusCode() == 200
                        && "CLOSED".equals(breaker().path("state").asText()));
        for (int i = 0; i < SLIDING_WINDOW; i++) {
            assertThat(generate("{\"prompt\": \"capital of France?\"}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void answersWithJPrimesAnswerAsItIs() throws Exception {
        primeRequests.clear();
        HttpResponse<String> answer = Http.send("POST", port, "/api/generate", "{\"prompt\": \"capital of France?\"}",
                "Content-Type", "application/json", "X-Client-Secret", "s3cret");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree(ANSWER));
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(primeRequests).containsExactly("application/json false {\"prompt\": \"capital of France?\"}");
    }

    @Test
    void refusesPromptsJPrimeWouldRefuseWithoutCallingIt() throws Exception {
        int before = primeCalls.get();
        Map<String, String> refused = Map.of(
                "{\"prompt\": \"\"}", "empty prompt",
                "{\"prompt\": \"   \"}", "empty prompt",
                "{\"prompt\": \"" + "x".repeat(51) + "\"}", "prompt too long",
                "not json", "malformed JSON",
                "{\"prompt\": 7}", "invalid prompt",
                "{\"prompt\": \"hi\", \"temperature\": 1}", "unknown field");
        for (Map.Entry<String, String> request : refused.entrySet()) {
            HttpResponse<String> answer = generate(request.getKey());
            assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).as(request.getKey()).isEqualTo(request.getValue());
        }
        assertThat(primeCalls.get()).isEqualTo(before);
    }

    @Test
    void passesJPrimesNoModelAnswerThroughWithoutCountingItAgainstTheBreaker() throws Exception {
        mode = Mode.NO_MODEL;
        int before = primeCalls.get();
        long started = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> answer = generate("{\"prompt\": \"hi\"}");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("no model");
            assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
        }
        // Asked once each: the HTTP client does not repeat a request J-Prime answered 503.
        assertThat(primeCalls.get() - before).isEqualTo(6);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        JsonNode breaker = breaker();
        assertThat(breaker.path("state").asText()).isEqualTo("CLOSED");
        assertThat(breaker.path("failed_calls").asInt()).isZero();
    }

    @Test
    void answers503WithoutCallingWhenJPrimeIsNotRegisteredOrNotHealthy() throws Exception {
        int before = primeCalls.get();
        assertThat(Http.delete(port, "/api/services/jarvis-prime").statusCode()).isEqualTo(200);
        HttpResponse<String> missing = generate("{\"prompt\": \"hi\"}");
        assertThat(missing.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(missing.body());
        assertThat(body.path("error").asText()).isEqualTo("jarvis-prime unavailable");
        assertThat(body.path("detail").path("reason").asText()).isEqualTo("jarvis-prime is not registered");
        assertThat(missing.headers().firstValue("Retry-After")).hasValue("10");

        registerPrime(prime.getAddress().getPort(), "unhealthy");
        HttpResponse<String> unhealthy = generate("{\"prompt\": \"hi\"}");
        assertThat(unhealthy.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(unhealthy.body()).path("detail").path("reason").asText())
                .isEqualTo("jarvis-prime is unhealthy");
        assertThat(primeCalls.get()).isEqualTo(before);
    }

    @Test
    void answersFromTheFallbackAtOnceWhenJPrimeIsDown() throws Exception {
        registerPrime(FreePorts.pick(InetAddress.getLoopbackAddress()), "healthy");
        long started = System.nanoTime();
        HttpResponse<String> answer = generate("{\"prompt\": \"hi\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(took).isLessThan(Duration.ofMillis((long) (CALL_TIMEOUT_S * 1000)));
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asText()).isEqualTo("jarvis-prime unavailable");
        assertThat(body.path("detail").path("breaker").asText()).isEqualTo("jarvis-prime");
        assertThat(body.path("detail").path("state").asText()).isEqualTo("CLOSED");
        assertThat(body.path("detail").path("retry_after_s").asInt()).isEqualTo(1);
        assertThat(body.path("detail").path("reason").asText()).containsIgnoringCase("refused");
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void aHungJPrimeIsAnsweredWithinTheCallTimeout() throws Exception {
        mode = Mode.HANG;
        long started = System.nanoTime();
        HttpResponse<String> answer = generate("{\"prompt\": \"hi\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(took).isBetween(Duration.ofMillis((long) (CALL_TIMEOUT_S * 1000) - 100),
                Duration.ofMillis((long) (CALL_TIMEOUT_S * 1000) + 3000));
        JsonNode detail = JSON.readTree(answer.body()).path("detail");
        assertThat(detail.path("reason").asText()).isEqualTo("no answer within 1.5 s");
    }

    @Test
    void opensAfterFailuresAndClosesAgainWhenJPrimeRecoversWithoutARestart() throws Exception {
        breakerTopics.clear();
        mode = Mode.FAIL;
        // Four successes in the window: the second failure makes half of the last four calls failed.
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = generate("{\"prompt\": \"hi\"}");
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(failed.body()).path("detail").path("reason").asText()).contains("answered 500");
        }
        JsonNode opened = breaker();
        assertThat(opened.path("state").asText()).isEqualTo("OPEN");
        assertThat(opened.path("failure_rate").asDouble()).isEqualTo(50.0);
        assertThat(opened.path("failed_calls").asInt()).isEqualTo(2);
        await().atMost(DEADLINE).until(() -> breakerTopics.contains("breaker.jarvis-prime.open"));

        // Open: answered at once from the fallback, J-Prime not called.
        int calls = primeCalls.get();
        HttpResponse<String> refused = generate("{\"prompt\": \"hi\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode detail = JSON.readTree(refused.body()).path("detail");
        assertThat(detail.path("state").asText()).isEqualTo("OPEN");
        assertThat(detail.path("retry_after_s").asInt()).isBetween(1, 2);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue(detail.path("retry_after_s").asText());
        assertThat(primeCalls.get()).isEqualTo(calls);
        assertThat(breaker().path("not_permitted_calls").asInt()).isPositive();

        mode = Mode.ANSWER;
        await().atMost(DEADLINE).until(() -> breakerTopics.contains("breaker.jarvis-prime.half_open"));
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> generate("{\"prompt\": \"hi\"}").statusCode() == 200);
        assertThat(breaker().path("state").asText()).isEqualTo("CLOSED");
        await().atMost(DEADLINE).until(() -> breakerTopics.contains("breaker.jarvis-prime.closed"));
    }

    private static HttpResponse<String> generate(String body) {
        return Http.postJson(port, "/api/generate", body);
    }

    private static JsonNode breaker() throws IOException {
        JsonNode health = JSON.readTree(Http.get(port, "/api/health").body());
        return health.path("breakers").path("jarvis-prime");
    }

    private static void registerPrime(int primePort, String status) {
        HttpResponse<String> registered = Http.postJson(port, "/api/services/jarvis-prime",
                "{\"address\": \"127.0.0.1\", \"port\": " + primePort + ", \"status\": \"" + status + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    }
}
