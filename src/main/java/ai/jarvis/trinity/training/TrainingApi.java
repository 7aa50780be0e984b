package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.ListLimit;
import java.util.List;
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
}
