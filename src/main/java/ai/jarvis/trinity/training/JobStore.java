package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Jobs, their history and models in the training database. The database itself refuses a transition the state
 * machine does not allow (a trigger over job_transitions_allowed) and records every one (job_events); this class
 * makes each change conditional on the status it was decided from, and tells its listeners about every new event
 * after it is committed. The hub is the only writer, so writes are serialized here rather than retried on BUSY.
 */
public final class JobStore {

    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITABLE_COLUMNS = Set.of("attempt", "run_id", "reactor", "progress", "epoch",
            "loss", "metrics", "error", "model_id", "model_version", "started_at", "finished_at");
    private static final String JOB_COLUMNS = "id, status, model_type, epochs, config, source, dataset_path, "
            + "dataset_name, experiences, dataset_bytes, attempt, run_id, reactor, progress, epoch, loss, metrics, detail, "
            + "error, model_id, model_version, created_at, updated_at, started_at, finished_at";
    /** A version is deployed when it is its model id's latest deployment (ModelDeployments). */
    private static final String MODEL_SELECT = "SELECT m.id, m.version, m.model_type, m.capabilities, m.path, m.size_bytes, "
            + "m.sha256, m.metrics, m.job_id, m.created_at, m.deployed_at, COALESCE((SELECT d.version FROM deployments d "
            + "WHERE d.model_id = m.id ORDER BY d.id DESC LIMIT 1) = m.version, 0) AS deployed FROM models m";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ModelDeployments deployments;
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();

    public JobStore(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        this.deployments = new ModelDeployments(dataSource);
    }

