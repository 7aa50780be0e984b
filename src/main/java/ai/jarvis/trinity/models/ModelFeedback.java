package ai.jarvis.trinity.models;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.ipc.InvalidMessageException;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ModelDeployments;
import ai.jarvis.trinity.training.ModelRecord;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The feedback of the models (routes/feedback.yaml): users' ratings taken over REST and sent on trinity.feedback,
 * and every message of that channel recorded against its model version (model_usage, model_ratings) once, even when
 * it is delivered again. A message that can never be recorded is refused with the reason.
 */
public final class ModelFeedback {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFeedback.class);

    private final JobStore store;
    private final ModelDeployments deployments;
    private final JdbcTemplate jdbc;

    public ModelFeedback(DataSource dataSource, JobStore store) {
        this.store = store;
        this.deployments = new ModelDeployments(dataSource);
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * {@code POST /api/feedback}: the rating message to send, with its feedback_id and time; 400 for a bad body, 404
     * for an unknown model or version. Without a version it rates the model id's deployed (else newest) version.
     */
    public ObjectNode rating(String body) {
        FeedbackMessage message;
        try {
            message = FeedbackMessage.ratingRequest(body);
        } catch (InvalidMessageException e) {
            throw ApiException.badRequest(e.getMessage().startsWith("malformed JSON") ? "malformed JSON" : "invalid feedback",
                    e.getMessage());
        }
        List<ModelRecord> versions = store.model(message.modelId());
        if (message.version() == null) {
            message.version(defaultVersion(message.modelId(), versions));
        } else if (versions.stream().noneMatch(v -> v.version == message.version())) {
            throw ApiException.notFound("unknown version", "model " + message.modelId() + " has no version " + message.version());
        }
        message.feedbackId(UUID.randomUUID().toString());
        message.fields().put("rated_at", store.now());
        return message.fields();
    }

    /** A message of trinity.feedback, recorded against its model version; a redelivered one is not counted again. */
    public void record(String body, String messageId) throws InvalidMessageException {
        FeedbackMessage message = FeedbackMessage.parse(body);
        List<ModelRecord> versions;
        try {
            versions = store.model(message.modelId());
        } catch (ApiException unknown) {
            throw new InvalidMessageException("unknown model '" + message.modelId() + "'");
        }
        if (message.version() == null) {
            message.version(defaultVersion(message.modelId(), versions));
        } else if (versions.stream().noneMatch(v -> v.version == message.version())) {
            throw new InvalidMessageException("model '" + message.modelId() + "' has no version " + message.version());
        }
        String feedbackId = message.feedbackId() != null ? message.feedbackId() : messageId;
        boolean stored = FeedbackMessage.USAGE.equals(message.kind()) ? storeUsage(message, feedbackId)
                : storeRating(message, feedbackId);
        if (!stored) {
            LOG.info("Feedback {} for model {} version {} was recorded before: not counted again", feedbackId,
                    message.modelId(), message.version());
        }
    }

    private int defaultVersion(String modelId, List<ModelRecord> newestFirst) {
        return deployments.current(modelId).map(ModelDeployments.Deployment::version).orElse(newestFirst.get(0).version);
    }

    private boolean storeUsage(FeedbackMessage usage, String feedbackId) {
        return jdbc.update("INSERT OR IGNORE INTO model_usage (feedback_id, model_id, version, reporter, period_start, "
                        + "period_end, requests, errors, latency_p50, latency_p95, latency_p99, latency_max, samples, received_at) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", feedbackId, usage.modelId(), usage.version(),
                usage.text("reporter"), usage.text("period_start"), usage.text("period_end"), usage.number("requests"),
                usage.number("errors"), usage.latency("p50"), usage.latency("p95"), usage.latency("p99"),
                usage.latency("max"), usage.samples(), store.now()) == 1;
    }

    private boolean storeRating(FeedbackMessage rating, String feedbackId) {
        return jdbc.update("INSERT OR IGNORE INTO model_ratings (feedback_id, model_id, version, rating, comment, prompt, "
                        + "rated_at, received_at) VALUES (?,?,?,?,?,?,?,?)", feedbackId, rating.modelId(), rating.version(),
                rating.number("rating"), rating.text("comment"), rating.text("prompt"), rating.text("rated_at"),
                store.now()) == 1;
    }

    /**
     * Per version of the model id: {@code usage} (requests and errors in total, the number of reports, the latency
     * percentiles of the last report and when it came) and {@code ratings} (count and average).
     */
    Map<Integer, Map<String, Object>> byVersion(String modelId) {
        Map<Integer, Map<String, Object>> versions = new LinkedHashMap<>();
        jdbc.query("SELECT version, SUM(requests), SUM(errors), COUNT(*) FROM model_usage WHERE model_id = ? GROUP BY version",
                row -> {
                    Map<String, Object> usage = usage(versions, row.getInt(1));
                    usage.put("requests", row.getLong(2));
                    usage.put("errors", row.getLong(3));
                    usage.put("reports", row.getLong(4));
                }, modelId);
        jdbc.query("SELECT version, latency_p50, latency_p95, latency_p99, latency_max, received_at FROM model_usage u "
                + "WHERE model_id = ? AND id = (SELECT MAX(id) FROM model_usage l WHERE l.model_id = u.model_id "
                + "AND l.version = u.version)", row -> {
                    Map<String, Object> usage = usage(versions, row.getInt(1));
                    Map<String, Object> latency = new LinkedHashMap<>();
                    latency.put("p50", (Double) row.getObject(2, Double.class));
                    latency.put("p95", (Double) row.getObject(3, Double.class));
                    latency.put("p99", (Double) row.getObject(4, Double.class));
                    latency.put("max", (Double) row.getObject(5, Double.class));
                    usage.put("latency_ms", latency);
                    usage.put("last_reported_at", row.getString(6));
                }, modelId);
        jdbc.query("SELECT version, COUNT(*), AVG(rating) FROM model_ratings WHERE model_id = ? GROUP BY version", row -> {
            Map<String, Object> ratings = section(versions, row.getInt(1), "ratings");
            ratings.put("count", row.getLong(2));
            ratings.put("average", Math.round(row.getDouble(3) * 100) / 100.0);
        }, modelId);
        return versions;
    }

    private static Map<String, Object> usage(Map<Integer, Map<String, Object>> versions, int version) {
        return section(versions, version, "usage");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<Integer, Map<String, Object>> versions, int version, String name) {
        return (Map<String, Object>) versions.computeIfAbsent(version, v -> empty()).get(name);
    }

    /** What a version without any feedback shows. */
    static Map<String, Object> empty() {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("requests", 0L);
        usage.put("errors", 0L);
        usage.put("reports", 0L);
        usage.put("latency_ms", null);
        usage.put("last_reported_at", null);
        Map<String, Object> ratings = new LinkedHashMap<>();
        ratings.put("count", 0L);
        ratings.put("average", null);
        Map<String, Object> feedback = new LinkedHashMap<>();
        feedback.put("usage", usage);
        feedback.put("ratings", ratings);
        return feedback;
    }
}
