package ai.jarvis.trinity.serving;

import ai.jarvis.trinity.training.ModelRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * J-Prime's usage of each model version over one reporting interval (TRINITY_FEEDBACK_INTERVAL): requests, errors
 * and their latencies. Latencies are kept in a reservoir of at most {@link #MAX_SAMPLES} per version (a uniform random
 * sample once there are more), so the percentiles are exact up to that many answers per interval and estimates
 * beyond (each report says how many samples it was computed from); the maximum is always exact.
 */
public final class UsageMeter {

    static final int MAX_SAMPLES = 10_000;

    private final String reporter;
    private final Clock clock;
    private Map<Version, Window> windows = new LinkedHashMap<>();
    private Instant periodStart;

    public UsageMeter(String reporter, Clock clock) {
        this.reporter = reporter;
        this.clock = clock;
        this.periodStart = clock.instant();
    }

    /** A request {@code model} answered in {@code nanos}. */
    public synchronized void answered(ModelRecord model, long nanos) {
        window(model).add(nanos / 1e6);
    }

    /** A request {@code model} failed to answer. */
    public synchronized void failed(ModelRecord model) {
        window(model).errors++;
    }

    /**
     * The usage reports ({@code trinity.feedback} messages) of the interval that ends now, one per model version that
     * had requests in it, and a new interval begins.
     */
    public List<Map<String, Object>> drain() {
        Map<Version, Window> ended;
        Instant start;
        Instant end;
        synchronized (this) {
            ended = windows;
            start = periodStart;
            end = clock.instant();
            windows = new LinkedHashMap<>();
            periodStart = end;
        }
        List<Map<String, Object>> reports = new ArrayList<>();
        ended.forEach((version, window) -> reports.add(window.report(version, reporter, start, end)));
        return reports;
    }

    private Window window(ModelRecord model) {
        return windows.computeIfAbsent(new Version(model.id, model.version), v -> new Window());
    }

    private record Version(String modelId, int version) {
    }

    /** One version's interval: counts and the latency reservoir (Vitter's algorithm R). */
    private static final class Window {
        private final double[] samples = new double[MAX_SAMPLES];
        private long answered;
        private long errors;
        private double slowest;

        void add(double millis) {
            slowest = Math.max(slowest, millis);
            if (answered < MAX_SAMPLES) {
                samples[(int) answered] = millis;
            } else {
                long slot = ThreadLocalRandom.current().nextLong(answered + 1);
                if (slot < MAX_SAMPLES) {
                    samples[(int) slot] = millis;
                }
            }
            answered++;
        }

        Map<String, Object> report(Version version, String reporter, Instant start, Instant end) {
            double[] sorted = Arrays.copyOf(samples, (int) Math.min(answered, MAX_SAMPLES));
            Arrays.sort(sorted);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kind", "usage");
            report.put("feedback_id", UUID.randomUUID().toString());
            report.put("model_id", version.modelId());
            report.put("version", version.version());
            report.put("reporter", reporter);
            report.put("period_start", start.toString());
            report.put("period_end", end.toString());
            report.put("requests", answered + errors);
            report.put("errors", errors);
            Map<String, Object> latency = null;
            if (sorted.length > 0) {
                latency = new LinkedHashMap<>();
                latency.put("p50", percentile(sorted, 50));
                latency.put("p95", percentile(sorted, 95));
                latency.put("p99", percentile(sorted, 99));
                latency.put("max", round(slowest));
            }
            report.put("latency_ms", latency);
            report.put("samples", sorted.length);
            return report;
        }

        /** Nearest rank: the smallest sample with at least {@code p} percent of the samples at or below it. */
        private static double percentile(double[] sorted, int p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return round(sorted[Math.max(rank, 1) - 1]);
        }

        private static double round(double millis) {
            return Math.round(millis * 1000) / 1000.0;
        }
    }
}
