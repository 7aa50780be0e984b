package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.models.ModelFeedback;
import ai.jarvis.trinity.models.ModelRegistry;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ModelRecord;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** The hub's model registry and model feedback (routes/models.yaml, routes/feedback.yaml), on the training database. */
final class ModelBeans {

    final ModelRegistry registry;
    private final ModelFeedback feedback;
    private volatile ProducerTemplate template;

    ModelBeans(DataSource trainingDb, JobStore store, BiConsumer<String, Object> publish) {
        this.feedback = new ModelFeedback(trainingDb, store);
        this.registry = new ModelRegistry(trainingDb, store, feedback, this::sendOnModelsChannel, publish);
    }

    private void sendOnModelsChannel(ModelRecord model) {
        template.sendBodyAndHeader("direct:publish-model", model, "model_id", model.id);
    }

    void bindTo(CamelContext context) {
        template = context.createProducerTemplate();
        context.getRegistry().bind("modelRegistry", registry);
        context.getRegistry().bind("modelFeedback", feedback);
    }
}
