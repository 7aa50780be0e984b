package ai.jarvis.trinity.bench;

import static ai.jarvis.trinity.bench.BenchStats.column;
import static ai.jarvis.trinity.bench.BenchStats.median;
import static ai.jarvis.trinity.bench.BenchStats.p50p99;
import static ai.jarvis.trinity.bench.BenchStats.summary;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;

/**
 * Broker channels benchmark (bench/channels.sh). In one JVM: an in-process hub whose routes/ add a queue-worker for
 * trinity.queue.bench, and a "bare" Artemis started by the same EmbeddedBroker class from the same broker.xml (same
 * journal and address settings, no Camel). Measured on both, interleaved: (1) durable messages from an AMQP 1.0
 * producer (qpid-proton, a child process) to a transacted consumer that commits each message (hub: the queue-worker
 * route; bare: a JMS session), one-by-one and in batches of BATCH in flight; (2) RPC ping round trips over Core JMS
 * (hub: its rpc route; bare: a JMS responder), plus the hub's REST RPC; (3) events to 10 wildcard subscribers.
 */
public final class ChannelsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String QUEUE = "trinity.queue.bench";
    private static final String RPC_QUEUE = "trinity.rpc.jarvis-body";
    private static final String PING = "{\"method\":\"ping\"}";
    private static final int BATCH = 100;
    private static final int RPC_WARM_UP = 200;
    private static final int SUBSCRIBERS = 10;
    private static final String BARE_VM_ID = "4242";
    /** ~200 bytes of JSON, the body of every queue message. */
    private static final String ORDER = "{\"order_id\":\"ord-000042\",\"customer\":\"c-1337\",\"items\":[{\"sku\":\"tea-01\","
            + "\"qty\":2,\"price\":3.5},{\"sku\":\"cup-07\",\"qty\":1,\"price\":12.0}],\"note\":\"leave at the door\","
            + "\"created\":\"2026-12-04T10:00:00Z\"}";
    private static final String WORKER_ROUTE = """
            - templatedRoute:
                routeTemplateRef: queue-worker
                routeId: bench-worker
                parameters:
                  - name: queue
                    value: bench
                  - name: uri
                    value: direct:bench-sink
            """;

    private ChannelsBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args.length > 0 ? args[0] : "3");
        int syncMessages = Integer.parseInt(args.length > 1 ? args[1] : "2000");
        int batchedMessages = Integer.parseInt(args.length > 2 ? args[2] : "20000");
        int rpcCalls = Integer.parseInt(args.length > 3 ? args[3] : "2000");
        int events = Integer.parseInt(args.length > 4 ? args[4] : "2000");
        System.out.printf("jvm: %s, max heap %d MB%n", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("channels-bench");
        Path config = configDir(work);
        Arrivals hubArrivals = new Arrivals();
        Arrivals bareArrivals = new Arrivals();
        EmbeddedBroker bare = startBare(work, config);
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(work.resolve("hub"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_LOG_LEVEL", "WARN")));
                BareConsumer bareConsumer = new BareConsumer(BARE_VM_ID, QUEUE, bareArrivals);
                BareResponder bareResponder = new BareResponder();
                AmqpProducer hubProducer = new AmqpProducer(hub.brokerUrls().get("amqp"), "queue://" + QUEUE, ORDER, false);
                AmqpProducer bareProducer = new AmqpProducer(bare.urls().get("amqp"), "queue://" + QUEUE, ORDER, false)) {
            hub.camelContext().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:bench-sink").routeId("bench-sink").process(exchange -> hubArrivals.arrived());
                }
            });
            System.out.printf("runs: %d, interleaved bare, hub; producer: python3 qpid-proton (AMQP 1.0, durable, %d-byte "
                    + "JSON string body)%n", runs, ORDER.length());
            queues("one-by-one sync", runs, syncMessages, 1, bareProducer, bareArrivals, hubProducer, hubArrivals);
            queues("batched, " + BATCH + " in flight", runs, batchedMessages, BATCH, bareProducer, bareArrivals,
                    hubProducer, hubArrivals);
            rpc(runs, rpcCalls, bare.urls().get("core"), hub);
            fanOut(runs, events, bare.urls().get("core"), hub);
        } finally {
            bare.stop();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The project's routes/ and broker.xml (the working directory's), plus a queue-worker for trinity.queue.bench. */
    private static Path configDir(Path work) throws IOException {
        Path config = work.resolve("config");
        Path routes = Path.of("routes");
        try (Stream<Path> files = Files.walk(routes)) {
            for (Path source : files.toList()) {
                Path target = config.resolve(source.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.copy(Path.of("broker.xml"), config.resolve("broker.xml"));
        Files.writeString(config.resolve("routes/bench-worker.yaml"), WORKER_ROUTE);
        return config;
    }

    /** Artemis from the same broker.xml through the same EmbeddedBroker class as the hub: Camel is what differs. */
    private static EmbeddedBroker startBare(Path work, Path config) throws IOException {
        Settings settings = TestHomes.settings(work.resolve("bare"), Map.of("TRINITY_CONFIG_DIR", config.toString()))
                .with("trinity.broker-vm-id", BARE_VM_ID);
        for (String key : List.of("trinity.broker-port", "trinity.amqp-port", "trinity.stomp-port", "trinity.mqtt-port")) {
            settings = settings.with(key, Integer.toString(freePort()));
        }
        EmbeddedBroker broker = new EmbeddedBroker(settings, new ConfigFiles(settings));
        broker.start();
        return broker;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------------- queues

    private static void queues(String mode, int runs, int messages, int batch, AmqpProducer bareProducer,
            Arrivals bareArrivals, AmqpProducer hubProducer, Arrivals hubArrivals) throws Exception {
        int warmUp = Math.max(200, messages / 10);
        deliver(bareProducer, bareArrivals, warmUp, batch);
        deliver(hubProducer, hubArrivals, warmUp, batch);
        List<Double> bare = new ArrayList<>();
        List<Double> hub = new ArrayList<>();
        List<Double> bareSend = new ArrayList<>();
        List<Double> hubSend = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            double[] b = deliver(bareProducer, bareArrivals, messages, batch);
            bare.add(b[0]);
            bareSend.add(b[1]);
            double[] h = deliver(hubProducer, hubArrivals, messages, batch);
            hub.add(h[0]);
            hubSend.add(h[1]);
        }
        System.out.printf("queue, %s, %d durable messages, first send -> last consumed+committed, msg/s:%n", mode, messages);
        System.out.printf("  bare Artemis, JMS transacted consumer: %s   (producer's own rate %s)%n", summary(bare),
                summary(bareSend));
        System.out.printf("  hub, queue-worker route:               %s   (producer's own rate %s)%n", summary(hub),
                summary(hubSend));
        System.out.printf("  ratio hub/bare %.2f (medians; goal >= 0.80)%n", median(hub) / median(bare));
    }

    /** {end-to-end msg/s, the producer's msg/s until its last message was accepted}. */
    private static double[] deliver(AmqpProducer producer, Arrivals arrivals, int messages, int batch) throws Exception {
        arrivals.expect(messages);
        long t0 = System.nanoTime();
        double sendSeconds = producer.send(messages, batch);
        arrivals.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {messages / seconds, messages / sendSeconds};
    }

    // ---------------------------------------------------------------------------------------------------- RPC

    private static void rpc(int runs, int calls, String bareCore, TrinityNode hub) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI rest = URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/rpc/jarvis-body/ping");
        List<double[]> bare = new ArrayList<>();
        List<double[]> routes = new ArrayList<>();
        List<double[]> restCalls = new ArrayList<>();
        try (Requester bareRequester = new Requester(bareCore);
                Requester hubRequester = new Requester(hub.brokerUrls().get("core"))) {
            for (int run = 0; run < runs; run++) {
                bare.add(percentiles(bareRequester, calls));
                routes.add(percentiles(hubRequester, calls));
                restCalls.add(percentilesOverRest(http, rest, calls));
            }
        }
        System.out.printf("RPC ping round trip, Core JMS requester on loopback (temporary reply queue, non-persistent), "
                + "%d calls after %d warm-up, ms:%n", calls, RPC_WARM_UP);
        System.out.printf("  bare Artemis, JMS responder:   p50 %s   p99 %s%n", summary(column(bare, 0), "%.3f"),
                summary(column(bare, 1), "%.3f"));
        System.out.printf("  hub, rpc route (goal p99 < 2): p50 %s   p99 %s%n", summary(column(routes, 0), "%.3f"),
                summary(column(routes, 1), "%.3f"));
        System.out.printf("  hub, POST /api/rpc/jarvis-body/ping (informational): p50 %s   p99 %s%n",
                summary(column(restCalls, 0), "%.3f"), summary(column(restCalls, 1), "%.3f"));
    }

    /** {p50, p99} in ms. */
    private static double[] percentiles(Requester requester, int calls) throws JMSException {
        for (int i = 0; i < RPC_WARM_UP; i++) {
            requester.call();
        }
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            requester.call();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return p50p99(ms);
    }

    private static double[] percentilesOverRest(HttpClient http, URI uri, int calls) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        double[] ms = new double[calls];
        for (int i = -RPC_WARM_UP; i < calls; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("REST ping answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return p50p99(ms);
    }

    // --------------------------------------------------------------------------------------------- fan-out

    private static void fanOut(int runs, int events, String bareCore, TrinityNode hub) throws Exception {
        List<Double> bare = new ArrayList<>();
        List<Double> routes = new ArrayList<>();
        ProducerTemplate template = hub.camelContext().createProducerTemplate();
        try (Connection bareConnection = new ActiveMQConnectionFactory("vm://" + BARE_VM_ID).createConnection()) {
            Session session = bareConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer publisher = session.createProducer(session.createTopic("trinity.events.bench.x"));
            publisher.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int run = -1; run < runs; run++) {
                double bareRate = fanOutRun(bareCore, events, seq -> {
                    TextMessage message = session.createTextMessage(JSON.writeValueAsString(event(seq)));
                    message.setStringProperty("topic", "bench.x");
                    publisher.send(message);
                });
                double hubRate = fanOutRun(hub.brokerUrls().get("core"), events, seq -> template.sendBodyAndHeader(
                        "seda:event", event(seq), "trinityTopic", "bench.x"));
                if (run >= 0) {
                    bare.add(bareRate);
                    routes.add(hubRate);
                }
            }
        } finally {
            template.stop();
        }
        System.out.printf("event fan-out, %d events (non-persistent, ~%d bytes) to %d subscribers of "
                + "trinity.events.bench.# (Core JMS, one connection each), first publish -> every subscriber has every "
                + "event, events/s per subscriber (x%d = deliveries/s), after 1 warm-up:%n", events,
                JSON.writeValueAsString(event(0)).length(), SUBSCRIBERS, SUBSCRIBERS);
        System.out.printf("  bare Artemis, JMS publisher in-VM:   %s%n", summary(bare));
        System.out.printf("  hub, seda:event -> events route:     %s%n", summary(routes));
        System.out.printf("  ratio hub/bare %.2f (medians)%n", median(routes) / median(bare));
    }

    private static Map<String, Object> event(int seq) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", seq);
        event.put("kind", "bench");
        event.put("detail", "x".repeat(120));
        return event;
    }

    private interface Publish {
        void send(int seq) throws Exception;
    }

    private static double fanOutRun(String coreUrl, int events, Publish publish) throws Exception {
        CountDownLatch all = new CountDownLatch(events * SUBSCRIBERS);
        List<Connection> connections = new ArrayList<>();
        List<AtomicInteger> counts = new ArrayList<>();
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                Connection connection = new ActiveMQConnectionFactory(coreUrl).createConnection();
                connections.add(connection);
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                AtomicInteger count = new AtomicInteger();
                counts.add(count);
                session.createConsumer(session.createTopic("trinity.events.bench.#")).setMessageListener(message -> {
                    count.incrementAndGet();
                    all.countDown();
                });
                connection.start();
            }
            long t0 = System.nanoTime();
            for (int seq = 0; seq < events; seq++) {
                publish.send(seq);
            }
            if (!all.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("subscribers got " + counts + " of " + events + " events each");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return events / seconds;
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    // -------------------------------------------------------------------------------------------- the parts

    /** The rpc route's bare equivalent: answers every ping on trinity.rpc.jarvis-body, non-persistent. */
    private static final class BareResponder implements AutoCloseable {
        private final Connection connection;
        private final long started = System.nanoTime();

        BareResponder() throws JMSException {
            connection = new ActiveMQConnectionFactory("vm://" + BARE_VM_ID).createConnection();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer replies = session.createProducer(null);
            replies.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            session.createConsumer(session.createQueue(RPC_QUEUE)).setMessageListener(request -> {
                try {
                    String method = JSON.readTree(((TextMessage) request).getText()).path("method").asText();
                    TextMessage reply = session.createTextMessage(String.format(
                            "{\"result\":{\"service\":\"jarvis-body\",\"role\":\"hub\",\"pid\":%d,\"uptime_s\":%.1f,\"method\":\"%s\"}}",
                            ProcessHandle.current().pid(), (System.nanoTime() - started) / 1e9, method));
                    String correlation = request.getJMSCorrelationID();
                    reply.setJMSCorrelationID(correlation != null ? correlation : request.getJMSMessageID());
                    replies.send(request.getJMSReplyTo(), reply);
                } catch (JMSException | IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            connection.start();
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }

    /** A Core JMS RPC client: temporary reply queue, correlation id, non-persistent request with a time to live. */
    private static final class Requester implements AutoCloseable {
        private final Connection connection;
        private final Session session;
        private final MessageProducer requests;
        private final MessageConsumer replies;
        private final TemporaryQueue replyTo;

        Requester(String coreUrl) throws JMSException {
            connection = new ActiveMQConnectionFactory(coreUrl).createConnection();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            requests = session.createProducer(session.createQueue(RPC_QUEUE));
            requests.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            requests.setTimeToLive(5000);
            replyTo = session.createTemporaryQueue();
            replies = session.createConsumer(replyTo);
            connection.start();
        }

        void call() throws JMSException {
            String correlation = UUID.randomUUID().toString();
            TextMessage request = session.createTextMessage(PING);
            request.setJMSReplyTo(replyTo);
            request.setJMSCorrelationID(correlation);
            requests.send(request);
            Message reply = replies.receive(5000);
            if (reply == null || !correlation.equals(reply.getJMSCorrelationID())
                    || !((TextMessage) reply).getText().startsWith("{\"result\"")) {
                throw new IllegalStateException("no or wrong reply: " + reply);
            }
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }
}
