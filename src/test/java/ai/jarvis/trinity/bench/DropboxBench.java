package ai.jarvis.trinity.bench;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.training.Experience;
import ai.jarvis.trinity.training.ExperienceWriter;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.TrainingCoordinator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Training drop-box benchmark (bench/dropbox.sh). One run measures, on an in-process hub: (a) a job of EXPERIENCES
 * generated experiences (~5 KB each) given to {@link TrainingCoordinator#submit} (JSON lines written, fsync, rename,
 * job stored and its message enqueued), (b) the same experiences POSTed inline to /api/training/start, (c) a plain
 * sequential write + fsync of as many bytes into the same folder; interleaved c, a, b. Beside them: the heap growth
 * during (a) and during generation alone, and where the time of (a) goes. Then, on a second hub with a supervised
 * reactor and the built-in trainer, the time from submitting a small job to its first SSE "running" event.
 */
public final class DropboxBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 42;
    private static final int CHUNK = 64 * 1024;
    private static final int STREAM_JOBS = 10;
    private static final int STREAM_JOB_EXPERIENCES = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DropboxBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args.length > 0 ? args[0] : "5");
        int experiences = Integer.parseInt(args.length > 1 ? args[1] : "10000");
        System.out.printf("jvm: %s, max heap %d MB%n", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                Runtime.getRuntime().maxMemory() >> 20);
        Path work = Files.createTempDirectory("dropbox-bench");
        try {
            dropbox(work, runs, experiences);
            stream(work);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- (a), (b), (c)

    private static void dropbox(Path work, int runs, int experiences) throws Exception {
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(work.resolve("home1"), Map.of(
                "TRAINING_MAX_INLINE_SIZE", "200000000", "TRINITY_LOG_LEVEL", "WARN")))) {
            TrainingCoordinator coordinator = hub.camelContext().getRegistry()
                    .lookupByNameAndType("trainingCoordinator", TrainingCoordinator.class);
            Path jobsDir = hub.settings().getPath("training.dropbox-dir").resolve("jobs");
            URI start = URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/training/start");

            // Warm-up of every path, untimed (the full (a) also gives (c) its size); then (b)'s body, once, outside
            // every timing. It stays in the heap throughout: it is part of every baseline the heap figures start from.
            Heap.settle();
            Job warmUp = coordinator.submit(new Generator(experiences), options());
            long datasetBytes = warmUp.datasetBytes;
            coordinator.cancel(warmUp.jobId);
            coordinator.cancel(post(start, inlineBody(experiences / 10)));
            rawWrite(jobsDir, datasetBytes);
            generateOnly(experiences);
            byte[] body = inlineBody(experiences);
            long bodyBytes = body.length;

            List<Double> submitMs = new ArrayList<>();
            List<Double> submitStreamMs = new ArrayList<>();
            List<Double> submitCommitMs = new ArrayList<>();
            List<Double> submitHeapMb = new ArrayList<>();
            List<Double> submitAllocMb = new ArrayList<>();
            List<Double> postMs = new ArrayList<>();
            List<Double> postHeapMb = new ArrayList<>();
            List<Double> rawMs = new ArrayList<>();
            List<Double> rawWriteMs = new ArrayList<>();
            List<Double> rawForceMs = new ArrayList<>();
            long postBytes = 0;
            for (int run = 0; run < runs; run++) {
                Heap.settle();
                double[] raw = rawWrite(jobsDir, datasetBytes);
                rawMs.add(raw[0] + raw[1]);
                rawWriteMs.add(raw[0]);
                rawForceMs.add(raw[1]);

                Generator generator = new Generator(experiences);
                Heap heap = Heap.watch();
                long allocated = allocatedBytes();
                long t0 = System.nanoTime();
                Job job = coordinator.submit(generator, options());
                long t1 = System.nanoTime();
                submitAllocMb.add((allocatedBytes() - allocated) / 1048576.0);
                submitHeapMb.add(heap.stop());
                submitMs.add((t1 - t0) / 1e6);
                submitStreamMs.add((generator.exhaustedAt - t0) / 1e6);
                submitCommitMs.add((t1 - generator.exhaustedAt) / 1e6);
                datasetBytes = job.datasetBytes;
                coordinator.cancel(job.jobId);

                Heap.settle();
                heap = Heap.watch();
                t0 = System.nanoTime();
                String posted = post(start, body);
                t1 = System.nanoTime();
                postHeapMb.add(heap.stop());
                postMs.add((t1 - t0) / 1e6);
                postBytes = JSON.readTree(Http.get(hub.httpPort(), "/api/training/jobs/" + posted).body())
                        .path("dataset_bytes").asLong();
                coordinator.cancel(posted);
            }
            // Live heap during (b): full GCs while the hub writes the dataset (untimed run), minus the live heap before.
            Heap.settle();
            long beforePost = MEMORY.getHeapMemoryUsage().getUsed();
            LiveProbe postProbe = new LiveProbe(jobsDir, datasetBytes);
            coordinator.cancel(post(start, body));
            double postLiveGrowthMb = (postProbe.stop() - beforePost) / 1048576.0;
            body = null;

            // Generation alone (the generator runs inside (a)'s time and heap too).
            List<Double> generateMs = new ArrayList<>();
            List<Double> generateHeapMb = new ArrayList<>();
            List<Double> generateAllocMb = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                Heap.settle();
                Heap heap = Heap.watch();
                long allocated = allocatedBytes();
                long t0 = System.nanoTime();
                generateOnly(experiences);
                long t1 = System.nanoTime();
                generateAllocMb.add((allocatedBytes() - allocated) / 1048576.0);
                generateHeapMb.add(heap.stop());
                generateMs.add((t1 - t0) / 1e6);
            }

            // Live heap during (a): full GCs at each quarter of the stream (untimed run), minus the live heap before.
            Heap.settle();
            long before = MEMORY.getHeapMemoryUsage().getUsed();
            Generator probed = new Generator(experiences, experiences / 4);
            Job probedJob = coordinator.submit(probed, options());
            coordinator.cancel(probedJob.jobId);
            double liveGrowthMb = (probed.maxLiveHeap - before) / 1048576.0;

            // Where (a)'s time goes: the same writer the coordinator uses, on its own, then a job of one experience.
            List<Double> writerWriteMs = new ArrayList<>();
            List<Double> writerCommitMs = new ArrayList<>();
            List<Double> smallJobMs = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                Heap.settle();
                Generator generator = new Generator(experiences);
                Path target = jobsDir.resolve("bench-writer.jsonl");
                long t0 = System.nanoTime();
                try (ExperienceWriter writer = ExperienceWriter.create(target)) {
                    while (generator.hasNext()) {
                        writer.write(generator.next());
                    }
                    long t1 = System.nanoTime();
                    writer.commit();
                    long t2 = System.nanoTime();
                    writerWriteMs.add((t1 - t0) / 1e6);
                    writerCommitMs.add((t2 - t1) / 1e6);
                }
                Files.deleteIfExists(target);
                long t3 = System.nanoTime();
                Job small = coordinator.submit(new Generator(1), options());
                smallJobMs.add((System.nanoTime() - t3) / 1e6);
                coordinator.cancel(small.jobId);
            }

            System.out.printf("experiences: %d, dataset written by (a): %d bytes (%.1f MB); (b) body %d bytes, its dataset %d bytes%n",
                    experiences, datasetBytes, datasetBytes / 1048576.0, bodyBytes, postBytes);
            System.out.printf("runs: %d, interleaved c, a, b%n", runs);
            System.out.printf("(c) plain write 64 KiB chunks + fsync:        %s   (write %.0f + force %.0f)%n",
                    summary(rawMs), median(rawWriteMs), median(rawForceMs));
            System.out.printf("(a) coordinator.submit (generate, serialize, write, fsync, rename, store, enqueue): %s%n",
                    summary(submitMs));
            System.out.printf("      of which stream (generate+serialize+write) %.0f, commit+enqueue %.0f (medians)%n",
                    median(submitStreamMs), median(submitCommitMs));
            System.out.printf("(b) POST inline to /api/training/start -> 202: %s%n", summary(postMs));
            System.out.printf("ratio a/c %.2f   b/a %.2f   (medians)%n", median(submitMs) / median(rawMs),
                    median(postMs) / median(submitMs));
            System.out.printf("generator alone (inside (a)):                 %s%n", summary(generateMs));
            System.out.printf("(a) minus generator: %.0f ms, ratio to (c) %.2f%n", median(submitMs) - median(generateMs),
                    (median(submitMs) - median(generateMs)) / median(rawMs));
            System.out.printf("phases, same writer alone: serialize+write %s; flush+fsync+rename+folder fsync %s; "
                    + "job of 1 experience (store+enqueue+tiny fsync) %s%n", summary(writerWriteMs), summary(writerCommitMs),
                    summary(smallJobMs));
            System.out.printf("heap growth, peak used - used after GC, sampled every 1 ms:%n");
            System.out.printf("  during (a):             median %.1f MB  %s%n", median(submitHeapMb), list(submitHeapMb, "%.1f"));
            System.out.printf("  generator alone:        median %.1f MB  %s%n", median(generateHeapMb), list(generateHeapMb, "%.1f"));
            System.out.printf("  during (b) (hub+client): median %.1f MB  %s%n", median(postHeapMb), list(postHeapMb, "%.1f"));
            System.out.printf("allocated by the calling thread: (a) median %.0f MB, generator alone %.0f MB%n",
                    median(submitAllocMb), median(generateAllocMb));
            System.out.printf("live heap growth (after full GCs): during (a), at each quarter of the stream: max %.1f MB; "
                    + "during (b), as the hub writes the dataset: max %.1f MB%n", liveGrowthMb, postLiveGrowthMb);
        }
    }

    private static TrainingCoordinator.Options options() {
        return TrainingCoordinator.Options.of(null, null, null);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void generateOnly(int experiences) {
        Generator generator = new Generator(experiences);
        long sum = 0;
        while (generator.hasNext()) {
            sum += generator.next().output().length();
        }
        if (sum == 0) {
            throw new IllegalStateException("nothing generated");
        }
    }

    /** (c): the same number of bytes, written in 64 KiB chunks, forced to disk and closed; ms of the writes and of the rest. */
    private static double[] rawWrite(Path dir, long bytes) throws Exception {
        Path file = dir.resolve("bench-raw.bin");
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        Random random = new Random(SEED);
        while (chunk.hasRemaining()) {
            chunk.put((byte) ('a' + random.nextInt(26)));
        }
        long t0 = System.nanoTime();
        long t1;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long left = bytes; left > 0; left -= CHUNK) {
                chunk.clear().limit((int) Math.min(CHUNK, left));
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            t1 = System.nanoTime();
            out.force(true);
        }
        long t2 = System.nanoTime();
        Files.delete(file);
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
    }

    /** (b): the body as it is, until the 202 answer; returns the job id. */
    private static String post(URI start, byte[] body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(start).timeout(DEADLINE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("POST /api/training/start: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("job_id").asText();
    }

    /** {"experiences": [...]} of the same experiences (without ids: the hub gives them, as it does in (a)). */
    private static byte[] inlineBody(int experiences) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(experiences * 5300);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("experiences");
            Generator generator = new Generator(experiences);
            while (generator.hasNext()) {
                json.writeTree(generator.next().fields());
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * EXPERIENCES experiences made one at a time from a seeded Random, never held: input ~1 KB, output ~4 KB of
     * words (with line breaks and quotes to escape), a reward and a small metadata object. Optionally measures the
     * live heap (after full GCs) every {@code probeEvery} experiences; records when it ran out.
     */
    private static final class Generator implements Iterator<Experience> {
        private static final String[] SEGMENTS = segments();
        private final Random random = new Random(SEED);
        private final int count;
        private final int probeEvery;
        private int index;
        long exhaustedAt;
        long maxLiveHeap;

        Generator(int count) {
            this(count, 0);
        }

        Generator(int count, int probeEvery) {
            this.count = count;
            this.probeEvery = probeEvery;
        }

        @Override
        public boolean hasNext() {
            if (probeEvery > 0 && index > 0 && (index % probeEvery == 0 || index == count) && exhaustedAt == 0) {
                Heap.settle();
                maxLiveHeap = Math.max(maxLiveHeap, MEMORY.getHeapMemoryUsage().getUsed());
            }
            if (index < count) {
                return true;
            }
            if (exhaustedAt == 0) {
                exhaustedAt = System.nanoTime();
            }
            return false;
        }

        @Override
        public Experience next() {
            if (index >= count) {
                throw new NoSuchElementException();
            }
            index++;
            String input = text(1000);
            String output = text(4000);
            double reward = random.nextInt(1001) / 1000.0;
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            fields.put("input", input).put("output", output).put("reward", reward);
            ObjectNode metadata = fields.putObject("metadata");
            metadata.put("source", "bench").put("session", "s-" + index / 50).put("turn", index % 50);
            metadata.putArray("tags").add(SEGMENTS[random.nextInt(16)].split(" ")[0]).add("seed");
            return new Experience(null, input, output, reward, fields);
        }

        private String text(int length) {
            StringBuilder text = new StringBuilder(length + 80);
            while (text.length() < length) {
                text.append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
                text.append(random.nextInt(12) == 0 ? '\n' : ' ');
            }
            return text.toString();
        }

        /** 1,024 snippets of 6-12 made-up words, some with a quoted word; built once from the seed. */
        private static String[] segments() {
            String[] syllables = {"ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "qui", "ne", "tha", "po", "lis",
                "ar", "un", "be", "cor", "di", "fen", "gal"};
            Random random = new Random(SEED + 1);
            String[] segments = new String[1024];
            for (int i = 0; i < segments.length; i++) {
                StringBuilder segment = new StringBuilder();
                int words = 6 + random.nextInt(7);
                for (int w = 0; w < words; w++) {
                    if (w > 0) {
                        segment.append(' ');
                    }
                    boolean quoted = random.nextInt(40) == 0;
                    if (quoted) {
                        segment.append('"');
                    }
                    for (int s = 1 + random.nextInt(3); s > 0; s--) {
                        segment.append(syllables[random.nextInt(syllables.length)]);
                    }
                    if (quoted) {
                        segment.append('"');
                    }
                }
                segments[i] = segment.toString();
            }
            return segments;
        }
    }

    /**
     * The live heap (after full GCs) while the hub writes an inline job's dataset: once its temporary file appears and
     * once it holds half the bytes. Polls every millisecond, for at most {@link #DEADLINE}.
     */
    private static final class LiveProbe {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long maxLive;

        LiveProbe(Path jobsDir, long datasetBytes) {
            thread = new Thread(() -> {
                boolean appeared = false;
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (running && System.nanoTime() < deadline) {
                    try (Stream<Path> files = Files.list(jobsDir)) {
                        Path temporary = files.filter(f -> f.getFileName().toString().endsWith(".jsonl.tmp")).findFirst().orElse(null);
                        long size = temporary == null ? -1 : Files.size(temporary);
                        if (size >= 0 && (!appeared || size > datasetBytes / 2)) {
                            Heap.settle();
                            maxLive = Math.max(maxLive, MEMORY.getHeapMemoryUsage().getUsed());
                            if (appeared) {
                                return;
                            }
                            appeared = true;
                        }
                    } catch (java.io.IOException gone) {
                        // the temporary file was renamed between the listing and its size: the write is over
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            }, "live-heap-probe");
            thread.setDaemon(true);
            thread.start();
        }

        /** The largest live heap seen, in bytes (0 when the dataset was never caught being written). */
        long stop() throws InterruptedException {
            running = false;
            thread.join(DEADLINE.toMillis());
            return maxLive;
        }
    }

    /** Peak used heap above the used heap after a GC, from a thread sampling every millisecond. */
    private static final class Heap {
        private final long baseline;
        private volatile boolean running = true;
        private volatile long peak;
        private final Thread sampler;

        private Heap(long baseline) {
            this.baseline = baseline;
            this.peak = baseline;
            sampler = new Thread(() -> {
                while (running) {
                    long used = MEMORY.getHeapMemoryUsage().getUsed();
                    if (used > peak) {
                        peak = used;
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** Full GCs until the used heap stops shrinking (at most 5). */
        static void settle() {
            long used = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                System.gc();
                long now = MEMORY.getHeapMemoryUsage().getUsed();
                if (now >= used - (1 << 20)) {
                    return;
                }
                used = now;
            }
        }

        static Heap watch() {
            settle();
            return new Heap(MEMORY.getHeapMemoryUsage().getUsed());
        }

        /** MB of the peak above the baseline. */
        double stop() throws InterruptedException {
            long last = MEMORY.getHeapMemoryUsage().getUsed();
            running = false;
            sampler.join(1000);
            return (Math.max(peak, last) - baseline) / 1048576.0;
        }
    }

    // ------------------------------------------------------------------------------------ submit -> SSE "running"

    private static void stream(Path work) throws Exception {
        Path config = ReactorSetup.reactorOnlyConfig(work.resolve("config2"), Map.of());
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(work.resolve("home2"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_PROBE_INTERVAL", "0.5", "TRINITY_LOG_LEVEL", "WARN")))) {
            int port = hub.httpPort();
            awaitReactor(port);
            String body = new String(inlineBody(STREAM_JOB_EXPERIENCES), java.nio.charset.StandardCharsets.UTF_8);

            List<Double> toRunning = new ArrayList<>();
            List<Double> toStarting = new ArrayList<>();
            List<Double> startingToRunning = new ArrayList<>();
            List<Double> postMs = new ArrayList<>();
            List<Double> runningToEnd = new ArrayList<>();
            for (int i = -1; i < STREAM_JOBS; i++) { // job -1 is a warm-up, not counted
                Instant wall0 = Instant.now();
                long t0 = System.nanoTime();
                HttpResponse<String> posted = Http.postJson(port, "/api/training/start", body);
                long tPosted = System.nanoTime();
                if (posted.statusCode() != 202) {
                    throw new IllegalStateException("POST /api/training/start: " + posted.statusCode() + " " + posted.body());
                }
                String jobId = JSON.readTree(posted.body()).path("job_id").asText();
                long tRunning = awaitRunningThenEnd(port, jobId);
                JsonNode job = JSON.readTree(Http.get(port, "/api/training/jobs/" + jobId).body());
                if (!"completed".equals(job.path("status").asText())) {
                    throw new IllegalStateException("job " + jobId + " ended " + job.path("status").asText() + ": " + job.path("error"));
                }
                Map<String, Instant> at = new java.util.HashMap<>();
                for (JsonNode event : job.path("history")) {
                    if ("transition".equals(event.path("kind").asText())) {
                        at.putIfAbsent(event.path("status").asText(), Instant.parse(event.path("ts").asText()));
                    }
                }
                if (i < 0) {
                    continue;
                }
                postMs.add((tPosted - t0) / 1e6);
                toRunning.add((tRunning - t0) / 1e6);
                toStarting.add(Duration.between(wall0, at.get("starting")).toNanos() / 1e6);
                startingToRunning.add(Duration.between(at.get("starting"), at.get("running")).toNanos() / 1e6);
                runningToEnd.add(Duration.between(at.get("running"), at.get("completed")).toNanos() / 1e6);
            }
            System.out.printf("submit -> SSE running, %d jobs of %d experiences, built-in trainer, after 1 warm-up job:%n",
                    STREAM_JOBS, STREAM_JOB_EXPERIENCES);
            System.out.printf("  POST -> 202:                                   %s%n", summary90(postMs));
            System.out.printf("  submit -> 'starting' stored (reactor pickup):  %s%n", summary90(toStarting));
            System.out.printf("  'starting' -> 'running' stored (trainer spawn): %s%n", summary90(startingToRunning));
            System.out.printf("  submit -> first SSE 'running' event:           %s%n", summary90(toRunning));
            System.out.printf("  'running' -> 'completed' stored (trainer JVM): %s%n", summary90(runningToEnd));
        }
    }

    /** Waits (bounded) until the supervised reactor is registered healthy. */
    private static void awaitReactor(int port) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = Http.get(port, "/api/services/reactor-core?wait=5s");
            if (response.statusCode() == 200 && "healthy".equals(JSON.readTree(response.body()).path("status").asText())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the reactor did not become healthy in " + DEADLINE.toSeconds() + " s");
    }

    /**
     * Opens the job's SSE stream right away and reads it: returns System.nanoTime() of the first event whose status
     * is "running", after the stream ended (the job reached a terminal state), so the reactor is idle for the next.
     */
    private static long awaitRunningThenEnd(int port, String jobId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/training/stream/" + jobId))
                .header("Accept", "text/event-stream").timeout(DEADLINE).GET().build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET stream: " + response.statusCode());
        }
        try (Stream<String> lines = response.body()) {
            CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
                long seen = -1;
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    long now = System.nanoTime();
                    try {
                        String status = JSON.readTree(line.substring(5)).path("status").asText();
                        if (seen < 0 && "running".equals(status)) {
                            seen = now;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("unreadable event " + line, e);
                    }
                }
                return seen;
            });
            long seen = running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (seen < 0) {
                throw new IllegalStateException("job " + jobId + ": the stream ended without a running event");
            }
            return seen;
        }
    }

    // ------------------------------------------------------------------------------------------------- figures

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    private static String summary(List<Double> ms) {
        return String.format("median %.0f ms  %s", median(ms), list(ms, "%.0f"));
    }

    private static String summary90(List<Double> ms) {
        return String.format("median %.0f ms, p90 %.0f ms  %s", median(ms), percentile(ms, 90), list(ms, "%.0f"));
    }

    private static String list(List<Double> values, String format) {
        List<String> texts = new ArrayList<>();
        for (double value : values) {
            texts.add(String.format(format, value));
        }
        return "[" + String.join(" ", texts) + "]";
    }
}
