package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of training (DESIGN §6): turns a request or a dropped file into a dataset in the drop-box and a
 * queued job, and sends the reactors only a small job message naming the dataset. Cancel and retry start here too.
 */
public final class TrainingCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCoordinator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where job messages and reactor commands go (routes/training.yaml). */
    public interface Channels {
        void dispatch(Map<String, Object> jobMessage);

        void control(Map<String, Object> command);
    }

    /** The job messages waiting on the broker, by job id. */
    public interface QueuedJobs {
        boolean contains(String jobId);

        int remove(String jobId);
    }

    /** What a job is asked to do, beside its dataset; null for the defaults. */
    public static final class Options {
        static final int MAX_EPOCHS = 10_000;
        private static final Pattern MODEL_TYPE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

        String modelType;
        Integer epochs;
        JsonNode config;

        public static Options of(String modelType, Integer epochs, JsonNode config) {
            Options options = new Options();
            options.modelType = modelType;
            options.epochs = epochs;
            options.config = config;
            return options;
        }

        /** 400 for a model_type or epochs out of range. */
        void check() {
            if (modelType != null && !MODEL_TYPE.matcher(modelType).matches()) {
                throw ApiException.badRequest("invalid model_type", "'" + modelType
                        + "': lower-case letters, digits, '.', '_' and '-' (at most 64)");
            }
            if (epochs != null && (epochs < 1 || epochs > MAX_EPOCHS)) {
                throw ApiException.badRequest("invalid epochs", "epochs must be between 1 and " + MAX_EPOCHS);
            }
        }
    }

    private final JobStore store;
    private final StagingArea staging;
    private final WorkDirs workDirs;
    private final Channels channels;
    private final QueuedJobs queued;
    private final String defaultModelType;
    private final int defaultEpochs;
    private final boolean cleanup;

    public TrainingCoordinator(JobStore store, StagingArea staging, WorkDirs workDirs, Channels channels,
                               QueuedJobs queued, String defaultModelType, int defaultEpochs, boolean cleanup) {
        this.store = store;
        this.staging = staging;
        this.workDirs = workDirs;
        this.channels = channels;
        this.queued = queued;
        this.defaultModelType = defaultModelType;
        this.defaultEpochs = defaultEpochs;
        this.cleanup = cleanup;
    }

    /**
     * {@code POST /api/training/start}: {@code {"experiences": [...]}} or {@code {"dataset_path": ...}}, with optional
     * model_type, epochs and config. The experiences are streamed into the drop-box as they are parsed.
     */
    public Map<String, Object> start(InputStream body) {
        String jobId = newJobId();
        try (StartRequest request = StartRequest.read(body, staging.jobDataset(jobId, ".jsonl"))) {
            Job job;
            if (request.inlineDataset() != null) {
                ExperienceWriter written = request.inlineDataset();
                written.commit();
                job = newJob(jobId, "experiences", written.target(), null, written.count(), request.options());
            } else {
                Path file = staging.resolveInside(request.datasetPath());
                long count = validated(file);
                Path taken = staging.takeForJob(file, jobId);
                job = newJob(jobId, "dataset_path", taken, file.getFileName().toString(), count, request.options());
            }
            enqueue(job);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("job_id", job.jobId);
            answer.put("status", job.status);
            answer.put("experiences", job.experiences);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A complete file dropped into the staging dir: a job when it reads as a dataset, else moved to .failed/. Takes
     * the path as text (the staging-pickup route's CamelFileAbsolutePath): Camel has no String-to-Path converter.
     */
    public Job startFromDrop(String absolutePath) {
        Path file = Path.of(absolutePath);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String jobId = newJobId();
        long count;
        try {
            count = validated(file);
        } catch (ApiException e) {
            String reason = e.detail() == null ? e.error() : e.error() + ": " + e.detail();
            Path failed = staging.reject(file, reason);
            LOG.warn("Dropped file {} cannot be used ({}): moved to {}", file.getFileName(), reason, failed);
            return null;
        }
        Path taken = staging.takeForJob(file, jobId);
        Job job = enqueue(newJob(jobId, "staging", taken, file.getFileName().toString(), count, new Options()));
        LOG.info("Job {}: {} experiences dropped as {}", job.jobId, count, file.getFileName());
        return job;
    }

    /**
     * A job from experiences given in code (the data pipeline, benchmarks): streamed into the drop-box with bounded
     * memory whatever their number.
     */
    public Job submit(Iterator<Experience> experiences, Options options) {
        return submit(newJobId(), "experiences", experiences, options);
    }

    /**
     * The same under a job id the caller chose ({@link #newJobId()}) and with its own source, so that the caller can
     * tell later whether the job was created (the data pipeline's claims, after a crash).
     */
    public Job submit(String jobId, String source, Iterator<Experience> experiences, Options options) {
        options.check();
        try (ExperienceWriter writer = ExperienceWriter.create(staging.jobDataset(jobId, ".jsonl"))) {
            while (experiences.hasNext()) {
                writer.write(experiences.next());
            }
            if (writer.count() == 0) {
                throw ApiException.badRequest("empty experience list", "a job needs at least one experience");
            }
            writer.commit();
            return enqueue(newJob(jobId, source, writer.target(), null, writer.count(), options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long validated(Path file) {
        try {
            return ExperienceReader.validate(file);
        } catch (InvalidDatasetException e) {
            throw ApiException.badRequest("invalid dataset", e.getMessage());
        }
    }

    private Job newJob(String jobId, String source, Path dataset, String name, long count, Options options) {
        Job job = new Job();
        job.jobId = jobId;
        job.modelType = options.modelType == null ? defaultModelType : options.modelType;
        job.epochs = options.epochs == null ? defaultEpochs : options.epochs;
        job.config = options.config == null ? JSON.createObjectNode() : options.config;
        job.source = source;
        job.datasetPath = dataset.toString();
        job.datasetName = name;
        job.experiences = count;
        try {
            job.datasetBytes = Files.size(dataset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return job;
    }

    private Job enqueue(Job job) {
        store.create(job);
        channels.dispatch(jobMessage(job));
        return job;
    }

    /** The message a reactor gets: where the dataset is and what to train, never the data itself. */
    static Map<String, Object> jobMessage(Job job) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("job_id", job.jobId);
        message.put("attempt", job.attempt);
        message.put("dataset_path", job.datasetPath);
        message.put("model_type", job.modelType);
        message.put("epochs", job.epochs);
        message.put("config", job.config);
        return message;
    }

    /** {@code POST /api/training/jobs/{id}/cancel}: 404 unknown, 409 when the job already ended. */
    public Job cancel(String jobId) {
        for (int tries = 0; tries < 3; tries++) {
            Job job = store.get(jobId);
            if (job.isTerminal()) {
                throw new ApiException(409, "job already ended", "job " + jobId + " is " + job.status);
            }
            if (store.transition(jobId, job.status, Job.CANCELLED, "cancelled by request",
                    Map.of("finished_at", store.now())).isPresent()) {
                if (Job.QUEUED.equals(job.status)) {
                    queued.remove(jobId);
                    removeQueuedDataset(job);
                }
                Map<String, Object> command = new HashMap<>();
                command.put("action", "cancel");
                command.put("job_id", jobId);
                command.put("run_id", job.runId);
                channels.control(command);
                LOG.info("Job {} cancelled (was {})", jobId, job.status);
                return store.get(jobId);
            }
        }
        throw new ApiException(409, "job is changing", "job " + jobId + " changed state while being cancelled: try again");
    }

    private void removeQueuedDataset(Job job) {
        if (cleanup) {
            try {
                Files.deleteIfExists(Path.of(job.datasetPath));
            } catch (IOException e) {
                LOG.warn("Job {}: cannot remove its dataset {}: {}", job.jobId, job.datasetPath, e.getMessage());
            }
        }
    }

    /** {@code POST /api/training/jobs/{id}/retry}: a failed job runs again from its kept dataset, as a new attempt. */
    public Job retry(String jobId) {
        Job job = store.get(jobId);
        if (!Job.FAILED.equals(job.status)) {
            throw new ApiException(409, "job not failed", "only a failed job can be retried; job " + jobId + " is " + job.status);
        }
        if (workDirs.keptDataset(jobId).isEmpty() && !Files.isRegularFile(Path.of(job.datasetPath))) {
            throw new ApiException(409, "dataset no longer kept",
                    "the dataset of job " + jobId + " was removed (TRAINING_FAILED_RETENTION); submit it again");
        }
        Map<String, Object> columns = new HashMap<>();
        columns.put("attempt", job.attempt + 1);
        columns.put("run_id", null);
        columns.put("progress", 0.0);
        columns.put("error", null);
        columns.put("finished_at", null);
        if (store.transition(jobId, Job.FAILED, Job.QUEUED, "retry requested", columns).isEmpty()) {
            throw new ApiException(409, "job is changing", "job " + jobId + " changed state: try again");
        }
        Job retried = store.get(jobId);
        channels.dispatch(jobMessage(retried));
        LOG.info("Job {} queued again (attempt {})", jobId, retried.attempt);
        return retried;
    }

    /** A failed job's dataset is no longer kept (TRAINING_FAILED_RETENTION): its work dir and staged file go. */
    public void removeKeptDataset(String jobId, String datasetPath) {
        boolean removed = workDirs.remove(jobId);
        Path staged = Path.of(datasetPath);
        if (staged.startsWith(staging.root().resolve(StagingArea.JOBS))) {
            try {
                removed |= Files.deleteIfExists(staged);
            } catch (IOException e) {
                LOG.warn("Job {}: cannot remove its dataset {}: {}", jobId, staged, e.getMessage());
            }
        }
        if (removed) {
            LOG.info("Job {} failed longer ago than TRAINING_FAILED_RETENTION: its dataset is removed", jobId);
        }
    }

    /**
     * At hub start (DESIGN §6): jobs the last hub left starting or running become queued again as a new attempt
     * (their unacknowledged job message comes back from the broker journal), or failed when resuming is off; a
     * queued job whose message is missing (the hub died between the two) gets it sent again. Jobs that changed since
     * {@code hubStarted} are live and left alone.
     */
    public void recover(boolean autoResume, Instant hubStarted) {
        for (Job job : store.unfinished()) {
            if (!Instant.parse(job.updatedAt).isBefore(hubStarted)) {
                continue;
            }
            boolean interrupted = Job.STARTING.equals(job.status) || Job.RUNNING.equals(job.status);
            if (interrupted && !autoResume) {
                store.transition(job.jobId, job.status, Job.FAILED, "interrupted by a hub restart (AUTO_RESUME_JOBS=false)",
                        Map.of("finished_at", store.now(), "error", "interrupted by a hub restart"));
                queued.remove(job.jobId);
                LOG.warn("Job {} was {} when the hub stopped: failed (AUTO_RESUME_JOBS=false); retry it to run it again",
                        job.jobId, job.status);
                continue;
            }
            if (interrupted) {
                Map<String, Object> columns = new HashMap<>();
                columns.put("attempt", job.attempt + 1);
                columns.put("run_id", null);
                store.transition(job.jobId, job.status, Job.QUEUED,
                        "hub restarted while the job was " + job.status + ": resumed as attempt " + (job.attempt + 1), columns);
                LOG.info("Job {} was {} when the hub stopped: resumed as attempt {}", job.jobId, job.status, job.attempt + 1);
            }
            if (!queued.contains(job.jobId)) {
                channels.dispatch(jobMessage(store.get(job.jobId)));
                LOG.info("Job {}: its job message was missing; sent again", job.jobId);
            }
        }
    }

    public static String newJobId() {
        return "job-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
