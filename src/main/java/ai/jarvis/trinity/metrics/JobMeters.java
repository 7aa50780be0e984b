package ai.jarvis.trinity.metrics;

import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobEvent;
import ai.jarvis.trinity.training.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Training jobs: how many are in each status (the job database, read once per scrape) and how long the jobs that
 * ended while this hub ran had been running, from start to their end, by how they ended.
 */
final class JobMeters {

    private static final List<String> STATUSES =
            List.of(Job.QUEUED, Job.STARTING, Job.RUNNING, Job.COMPLETED, Job.FAILED, Job.CANCELLED);
    private static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(12)};

    private final JobStore store;
    private final MeterRegistry registry;
    private final MultiGauge jobs;

    JobMeters(JobStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
        this.jobs = MultiGauge.builder("trinity.training.jobs")
                .description("Training jobs in the job database by status")
                .register(registry);
        store.subscribe(this::recordEnd);
    }

    void refresh() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        STATUSES.forEach(status -> counts.put(status, 0));
        counts.putAll(store.countsByStatus());
        jobs.register(counts.entrySet().stream()
                .map(count -> MultiGauge.Row.of(Tags.of("status", count.getKey()), count.getValue()))
                .collect(Collectors.toList()), true);
    }

    private void recordEnd(JobEvent event) {
        if (!event.isTerminal()) {
            return;
        }
        store.find(event.jobId).filter(job -> job.startedAt != null).ifPresent(job -> {
            Duration ran = Duration.between(Instant.parse(job.startedAt), Instant.parse(event.ts));
            Timer.builder("trinity.training.job.duration")
                    .description("Time from a job's start (taken by a reactor) to its end, of the jobs that ended "
                            + "while this hub ran")
                    .tag("status", event.status)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry)
                    .record(ran.isNegative() ? Duration.ZERO : ran);
        });
    }
}
