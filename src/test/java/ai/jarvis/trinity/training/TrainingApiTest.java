package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on the hub through its REST API, the drop zone and the job queue, with no reactor running: every job
 * stays queued (the supervisor is off), so what the hub did is all there is to see.
 */
class TrainingApiTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String JOB_QUEUE = "trinity.command.reactor";
    private static final String EXPERIENCE = "{\"input\": \"hi\", \"output\": \"hello\", \"reward\": 1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    @TempDir
    static Path elsewhere;

    @AutoClose
    private static HubUnderTest hub;
    private static int port;
    private static Path staging;

    @BeforeAll
    static void startHub() throws JMSException {
        hub = HubUnderTest.start(home, Map.of(
                "TRAINING_MAX_INLINE_SIZE", "20000", "TRINITY_MAX_BODY_SIZE", "4096"));
        port = hub.port();
        staging = hub.settings().getPath("training.dropbox-dir");
    }

    // --- POST /api/training/start -----------------------------------------------------------------------------

    @Test
    void inlineExperiencesAreWrittenToTheDropBoxAndQueuedAsASmallJobMessage() throws Exception {
        HttpResponse<String> started = start("""
                {"model_type": "tiny-lm", "epochs": 7, "config": {"lr": 0.1},
                 "experiences": [
                   {"id": "given-1", "input": "what is 2+2?", "output": "4", "reward": 1},
                   {"input": "capital of France?", "output": "Paris", "reward": 0.5, "source": "chat"},
                   {"id": 42, "input": "secret-input-text", "output": "secret-output-text", "reward": -1}
                 ]}""");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(started.body());
        String jobId = answer.path("job_id").asText();
        assertThat(jobId).matches("job-[0-9a-f]{12}");
        assertThat(answer.path("status").asText()).isEqualTo("queued");
        assertThat(answer.path("experiences").asLong()).isEqualTo(3);

        Path dataset = staging.resolve("jobs").resolve(jobId + ".jsonl");
        assertThat(dataset).isRegularFile();
        List<String> lines = Files.readAllLines(dataset, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        List<JsonNode> written = new ArrayList<>();
        for (String line : lines) {
            written.add(JSON.readTree(line));
        }
        assertThat(written).allSatisfy(e -> assertThat(e.path("id").asText()).isNotBlank());
        assertThat(written.get(0).path("id").asText()).isEqualTo("given-1");
        assertThat(written.get(1).path("id").asText()).satisfies(id -> UUID.fromString(id));
        assertThat(written.get(2).path("id").asText()).isEqualTo("42");
        assertThat(written.get(1).path("input").asText()).isEqualTo("capital of France?");
        assertThat(written.get(1).path("output").asText()).isEqualTo("Paris");
        assertThat(written.get(1).path("reward").asDouble()).isEqualTo(0.5);
        assertThat(written.get(1).path("source").asText()).isEqualTo("chat");
        assertThat(written.get(2).path("reward").asDouble()).isEqualTo(-1);

        HttpResponse<String> got = Http.get(port, "/api/training/jobs/" + jobId);
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode job = JSON.readTree(got.body());
        assertThat(job.path("job_id").asText()).isEqualTo(jobId);
        assertThat(job.path("status").asText()).isEqualTo("queued");
        assertThat(job.path("source").asText()).isEqualTo("experiences");
        assertThat(job.path("model_type").asText()).isEqualTo("tiny-lm");
        assertThat(job.path("epochs").asInt()).isEqualTo(7);
        assertThat(job.path("config").path("lr").asDouble()).isEqualTo(0.1);
        assertThat(job.path("experiences").asLong()).isEqualTo(3);
        assertThat(job.path("dataset_bytes").asLong()).isEqualTo(Files.size(dataset));
        assertThat(Path.of(job.path("dataset_path").asText())).isEqualTo(dataset.toRealPath());
        assertThat(statuses(job)).containsExactly("queued");
        assertThat(job.path("history").get(0).path("kind").asText()).isEqualTo("transition");

        List<TextMessage> messages = jobMessages(jobId);
        assertThat(messages).hasSize(1);
        TextMessage message = messages.get(0);
        assertThat(message.getStringProperty("job_id")).isEqualTo(jobId);
        String text = message.getText();
        assertThat(text.length()).isLessThan(1000);
        assertThat(text).doesNotContain("secret-input-text", "secret-output-text", "experiences");
        JsonNode body = JSON.readTree(text);
        assertThat(body.path("job_id").asText()).isEqualTo(jobId);
        assertThat(Path.of(body.path("dataset_path").asText())).isEqualTo(dataset.toRealPath());
        assertThat(body.path("attempt").asInt()).isEqualTo(1);
        assertThat(body.path("model_type").asText()).isEqualTo("tiny-lm");
        assertThat(body.path("epochs").asInt()).isEqualTo(7);
    }

    @Test
    void aDatasetPathInsideTheStagingDirIsMovedIntoJobs() throws Exception {
        Path folder = Files.createDirectories(staging.resolve("inside-" + UUID.randomUUID()));
        String content = EXPERIENCE + "\n\n" + EXPERIENCE.replace("hello", "hey") + "\n";
        Path relative = Files.writeString(folder.resolve("data.jsonl"), content);
        Path absolute = Files.writeString(folder.resolve("array.json"), "[" + EXPERIENCE + "]");

        HttpResponse<String> byRelative = start("{\"dataset_path\": \"" + staging.relativize(relative) + "\"}");
        assertThat(byRelative.statusCode()).as(byRelative.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(byRelative.body());
        String jobId = answer.path("job_id").asText();
        assertThat(answer.path("status").asText()).isEqualTo("queued");
        assertThat(answer.path("experiences").asLong()).isEqualTo(2);
        assertThat(relative).doesNotExist();
        Path taken = staging.resolve("jobs").resolve(jobId + ".jsonl");
        assertThat(taken).content().isEqualTo(content);
        JsonNode job = JSON.readTree(Http.get(port, "/api/training/jobs/" + jobId).body());
        assertThat(job.path("source").asText()).isEqualTo("dataset_path");
        assertThat(job.path("dataset_name").asText()).isEqualTo("data.jsonl");
        assertThat(job.path("model_type").asText()).isEqualTo("retrieval");
        assertThat(job.path("epochs").asInt()).isEqualTo(3);
        assertThat(jobMessages(jobId)).hasSize(1);

        HttpResponse<String> byAbsolute = start("{\"dataset_path\": \"" + absolute + "\"}");
        assertThat(byAbsolute.statusCode()).as(byAbsolute.body()).isEqualTo(202);
        String arrayJob = JSON.readTree(byAbsolute.body()).path("job_id").asText();
        assertThat(absolute).doesNotExist();
        assertThat(staging.resolve("jobs").resolve(arrayJob + ".json")).isRegularFile();
    }

    @Test
    void aDatasetPathOutsideTheStagingDirIsRefusedAndLeftAlone() throws Exception {
        String content = EXPERIENCE + "\n";
        Path outside = Files.writeString(elsewhere.resolve("private-" + UUID.randomUUID() + ".jsonl"), content);
        Path folder = Files.createDirectories(staging.resolve("links-" + UUID.randomUUID()));
        Path link = Files.createSymbolicLink(folder.resolve("link.jsonl"), outside);
        Set<String> jobsBefore = jobIds();

        assertError(start("{\"dataset_path\": \"" + staging.relativize(outside) + "\"}"), 400,
                "dataset_path outside the staging dir");
        assertError(start("{\"dataset_path\": \"../" + outside.getFileName() + "\"}"), 400,
                "dataset_path outside the staging dir");
        assertError(start("{\"dataset_path\": \"" + outside + "\"}"), 400, "dataset_path outside the staging dir");
        assertError(start("{\"dataset_path\": \"" + staging.relativize(link) + "\"}"), 400,
                "dataset_path outside the staging dir");
        assertError(start("{\"dataset_path\": \"" + link + "\"}"), 400, "dataset_path outside the staging dir");

        assertThat(outside).content().isEqualTo(content);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(jobIds()).isEqualTo(jobsBefore);

        HttpResponse<String> missing = start("{\"dataset_path\": \"" + staging.relativize(folder) + "/nope.jsonl\"}");
        assertError(missing, 400, "dataset not found");
        assertThat(JSON.readTree(missing.body()).path("detail").asText()).contains("nope.jsonl");
        assertThat(jobIds()).isEqualTo(jobsBefore);
        Files.delete(link);
    }

    @Test
    void aBadRequestIsRefusedWithAClearErrorAndLeavesNothingBehind() throws Exception {
        Set<String> jobsBefore = jobIds();
        Set<String> filesBefore = jobsFolder();
        int messagesBefore = allJobMessages();

        assertError(start("{not json"), 400, "malformed JSON");
        assertError(start("{\"experiences\": [" + EXPERIENCE + ", {\"input\": "), 400, "malformed JSON");
        assertError(start("[" + EXPERIENCE + "]"), 400, "invalid body");
        assertError(start(withExperience("\"epochs\": \"3\"")), 400, "invalid epochs");
        assertError(start(withExperience("\"epochs\": 0")), 400, "invalid epochs");
        assertError(start(withExperience("\"epochs\": 10001")), 400, "invalid epochs");
        assertError(start(withExperience("\"model_type\": 5")), 400, "invalid model_type");
        assertError(start(withExperience("\"model_type\": \"Bad Type\"")), 400, "invalid model_type");
        assertError(start(withExperience("\"config\": \"x\"")), 400, "invalid config");
        assertDetail(assertError(start(withExperience("\"colour\": \"red\"")), 400, "unknown field"), "colour");
        assertDetail(assertError(start(withExperience("\"dataset_path\": \"x.jsonl\"")), 400, "invalid body"),
                "either experiences or dataset_path");
        assertDetail(assertError(start("{}"), 400, "invalid body"), "either experiences or dataset_path");
        assertError(start("{\"model_type\": \"tiny\", \"epochs\": 2}"), 400, "invalid body");
        assertError(start("{\"experiences\": []}"), 400, "empty experience list");
        assertError(start("{\"experiences\": \"lots\"}"), 400, "invalid experiences");

        HttpResponse<String> noInput = start("{\"experiences\": [" + EXPERIENCE
                + ", {\"output\": \"o\", \"reward\": 1}]}");
        assertDetail(assertError(noInput, 400, "invalid experiences"), "experience 2", "missing 'input'");
        HttpResponse<String> stringReward = start("{\"experiences\": [" + EXPERIENCE + ", " + EXPERIENCE
                + ", {\"input\": \"i\", \"output\": \"o\", \"reward\": \"high\"}]}");
        assertDetail(assertError(stringReward, 400, "invalid experiences"), "experience 3", "'reward' must be a number");
        assertDetail(assertError(start("{\"experiences\": [" + EXPERIENCE + ", 7]}"), 400, "invalid experiences"),
                "experience 2");

        assertError(Http.send("POST", port, "/api/training/start", "experiences=1",
                "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported media type");
        String overInlineLimit = "{\"experiences\": [{\"input\": \"" + "x".repeat(21_000)
                + "\", \"output\": \"o\", \"reward\": 1}]}";
        assertDetail(assertError(start(overInlineLimit), 413, "request body too large"), "TRAINING_MAX_INLINE_SIZE");

        assertThat(jobIds()).isEqualTo(jobsBefore);
        assertThat(jobsFolder()).isEqualTo(filesBefore);
        assertThat(jobsFolder()).noneMatch(name -> name.endsWith(".tmp"));
        assertThat(allJobMessages()).isEqualTo(messagesBefore);
    }

    @Test
    void inlineExperiencesHaveTheirOwnBodyLimitAboveTheApiOne() throws Exception {
        String between = "{\"experiences\": [{\"input\": \"" + "x".repeat(10_000) + "\", \"output\": \"o\", \"reward\": 1}]}";
        HttpResponse<String> accepted = start(between);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).path("experiences").asLong()).isEqualTo(1);

        HttpResponse<String> elsewhereTooLarge = Http.postJson(port, "/api/services/big",
                "{\"metadata\": {\"blob\": \"" + "x".repeat(10_000) + "\"}}");
        assertDetail(assertError(elsewhereTooLarge, 413, "request body too large"), "TRINITY_MAX_BODY_SIZE");
    }

    @Test
    void aBodyOfUnknownLengthIsRefusedWhereOnlyTheSmallerLimitHolds() throws Exception {
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/services/chunked"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("{\"metadata\": {}}".getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> refused = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(chunked, HttpResponse.BodyHandlers.ofString());
        assertDetail(assertError(refused, 411, "length required"), "Content-Length");
    }

    @Test
    void aJobWhoseMessageWasDeadLetteredFailsWithTheReason() throws Exception {
        String jobId = startedJob();
        JsonNode failed = deadLetter(jobId);
        assertThat(failed.path("error").asText()).contains("dead-lettered").contains("reactor");
        assertThat(statuses(failed)).containsExactly("queued", "failed");
    }

    @Test
    void aFailedJobsDatasetIsRemovedAfterItsRetentionAndARetryIsThenRefused() throws Exception {
        String jobId = startedJob();
        deadLetter(jobId);
        Path workDir = hub.settings().getPath("training.work-dir").resolve(jobId);
        Files.createDirectories(workDir);
        Files.writeString(workDir.resolve("dataset.jsonl"), EXPERIENCE + "\n");
        Path staged = staging.resolve("jobs").resolve(jobId + ".jsonl");
        ProducerTemplate routes = hub.node().camelContext().createProducerTemplate();

        routes.sendBodyAndHeader("direct:remove-expired-datasets", null, "retention_seconds", 3600);
        assertThat(workDir.resolve("dataset.jsonl")).exists();
        assertThat(staged).exists();

        routes.sendBodyAndHeader("direct:remove-expired-datasets", null, "retention_seconds", 0);
        assertThat(workDir).doesNotExist();
        assertThat(staged).doesNotExist();
        assertDetail(assertError(Http.send("POST", port, "/api/training/jobs/" + jobId + "/retry", null), 409,
                "dataset no longer kept"), jobId);
    }

    /** What the broker does after the last delivery attempt: the job message goes to DLQ.trinity.command.reactor. */
    private static JsonNode deadLetter(String jobId) throws Exception {
        Session session = hub.session();
        try {
            TextMessage deadLetter = session.createTextMessage(jobMessages(jobId).get(0).getText());
            deadLetter.setStringProperty("job_id", jobId);
            deadLetter.setStringProperty("_AMQ_ORIG_ADDRESS", JOB_QUEUE);
            session.createProducer(session.createQueue("DLQ::DLQ.trinity.command.reactor")).send(deadLetter);
        } finally {
            session.close();
        }
        return await().atMost(DEADLINE).until(() -> JSON.readTree(Http.get(port, "/api/training/jobs/" + jobId).body()),
                job -> "failed".equals(job.path("status").asText()));
    }

    // --- jobs: get, list, cancel, retry -------------------------------------------------------------------------

    @Test
    void anUnknownJobIsNotFoundEverywhere() throws Exception {
        assertDetail(assertError(Http.get(port, "/api/training/jobs/job-000000000000"), 404, "unknown job"),
                "job-000000000000");
        assertError(Http.send("POST", port, "/api/training/jobs/job-000000000000/cancel", null), 404, "unknown job");
        assertError(Http.send("POST", port, "/api/training/jobs/job-000000000000/retry", null), 404, "unknown job");
        assertError(Http.get(port, "/api/training/stream/job-000000000000"), 404, "unknown job");
    }

    @Test
    void cancellingAQueuedJobTakesItsMessageOffTheQueue() throws Exception {
        String jobId = startedJob();
        Path dataset = staging.resolve("jobs").resolve(jobId + ".jsonl");
        assertThat(jobMessages(jobId)).hasSize(1);

        HttpResponse<String> cancelled = Http.send("POST", port, "/api/training/jobs/" + jobId + "/cancel", null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        JsonNode job = JSON.readTree(cancelled.body());
        assertThat(job.path("job_id").asText()).isEqualTo(jobId);
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        assertThat(job.path("finished_at").asText()).isNotBlank();
        assertThat(statuses(job)).containsExactly("queued", "cancelled");
        assertThat(jobMessages(jobId)).isEmpty();
        assertThat(dataset).as("a cancelled job's dataset is removed (DROPBOX_CLEANUP_ENABLED)").doesNotExist();

        JsonNode got = JSON.readTree(Http.get(port, "/api/training/jobs/" + jobId).body());
        assertThat(got.path("status").asText()).isEqualTo("cancelled");
        assertThat(statuses(got)).last().isEqualTo("cancelled");

        assertDetail(assertError(Http.send("POST", port, "/api/training/jobs/" + jobId + "/cancel", null), 409,
                "job already ended"), "cancelled");
        assertDetail(assertError(Http.send("POST", port, "/api/training/jobs/" + jobId + "/retry", null), 409,
                "job not failed"), "cancelled");
        assertThat(statuses(JSON.readTree(Http.get(port, "/api/training/jobs/" + jobId).body())))
                .containsExactly("queued", "cancelled");
    }

    @Test
    void retryingAQueuedJobIsAConflict() throws Exception {
        String jobId = startedJob();
        assertError(Http.send("POST", port, "/api/training/jobs/" + jobId + "/retry", null), 409, "job not failed");
        assertThat(jobMessages(jobId)).hasSize(1);
    }

    @Test
    void theJobListFiltersByStatusNewestFirst() throws Exception {
        assertDetail(assertError(Http.get(port, "/api/training/jobs?status=bogus"), 400, "invalid status"), "bogus");
        assertError(Http.get(port, "/api/training/jobs?limit=0"), 400, "invalid limit");
        assertError(Http.get(port, "/api/training/jobs?limit=1001"), 400, "invalid limit");
        assertError(Http.get(port, "/api/training/jobs?limit=many"), 400, "invalid limit");

        String cancelledJob = startedJob();
        assertThat(Http.send("POST", port, "/api/training/jobs/" + cancelledJob + "/cancel", null).statusCode())
                .isEqualTo(200);
        String queuedJob = startedJob();

        JsonNode cancelled = JSON.readTree(Http.get(port, "/api/training/jobs?status=cancelled").body());
        assertThat(cancelled.isArray()).isTrue();
        assertThat(cancelled).isNotEmpty().allSatisfy(job -> assertThat(job.path("status").asText()).isEqualTo("cancelled"));
        assertThat(cancelled).extracting(job -> job.path("job_id").asText()).contains(cancelledJob).doesNotContain(queuedJob);

        JsonNode queued = JSON.readTree(Http.get(port, "/api/training/jobs?status=queued").body());
        assertThat(queued).allSatisfy(job -> assertThat(job.path("status").asText()).isEqualTo("queued"));
        assertThat(queued).extracting(job -> job.path("job_id").asText()).contains(queuedJob).doesNotContain(cancelledJob);

        JsonNode newest = JSON.readTree(Http.get(port, "/api/training/jobs?limit=2").body());
        assertThat(newest).extracting(job -> job.path("job_id").asText()).containsExactly(queuedJob, cancelledJob);
        assertThat(newest.get(0).has("history")).as("the list leaves out the history").isFalse();
    }

    // --- GET /api/training/stream/{id} --------------------------------------------------------------------------

    @Test
    void theStreamStartsWithTheStateFollowsTheJobAndEndsWithIt() throws Exception {
        String jobId = startedJob();
        assertError(Http.get(port, "/api/training/stream/" + jobId, "Last-Event-ID", "yesterday"), 400,
                "invalid Last-Event-ID");

        try (SseStream live = SseStream.open(port, jobId, null)) {
            assertThat(live.response().statusCode()).isEqualTo(200);
            assertThat(live.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            await().atMost(DEADLINE).until(() -> !live.events.isEmpty());
            SseEvent first = live.events.get(0);
            assertThat(first.event).isEqualTo("status");
            assertThat(first.id).isNotNull();
            assertThat(first.data.path("kind").asText()).isEqualTo("state");
            assertThat(first.data.path("status").asText()).isEqualTo("queued");
            assertThat(first.data.path("job_id").asText()).isEqualTo(jobId);
            assertThat(first.data.path("id").asLong()).isEqualTo(first.id);
            assertThat(live.ended).as("a queued job's stream stays open").isNotDone();

            assertThat(Http.send("POST", port, "/api/training/jobs/" + jobId + "/cancel", null).statusCode())
                    .isEqualTo(200);
            live.awaitEnd();
            assertThat(live.events).hasSize(2);
            SseEvent last = live.events.get(1);
            assertThat(last.id).isGreaterThan(first.id);
            assertThat(last.data.path("kind").asText()).isEqualTo("transition");
            assertThat(last.data.path("from_status").asText()).isEqualTo("queued");
            assertThat(last.data.path("status").asText()).isEqualTo("cancelled");

            try (SseStream resumed = SseStream.open(port, jobId, first.id)) {
                assertThat(resumed.response().statusCode()).isEqualTo(200);
                resumed.awaitEnd();
                assertThat(resumed.events).extracting(e -> e.id).containsExactly(last.id);
                assertThat(resumed.events.get(0).data.path("status").asText()).isEqualTo("cancelled");
            }
            try (SseStream afterTheEnd = SseStream.open(port, jobId, null)) {
                afterTheEnd.awaitEnd();
                assertThat(afterTheEnd.events).singleElement().satisfies(e -> {
                    assertThat(e.data.path("kind").asText()).isEqualTo("state");
                    assertThat(e.data.path("status").asText()).isEqualTo("cancelled");
                    assertThat(e.id).isEqualTo(last.id);
                });
            }
        }
    }

    // --- the drop zone ------------------------------------------------------------------------------------------

    @Test
    void aCompleteDatasetDroppedIntoTheStagingDirBecomesAJob() throws Exception {
        String name = "dropped-" + UUID.randomUUID() + ".jsonl";
        String content = EXPERIENCE + "\n" + EXPERIENCE + "\n" + EXPERIENCE + "\n";
        drop(staging, name, content);

        JsonNode job = awaitJobWithDataset(name);
        String jobId = job.path("job_id").asText();
        assertThat(job.path("source").asText()).isEqualTo("staging");
        assertThat(job.path("status").asText()).isEqualTo("queued");
        assertThat(job.path("experiences").asLong()).isEqualTo(3);
        assertThat(staging.resolve(name)).doesNotExist();
        Path taken = staging.resolve("jobs").resolve(jobId + ".jsonl");
        assertThat(taken).content().isEqualTo(content);
        assertThat(Path.of(job.path("dataset_path").asText())).isEqualTo(taken.toRealPath());
        assertThat(jobMessages(jobId)).hasSize(1);

        String array = "array-" + UUID.randomUUID() + ".json";
        drop(staging, array, "[" + EXPERIENCE + ", " + EXPERIENCE + "]");
        JsonNode arrayJob = awaitJobWithDataset(array);
        assertThat(arrayJob.path("experiences").asLong()).isEqualTo(2);
        assertThat(staging.resolve("jobs").resolve(arrayJob.path("job_id").asText() + ".json")).isRegularFile();
    }

    @Test
    void aDroppedFileThatIsNotADatasetGoesToFailedWithTheReason() throws Exception {
        String wrongType = "wrong-type-" + UUID.randomUUID() + ".jsonl";
        String notJson = "not-json-" + UUID.randomUUID() + ".json";
        drop(staging, wrongType, EXPERIENCE + "\n{\"input\": 1, \"output\": \"o\", \"reward\": 1}\n");
        drop(staging, notJson, "this is not JSON at all\n");

        Path failed = staging.resolve(".failed");
        await().atMost(DEADLINE).until(() -> Files.exists(failed.resolve(wrongType)) && Files.exists(failed.resolve(notJson)));
        assertThat(staging.resolve(wrongType)).doesNotExist();
        assertThat(staging.resolve(notJson)).doesNotExist();
        assertThat(failed.resolve(wrongType + ".reason")).content()
                .contains("invalid dataset", wrongType, "line 2", "experience 2", "'input' must be a string");
        assertThat(failed.resolve(notJson + ".reason")).content().contains("invalid dataset", notJson, "not JSON");
        assertThat(jobs()).noneMatch(job -> wrongType.equals(job.path("dataset_name").asText())
                || notJson.equals(job.path("dataset_name").asText()));
    }

    @Test
    void otherFilesAndTheJobsFolderAreNeverPickedUp() throws Exception {
        String text = "notes-" + UUID.randomUUID() + ".txt";
        String inJobs = "manual-" + UUID.randomUUID() + ".jsonl";
        String partial = "partial-" + UUID.randomUUID() + ".jsonl.part";
        Files.writeString(staging.resolve(text), EXPERIENCE + "\n");
        Files.writeString(staging.resolve("jobs").resolve(inJobs), EXPERIENCE + "\n");
        Files.writeString(staging.resolve(partial), EXPERIENCE + "\n");
        // a valid drop after them: once it is taken, the watcher has scanned the folder with all three in it
        String marker = "marker-" + UUID.randomUUID() + ".jsonl";
        drop(staging, marker, EXPERIENCE + "\n");
        awaitJobWithDataset(marker);

        assertThat(staging.resolve(text)).content().isEqualTo(EXPERIENCE + "\n");
        assertThat(staging.resolve(partial)).exists();
        assertThat(staging.resolve("jobs").resolve(inJobs)).content().isEqualTo(EXPERIENCE + "\n");
        assertThat(staging.resolve(".failed").resolve(text)).doesNotExist();
        assertThat(jobs()).noneMatch(job -> Set.of(text, inJobs, partial).contains(job.path("dataset_name").asText())
                || job.path("dataset_path").asText().endsWith(inJobs));
        Files.delete(staging.resolve(text));
        Files.delete(staging.resolve(partial));
    }

    // --- /api/models --------------------------------------------------------------------------------------------

    @Test
    void noModelsBeforeAJobCompletes() throws Exception {
        HttpResponse<String> models = Http.get(port, "/api/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).isArray()).isTrue();
        assertThat(JSON.readTree(models.body())).isEmpty();
        assertDetail(assertError(Http.get(port, "/api/models/nope"), 404, "unknown model"), "nope");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private static HttpResponse<String> start(String body) {
        return Http.postJson(port, "/api/training/start", body);
    }

    private static String withExperience(String field) {
        return "{\"experiences\": [" + EXPERIENCE + "], " + field + "}";
    }

    private static String startedJob() throws IOException {
        HttpResponse<String> started = start("{\"experiences\": [" + EXPERIENCE + "]}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return JSON.readTree(started.body()).path("job_id").asText();
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).as(response.body()).isEqualTo(error);
        assertThat(body.has("detail")).as(response.body()).isTrue();
        return body;
    }

    private static void assertDetail(JsonNode error, String... words) {
        assertThat(error.path("detail").asText()).as(error.toString()).contains(words);
    }

    private static List<String> statuses(JsonNode job) {
        List<String> statuses = new ArrayList<>();
        job.path("history").forEach(event -> statuses.add(event.path("status").asText()));
        return statuses;
    }

    private static List<JsonNode> jobs() throws IOException {
        HttpResponse<String> list = Http.get(port, "/api/training/jobs?limit=1000");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<JsonNode> jobs = new ArrayList<>();
        JSON.readTree(list.body()).forEach(jobs::add);
        return jobs;
    }

    private static Set<String> jobIds() throws IOException {
        return jobs().stream().map(job -> job.path("job_id").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> jobsFolder() throws IOException {
        try (Stream<Path> files = Files.list(staging.resolve("jobs"))) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static JsonNode awaitJobWithDataset(String name) throws IOException {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> findJob(name).isPresent());
        return findJob(name).orElseThrow();
    }

    private static Optional<JsonNode> findJob(String datasetName) throws IOException {
        return jobs().stream().filter(job -> datasetName.equals(job.path("dataset_name").asText())).findFirst();
    }

    /** Written under another name, then renamed: the watcher only ever sees the complete file. */
    private static void drop(Path folder, String name, String content) throws IOException {
        Path part = Files.writeString(folder.resolve(name + ".part"), content);
        Files.move(part, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The job messages waiting on the reactors' queue for {@code jobId}, browsed (left on the queue). */
    private static List<TextMessage> jobMessages(String jobId) throws JMSException {
        return browse("job_id = '" + jobId + "'");
    }

    private static int allJobMessages() throws JMSException {
        return browse(null).size();
    }

    private static List<TextMessage> browse(String selector) throws JMSException {
        Session session = hub.session();
        try {
            QueueBrowser browser = session.createBrowser(session.createQueue(JOB_QUEUE), selector);
            List<TextMessage> messages = new ArrayList<>();
            Enumeration<?> waiting = browser.getEnumeration();
            while (waiting.hasMoreElements()) {
                Message message = (Message) waiting.nextElement();
                assertThat(message).isInstanceOf(TextMessage.class);
                messages.add((TextMessage) message);
            }
            browser.close();
            return messages;
        } finally {
            session.close();
        }
    }

    /** One Server-Sent Event. */
    private record SseEvent(Long id, String event, JsonNode data) {
    }

    /** A stream read in the background, frame by frame, until the server ends it or the test closes it. */
    private static final class SseStream implements AutoCloseable {
        private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        final List<SseEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final CompletableFuture<HttpResponse<Stream<String>>> response;

        private SseStream(CompletableFuture<HttpResponse<Stream<String>>> response) {
            this.response = response;
            response.thenAcceptAsync(this::read).exceptionally(e -> {
                ended.completeExceptionally(e);
                return null;
            });
        }

        static SseStream open(int port, String jobId, Long lastEventId) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/training/stream/" + jobId))
                    .header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            return new SseStream(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()));
        }

        HttpResponse<Stream<String>> response() throws Exception {
            return response.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        private void read(HttpResponse<Stream<String>> answer) {
            Long id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            try (Stream<String> lines = answer.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new SseEvent(id, event, JSON.readTree(data.toString())));
                        }
                        id = null;
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = Long.parseLong(line.substring(3).trim());
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
                    }
                    // ':' comments (the greeting, keepalives) carry nothing
                }
                ended.complete(null);
            } catch (IOException | RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }

        /** The server ended the response (its body completed) within the deadline. */
        void awaitEnd() throws Exception {
            ended.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            response.thenAccept(answer -> answer.body().close());
            response.cancel(true);
        }
    }
}
