package ai.jarvis.trinity.models;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ModelDeployments;
import ai.jarvis.trinity.training.ModelDeployments.Deployment;
import ai.jarvis.trinity.training.ModelRecord;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hub's model registry (routes/models.yaml): the models table with its deployments. Every change of a model id
 * (a new version, a deploy, a rollback) is committed first, then the id's record goes out on trinity.models, where
 * the broker keeps the last one per id; one change at a time, so the last record sent is the current one. At start
 * every id's record is sent again, which also repairs a send a crash cut off.
 */
public final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobStore store;
    private final ModelDeployments deployments;
    private final ModelFeedback feedback;
    private final TransactionTemplate transactions;
    private final Consumer<ModelRecord> modelsChannel;
    private final BiConsumer<String, Object> events;

    /**
     * {@code modelsChannel} sends a model id's record on trinity.models; {@code events} publishes on the event bus
     * ({@code model.deployed}, {@code model.rolled_back}).
     */
    public ModelRegistry(DataSource dataSource, JobStore store, ModelFeedback feedback,
                         Consumer<ModelRecord> modelsChannel, BiConsumer<String, Object> events) {
        this.store = store;
        this.deployments = new ModelDeployments(dataSource);
        this.feedback = feedback;
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.modelsChannel = modelsChannel;
        this.events = events;
    }

    /** A completed job stored this model (deployed at once with TRINITY_AUTO_DEPLOY). */
    public synchronized void recorded(ModelRecord model) {
        announce(model.id);
        if (Boolean.TRUE.equals(model.deployed)) {
            events.accept("model.deployed", model);
        }
    }

    /** Every model id's record on trinity.models again (at start). */
    public synchronized void announceAll() {
        List<ModelRecord> newest = store.newestVersions();
        newest.forEach(model -> modelsChannel.accept(withDeployedVersion(model)));
        LOG.info("Model registry: the records of {} model id(s) sent on trinity.models", newest.size());
    }

    /** {@code GET /api/models}: every version of every model id, newest first per id. */
    public List<ModelRecord> models() {
        return store.models();
    }

    /**
     * {@code GET /api/models/{id}}: the id, its newest and deployed version, every version (newest first) with its
     * feedback (usage, ratings), and its deployments (newest first); 404 for an unknown id.
     */
    public Map<String, Object> model(String id) {
        List<ModelRecord> versions = store.model(id);
        Map<Integer, Map<String, Object>> feedbackByVersion = feedback.byVersion(id);
        List<Map<String, Object>> withFeedback = new ArrayList<>();
        for (ModelRecord version : versions) {
            Map<String, Object> entry = JSON.convertValue(version, new TypeReference<LinkedHashMap<String, Object>>() { });
            entry.putAll(feedbackByVersion.getOrDefault(version.version, ModelFeedback.empty()));
            withFeedback.add(entry);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", id);
        model.put("model_type", versions.get(0).modelType);
        model.put("latest_version", versions.get(0).version);
        model.put("deployed_version", deployments.current(id).map(Deployment::version).orElse(null));
        model.put("versions", withFeedback);
        model.put("deployments", deployments.history(id));
        return model;
    }

    /**
     * {@code POST /api/models/{id}/deploy} with an optional {@code {"version": n}} (default: the newest): that version
     * becomes the model id's deployed one and the model deployed last; 404 for an unknown id or version.
     */
    public synchronized ModelRecord deploy(String id, String body) {
        Integer asked = VersionRequest.version(body);
        ModelRecord deployed = transactions.execute(status -> {
            List<ModelRecord> versions = store.model(id);
            int version = asked == null ? versions.get(0).version : existing(id, asked).version;
            deployments.deploy(id, version, store.now());
            return store.model(id, version).orElseThrow();
        });
        LOG.info("Model {} version {} deployed", id, deployed.version);
        announce(id);
        events.accept("model.deployed", deployed);
        return deployed;
    }

    /**
     * {@code POST /api/models/{id}/rollback} with an optional {@code {"version": n}}: back to the version deployed
     * before the current one (each rollback goes one deploy further back), or to that earlier version. 404 for an
     * unknown id or version, 409 when nothing is deployed, nothing is left to roll back to, or the version asked for
     * is not older than the deployed one. Answers the record now deployed with {@code from_version} and
     * {@code to_version}, which is also the {@code model.rolled_back} event.
     */
    public synchronized Map<String, Object> rollback(String id, String body) {
        Integer asked = VersionRequest.version(body);
        Map<String, Object> rolledBack = transactions.execute(status -> {
            store.model(id);
            Deployment current = deployments.current(id).orElseThrow(() -> new ApiException(409, "not deployed",
                    "model " + id + " has no deployed version to roll back from"));
            int version;
            Long nextRollback;
            if (asked == null) {
                Deployment previous = current.rollbackTo() == null ? null : deployments.find(current.rollbackTo()).orElse(null);
                if (previous == null) {
                    throw new ApiException(409, "nothing to roll back to", "version " + current.version() + " of model " + id
                            + " is the first one deployed");
                }
                version = previous.version();
                nextRollback = previous.rollbackTo();
            } else {
                version = existing(id, asked).version;
                if (version >= current.version()) {
                    throw new ApiException(409, "not an earlier version", "version " + version + " is not older than the "
                            + "deployed version " + current.version() + " of model " + id + " (deploy it instead)");
                }
                nextRollback = deployments.latestOf(id, version).map(Deployment::rollbackTo).orElse(null);
            }
            deployments.rollback(id, version, nextRollback, store.now());
            Map<String, Object> event = JSON.convertValue(store.model(id, version).orElseThrow(),
                    new TypeReference<LinkedHashMap<String, Object>>() { });
            event.put("from_version", current.version());
            event.put("to_version", version);
            return event;
        });
        LOG.info("Model {} rolled back from version {} to version {}", id, rolledBack.get("from_version"),
                rolledBack.get("to_version"));
        announce(id);
        events.accept("model.rolled_back", rolledBack);
        return rolledBack;
    }

    private ModelRecord existing(String id, int version) {
        return store.model(id, version).orElseThrow(() -> ApiException.notFound("unknown version",
                "model " + id + " has no version " + version));
    }

    /**
     * The model id's record on trinity.models: its newest version, with the version of it that is deployed. A send
     * that fails is one warning: the change is committed, and the next change of the id or the next start sends it.
     */
    private void announce(String id) {
        try {
            modelsChannel.accept(withDeployedVersion(store.model(id).get(0)));
        } catch (RuntimeException e) {
            LOG.warn("Model {}: its record could not be sent on trinity.models: {}", id, rootMessage(e));
        }
    }

    private ModelRecord withDeployedVersion(ModelRecord newest) {
        newest.deployedVersion = deployments.current(newest.id).map(Deployment::version).orElse(null);
        return newest;
    }
}
