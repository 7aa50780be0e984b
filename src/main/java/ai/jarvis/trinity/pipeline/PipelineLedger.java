package ai.jarvis.trinity.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the pipeline has done, in its database: which batch took each experience id, which batches are written, and
 * which job claimed them. The drop-box files follow these records, never the other way round (ExperiencePipeline).
 */
final class PipelineLedger {

    /** How long an experience id is remembered, so that the same experience sent again is not batched twice. */
    static final Duration REMEMBERED_FOR = Duration.ofDays(7);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PipelineLedger(PipelineDatabase database, Clock clock) {
        this.jdbc = new JdbcTemplate(database.dataSource());
        this.transactions = new TransactionTemplate(database.transactionManager());
        this.clock = clock;
    }

    /**
     * Gives {@code batchId} every one of {@code ids} no batch has taken yet, and answers those the batch owns (taken
     * now or by an earlier run of the same batch, before a crash).
     */
    Set<String> take(String batchId, Collection<String> ids) {
        return transactions.execute(status -> {
            long now = clock.millis();
            for (String id : ids) {
                jdbc.update("INSERT OR IGNORE INTO taken_experiences (id, batch_id, taken_at) VALUES (?, ?, ?)", id, batchId, now);
            }
            Set<String> owned = new HashSet<>(jdbc.queryForList(
                    "SELECT id FROM taken_experiences WHERE batch_id = ?", String.class, batchId));
            owned.retainAll(ids);
            return owned;
        });
    }

    /** Experience ids older than {@link #REMEMBERED_FOR} are forgotten. */
    void forgetOld() {
        jdbc.update("DELETE FROM taken_experiences WHERE taken_at < ?", clock.millis() - REMEMBERED_FOR.toMillis());
    }

    boolean isWritten(String batchId) {
        return !jdbc.queryForList("SELECT 1 FROM batches WHERE id = ?", Integer.class, batchId).isEmpty();
    }

    void written(String batchId, int experiences) {
        jdbc.update("INSERT OR IGNORE INTO batches (id, experiences, written_at) VALUES (?, ?, ?)",
                batchId, experiences, clock.instant().toString());
    }

    /** Batches written and not claimed yet, and the experiences they hold. */
    Pending pending() {
        return jdbc.queryForObject("SELECT COUNT(*), COALESCE(SUM(experiences), 0) FROM batches "
                + "WHERE job_id IS NULL AND experiences > 0", (row, n) -> new Pending(row.getInt(1), row.getLong(2)));
    }

    /** Every pending batch now belongs to {@code jobId}; answers their ids (none: nothing was pending). */
    List<String> claim(String jobId) {
        return transactions.execute(status -> {
            List<String> batches = jdbc.queryForList(
                    "SELECT id FROM batches WHERE job_id IS NULL AND experiences > 0 ORDER BY written_at, id", String.class);
            jdbc.update("UPDATE batches SET job_id = ?, claimed_at = ? WHERE job_id IS NULL AND experiences > 0",
                    jobId, clock.instant().toString());
            return batches;
        });
    }

    /** Claims whose job may not exist yet (the hub stopped in between), with their batches. */
    Map<String, List<String>> openClaims() {
        Map<String, List<String>> claims = new LinkedHashMap<>();
        jdbc.query("SELECT job_id, id FROM batches WHERE job_id IS NOT NULL AND submitted = 0 ORDER BY claimed_at, id",
                row -> {
                    claims.computeIfAbsent(row.getString(1), job -> new ArrayList<>()).add(row.getString(2));
                });
        return claims;
    }

    void submitted(String jobId) {
        jdbc.update("UPDATE batches SET submitted = 1 WHERE job_id = ?", jobId);
    }

    /** The newest job the pipeline started: its id, experiences, batches and when its batches were claimed. */
    Optional<Map<String, Object>> lastJob() {
        return jdbc.query("SELECT job_id, SUM(experiences), COUNT(*), MAX(claimed_at) FROM batches "
                + "WHERE job_id IS NOT NULL AND submitted = 1 GROUP BY job_id ORDER BY MAX(claimed_at) DESC LIMIT 1",
                (row, n) -> {
                    Map<String, Object> job = new LinkedHashMap<>();
                    job.put("job_id", row.getString(1));
                    job.put("experiences", row.getLong(2));
                    job.put("batches", row.getInt(3));
                    job.put("started_at", row.getString(4));
                    return job;
                }).stream().findFirst();
    }

    record Pending(int batches, long experiences) {
    }
}