    /** {@code listener} hears of every transition and progress event once it is stored. */
    public Runnable subscribe(Consumer<JobEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public String now() {
        return clock.instant().toString();
    }

    /** Stores a new job as queued. */
    public synchronized Job create(Job job) {
        job.status = Job.QUEUED;
        job.attempt = 1;
        job.createdAt = now();
        job.updatedAt = job.createdAt;
        jdbc.update("INSERT INTO jobs (id, status, model_type, epochs, config, source, dataset_path, dataset_name, "
                        + "experiences, dataset_bytes, attempt, detail, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                job.jobId, job.status, job.modelType, job.epochs, text(job.config), job.source, job.datasetPath,
                job.datasetName, job.experiences, job.datasetBytes, job.attempt, job.detail, job.createdAt, job.updatedAt);
        latestEvent(job.jobId).ifPresent(this::tell);
        return job;
    }

    public Optional<Job> find(String jobId) {
        return jdbc.query("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", JobStore::job, jobId).stream().findFirst();
    }

    /** The job with its history; 404 when there is none. */
    public Job get(String jobId) {
        Job job = find(jobId).orElseThrow(() -> ApiException.notFound("unknown job", jobId));
        job.history = events(jobId, 0);
        return job;
    }

    /**
     * Newest first; {@code status} null for all. Ordered by the instant, not the text, of created_at: Instant.toString
     * leaves out a zero fraction, so "12:00:00.5Z" sorts before "12:00:00Z" as text.
     */
    public List<Job> list(String status, int limit) {
        String newestFirst = " ORDER BY julianday(created_at) DESC, rowid DESC LIMIT ?";
        return status == null
                ? jdbc.query("SELECT " + JOB_COLUMNS + " FROM jobs" + newestFirst, JobStore::job, limit)
                : jdbc.query("SELECT " + JOB_COLUMNS + " FROM jobs WHERE status = ?" + newestFirst, JobStore::job, status, limit);
    }

    /** Jobs not yet in a terminal state, oldest first. */
    public List<Job> unfinished() {
        return jdbc.query("SELECT " + JOB_COLUMNS + " FROM jobs WHERE status NOT IN ('completed', 'failed', 'cancelled') "
                + "ORDER BY julianday(created_at), rowid", JobStore::job);
    }

    public List<JobEvent> events(String jobId, long afterId) {
        return jdbc.query("SELECT id, job_id, kind, from_status, to_status, attempt, at, detail, data FROM job_events "
                + "WHERE job_id = ? AND id > ? ORDER BY id", JobStore::event, jobId, afterId);
    }

    public Optional<JobEvent> latestEvent(String jobId) {
        return jdbc.query("SELECT id, job_id, kind, from_status, to_status, attempt, at, detail, data FROM job_events "
                + "WHERE job_id = ? ORDER BY id DESC LIMIT 1", JobStore::event, jobId).stream().findFirst();
    }

    /**
     * Moves the job from {@code from} to {@code to}, setting {@code columns} too; empty when the job is not in
     * {@code from} any more or the state machine does not allow the step, {@code from} equal to {@code to} included:
     * nothing is written then (logged: one line, no stack trace).
     */
    public synchronized Optional<JobEvent> transition(String jobId, String from, String to, String detail,
                                                      Map<String, Object> columns) {
        Optional<JobEvent> event = transactions.execute(status -> update(jobId, from, to, detail, columns));
        event.ifPresent(this::tell);
        return event;
    }

    /**
     * Completes the job and records its model as the next version of {@code model.id}, in one transaction: there is
     * never a completed job without its model, nor a model of a job that did not complete. A model with a
     * {@code deployedAt} is deployed in the same transaction.
     */
    public synchronized Optional<ModelRecord> complete(String jobId, String detail, Map<String, Object> columns,
                                                       ModelRecord model) {
        Optional<JobEvent> event = transactions.execute(status -> {
            Integer last = jdbc.queryForObject("SELECT MAX(version) FROM models WHERE id = ?", Integer.class, model.id);
            model.version = last == null ? 1 : last + 1;
            model.createdAt = now();
            Map<String, Object> all = new LinkedHashMap<>(columns);
            all.put("model_id", model.id);
            all.put("model_version", model.version);
            Optional<JobEvent> done = update(jobId, Job.RUNNING, Job.COMPLETED, detail, all);
            if (done.isEmpty()) {
                status.setRollbackOnly();
                return done;
            }
            if (model.capabilities == null || !model.capabilities.isArray()) {
                model.capabilities = JSON.createArrayNode();
            }
            jdbc.update("INSERT INTO models (id, version, model_type, capabilities, path, size_bytes, sha256, metrics, job_id, "
                            + "created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", model.id, model.version, model.modelType,
                    model.capabilities.toString(), model.path, model.sizeBytes, model.sha256, text(model.metrics), jobId,
                    model.createdAt);
            if (model.deployedAt != null) {
                deployments.deploy(model.id, model.version, model.deployedAt);
            }
            model.deployed = model.deployedAt != null;
            return done;
        });
        event.ifPresent(this::tell);
        return event.map(e -> model);
    }

    private Optional<JobEvent> update(String jobId, String from, String to, String detail, Map<String, Object> columns) {
        StringBuilder sql = new StringBuilder("UPDATE jobs SET status = ?, detail = ?, updated_at = ?");
        List<Object> values = new ArrayList<>(List.of(to, detail == null ? "" : detail, now()));
        columns.forEach((column, value) -> {
            if (!WRITABLE_COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a writable job column: " + column);
            }
            sql.append(", ").append(column).append(" = ?");
            values.add(value instanceof JsonNode ? text((JsonNode) value) : value);
        });
        if (from.equals(to)) {
            LOG.info("Job {}: not moved {} -> {}: not a transition", jobId, from, to);
            return Optional.empty();
        }
        sql.append(" WHERE id = ? AND status = ?");
        values.add(jobId);
        values.add(from);
        try {
            if (jdbc.update(sql.toString(), values.toArray()) == 0) {
                LOG.info("Job {}: not moved {} -> {}: it is no longer {}", jobId, from, to, from);
                return Optional.empty();
            }
        } catch (DataAccessException e) {
            if (String.valueOf(e.getMessage()).contains("illegal transition")) {
                LOG.warn("Job {}: refused illegal transition {} -> {}", jobId, from, to);
                return Optional.empty();
            }
            throw e;
        }
        return latestEvent(jobId);
    }

    /** Records a progress report of a running job (its figures go into the job row too). */
    public synchronized Optional<JobEvent> progress(String jobId, String runId, Map<String, Object> figures) {
        Optional<JobEvent> event = transactions.execute(status -> {
            Optional<Job> job = find(jobId).filter(j -> Job.RUNNING.equals(j.status) && runId.equals(j.runId));
            if (job.isEmpty()) {
                return Optional.<JobEvent>empty();
            }
            jdbc.update("UPDATE jobs SET progress = COALESCE(?, progress), epoch = COALESCE(?, epoch), "
                            + "loss = COALESCE(?, loss), updated_at = ? WHERE id = ?",
                    figures.get("progress"), figures.get("epoch"), figures.get("loss"), now(), jobId);
            jdbc.update("INSERT INTO job_events (job_id, kind, to_status, attempt, at, data) VALUES (?,?,?,?,?,?)",
                    jobId, JobEvent.PROGRESS, Job.RUNNING, job.get().attempt, now(), text(JSON.valueToTree(figures)));
            return latestEvent(jobId);
        });
        event.ifPresent(this::tell);
        return event;
    }

    /** How many jobs are in each status. */
    public Map<String, Integer> countsByStatus() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.query("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status",
                row -> {
                    counts.put(row.getString(1), row.getInt(2));
                });
        return counts;
    }

