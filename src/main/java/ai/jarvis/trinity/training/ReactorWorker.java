package ai.jarvis.trinity.training;

import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reactor-Core's training worker (DESIGN §6). For one job message it takes the dataset out of the drop-box into the
 * job's work dir, runs the trainer, reports on trinity.status, and returns only when the job reached a terminal
 * state, so the job message is acknowledged only then. When the reactor stops mid-job it throws instead: the job
 * message goes back to the broker and another (or the restarted) reactor runs the job again.
 */
public final class ReactorWorker {

    private static final Logger LOG = LoggerFactory.getLogger(ReactorWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_CANCELS = 1000;

    /** How the worker is set up (TRAINING_* settings). */
    public static final class Setup {
        public String reactorName;
        public WorkDirs workDirs;
        public Path modelsDir;
        public TrainerCommands trainers;
        public boolean cleanup;
        public Duration trainerTimeout;
        public Duration progressInterval;
    }

    /** Thrown when the reactor stops while it runs a job: the job message must go back to the broker. */
    public static final class JobInterruptedException extends RuntimeException {
        JobInterruptedException(String message) {
            super(message);
        }
    }

    private final Setup setup;
    private final Consumer<Map<String, Object>> status;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "trainer-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Boolean> cancelledJobs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    };
    private volatile Run current;
    private volatile boolean shuttingDown;

    public ReactorWorker(Setup setup, Consumer<Map<String, Object>> status) {
        this.setup = setup;
        this.status = status;
    }

    /** The job being run now and its trainer. */
    private final class Run {
        final String jobId;
        final String runId = UUID.randomUUID().toString();
        volatile TrainerRun trainer;
        volatile String cancelReason;

        Run(String jobId) {
            this.jobId = jobId;
        }

        Map<String, Object> status(String kind) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("job_id", jobId);
            message.put("run_id", runId);
            message.put("reactor", setup.reactorName);
            message.put("status", kind);
            message.put("ts", java.time.Instant.now().toString());
            return message;
        }

        void cancel(String reason) {
            cancelReason = reason;
            TrainerRun running = trainer;
            if (running != null) {
                running.stop("cancelled");
            }
        }
    }

    /** One job message from trinity.command.reactor. Returns when the job ended; throws when it must be redelivered. */
    public void run(String jobMessage) throws IOException {
        JsonNode job = JSON.readTree(jobMessage);
        String jobId = job.path("job_id").asText(null);
        if (jobId == null) {
            throw new IllegalArgumentException("job message without job_id: " + jobMessage);
        }
        synchronized (cancelledJobs) {
            if (cancelledJobs.containsKey(jobId)) {
                LOG.info("Job {} was cancelled before it started: dropped", jobId);
                return;
            }
        }
        if (shuttingDown) {
            throw new JobInterruptedException("reactor is stopping; job " + jobId + " goes back to the queue");
        }
        Run run = new Run(jobId);
        current = run;
        try {
            execute(run, job);
        } finally {
            current = null;
        }
    }

