package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.serving.ModelServer;
import ai.jarvis.trinity.serving.UsageMeter;
import java.time.Clock;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;

/**
 * J-Prime's beans (routes/prime/serving.yaml): the model server behind /api/generate and the meter of its usage,
 * reported on trinity.feedback.
 */
final class PrimeBeans {

    private static final String MAX_PROMPT_KEY = "trinity.max-prompt-length";
    private static final String FEEDBACK_INTERVAL_KEY = "trinity.feedback-interval";

    final ModelServer server;
    private final UsageMeter usage;

    PrimeBeans(Settings settings, String serviceName, BiConsumer<String, Object> publish) {
        int maxPromptLength = settings.getInt(MAX_PROMPT_KEY);
        if (maxPromptLength < 1) {
            throw new ConfigurationException(settings.describe(MAX_PROMPT_KEY) + " must be at least 1, not " + maxPromptLength);
        }
        if (settings.getSeconds(FEEDBACK_INTERVAL_KEY).toMillis() < 1) {
            throw new ConfigurationException(settings.describe(FEEDBACK_INTERVAL_KEY) + " must be at least 0.001 seconds");
        }
        this.usage = new UsageMeter(serviceName, Clock.systemUTC());
        this.server = new ModelServer(settings.getPath("trinity.models-dir"), maxPromptLength, publish, usage);
    }

    void bindTo(CamelContext context) {
        context.getRegistry().bind("modelServer", server);
        context.getRegistry().bind("usageMeter", usage);
    }
}