    public List<ModelRecord> models() {
        return jdbc.query(MODEL_SELECT + " ORDER BY m.id, m.version DESC", JobStore::model);
    }

    /**
     * The model deployed last: the version the latest deploy or rollback of any model id went to (what J-Prime
     * serves), if any was.
     */
    public Optional<ModelRecord> deployedModel() {
        return jdbc.query(MODEL_SELECT + " JOIN deployments latest ON latest.model_id = m.id AND latest.version = m.version "
                + "ORDER BY latest.id DESC LIMIT 1", JobStore::model).stream().findFirst();
    }

    /** The versions of one model id, newest first; 404 when there are none. */
    public List<ModelRecord> model(String id) {
        List<ModelRecord> versions = jdbc.query(MODEL_SELECT + " WHERE m.id = ? ORDER BY m.version DESC", JobStore::model, id);
        if (versions.isEmpty()) {
            throw ApiException.notFound("unknown model", id);
        }
        return versions;
    }

    /** One version of a model id. */
    public Optional<ModelRecord> model(String id, int version) {
        return jdbc.query(MODEL_SELECT + " WHERE m.id = ? AND m.version = ?", JobStore::model, id, version).stream()
                .findFirst();
    }

    /** The newest version of every model id, oldest id first. */
    public List<ModelRecord> newestVersions() {
        return jdbc.query(MODEL_SELECT + " WHERE m.version = (SELECT MAX(version) FROM models n WHERE n.id = m.id) "
                + "ORDER BY m.id", JobStore::model);
    }

    private void tell(JobEvent event) {
        for (Consumer<JobEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("A job event listener failed: {}", e.getMessage());
            }
        }
    }

    private static Job job(ResultSet row, int index) throws SQLException {
        Job job = new Job();
        job.jobId = row.getString("id");
        job.status = row.getString("status");
        job.modelType = row.getString("model_type");
        job.epochs = row.getInt("epochs");
        job.config = tree(row.getString("config"));
        job.source = row.getString("source");
        job.datasetPath = row.getString("dataset_path");
        job.datasetName = row.getString("dataset_name");
        job.experiences = row.getLong("experiences");
        job.datasetBytes = row.getLong("dataset_bytes");
        job.attempt = row.getInt("attempt");
        job.runId = row.getString("run_id");
        job.reactor = row.getString("reactor");
        job.progress = row.getDouble("progress");
        job.epoch = (Integer) nullable(row, "epoch", row.getInt("epoch"));
        job.loss = (Double) nullable(row, "loss", row.getDouble("loss"));
        job.metrics = tree(row.getString("metrics"));
        job.detail = row.getString("detail");
        job.error = row.getString("error");
        job.modelId = row.getString("model_id");
        job.modelVersion = (Integer) nullable(row, "model_version", row.getInt("model_version"));
        job.createdAt = row.getString("created_at");
        job.updatedAt = row.getString("updated_at");
        job.startedAt = row.getString("started_at");
        job.finishedAt = row.getString("finished_at");
        return job;
    }

    private static Object nullable(ResultSet row, String column, Object value) throws SQLException {
        return row.wasNull() ? null : value;
    }

    private static JobEvent event(ResultSet row, int index) throws SQLException {
        JobEvent event = new JobEvent();
        event.id = row.getLong("id");
        event.jobId = row.getString("job_id");
        event.kind = row.getString("kind");
        event.fromStatus = row.getString("from_status");
        event.status = row.getString("to_status");
        event.attempt = row.getInt("attempt");
        event.ts = row.getString("at");
        String detail = row.getString("detail");
        event.detail = detail == null || detail.isEmpty() ? null : detail;
        String data = row.getString("data");
        if (data != null) {
            try {
                Map<String, Object> figures = JSON.readValue(data, new TypeReference<LinkedHashMap<String, Object>>() { });
                figures.values().removeIf(java.util.Objects::isNull);
                event.data().putAll(figures);
            } catch (JsonProcessingException e) {
                event.data().put("data", data);
            }
        }
        return event;
    }

    private static ModelRecord model(ResultSet row, int index) throws SQLException {
        ModelRecord model = new ModelRecord();
        model.id = row.getString("id");
        model.version = row.getInt("version");
        model.modelType = row.getString("model_type");
        model.capabilities = tree(row.getString("capabilities"));
        model.path = row.getString("path");
        model.sizeBytes = row.getLong("size_bytes");
        model.sha256 = row.getString("sha256");
        model.metrics = tree(row.getString("metrics"));
        model.jobId = row.getString("job_id");
        model.createdAt = row.getString("created_at");
        model.deployedAt = row.getString("deployed_at");
        model.deployed = row.getBoolean("deployed");
        return model;
    }

    private static JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }
}