    private void execute(Run run, JsonNode job) throws IOException {
        status.accept(run.status(Job.STARTING));
        Path workDir = setup.workDirs.of(run.jobId);
        Files.createDirectories(workDir);
        Optional<Path> dataset = takeDataset(run.jobId, Path.of(job.path("dataset_path").asText("")));
        if (dataset.isEmpty()) {
            fail(run, "dataset not found: " + job.path("dataset_path").asText("") + " (and none kept in " + workDir + ")");
            return;
        }
        String modelType = job.path("model_type").asText("");
        Optional<List<String>> command = setup.trainers.forModelType(modelType);
        if (command.isEmpty()) {
            fail(run, "no trainer for model_type '" + modelType + "' (known: " + setup.trainers.modelTypes()
                    + "; set TRAINING_TRAINER_COMMANDS)");
            return;
        }
        if (run.cancelReason != null) {
            cancelled(run);
            return;
        }
        Path output = workDir.resolve("output");
        WorkDirs.clear(output);
        Files.createDirectories(output);
        Path config = workDir.resolve("config.json");
        Files.writeString(config, job.path("config").isObject() ? job.get("config").toString() : "{}");
        String epochs = Integer.toString(job.path("epochs").asInt(1));

        List<String> line = new java.util.ArrayList<>(command.get());
        line.addAll(List.of("--dataset", dataset.get().toString(), "--output", output.toString(), "--epochs", epochs,
                "--config", config.toString()));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TRAINER_DATASET", dataset.get().toString());
        environment.put("TRAINER_OUTPUT_DIR", output.toString());
        environment.put("TRAINER_EPOCHS", epochs);
        environment.put("TRAINER_CONFIG", config.toString());
        environment.put("TRAINER_JOB_ID", run.jobId);
        environment.put("TRAINER_MODEL_TYPE", modelType);
        environment.put("TRINITY_PARENT_PID", Long.toString(ProcessHandle.current().pid()));

        TrainerOutcome outcome;
        try (TrainerRun trainer = TrainerRun.start(line, environment, workDir, workDir.resolve("trainer.log"))) {
            run.trainer = trainer;
            if (run.cancelReason != null || shuttingDown) {
                trainer.stop(run.cancelReason != null ? "cancelled" : "reactor stopping");
            }
            ScheduledFuture<?> timeout = watchdog.schedule(() -> trainer.stop("timed out after "
                    + setup.trainerTimeout.toSeconds() + " s (TRAINING_TRAINER_TIMEOUT)"),
                    setup.trainerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            status.accept(run.status(Job.RUNNING));
            LOG.info("Job {}: trainer started (pid {}) on {} ({})", run.jobId, trainer.pid(), dataset.get().getFileName(),
                    modelType);
            try {
                outcome = follow(run, trainer);
            } finally {
                timeout.cancel(false);
            }
        } catch (IOException e) {
            fail(run, "the trainer could not be started: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobInterruptedException("interrupted while job " + run.jobId + " ran");
        }
        finish(run, outcome, output);
    }

    /** The trainer's stdout: progress lines go out (at most one per progress interval), the result line is kept. */
    private TrainerOutcome follow(Run run, TrainerRun trainer) throws IOException, InterruptedException {
        TrainerOutcome outcome = new TrainerOutcome();
        long lastSent = 0;
        Map<String, Object> unsent = null;
        try (BufferedReader lines = trainer.stdout()) {
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                JsonNode line = parse(text);
                if (line == null) {
                    LOG.info("Job {} trainer: {}", run.jobId, text.length() > 500 ? text.substring(0, 500) + "..." : text);
                } else if (line.has("status") || line.has("model_file")) {
                    outcome.result = line;
                } else if (line.has("progress") || line.has("epoch")) {
                    Map<String, Object> progress = run.status(JobEvent.PROGRESS);
                    line.fields().forEachRemaining(field -> progress.putIfAbsent(field.getKey(),
                            JSON.convertValue(field.getValue(), Object.class)));
                    long now = System.nanoTime();
                    if (now - lastSent >= setup.progressInterval.toNanos()) {
                        status.accept(progress);
                        lastSent = now;
                        unsent = null;
                    } else {
                        unsent = progress;
                    }
                }
            }
        }
        outcome.exitCode = trainer.waitFor();
        if (unsent != null && outcome.exitCode == 0) {
            status.accept(unsent);
        }
        outcome.stoppedBecause = trainer.stoppedBecause();
        outcome.lastErrorLine = trainer.lastErrorLine();
        return outcome;
    }

    private static final class TrainerOutcome {
        JsonNode result;
        int exitCode;
        String stoppedBecause;
        String lastErrorLine;
    }

    private void finish(Run run, TrainerOutcome outcome, Path output) throws IOException {
        if (run.cancelReason != null) {
            cancelled(run);
            return;
        }
        if (shuttingDown) {
            throw new JobInterruptedException("reactor stopped while job " + run.jobId + " ran; it goes back to the queue");
        }
        if (outcome.stoppedBecause != null) {
            fail(run, "trainer " + outcome.stoppedBecause);
            return;
        }
        if (outcome.exitCode != 0) {
            fail(run, "trainer exited with code " + outcome.exitCode
                    + (outcome.lastErrorLine == null ? "" : ": " + outcome.lastErrorLine));
            return;
        }
        String modelFile = outcome.result == null ? null : outcome.result.path("model_file").asText(null);
        if (modelFile == null) {
            fail(run, "the trainer ended without its result line ({\"status\": \"completed\", \"model_file\": ...})");
            return;
        }
        Path model = output.resolve(modelFile).normalize();
        if (!model.startsWith(output) || !Files.isRegularFile(model) || Files.size(model) == 0) {
            fail(run, "the trainer's model file " + modelFile + " is missing or empty in its output dir");
            return;
        }
        Path kept = keepModel(run.jobId, model);
        Map<String, Object> completed = run.status(Job.COMPLETED);
        Map<String, Object> artifact = new LinkedHashMap<>();
        artifact.put("path", kept.toString());
        artifact.put("size_bytes", Files.size(kept));
        artifact.put("sha256", Sha256.of(kept));
        JsonNode capabilities = outcome.result.get("capabilities");
        if (capabilities != null && capabilities.isArray()) {
            artifact.put("capabilities", capabilities);
        }
        completed.put("model", artifact);
        completed.put("metrics", outcome.result.get("metrics"));
        status.accept(completed);
        LOG.info("Job {} completed: model {} ({} bytes)", run.jobId, kept, artifact.get("size_bytes"));
        removeWorkDir(run.jobId);
    }

    /** The model leaves the work dir for TRINITY_MODELS_DIR/&lt;job_id&gt;/, where the model registry points. */
    private Path keepModel(String jobId, Path model) throws IOException {
        Path dir = setup.modelsDir.resolve(jobId);
        Files.createDirectories(dir);
        Path target = dir.resolve(model.getFileName());
        Path temporary = dir.resolve(model.getFileName() + ".tmp");
        Files.copy(model, temporary, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * The staging dir is emptied as the job starts: the dataset moves into the work dir. A job run again (retry,
     * redelivery) finds it there.
     */
    private Optional<Path> takeDataset(String jobId, Path staged) throws IOException {
        Optional<Path> kept = setup.workDirs.keptDataset(jobId);
        if (Files.isRegularFile(staged)) {
            String name = staged.getFileName().toString().endsWith(".jsonl") ? "dataset.jsonl" : "dataset.json";
            Path target = setup.workDirs.of(jobId).resolve(name);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.of(target);
        }
        return kept;
    }

    private void fail(Run run, String reason) {
        LOG.warn("Job {} failed: {}", run.jobId, reason);
        Map<String, Object> failed = run.status(Job.FAILED);
        failed.put("error", reason);
        status.accept(failed);
    }

    private void cancelled(Run run) {
        LOG.info("Job {} cancelled: {}", run.jobId, run.cancelReason);
        Map<String, Object> cancelled = run.status(Job.CANCELLED);
        cancelled.put("detail", run.cancelReason);
        status.accept(cancelled);
        removeWorkDir(run.jobId);
    }

    private void removeWorkDir(String jobId) {
        if (setup.cleanup) {
            setup.workDirs.remove(jobId);
        }
    }

    /** A message on trinity.control.reactor: {@code {"action": "cancel", "job_id": ..., "run_id": ...}}. */
    public void control(String command) throws JsonProcessingException {
        JsonNode message = JSON.readTree(command);
        if (!"cancel".equals(message.path("action").asText())) {
            LOG.warn("Unknown reactor command ignored: {}", command);
            return;
        }
        String jobId = message.path("job_id").asText(null);
        String runId = message.path("run_id").isTextual() ? message.get("run_id").asText() : null;
        if (runId == null) {
            synchronized (cancelledJobs) {
                cancelledJobs.put(jobId, Boolean.TRUE);
            }
        }
        Run run = current;
        if (run != null && run.jobId.equals(jobId) && (runId == null || runId.equals(run.runId))) {
            run.cancel(message.path("reason").asText("cancelled by request"));
        }
    }

    /** The job this reactor runs now, {@code {"job_id", "run_id"}}, or null when it is idle. */
    public Map<String, String> currentJob() {
        Run run = current;
        return run == null ? null : Map.of("job_id", run.jobId, "run_id", run.runId);
    }

    /** The reactor is stopping: the running trainer stops and its job goes back to the broker. */
    public void shutdown() {
        shuttingDown = true;
        Run run = current;
        if (run != null && run.trainer != null) {
            run.trainer.stop("reactor stopping");
        }
        watchdog.shutdownNow();
    }

    private static JsonNode parse(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
