package ai.jarvis.trinity.serving;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.training.ModelRecord;
import ai.jarvis.trinity.training.trainer.ModelFormatException;
import ai.jarvis.trinity.training.trainer.RetrievalModel;
import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * J-Prime's model (routes/prime/serving.yaml): the one the hub deployed, verified against its record (size and
 * sha256) and read before it replaces the served one in a single swap. A request holds the model it started with,
 * so a swap drops none; a model that fails verification is not loaded, the old one keeps serving.
 */
public final class ModelServer {

    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path modelsDir;
    private final int maxPromptLength;
    private final BiConsumer<String, Object> publish;
    private final UsageMeter usage;
    private final AtomicReference<ServedModel> serving = new AtomicReference<>();
    private ModelRecord lastRejected;

    /** {@code usage} counts every answer (and failure) of a served model, for J-Prime's feedback reports. */
    public ModelServer(Path modelsDir, int maxPromptLength, BiConsumer<String, Object> publish, UsageMeter usage) {
        this.modelsDir = modelsDir;
        this.maxPromptLength = maxPromptLength;
        this.publish = publish;
        this.usage = usage;
    }

    /**
     * The hub's reply to {@code get_deployed_model}: that model is loaded unless it is served already. One rejected
     * before is not tried again on every sync (a new model.deployed event of it is).
     */
    public synchronized void sync(String reply) throws IOException {
        JsonNode answer = JSON.readTree(reply);
        if (answer.has("error")) {
            throw new IllegalStateException("the hub refused get_deployed_model: " + answer.path("error").path("message").asText());
        }
        JsonNode deployed = answer.path("result");
        if (deployed.isObject()) {
            ModelRecord record = JSON.treeToValue(deployed, ModelRecord.class);
            if (!sameModel(record, lastRejected)) {
                load(record);
            }
        }
    }

    /** A {@code model.deployed} or {@code model.rolled_back} event (the record deployed now): its model is loaded now. */
    public void deployed(String event) throws IOException {
        load(JSON.readValue(event, ModelRecord.class));
    }

    /** Loads {@code record}'s model in place of the served one; false when it is served already or was rejected. */
    public synchronized boolean load(ModelRecord record) {
        ServedModel current = serving.get();
        if (current != null && sameModel(current.record(), record)) {
            return false;
        }
        try {
            serving.set(new ServedModel(record, verifiedModel(record)));
            lastRejected = null;
            LOG.info("Serving model {} version {}{}", record.id, record.version,
                    current == null ? "" : " (was version " + current.record().version + " of " + current.record().id + ")");
            return true;
        } catch (RejectedModel e) {
            reject(record, e.getMessage(), current);
            return false;
        }
    }

    /** 200 with the served model's answer; 400 for a bad prompt, 503 before a model is loaded. */
    public Map<String, Object> generate(String body) {
        long started = System.nanoTime();
        String prompt = PromptRequest.prompt(body, maxPromptLength);
        ServedModel served = serving.get();
        if (served == null) {
            throw new ApiException(503, "no model", "J-Prime has not loaded a model yet: none is deployed, or it is not verified");
        }
        RetrievalModel.Answer answer;
        try {
            answer = served.model().answer(prompt);
        } catch (RuntimeException e) {
            usage.failed(served.record());
            throw e;
        }
        long elapsed = System.nanoTime() - started;
        usage.answered(served.record(), elapsed);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("answer", answer.answer());
        reply.put("model_id", served.record().id);
        reply.put("version", served.record().version);
        reply.put("similarity", answer.similarity());
        reply.put("latency_ms", Math.round(elapsed / 1e3) / 1e3);
        return reply;
    }

    /** The record of the served model; 404 when none is. */
    public ModelRecord servedModel() {
        ServedModel served = serving.get();
        if (served == null) {
            throw ApiException.notFound("no model", "J-Prime has not loaded a model yet");
        }
        return served.record();
    }

    /** The served model for /api/health: id and version, or null. */
    public Map<String, Object> health() {
        ServedModel served = serving.get();
        if (served == null) {
            return null;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model_id", served.record().id);
        model.put("version", served.record().version);
        return model;
    }

    private RetrievalModel verifiedModel(ModelRecord record) throws RejectedModel {
        if (!RetrievalModel.MODEL_TYPE.equals(record.modelType)) {
            throw new RejectedModel("model_type '" + record.modelType + "' cannot be served by the built-in J-Prime (only '"
                    + RetrievalModel.MODEL_TYPE + "')");
        }
        if (record.path == null || record.sha256 == null) {
            throw new RejectedModel("the record has no path or no sha256");
        }
        Path file = modelsDir.resolve(record.path);
        try {
            long size = Files.size(file);
            if (size != record.sizeBytes) {
                throw new RejectedModel(file + " has " + size + " bytes, the record says " + record.sizeBytes);
            }
            String sha256 = Sha256.of(file);
            if (!sha256.equalsIgnoreCase(record.sha256)) {
                throw new RejectedModel(file + " has sha256 " + sha256 + ", the record says " + record.sha256);
            }
            return RetrievalModel.load(file);
        } catch (NoSuchFileException e) {
            throw new RejectedModel("no model file " + file);
        } catch (ModelFormatException e) {
            throw new RejectedModel(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw new RejectedModel("cannot read " + file + ": " + rootMessage(e));
        }
    }

    private void reject(ModelRecord record, String reason, ServedModel current) {
        lastRejected = record;
        LOG.warn("Model {} version {} rejected: {}; {}", record.id, record.version, reason,
                current == null ? "no model is served" : "still serving version " + current.record().version
                        + " of " + current.record().id);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("model_id", record.id);
        event.put("version", record.version);
        event.put("model_type", record.modelType);
        event.put("path", record.path);
        event.put("sha256", record.sha256);
        event.put("reason", reason);
        event.put("serving", health());
        publish.accept("model.rejected", event);
    }

    private static boolean sameModel(ModelRecord one, ModelRecord other) {
        return one != null && other != null && Objects.equals(one.id, other.id) && one.version == other.version
                && Objects.equals(one.sha256, other.sha256);
    }

    /** Why a deployed model is not served. */
    private static final class RejectedModel extends Exception {
        RejectedModel(String reason) {
            super(reason, null, false, false);
        }
    }
}
