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
import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.trainer.RetrievalModel;
import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;

/**
 * Trinity loop benchmark (bench/loop.sh). In one JVM an in-process hub (TRINITY_TRAINING_THRESHOLD=0: no job starts)
 * and a bare Artemis from the same broker.xml (no Camel); a J-Prime child process. Measured: (1) experiences from an
 * AMQP 1.0 producer (qpid-proton, a child process) to trinity.experiences until the pipeline stored them all (the last
 * batch written to the drop-box; a multiple of the batch size is sent), against the same producer to the bare broker's queue drained
 * by a JMS transacted consumer committing each message; one-by-one and IN_FLIGHT in flight, interleaved. (2) POST
 * /api/generate through the hub's proxy (registry, circuit breaker) and straight to J-Prime, interleaved. (3) POST
 * /api/models/{id}/deploy of the other version until J-Prime answers with it.
 */
public final class LoopBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String EXPERIENCES = "trinity.experiences";
    private static final int IN_FLIGHT = 100;
    private static final int BATCH_SIZE = 100;
    private static final int GENERATE_WARM_UP = 300;
    private static final String MODEL_ID = "loop";
    private static final int MODEL_ENTRIES = 300;
    private static final String PROMPT = "{\"prompt\":\"hello there, what did you learn today?\"}";
    private static final String BARE_VM_ID = "4343";
    private static final String BARE_PROXY_PATH = "/bench/generate";
    /** ~220 bytes of JSON, the body of every experience. */
    private static final String EXPERIENCE = "{\"input\":\"what is the capital of France?\",\"output\":\"Paris is the "
            + "capital of France.\",\"reward\":0.9,\"metadata\":{\"source\":\"jarvis-body\",\"session\":\"s-1337\","
            + "\"created\":\"2026-12-05T10:00:00Z\",\"tags\":[\"geography\",\"bench\"]}}";

    private LoopBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args.length > 0 ? args[0] : "3");
        int syncExperiences = Integer.parseInt(args.length > 1 ? args[1] : "1000");
        int pipelinedExperiences = Integer.parseInt(args.length > 2 ? args[2] : "5000");
        int generateCalls = Integer.parseInt(args.length > 3 ? args[3] : "2000");
        int deploys = Integer.parseInt(args.length > 4 ? args[4] : "10");
        if (syncExperiences % BATCH_SIZE != 0 || pipelinedExperiences % BATCH_SIZE != 0) {
            throw new IllegalArgumentException("experience counts must be multiples of the batch size " + BATCH_SIZE);
        }
        System.out.printf("jvm: %s, max heap %d MB%n", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("loop-bench");
        Path home = work.resolve("home");
        Arrivals bareArrivals = new Arrivals();
        EmbeddedBroker bare = startBare(work);
        ChildProcess prime = null;
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(home, Map.of(
                "TRINITY_TRAINING_THRESHOLD", "0", "TRINITY_LOG_LEVEL", "WARN")));
                BareConsumer bareConsumer = new BareConsumer(BARE_VM_ID, EXPERIENCES, bareArrivals);
                AmqpProducer hubProducer = new AmqpProducer(hub.brokerUrls().get("amqp"), "queue://" + EXPERIENCES, EXPERIENCE, true);
                AmqpProducer bareProducer = new AmqpProducer(bare.urls().get("amqp"), "queue://" + EXPERIENCES, EXPERIENCE, true)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            PipelineStats hubStats = new PipelineStats(http, hub);
            System.out.printf("runs: %d, interleaved bare, hub; producer: python3 qpid-proton (AMQP 1.0, durable, %d-byte "
                    + "JSON experience, a message-id each)%n", runs, EXPERIENCE.length());
            ingestion("one-by-one sync", runs, syncExperiences, 1, bareProducer, bareArrivals, hubProducer, hubStats);
            ingestion("pipelined, " + IN_FLIGHT + " in flight", runs, pipelinedExperiences, IN_FLIGHT, bareProducer,
                    bareArrivals, hubProducer, hubStats);

            prime = startPrime(work, home, hub);
            int primePort = prime.awaitUp();
            try (Connection broker = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection()) {
                broker.start();
                for (int version = 1; version <= 2; version++) {
                    train(hub, broker, work, version);
                }
                awaitServed(http, primePort, 2);
                addBareProxy(hub, primePort);
                generateLatency(runs, generateCalls, http, hub.httpPort(), primePort);
                registryLookup(generateCalls, hub);
                deployToServed(deploys, http, broker, hub.httpPort(), primePort);
            }
        } finally {
            if (prime != null) {
                prime.close();
            }
            bare.stop();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Artemis from the same broker.xml through the same EmbeddedBroker class as the hub: Camel is what differs. */
    private static EmbeddedBroker startBare(Path work) throws IOException {
        Settings settings = TestHomes.settings(work.resolve("bare"), Map.of()).with("trinity.broker-vm-id", BARE_VM_ID);
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

    // -------------------------------------------------------------------------------------------- ingestion

    private static void ingestion(String mode, int runs, int experiences, int inFlight, AmqpProducer bareProducer,
            Arrivals bareArrivals, AmqpProducer hubProducer, PipelineStats hubStats) throws Exception {
        int warmUp = Math.max(BATCH_SIZE * 2, experiences / 10 / BATCH_SIZE * BATCH_SIZE);
        deliverToBare(bareProducer, bareArrivals, warmUp, inFlight);
        deliverToHub(hubProducer, hubStats, warmUp, inFlight);
        List<Double> bare = new ArrayList<>();
        List<Double> hub = new ArrayList<>();
        List<Double> bareSend = new ArrayList<>();
        List<Double> hubSend = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            double[] b = deliverToBare(bareProducer, bareArrivals, experiences, inFlight);
            bare.add(b[0]);
            bareSend.add(b[1]);
            double[] h = deliverToHub(hubProducer, hubStats, experiences, inFlight);
            hub.add(h[0]);
            hubSend.add(h[1]);
        }
        System.out.printf("experiences, %s, %d durable messages, first send -> last batch written, msg/s:%n", mode, experiences);
        System.out.printf("  bare Artemis, JMS transacted consumer:    %s   (producer's own rate %s)%n", summary(bare),
                summary(bareSend));
        System.out.printf("  hub, experience-intake -> aggregator:     %s   (producer's own rate %s)%n", summary(hub),
                summary(hubSend));
        System.out.printf("  ratio hub/bare %.2f (medians)%n", median(hub) / median(bare));
    }

    /** {end-to-end msg/s, the producer's msg/s until its last message was accepted}. */
    private static double[] deliverToBare(AmqpProducer producer, Arrivals arrivals, int messages, int inFlight)
            throws Exception {
        arrivals.expect(messages);
        long t0 = System.nanoTime();
        double sendSeconds = producer.send(messages, inFlight);
        arrivals.await();
        return new double[] {messages / ((System.nanoTime() - t0) / 1e9), messages / sendSeconds};
    }

    /**
     * Until the last batch file appears in the drop-box (cheap to watch: a directory listing every millisecond), then
     * until GET /api/experiences/stats counts every experience as stored (the ledger records a batch just after its
     * file; a stats call takes several ms, hence not polled from the start).
     */
    private static double[] deliverToHub(AmqpProducer producer, PipelineStats stats, int messages, int inFlight)
            throws Exception {
        long before = stats.stored();
        int batchesBefore = stats.batchFiles();
        int batches = messages / BATCH_SIZE;
        long t0 = System.nanoTime();
        double sendSeconds = producer.send(messages, inFlight);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (stats.batchFiles() - batchesBefore < batches || stats.stored() - before < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((stats.batchFiles() - batchesBefore) + " of " + batches
                        + " batches written within " + DEADLINE + ": " + stats.last());
            }
            Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (stats.stored() - before != messages) {
            throw new IllegalStateException("more experiences stored than sent: " + stats.last());
        }
        return new double[] {messages / seconds, messages / sendSeconds};
    }

    // -------------------------------------------------------------------------------------------- J-Prime

    /**
     * A J-Prime process on the hub's home and broker, in the tests' small child JVM (C1 only, serial GC: the
     * supervisor's default child options but for the heap, 192 against 256 MB).
     */
    private static ChildProcess startPrime(Path work, Path home, TrinityNode hub) {
        Map<String, String> environment = new HashMap<>(TestHomes.environment(home, Map.of()));
        environment.put("TRINITY_BROKER_URL", hub.brokerUrls().get("core"));
        // J-Prime asks for the deployed model once at start: every switch measured comes from model.deployed.
        environment.put("TRINITY_MODEL_SYNC_INTERVAL", "600");
        return ChildProcess.start(work.resolve("prime"), environment, "prime");
    }

    /**
     * A job that a reactor completes (its status on trinity.status, as a reactor sends it) with a retrieval model of
     * MODEL_ENTRIES entries: version {@code version} of MODEL_ID, deployed by the hub (TRINITY_AUTO_DEPLOY).
     */
    private static void train(TrinityNode hub, Connection broker, Path work, int version) throws Exception {
        JobStore store = hub.camelContext().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        Job job = new Job();
        job.jobId = "job-" + UUID.randomUUID();
        job.modelType = RetrievalModel.MODEL_TYPE;
        job.epochs = 1;
        job.config = JSON.createObjectNode().put("model_id", MODEL_ID);
        job.source = "experiences";
        job.datasetPath = work.resolve("dataset.jsonl").toString();
        store.create(job);
        String runId = "run-" + job.jobId;
        store.transition(job.jobId, Job.QUEUED, Job.STARTING, "bench", Map.of("run_id", runId));
        store.transition(job.jobId, Job.STARTING, Job.RUNNING, "bench", Map.of());

        RetrievalModel model = new RetrievalModel();
        model.add("hello there", "hi from version " + version, 1.0);
        for (int entry = 1; entry < MODEL_ENTRIES; entry++) {
            model.add("question " + entry + " about topic " + entry % 17 + " and detail " + entry % 31,
                    "answer " + entry + " of version " + version, 0.5);
        }
        Path file = hub.settings().getPath("trinity.models-dir").resolve(job.jobId).resolve("model.json");
        Files.createDirectories(file.getParent());
        model.save(file, JSON.createObjectNode().put("entries", model.size()));
        ObjectNode status = JSON.createObjectNode().put("job_id", job.jobId).put("run_id", runId).put("reactor", "bench")
                .put("status", Job.COMPLETED);
        ObjectNode artifact = status.putObject("model").put("path", file.toString()).put("size_bytes", Files.size(file))
                .put("sha256", Sha256.of(file));
        artifact.putArray("capabilities").add("generate");
        status.putObject("metrics").put("entries", model.size());
        Session session = broker.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            session.createProducer(session.createTopic("trinity.status")).send(session.createTextMessage(status.toString()));
        } finally {
            session.close();
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!Job.COMPLETED.equals(store.get(job.jobId).status)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job.jobId + " not completed within " + DEADLINE);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitServed(HttpClient http, int primePort, int version) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (servedVersion(http, primePort) != version) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("J-Prime does not serve version " + version + " within " + DEADLINE);
            }
            Thread.sleep(100);
        }
    }

    /** The version J-Prime's answer names, -1 while it has no model. */
    private static int servedVersion(HttpClient http, int primePort) throws Exception {
        HttpResponse<String> answer = http.send(generateRequest(primePort), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("version").asInt(-1) : -1;
    }

    private static HttpRequest generateRequest(int port) {
        return generateRequest(port, "/api/generate");
    }

    private static HttpRequest generateRequest(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PROMPT)).build();
    }

    // ----------------------------------------------------------------------------------- generate latency

    /**
     * For comparison, the proxy reduced to its HTTP hop: a route on the hub's HTTP server that forwards the body to
     * J-Prime with the same HTTP component, no prompt check, registry lookup or circuit breaker.
     */
    private static void addBareProxy(TrinityNode hub, int primePort) throws Exception {
        hub.camelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:" + BARE_PROXY_PATH + "?httpMethodRestrict=POST").routeId("bench-bare-proxy")
                        .convertBodyTo(String.class)
                        .removeHeaders("*")
                        .setHeader("Content-Type", constant("application/json"))
                        .to("http://127.0.0.1:" + primePort + "/api/generate?httpMethod=POST&throwExceptionOnFailure=false")
                        .convertBodyTo(String.class);
            }
        });
    }

    private static void generateLatency(int runs, int calls, HttpClient http, int hubPort, int primePort)
            throws Exception {
        HttpRequest direct = generateRequest(primePort);
        HttpRequest proxied = generateRequest(hubPort);
        HttpRequest bareProxied = generateRequest(hubPort, BARE_PROXY_PATH);
        List<double[]> directRuns = new ArrayList<>();
        List<double[]> proxiedRuns = new ArrayList<>();
        List<double[]> bareProxiedRuns = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            directRuns.add(percentiles(http, direct, calls));
            proxiedRuns.add(percentiles(http, proxied, calls));
            bareProxiedRuns.add(percentiles(http, bareProxied, calls));
        }
        List<Double> differences = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            differences.add(proxiedRuns.get(run)[0] - directRuns.get(run)[0]);
        }
        System.out.printf("POST /api/generate (%d-entry retrieval model, %d-byte prompt), java.net.http HTTP/1.1 keep-alive, "
                + "sequential, %d calls after %d warm-up, interleaved direct, hub, bare route, ms:%n", MODEL_ENTRIES, PROMPT.length(),
                calls, GENERATE_WARM_UP);
        System.out.printf("  J-Prime directly:                  p50 %s   p99 %s%n", summary(column(directRuns, 0), "%.3f"),
                summary(column(directRuns, 1), "%.3f"));
        System.out.printf("  hub proxy (registry, breaker):     p50 %s   p99 %s%n", summary(column(proxiedRuns, 0), "%.3f"),
                summary(column(proxiedRuns, 1), "%.3f"));
        System.out.printf("  hub - direct at p50: %s (goal < 1 ms); at p99: %.3f (medians)%n", summary(differences, "%.3f"),
                median(column(proxiedRuns, 1)) - median(column(directRuns, 1)));
        System.out.printf("  for comparison, a bare forwarding route on the hub (no check, registry, breaker): p50 %s   p99 %s%n",
                summary(column(bareProxiedRuns, 0), "%.3f"), summary(column(bareProxiedRuns, 1), "%.3f"));
    }

    /** {p50, p99} in ms; every answer must be J-Prime's 200. */
    private static double[] percentiles(HttpClient http, HttpRequest request, int calls) throws Exception {
        double[] ms = new double[calls];
        for (int i = -GENERATE_WARM_UP; i < calls; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return p50p99(ms);
    }

    /** The proxy's first step alone: J-Prime's entry from the registry (the registry file read on every call). */
    private static void registryLookup(int calls, TrinityNode hub) {
        double[] ms = new double[calls];
        for (int i = -GENERATE_WARM_UP; i < calls; i++) {
            long t0 = System.nanoTime();
            if (hub.registry().discover("jarvis-prime").isEmpty()) {
                throw new IllegalStateException("jarvis-prime is not in the registry");
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        System.out.printf("  of which the registry lookup (ServiceRegistry.discover, in-process, %d calls): p50 %.3f   "
                + "p99 %.3f%n", calls, ms[(int) Math.ceil(calls * 0.50) - 1], ms[(int) Math.ceil(calls * 0.99) - 1]);
    }

    // ---------------------------------------------------------------------------------- deploy -> served

    /**
     * Alternately deploys version 1 and 2 (the other one than J-Prime serves) and asks J-Prime back to back until it
     * answers with it. Times from just before the POST, from the POST's 200, and from when a subscriber of
     * trinity.events.model.deployed in this JVM got the event.
     */
    private static void deployToServed(int deploys, HttpClient http, Connection broker, int hubPort, int primePort)
            throws Exception {
        List<Double> fromPost = new ArrayList<>();
        List<Double> fromAnswer = new ArrayList<>();
        List<Double> fromEvent = new ArrayList<>();
        List<Double> polls = new ArrayList<>();
        Session session = broker.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            MessageConsumer events = session.createConsumer(session.createTopic("trinity.events.model.deployed"));
            EventTimes eventTimes = new EventTimes();
            events.setMessageListener(eventTimes::arrived);
            int served = servedVersion(http, primePort);
            for (int deploy = 0; deploy < deploys; deploy++) {
                int next = served == 1 ? 2 : 1;
                eventTimes.expect(next);
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubPort + "/api/models/"
                                + MODEL_ID + "/deploy")).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"version\":" + next + "}")).build();
                long t0 = System.nanoTime();
                HttpResponse<String> deployed = http.send(request, HttpResponse.BodyHandlers.ofString());
                long answered = System.nanoTime();
                if (deployed.statusCode() != 200) {
                    throw new IllegalStateException("deploy answered " + deployed.statusCode() + ": " + deployed.body());
                }
                int asked = 0;
                long deadline = t0 + DEADLINE.toNanos();
                while (servedVersion(http, primePort) != next) {
                    asked++;
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("J-Prime does not serve version " + next + " within " + DEADLINE);
                    }
                }
                long switched = System.nanoTime();
                fromPost.add((switched - t0) / 1e6);
                fromAnswer.add((switched - answered) / 1e6);
                fromEvent.add((switched - eventTimes.await()) / 1e6);
                polls.add((double) asked + 1);
                served = next;
            }
        } finally {
            session.close();
        }
        System.out.printf("deploy -> J-Prime answers with the new version (%d deploys alternating versions 1 and 2 of a "
                + "%d-entry model, J-Prime asked back to back), ms:%n", deploys, MODEL_ENTRIES);
        System.out.printf("  from just before POST /api/models/%s/deploy:         %s%n", MODEL_ID, summary(fromPost, "%.1f"));
        System.out.printf("  from the POST's 200:                                 %s%n", summary(fromAnswer, "%.1f"));
        System.out.printf("  from model.deployed at a subscriber in this JVM:     %s%n", summary(fromEvent, "%.1f"));
        System.out.printf("  generate calls until the new version (incl. the first with it): %s%n", summary(polls, "%.0f"));
    }

    /** When the model.deployed event of the expected version reached this JVM's subscriber. */
    private static final class EventTimes {
        private volatile int version;
        private volatile CountDownLatch arrival = new CountDownLatch(1);
        private volatile long arrivedAt;

        void expect(int expectedVersion) {
            version = expectedVersion;
            arrival = new CountDownLatch(1);
        }

        void arrived(Message message) {
            long now = System.nanoTime();
            try {
                JsonNode event = JSON.readTree(((TextMessage) message).getText());
                if (event.path("version").asInt() == version && arrival.getCount() > 0) {
                    arrivedAt = now;
                    arrival.countDown();
                }
            } catch (IOException | JMSException e) {
                throw new IllegalStateException(e);
            }
        }

        long await() throws InterruptedException {
            if (!arrival.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("no model.deployed event for version " + version);
            }
            return arrivedAt;
        }
    }

    // -------------------------------------------------------------------------------------------- the parts

    /** The hub's pipeline: its batch files in the drop-box, and GET /api/experiences/stats. */
    private static final class PipelineStats {
        private final HttpClient http;
        private final HttpRequest request;
        private final Path pendingBatches;
        private JsonNode last;

        PipelineStats(HttpClient http, TrinityNode hub) {
            this.http = http;
            request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/experiences/stats"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            pendingBatches = hub.settings().getPath("training.dropbox-dir").resolve("pipeline").resolve("pending");
        }

        /** Batches written to pending/ (the threshold is 0: none is claimed by a job). */
        int batchFiles() throws IOException {
            try (Stream<Path> files = Files.list(pendingBatches)) {
                return (int) files.filter(file -> file.getFileName().toString().endsWith(".jsonl")).count();
            }
        }

        /** Experiences the pipeline stored: in the open batch and in written batches. */
        long stored() throws Exception {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stats answered " + response.statusCode() + ": " + response.body());
            }
            last = JSON.readTree(response.body());
            if (last.path("dead_letters").asLong() > 0) {
                throw new IllegalStateException("experiences were dead-lettered: " + last);
            }
            return last.path("pending_experiences").asLong() + last.path("open_batch").asLong();
        }

        JsonNode last() {
            return last;
        }
    }
}
