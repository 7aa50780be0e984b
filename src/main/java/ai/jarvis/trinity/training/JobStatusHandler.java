package ai.jarvis.trinity.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the reactors' status messages (trinity.status) to the jobs. Every message names the reactor's run of the
 * job; a run the hub did not hand the job to (a reactor that died and came back, a rerun after a lost
 * acknowledgement) cannot change it. A second run of a job that already ended is told to stop.
 */
public final class JobStatusHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatusHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobStore store;
    private final TrainingCoordinator.Channels channels;
    private final boolean autoDeploy;
    private final Consumer<ModelRecord> recorded;
    private final CountDownLatch reconciled = new CountDownLatch(1);

    /** {@code recorded} hears of every model a completed job stored (deployed at once with {@code autoDeploy}). */
    public JobStatusHandler(JobStore store, TrainingCoordinator.Channels channels, boolean autoDeploy,
                            Consumer<ModelRecord> recorded) {
        this.store = store;
        this.channels = channels;
        this.autoDeploy = autoDeploy;
        this.recorded = recorded;
    }

    /** Statuses are applied once the jobs an earlier hub left unfinished are reconciled. */
    public void ready() {
        reconciled.countDown();
    }

    public void apply(String body) throws Exception {
        if (!reconciled.await(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the hub has not finished reconciling its jobs yet");
        }
        JsonNode status = JSON.readTree(body);
        String jobId = status.path("job_id").asText(null);
        String runId = status.path("run_id").asText(null);
        String kind = status.path("status").asText("");
        if (jobId == null || runId == null) {
            throw new IllegalArgumentException("a status message needs job_id and run_id: " + abbreviate(body));
        }
        Optional<Job> found = store.find(jobId);
        if (found.isEmpty()) {
            LOG.warn("Status '{}' for unknown job {} ignored", kind, jobId);
            return;
        }
        Job job = found.get();
        if (Job.STARTING.equals(kind)) {
            starting(job, runId, status.path("reactor").asText(null));
            return;
        }
        if (!runId.equals(job.runId)) {
            if (job.isTerminal() && !Job.TERMINAL.contains(kind)) {
                stop(job, runId);
            } else {
                LOG.info("Job {}: '{}' from run {} ignored (the job's run is {})", jobId, kind, runId, job.runId);
            }
            return;
        }
        switch (kind) {
            case Job.RUNNING:
                store.transition(jobId, job.status, Job.RUNNING, "trainer started", Map.of("started_at", store.now()));
                break;
            case JobEvent.PROGRESS:
                store.progress(jobId, runId, figures(status));
                break;
            case Job.COMPLETED:
                completed(job, status);
                break;
            case Job.FAILED:
                Map<String, Object> failure = new HashMap<>();
                failure.put("finished_at", store.now());
                failure.put("error", status.path("error").asText("the trainer failed"));
                store.transition(jobId, job.status, Job.FAILED, status.path("error").asText("the trainer failed"), failure);
                break;
            case Job.CANCELLED:
                if (!Job.CANCELLED.equals(job.status)) {
                    store.transition(jobId, job.status, Job.CANCELLED, status.path("detail").asText("cancelled by the reactor"),
                            Map.of("finished_at", store.now()));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown status '" + kind + "' for job " + jobId);
        }
    }

    /**
     * A reactor starts a run. A queued job is its; a job another run had is being run again (that reactor is gone
     * and the broker redelivered the job), which the history shows as a new attempt; an ended job is not run again.
     */
    private void starting(Job job, String runId, String reactor) {
        if (runId.equals(job.runId)) {
            return;
        }
        String from = job.status;
        if (Job.STARTING.equals(from) || Job.RUNNING.equals(from)) {
            Map<String, Object> again = new HashMap<>();
            again.put("attempt", job.attempt + 1);
            again.put("run_id", null);
            again.put("progress", 0.0);
            if (store.transition(job.jobId, from, Job.QUEUED, "run " + job.runId + " on " + job.reactor
                    + " was lost; the broker redelivered the job", again).isEmpty()) {
                return;
            }
            from = Job.QUEUED;
        }
        if (!Job.QUEUED.equals(from)) {
            stop(job, runId);
            return;
        }
        Map<String, Object> columns = new HashMap<>();
        columns.put("run_id", runId);
        columns.put("reactor", reactor);
        store.transition(job.jobId, Job.QUEUED, Job.STARTING, "taken by " + reactor, columns);
    }

    private void completed(Job job, JsonNode status) {
        JsonNode model = status.path("model");
        Map<String, Object> columns = new HashMap<>();
        columns.put("finished_at", store.now());
        columns.put("progress", 1.0);
        columns.put("metrics", status.get("metrics"));
        if (!model.hasNonNull("path") || !model.hasNonNull("sha256")) {
            columns.put("error", "the reactor reported no model");
            store.transition(job.jobId, job.status, Job.FAILED, "the reactor reported no model", columns);
            return;
        }
        ModelRecord record = new ModelRecord();
        record.id = job.config != null && job.config.hasNonNull("model_id") ? job.config.get("model_id").asText() : job.modelType;
        record.modelType = job.modelType;
        record.capabilities = model.get("capabilities");
        record.path = model.get("path").asText();
        record.sizeBytes = model.path("size_bytes").asLong();
        record.sha256 = model.get("sha256").asText();
        record.metrics = status.get("metrics");
        record.jobId = job.jobId;
        record.deployedAt = autoDeploy ? store.now() : null;
        store.complete(job.jobId, "trained " + record.id, columns, record).ifPresent(saved -> {
            LOG.info("Job {} completed: model {} version {} ({} bytes)", job.jobId, saved.id, saved.version, saved.sizeBytes);
            recorded.accept(saved);
        });
    }

    /**
     * A job message the broker dead-lettered after its last delivery attempt: each reactor that took it stopped (or
     * died) before the job ended. The job fails; a retry sends a new message.
     */
    public void deadLettered(String jobId, Integer deliveries) {
        Optional<Job> job = jobId == null ? Optional.empty() : store.find(jobId);
        if (job.isEmpty() || job.get().isTerminal()) {
            LOG.info("Dead-lettered job message for {} job {} dropped", job.map(j -> j.status).orElse("unknown"), jobId);
            return;
        }
        String reason = "the job message was dead-lettered after " + (deliveries == null ? "its last" : deliveries)
                + " deliveries: every reactor that took it stopped before the job ended (see the reactor logs)";
        Map<String, Object> columns = new HashMap<>();
        columns.put("finished_at", store.now());
        columns.put("error", reason);
        store.transition(jobId, job.get().status, Job.FAILED, reason, columns);
        LOG.warn("Job {} failed: {}", jobId, reason);
    }

    /** Tells the run of an ended job to stop: its result would count twice. */
    private void stop(Job job, String runId) {
        LOG.info("Job {} is already {}: run {} is told to stop", job.jobId, job.status, runId);
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("action", "cancel");
        command.put("job_id", job.jobId);
        command.put("run_id", runId);
        command.put("reason", "job already " + job.status);
        channels.control(command);
    }

    private static Map<String, Object> figures(JsonNode status) {
        Map<String, Object> figures = new LinkedHashMap<>();
        status.fields().forEachRemaining(field -> {
            switch (field.getKey()) {
                case "job_id": case "run_id": case "status": case "reactor": case "ts":
                    break;
                default:
                    figures.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
            }
        });
        return figures;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
