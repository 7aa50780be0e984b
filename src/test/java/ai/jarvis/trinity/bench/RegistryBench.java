package ai.jarvis.trinity.bench;

import static ai.jarvis.trinity.bench.BenchStats.percentileMillis;

import ai.jarvis.trinity.registry.RegistryFile;
import ai.jarvis.trinity.registry.RegistryWriterMain;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Registry benchmark (bench/registry.sh): heartbeat latency with one writer beside the raw cost of the same
 * lock + write + fsync + rename, then throughput and lost updates with several writer processes.
 */
public final class RegistryBench {

    private static final int SERVICES = 10;
    private static final Pattern DONE = Pattern.compile("ops (\\d+) from (\\d+) to (\\d+)");

    private RegistryBench() {
    }

    public static void main(String[] args) throws Exception {
        int heartbeats = Integer.parseInt(args.length > 0 ? args[0] : "2000");
        int processes = Integer.parseInt(args.length > 1 ? args[1] : "8");
        Path work = Files.createTempDirectory("registry-bench");

        Path rawDir = Files.createDirectories(work.resolve("raw"));
        Path registryDir = Files.createDirectories(work.resolve("registry"));
        ServiceRegistry registry = new ServiceRegistry(new RegistryFile(registryDir), "bench-host",
                Duration.ofHours(1), event -> { }, Clock.systemUTC());
        for (int i = 0; i < SERVICES; i++) {
            ServiceEntry entry = new ServiceEntry();
            entry.serviceName = "svc-" + i;
            entry.port = 9000 + i;
            entry.metadata.put("role", "bench");
            registry.register(entry);
        }
        byte[] fileContent = Files.readAllBytes(registryDir.resolve("services.json"));

        // Warm-up of both paths, then interleaved rounds so that machine noise hits both alike.
        rawWrites(rawDir, fileContent, heartbeats / 4);
        heartbeats(registry, heartbeats / 4);
        List<Long> raw = new ArrayList<>();
        List<Long> real = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            raw.addAll(rawWrites(rawDir, fileContent, heartbeats / 4));
            real.addAll(heartbeats(registry, heartbeats / 4));
        }
        System.out.printf("file size: %d bytes (%d services)%n", fileContent.length, SERVICES);
        System.out.printf("raw lock+write+fsync+rename, 1 writer: %s%n", summary(raw));
        System.out.printf("registry heartbeat, 1 writer:          %s%n", summary(real));
        System.out.printf("ratio p50 %.2f, p99 %.2f%n", percentileMillis(real, 50) / percentileMillis(raw, 50),
                percentileMillis(real, 99) / percentileMillis(raw, 99));

        Path shared = Files.createDirectories(work.resolve("shared"));
        int servicesEach = 20;
        int beatsEach = Math.max(1, heartbeats / (processes * servicesEach));
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), RegistryWriterMain.class.getName(),
                    shared.toString(), "w" + i, Integer.toString(servicesEach), Integer.toString(beatsEach))
                    .redirectErrorStream(true).start());
        }
        long ops = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (Process writer : writers) {
            String output;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                output = String.join("\n", reader.lines().toArray(String[]::new));
            }
            if (writer.waitFor() != 0) {
                throw new IllegalStateException("writer failed: " + output);
            }
            Matcher done = DONE.matcher(output);
            if (!done.find()) {
                throw new IllegalStateException("writer said: " + output);
            }
            ops += Long.parseLong(done.group(1));
            first = Math.min(first, Long.parseLong(done.group(2)));
            last = Math.max(last, Long.parseLong(done.group(3)));
        }
        Map<String, ServiceEntry> result = new RegistryFile(shared).read();
        long lost = (long) processes * servicesEach - result.values().stream().filter(e -> "healthy".equals(e.status)).count();
        System.out.printf("%d writer processes: %d updates in %d ms = %.0f updates/s; lost updates: %d%n",
                processes, ops, last - first, ops * 1000.0 / Math.max(1, last - first), lost);
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static List<Long> heartbeats(ServiceRegistry registry, int count) {
        List<Long> nanos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            registry.heartbeat("svc-" + (i % SERVICES), i % 2 == 0 ? "healthy" : "degraded");
            nanos.add(System.nanoTime() - start);
        }
        return nanos;
    }

    /** The same file operations the registry does, without reading or JSON: the floor of one update. */
    private static List<Long> rawWrites(Path dir, byte[] content, int count) throws Exception {
        Path file = dir.resolve("services.json");
        Path temp = dir.resolve("services.json.tmp");
        List<Long> nanos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            try (FileChannel lockChannel = FileChannel.open(dir.resolve("services.json.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockChannel.lock()) {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    out.write(ByteBuffer.wrap(content));
                    out.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
                    folder.force(true);
                }
            }
            nanos.add(System.nanoTime() - start);
        }
        return nanos;
    }

    private static String summary(List<Long> nanos) {
        return String.format("p50 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)", percentileMillis(nanos, 50),
                percentileMillis(nanos, 99), percentileMillis(nanos, 100), nanos.size());
    }
}
