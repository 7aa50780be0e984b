package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.serving.ModelServer;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;

/** J-Prime's beans (routes/prime/serving.yaml): the model server behind /api/generate. */
final class PrimeBeans {

    private static final String MAX_PROMPT_KEY = "trinity.max-prompt-length";

    final ModelServer server;

    PrimeBeans(Settings settings, BiConsumer<String, Object> publish) {
        int maxPromptLength = settings.getInt(MAX_PROMPT_KEY);
        if (maxPromptLength < 1) {
            throw new ConfigurationException(settings.describe(MAX_PROMPT_KEY) + " must be at least 1, not " + maxPromptLength);
        }
        this.server = new ModelServer(settings.getPath("trinity.models-dir"), maxPromptLength, publish);
    }

    void bindTo(CamelContext context) {
        context.getRegistry().bind("modelServer", server);
    }
}
