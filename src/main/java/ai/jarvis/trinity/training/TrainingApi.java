package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.ListLimit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The query side of the training REST API: parameters checked, answers from the job store. */
public final class TrainingApi {

    private static final Set<String> STATUSES = Set.of(Job.QUEUED, Job.STARTING, Job.RUNNING, Job.COMPLETED, Job.FAILED,
            Job.CANCELLED);

    private final JobStore store;

    public TrainingApi(JobStore store) {
        this.store = store;
    }

    /** {@code GET /api/training/jobs[?status=running][&limit=100]}: newest first. */
    public List<Job> jobs(String status, String limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid status", "'" + status + "' (one of " + STATUSES + ")");
        }
        return store.list(status, ListLimit.parse(limit));
    }

    public Job job(String jobId) {
        return store.get(jobId);
    }

    public List<ModelRecord> models() {
        return store.models();
    }

    /** {@code GET /api/models/{id}}: the model, its deployed version and all its versions, newest first. */
    public Map<String, Object> model(String id) {
        List<ModelRecord> versions = store.model(id);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", id);
        model.put("model_type", versions.get(0).modelType);
        model.put("latest_version", versions.get(0).version);
        model.put("deployed_version", versions.stream().filter(v -> v.deployedAt != null)
                .max(Comparator.comparing(v -> v.deployedAt)).map(v -> v.version).orElse(null));
        model.put("versions", versions);
        return model;
    }
}
