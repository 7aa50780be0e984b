package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * RPC and query: the hub's own methods over REST and over a raw JMS requester, the REST statuses (unknown method,
 * bad params, error reply, timeout, no such service), requests that are not requests, and the reactor's and J-Prime's
 * methods in processes of their own, called through the hub.
 */
class RpcTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    @TempDir
    static Path temp;

    @AutoClose
    private static HubUnderTest hub;
    private static int port;

    @BeforeAll
    static void startHub() throws JMSException {
        hub = HubUnderTest.start(home);
        port = hub.port();
    }

    // --- the hub's methods ------------------------------------------------------------------------------------

    @Test
    void theHubAnswersItsMethodsOverRest() throws IOException {
        JsonNode ping = result(call("/api/rpc/jarvis-body/ping", ""));
        assertThat(ping.path("service").asText()).isEqualTo("jarvis-body");
        assertThat(ping.path("role").asText()).isEqualTo("hub");
        assertThat(ping.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(ping.path("uptime_s").asDouble()).isPositive();

        JsonNode state = result(call("/api/rpc/jarvis-body/get_state", "{}"));
        assertThat(state.path("role").asText()).isEqualTo("hub");
        assertThat(state.path("status").asText()).isIn("healthy", "degraded");
        assertThat(state.path("broker").path("state").asText()).isEqualTo("started");

        assertThat(result(call("/api/rpc/jarvis-body/list_services", "")).isArray()).isTrue();
        assertThat(result(call("/api/rpc/jarvis-body/list_jobs", "{\"status\": \"queued\", \"limit\": 5}")).isArray())
                .isTrue();
        assertThat(result(call("/api/query/jarvis-body/get_state", "")).path("role").asText()).isEqualTo("hub");
    }

    @Test
    void aRawJmsRequesterGetsItsCorrelationIdBackOrElseItsMessageId() throws Exception {
        try (Session session = hub.session()) {
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            MessageProducer producer = session.createProducer(session.createQueue("trinity.query.jarvis-body"));

            TextMessage request = session.createTextMessage("{\"method\": \"ping\"}");
            request.setJMSReplyTo(replies);
            request.setJMSCorrelationID("my-call-1");
            producer.send(request, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, 10_000);
            TextMessage reply = (TextMessage) replyConsumer.receive(DEADLINE.toMillis());
            assertThat(reply).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo("my-call-1");
            assertThat(JSON.readTree(reply.getText()).path("result").path("service").asText()).isEqualTo("jarvis-body");

            TextMessage anonymous = session.createTextMessage("{\"method\": \"ping\", \"params\": {}}");
            anonymous.setJMSReplyTo(replies);
            producer.send(anonymous, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, 10_000);
            TextMessage anonymousReply = (TextMessage) replyConsumer.receive(DEADLINE.toMillis());
            assertThat(anonymousReply.getJMSCorrelationID()).isEqualTo(anonymous.getJMSMessageID());
        }
    }

    // --- what goes wrong --------------------------------------------------------------------------------------

    @Test
    void anUnknownMethodIs404AtOnce() throws IOException {
        long started = System.nanoTime();
        // Waiting for a reply would take the whole minute: an error reply comes back long before (bounds generous for
        // a loaded machine).
        HttpResponse<String> response = call("/api/rpc/jarvis-body/no_such_method?timeout=60s", "");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("error").asText()).isEqualTo("unknown method");
        assertThat(answer.path("detail").path("code").asInt()).isEqualTo(-32601);
        assertThat(answer.path("detail").path("message").asText()).contains("no_such_method", "ping", "get_state");
    }

    @Test
    void wrongParamsAre400WithTheReason() throws IOException {
        assertInvalidParams(call("/api/rpc/jarvis-body/list_jobs", "{\"status\": \"bogus\"}"), "bogus");
        assertInvalidParams(call("/api/rpc/jarvis-body/list_jobs", "{\"limit\": \"ten\"}"),
                "'limit' must be a whole number");
        assertInvalidParams(call("/api/rpc/jarvis-body/ping", "{\"verbose\": true}"), "unknown parameter 'verbose'");

        HttpResponse<String> notAnObject = call("/api/rpc/jarvis-body/ping", "[1, 2]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notAnObject.body()).path("detail").asText()).contains("JSON object");
        assertThat(call("/api/rpc/jarvis-body/ping", "{not json").statusCode()).isEqualTo(400);
        assertThat(call("/api/rpc/jarvis-body/ping?timeout=soon", "").statusCode()).isEqualTo(400);
        assertThat(call("/api/rpc/Not_A_Service/ping", "").statusCode()).isEqualTo(400);
    }

    private static void assertInvalidParams(HttpResponse<String> response, String reason) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("error").asText()).isEqualTo("invalid params");
        assertThat(answer.path("detail").path("code").asInt()).isEqualTo(-32602);
        assertThat(answer.path("detail").path("message").asText()).contains(reason);
    }

    @Test
    void whatIsNotARequestGetsAnErrorReplyAndTheServiceAnswersOn() throws Exception {
        assertThat(rawRequest("trinity.rpc.jarvis-body", "this is not json").path("error").path("code").asInt())
                .isEqualTo(-32700);
        assertThat(rawRequest("trinity.rpc.jarvis-body", "{\"params\": {}}").path("error").path("code").asInt())
                .isEqualTo(-32600);
        assertThat(rawRequest("trinity.rpc.jarvis-body", "[\"ping\"]").path("error").path("code").asInt())
                .isEqualTo(-32600);
        assertThat(rawRequest("trinity.rpc.jarvis-body", "{\"method\": \"ping\", \"params\": 3}").path("error")
                .path("code").asInt()).isEqualTo(-32602);
        assertThat(rawRequest("trinity.rpc.jarvis-body", "{\"method\": \"ping\"}").path("result").path("role").asText())
                .isEqualTo("hub");
    }

    @Test
    void aRequestWithoutReplyToIsDroppedWithOneLineAndTheNextIsAnswered() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("trinity.rpc");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (Session session = hub.session()) {
            session.createProducer(session.createQueue("trinity.rpc.jarvis-body"))
                    .send(session.createTextMessage("{\"method\": \"ping\"}"), DeliveryMode.NON_PERSISTENT,
                            Message.DEFAULT_PRIORITY, 10_000);
            assertThat(rawRequest("trinity.rpc.jarvis-body", "{\"method\": \"ping\"}").path("result").path("service")
                    .asText()).isEqualTo("jarvis-body");
            await().atMost(DEADLINE).until(() -> !lines.list.isEmpty());
            assertThat(lines.list).hasSize(1);
            assertThat(lines.list.get(0).getFormattedMessage()).contains("has no reply-to: dropped");
            assertThat(lines.list.get(0).getThrowableProxy()).isNull();
            assertThat(session.createBrowser(session.createQueue("trinity.rpc.jarvis-body")).getEnumeration()
                    .hasMoreElements()).isFalse();
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void aServiceThatNeverRepliesIs504AfterTheTimeoutAndItsRequestIsNonPersistentAndExpires() throws Exception {
        try (Session session = hub.session()) {
            // Listening, not receiving after the call: by then the request has expired, and the client drops it.
            BlockingQueue<Message> received = new LinkedBlockingQueue<>();
            session.createConsumer(session.createQueue("trinity.rpc.silent-service")).setMessageListener(received::add);
            long sentAt = System.currentTimeMillis();
            long started = System.nanoTime();
            HttpResponse<String> response = call("/api/rpc/silent-service/ping?timeout=500ms", "{\"x\": 1}");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
            assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("timeout");
            assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(20));

            Message request = received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(request).isNotNull();
            assertThat(request.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(request.getJMSExpiration()).isBetween(sentAt + 400, sentAt + 20_000);
            assertThat(request.getJMSReplyTo()).isNotNull();
            assertThat(request.getJMSCorrelationID()).isNotBlank();
            JsonNode body = JSON.readTree(((TextMessage) request).getText());
            assertThat(body.path("method").asText()).isEqualTo("ping");
            assertThat(body.path("params").path("x").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aRequestThatExpiresBeforeItsServiceTakesItIsDroppedNotKept() throws Exception {
        try (Session session = hub.session()) {
            Queue service = session.createQueue("trinity.rpc.gone-service");
            session.createConsumer(service).close();
            TextMessage request = session.createTextMessage("{\"method\": \"ping\"}");
            request.setJMSReplyTo(session.createTemporaryQueue());
            session.createProducer(service).send(request, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, 1);

            assertThat(session.createConsumer(service).receive(1000)).isNull();
            assertThat(session.createBrowser(service).getEnumeration().hasMoreElements()).isFalse();
            // Not moved to where the broker keeps other expired messages: that queue was not even created.
            Queue expired = session.createQueue("ExpiryQueue::Expiry.trinity.rpc.gone-service");
            assertThatThrownBy(() -> session.createBrowser(expired).getEnumeration())
                    .isInstanceOf(InvalidDestinationException.class);
        }
    }

    @Test
    void aServiceNobodyServesIs503AtOnce() throws IOException {
        for (String path : List.of("/api/rpc/nobody-serves-this/ping", "/api/query/nobody-serves-this/ping")) {
            long started = System.nanoTime();
            HttpResponse<String> response = call(path + "?timeout=60s", "");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("no such service");
        }
    }

    @Test
    void anErrorReplyIs502WithTheRemoteError() throws Exception {
        try (Session session = hub.session()) {
            MessageConsumer failing = session.createConsumer(session.createQueue("trinity.rpc.failing-service"));
            MessageProducer replies = session.createProducer(null);
            failing.setMessageListener(request -> {
                try {
                    TextMessage reply = session.createTextMessage(
                            "{\"error\": {\"code\": -32000, \"message\": \"disk on fire\"}}");
                    reply.setJMSCorrelationID(request.getJMSCorrelationID());
                    replies.send(request.getJMSReplyTo(), reply);
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpResponse<String> response = call("/api/rpc/failing-service/launch", "");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.path("error").asText()).isEqualTo("remote error");
            assertThat(answer.path("detail").path("code").asInt()).isEqualTo(-32000);
            assertThat(answer.path("detail").path("message").asText()).isEqualTo("disk on fire");
        }
    }

    // --- the other roles --------------------------------------------------------------------------------------

    @Test
    void theReactorAndJPrimeAnswerTheirMethodsThroughTheHub() throws Exception {
        Path primeHome = temp.resolve("prime-home");
        Path model = primeHome.resolve("models").resolve("job-0123456789ab").resolve("model.json");
        Files.createDirectories(model.getParent());
        Files.writeString(model, "{\"format\": \"trinity-retrieval/1\"}");
        try (ChildProcess reactor = ChildProcess.start(temp.resolve("reactor"),
                hub.environmentFor(temp.resolve("reactor-home"), Map.of()), "reactor");
             ChildProcess prime = ChildProcess.start(temp.resolve("prime"),
                     hub.environmentFor(primeHome, Map.of()), "prime")) {
            reactor.awaitUp();
            prime.awaitUp();

            // Up is not yet consuming: its queue answers 503 until the route's consumer is attached.
            JsonNode resources = result(whenServed("/api/rpc/reactor-core/get_resources"));
            assertThat(resources.path("cpus").asInt()).isPositive();
            assertThat(resources.path("mem_free_bytes").asLong()).isPositive();
            assertThat(resources.path("disk_free_bytes").asLong()).isPositive();
            assertThat(resources.has("job")).isTrue();
            assertThat(resources.path("job").isNull()).isTrue();
            assertThat(result(call("/api/query/reactor-core/ping", "")).path("pid").asLong()).isEqualTo(reactor.pid());

            JsonNode modelInfo = result(whenServed("/api/query/jarvis-prime/get_model_info"));
            assertThat(Path.of(modelInfo.path("path").asText())).isEqualTo(model.toAbsolutePath());
            assertThat(modelInfo.path("size_bytes").asLong()).isEqualTo(Files.size(model));
            assertThat(Instant.parse(modelInfo.path("modified").asText())).isBefore(Instant.now().plusSeconds(1));
            JsonNode primePing = result(call("/api/rpc/jarvis-prime/ping", ""));
            assertThat(primePing.path("role").asText()).isEqualTo("prime");
            assertThat(primePing.path("pid").asLong()).isEqualTo(prime.pid());
        }
    }

    private static HttpResponse<String> whenServed(String path) {
        return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> call(path, ""), response -> response.statusCode() != 503);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private static HttpResponse<String> call(String path, String params) {
        return Http.postJson(port, path, params);
    }

    private static JsonNode result(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.has("result")).as(response.body()).isTrue();
        return answer.get("result");
    }

    /** A request as any JMS client sends it: reply-to a temporary queue, correlation id, time to live. */
    private static JsonNode rawRequest(String queue, String body) throws Exception {
        try (Session session = hub.session()) {
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            Queue destination = session.createQueue(queue);
            TextMessage request = session.createTextMessage(body);
            request.setJMSReplyTo(replies);
            request.setJMSCorrelationID("raw-" + System.nanoTime());
            session.createProducer(destination).send(request, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY,
                    10_000);
            TextMessage reply = (TextMessage) replyConsumer.receive(DEADLINE.toMillis());
            assertThat(reply).as("reply to " + body).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(request.getJMSCorrelationID());
            return JSON.readTree(reply.getText());
        }
    }
}
