package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

class JobStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<JobEvent> heard = new ArrayList<>();
    private Path file;
    private TrainingDatabase database;
    private JobStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("training.db");
        openStore();
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theSchemaIsCreatedOnFirstOpen() {
        assertThat(database.schemaVersion()).isEqualTo(2);
        assertThat(sql().queryForList("SELECT version FROM schema_version", Integer.class)).containsExactly(1, 2);
        assertThat(sql().queryForList("SELECT name FROM sqlite_master WHERE type = 'table'", String.class))
                .contains("jobs", "job_events", "job_transitions_allowed", "models", "deployments", "model_usage",
                        "model_ratings");
    }

    @Test
    void reopeningTheSameFileAppliesNothingAgainAndKeepsTheData() {
        store.create(job("kept"));
        database.close();

        openStore();

        assertThat(database.schemaVersion()).isEqualTo(2);
        assertThat(sql().queryForList("SELECT version FROM schema_version", Integer.class)).containsExactly(1, 2);
        assertThat(store.get("kept").status).isEqualTo(Job.QUEUED);
        assertThat(store.events("kept", 0)).hasSize(1);
    }

    @Test
    void aNewJobIsQueuedAsItsFirstAttemptAndAnnounced() {
        Job created = store.create(job("fresh"));

        assertThat(created.status).isEqualTo(Job.QUEUED);
        assertThat(created.attempt).isEqualTo(1);
        Job stored = store.get("fresh");
        assertThat(stored.status).isEqualTo(Job.QUEUED);
        assertThat(stored.modelType).isEqualTo("retrieval");
        assertThat(stored.config.get("model_id").asText()).isEqualTo("assistant");
        assertThat(stored.createdAt).isEqualTo(clock.instant().toString());
        assertThat(stored.history).singleElement().satisfies(event -> {
            assertThat(event.kind).isEqualTo(JobEvent.TRANSITION);
            assertThat(event.fromStatus).isNull();
            assertThat(event.status).isEqualTo(Job.QUEUED);
            assertThat(event.attempt).isEqualTo(1);
        });
        assertThat(heard).extracting(e -> e.id).containsExactly(stored.history.get(0).id);
    }

    @Test
    void aJobGoesThroughItsLifeWithEveryTransitionRecordedInOrderAndHeard() {
        store.create(job("life"));
        clock.advance(Duration.ofSeconds(1));
        Optional<JobEvent> starting = store.transition("life", Job.QUEUED, Job.STARTING, "taken by reactor-a",
                Map.of("run_id", "run-1", "reactor", "reactor-a"));
        clock.advance(Duration.ofSeconds(1));
        Optional<JobEvent> running = store.transition("life", Job.STARTING, Job.RUNNING, "trainer started",
                Map.of("started_at", store.now()));
        clock.advance(Duration.ofSeconds(1));
        Optional<JobEvent> completed = store.transition("life", Job.RUNNING, Job.COMPLETED, "trained",
                Map.of("finished_at", store.now(), "progress", 1.0));

        assertThat(starting).get().satisfies(e -> {
            assertThat(e.fromStatus).isEqualTo(Job.QUEUED);
            assertThat(e.status).isEqualTo(Job.STARTING);
            assertThat(e.detail).isEqualTo("taken by reactor-a");
        });
        assertThat(running).get().extracting(e -> e.status).isEqualTo(Job.RUNNING);
        assertThat(completed).get().satisfies(e -> {
            assertThat(e.isTerminal()).isTrue();
            assertThat(e.data()).containsEntry("progress", 1.0);
        });

        List<JobEvent> history = store.events("life", 0);
        assertThat(history).extracting(e -> e.kind).containsOnly(JobEvent.TRANSITION);
        assertThat(history).extracting(e -> e.fromStatus).containsExactly(null, Job.QUEUED, Job.STARTING, Job.RUNNING);
        assertThat(history).extracting(e -> e.status)
                .containsExactly(Job.QUEUED, Job.STARTING, Job.RUNNING, Job.COMPLETED);
        assertThat(history).extracting(e -> e.attempt).containsOnly(1);
        assertThat(history).extracting(e -> e.id).isSorted().doesNotHaveDuplicates();
        assertThat(history).extracting(e -> e.ts).containsExactly("2026-12-04T12:00:00Z", "2026-12-04T12:00:01Z",
                "2026-12-04T12:00:02Z", "2026-12-04T12:00:03Z");
        assertThat(heard).extracting(e -> e.id).containsExactlyElementsOf(history.stream().map(e -> e.id).toList());
        assertThat(store.latestEvent("life")).get().extracting(e -> e.id).isEqualTo(completed.get().id);
        assertThat(store.events("life", starting.get().id)).extracting(e -> e.status)
                .containsExactly(Job.RUNNING, Job.COMPLETED);

        Job done = store.get("life");
        assertThat(done.status).isEqualTo(Job.COMPLETED);
        assertThat(done.runId).isEqualTo("run-1");
        assertThat(done.reactor).isEqualTo("reactor-a");
        assertThat(done.startedAt).isEqualTo("2026-12-04T12:00:02Z");
        assertThat(done.finishedAt).isEqualTo("2026-12-04T12:00:03Z");
        assertThat(done.history).hasSize(4);
    }

    @ParameterizedTest
    @CsvSource({
            "queued, completed",
            "queued, running",
            "starting, completed",
            "completed, running",
            "completed, queued",
            "cancelled, queued",
            "failed, running",
            "failed, completed"})
    void anIllegalTransitionIsRefusedAndNothingIsRecorded(String from, String to) {
        jobIn("stuck", from);
        List<JobEvent> before = store.events("stuck", 0);
        heard.clear();

        assertThat(store.transition("stuck", from, to, "should not happen", Map.of("error", "changed"))).isEmpty();

        Job after = store.get("stuck");
        assertThat(after.status).isEqualTo(from);
        assertThat(after.error).isNull();
        assertThat(after.history).extracting(e -> e.id)
                .containsExactlyElementsOf(before.stream().map(e -> e.id).toList());
        assertThat(heard).isEmpty();
    }

    @Test
    void aTransitionFromAStatusTheJobLeftIsNotApplied() {
        store.create(job("raced"));
        store.transition("raced", Job.QUEUED, Job.CANCELLED, "cancelled by request", Map.of());
        heard.clear();

        assertThat(store.transition("raced", Job.QUEUED, Job.STARTING, "taken by reactor-a",
                Map.of("run_id", "run-1"))).isEmpty();

        Job job = store.get("raced");
        assertThat(job.status).isEqualTo(Job.CANCELLED);
        assertThat(job.runId).isNull();
        assertThat(job.history).extracting(e -> e.status).containsExactly(Job.QUEUED, Job.CANCELLED);
        assertThat(heard).isEmpty();
    }

    @Test
    void aTransitionToTheStatusTheJobIsAlreadyInIsNotApplied() {
        jobIn("twice", Job.RUNNING);
        String startedAt = store.get("twice").startedAt;
        heard.clear();
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.transition("twice", Job.RUNNING, Job.RUNNING, "trainer started",
                Map.of("started_at", store.now()))).isEmpty();

        Job job = store.get("twice");
        assertThat(job.startedAt).isEqualTo(startedAt);
        assertThat(job.history).hasSize(3);
        assertThat(heard).isEmpty();
    }

    @Test
    void aFailedJobCanBeQueuedAgainAsANewAttempt() {
        store.create(job("retried"));
        store.transition("retried", Job.QUEUED, Job.FAILED, "no reactor", Map.of("error", "no reactor",
                "finished_at", store.now()));
        Map<String, Object> retry = new HashMap<>();
        retry.put("attempt", 2);
        retry.put("error", null);
        retry.put("finished_at", null);

        Optional<JobEvent> queued = store.transition("retried", Job.FAILED, Job.QUEUED, "retry requested", retry);

        assertThat(queued).get().satisfies(e -> {
            assertThat(e.fromStatus).isEqualTo(Job.FAILED);
            assertThat(e.status).isEqualTo(Job.QUEUED);
            assertThat(e.attempt).isEqualTo(2);
        });
        Job job = store.get("retried");
        assertThat(job.status).isEqualTo(Job.QUEUED);
        assertThat(job.attempt).isEqualTo(2);
        assertThat(job.error).isNull();
        assertThat(job.finishedAt).isNull();
        assertThat(job.history).extracting(e -> e.attempt).containsExactly(1, 1, 2);
    }

    @Test
    void progressOfTheRunningRunIsRecordedInTheJobAndItsHistory() {
        jobIn("busy", Job.RUNNING);
        heard.clear();

        Optional<JobEvent> reported = store.progress("busy", "run-1",
                Map.of("progress", 0.5, "epoch", 2, "loss", 0.25));
        Optional<JobEvent> partial = store.progress("busy", "run-1", Map.of("progress", 0.75));

        assertThat(reported).get().satisfies(e -> {
            assertThat(e.kind).isEqualTo(JobEvent.PROGRESS);
            assertThat(e.status).isEqualTo(Job.RUNNING);
            assertThat(e.fromStatus).isNull();
            assertThat(e.attempt).isEqualTo(1);
            assertThat(e.data()).containsEntry("progress", 0.5).containsEntry("epoch", 2).containsEntry("loss", 0.25);
        });
        assertThat(partial).get().extracting(e -> e.id).isEqualTo(store.latestEvent("busy").orElseThrow().id);
        Job job = store.get("busy");
        assertThat(job.progress).isEqualTo(0.75);
        assertThat(job.epoch).isEqualTo(2);
        assertThat(job.loss).isEqualTo(0.25);
        assertThat(job.status).isEqualTo(Job.RUNNING);
        assertThat(heard).extracting(e -> e.id).containsExactly(reported.get().id, partial.get().id);
    }

    @Test
    void progressOfAnotherRunIsIgnored() {
        jobIn("busy", Job.RUNNING);
        heard.clear();

        assertThat(store.progress("busy", "run-of-a-lost-reactor", Map.of("progress", 0.5, "epoch", 2))).isEmpty();

        assertUntouchedBy(Job.RUNNING);
    }

    @ParameterizedTest
    @ValueSource(strings = {Job.STARTING, Job.COMPLETED, Job.CANCELLED})
    void progressOfAJobThatIsNotRunningIsIgnored(String status) {
        jobIn("busy", status);
        heard.clear();

        assertThat(store.progress("busy", "run-1", Map.of("progress", 0.5, "epoch", 2))).isEmpty();

        assertUntouchedBy(status);
    }

    @Test
    void progressOfAnUnknownJobIsIgnored() {
        assertThat(store.progress("nobody", "run-1", Map.of("progress", 0.5))).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void completingJobsNumbersTheVersionsOfAModelId() {
        jobIn("first", Job.RUNNING);
        jobIn("second", Job.RUNNING);
        jobIn("other", Job.RUNNING);

        Optional<ModelRecord> one = store.complete("first", "trained assistant", Map.of(), model("assistant"));
        Optional<ModelRecord> two = store.complete("second", "trained assistant", Map.of(), model("assistant"));
        Optional<ModelRecord> unrelated = store.complete("other", "trained ranker", Map.of(), model("ranker"));

        assertThat(one).get().extracting(m -> m.version).isEqualTo(1);
        assertThat(two).get().extracting(m -> m.version).isEqualTo(2);
        assertThat(unrelated).get().extracting(m -> m.version).isEqualTo(1);
        assertThat(store.model("assistant")).extracting(m -> m.version, m -> m.jobId)
                .containsExactly(tuple(2, "second"), tuple(1, "first"));
        ModelRecord stored = store.model("assistant").get(1);
        assertThat(stored.path).isEqualTo("/models/assistant.bin");
        assertThat(stored.sha256).isEqualTo("abc123");
        assertThat(stored.sizeBytes).isEqualTo(4096);
        assertThat(stored.metrics.get("accuracy").asDouble()).isEqualTo(0.9);
        assertThat(store.models()).extracting(m -> m.id + ":" + m.version)
                .containsExactly("assistant:2", "assistant:1", "ranker:1");

        Job second = store.get("second");
        assertThat(second.status).isEqualTo(Job.COMPLETED);
        assertThat(second.modelId).isEqualTo("assistant");
        assertThat(second.modelVersion).isEqualTo(2);
        assertThat(second.history.get(second.history.size() - 1).data())
                .containsEntry("model_id", "assistant").containsEntry("model_version", 2);
        assertThat(heard).extracting(e -> e.jobId + ":" + e.status).endsWith("first:completed", "second:completed",
                "other:completed");
    }

    @Test
    void aModelCompletedWithADeploymentTimeIsDeployedAndTheLatestDeploymentIsTheDeployedModel() {
        jobIn("first", Job.RUNNING);
        jobIn("second", Job.RUNNING);
        jobIn("undeployed", Job.RUNNING);
        ModelRecord assistant = model("assistant");
        assistant.deployedAt = store.now();
        store.complete("first", "trained assistant", Map.of(), assistant);
        ModelRecord ranker = model("ranker");
        ranker.deployedAt = store.now();
        store.complete("second", "trained ranker", Map.of(), ranker);
        store.complete("undeployed", "trained assistant", Map.of(), model("assistant"));

        assertThat(store.deployedModel()).get().extracting(m -> m.id + ":" + m.version).isEqualTo("ranker:1");
        assertThat(store.model("assistant")).extracting(m -> m.version, m -> m.deployed)
                .containsExactly(tuple(2, false), tuple(1, true));
        assertThat(store.model("assistant", 1)).get().extracting(m -> m.capabilities.size()).isEqualTo(0);
        assertThat(sql().queryForList("SELECT model_id || ':' || version || ':' || action FROM deployments ORDER BY id",
                String.class)).containsExactly("assistant:1:deploy", "ranker:1:deploy");

        new ModelDeployments(database.dataSource()).deploy("assistant", 1, store.now());
        assertThat(store.deployedModel()).get().extracting(m -> m.id + ":" + m.version).isEqualTo("assistant:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {Job.QUEUED, Job.STARTING, Job.COMPLETED, Job.FAILED})
    void aRefusedCompletionStoresNoModel(String status) {
        jobIn("idle", status);
        Job before = store.get("idle");
        heard.clear();

        assertThat(store.complete("idle", "trained assistant", Map.of("progress", 1.0), model("assistant"))).isEmpty();

        assertThat(store.models()).isEmpty();
        assertThatThrownBy(() -> store.model("assistant"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        Job after = store.get("idle");
        assertThat(after.status).isEqualTo(status);
        assertThat(after.modelVersion).isNull();
        assertThat(after.history).hasSameSizeAs(before.history);
        assertThat(heard).isEmpty();
    }

    @Test
    void listShowsTheNewestJobsFirstFilteredByStatus() {
        store.create(job("oldest"));
        clock.advance(Duration.ofMillis(500));
        store.create(job("middle"));
        clock.advance(Duration.ofMillis(500));
        store.create(job("newest"));
        store.transition("middle", Job.QUEUED, Job.CANCELLED, "cancelled by request", Map.of());

        assertThat(ids(store.list(null, 10))).containsExactly("newest", "middle", "oldest");
        assertThat(ids(store.list(null, 2))).containsExactly("newest", "middle");
        assertThat(ids(store.list(Job.QUEUED, 10))).containsExactly("newest", "oldest");
        assertThat(ids(store.list(Job.QUEUED, 1))).containsExactly("newest");
        assertThat(ids(store.list(Job.CANCELLED, 10))).containsExactly("middle");
        assertThat(store.list(Job.RUNNING, 10)).isEmpty();
    }

    @Test
    void jobsCreatedAtTheSameInstantAreListedInTheOrderTheyWereCreated() {
        store.create(job("a"));
        store.create(job("b"));
        store.create(job("c"));

        assertThat(ids(store.list(null, 10))).containsExactly("c", "b", "a");
        assertThat(ids(store.unfinished())).containsExactly("a", "b", "c");
    }

    @Test
    void unfinishedListsQueuedStartingAndRunningJobsOldestFirst() {
        for (String status : List.of(Job.RUNNING, Job.COMPLETED, Job.QUEUED, Job.FAILED, Job.STARTING, Job.CANCELLED)) {
            jobIn(status + "-job", status);
            clock.advance(Duration.ofMillis(250));
        }

        assertThat(ids(store.unfinished())).containsExactly("running-job", "queued-job", "starting-job");
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertThat(store.find("nobody")).isEmpty();
        assertThatThrownBy(() -> store.get("nobody"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.detail()).isEqualTo("nobody");
                });
        assertThat(store.events("nobody", 0)).isEmpty();
        assertThat(store.latestEvent("nobody")).isEmpty();
    }

    @Test
    void anUnsubscribedListenerHearsNothingMore() {
        List<JobEvent> late = new ArrayList<>();
        Runnable unsubscribe = store.subscribe(late::add);
        store.create(job("watched"));

        unsubscribe.run();
        store.transition("watched", Job.QUEUED, Job.CANCELLED, "cancelled by request", Map.of());

        assertThat(late).extracting(e -> e.status).containsExactly(Job.QUEUED);
        assertThat(heard).extracting(e -> e.status).containsExactly(Job.QUEUED, Job.CANCELLED);
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromHearing() {
        store.subscribe(event -> {
            throw new IllegalStateException("listener broke");
        });
        List<JobEvent> after = new ArrayList<>();
        store.subscribe(after::add);

        store.create(job("noisy"));

        assertThat(after).extracting(e -> e.jobId).containsExactly("noisy");
        assertThat(store.get("noisy").status).isEqualTo(Job.QUEUED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "detail", "created_at", "id", "progress = 1, status", "error; DROP TABLE jobs"})
    void aColumnOutsideTheWritableOnesIsRefused(String column) {
        store.create(job("guarded"));
        heard.clear();

        assertThatThrownBy(() -> store.transition("guarded", Job.QUEUED, Job.STARTING, "taken", Map.of(column, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(column);

        Job job = store.get("guarded");
        assertThat(job.status).isEqualTo(Job.QUEUED);
        assertThat(job.history).hasSize(1);
        assertThat(heard).isEmpty();
    }

    private void openStore() {
        database = TrainingDatabase.open(file);
        store = new JobStore(database.dataSource(), clock);
        store.subscribe(heard::add);
    }

    private JdbcTemplate sql() {
        return new JdbcTemplate(database.dataSource());
    }

    private void assertUntouchedBy(String status) {
        Job job = store.get("busy");
        assertThat(job.status).isEqualTo(status);
        assertThat(job.progress).isZero();
        assertThat(job.epoch).isNull();
        assertThat(job.history).extracting(e -> e.kind).containsOnly(JobEvent.TRANSITION);
        assertThat(heard).isEmpty();
    }

    /** A job created now and moved, through legal steps with run "run-1", into {@code status}. */
    private void jobIn(String jobId, String status) {
        store.create(job(jobId));
        switch (status) {
            case Job.QUEUED -> { }
            case Job.FAILED, Job.CANCELLED -> store.transition(jobId, Job.QUEUED, status, null, Map.of()).orElseThrow();
            default -> {
                store.transition(jobId, Job.QUEUED, Job.STARTING, null, Map.of("run_id", "run-1")).orElseThrow();
                if (!Job.STARTING.equals(status)) {
                    store.transition(jobId, Job.STARTING, Job.RUNNING, null, Map.of("started_at", store.now()))
                            .orElseThrow();
                }
                if (Job.COMPLETED.equals(status)) {
                    store.transition(jobId, Job.RUNNING, Job.COMPLETED, null, Map.of()).orElseThrow();
                }
            }
        }
    }

    private static Job job(String jobId) {
        Job job = new Job();
        job.jobId = jobId;
        job.modelType = "retrieval";
        job.epochs = 3;
        job.config = JSON.createObjectNode().put("model_id", "assistant");
        job.source = "experiences";
        job.datasetPath = "/staging/jobs/" + jobId + ".jsonl";
        job.experiences = 10;
        job.datasetBytes = 1234;
        return job;
    }

    private static ModelRecord model(String id) {
        ModelRecord model = new ModelRecord();
        model.id = id;
        model.modelType = "retrieval";
        model.path = "/models/" + id + ".bin";
        model.sizeBytes = 4096;
        model.sha256 = "abc123";
        model.metrics = JSON.createObjectNode().put("accuracy", 0.9);
        return model;
    }

    private static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(j -> j.jobId).toList();
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
