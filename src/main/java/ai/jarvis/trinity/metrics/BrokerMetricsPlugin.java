package ai.jarvis.trinity.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin;

/**
 * Hands the process's meter registry to the embedded Artemis, which then publishes its own broker, address and queue
 * meters into it ({@code artemis_*}: messages waiting, added and acknowledged per queue, consumers, connections...).
 * The JVM meters stay this process's own ({@link NodeMetrics}), so they appear once.
 */
public final class BrokerMetricsPlugin implements ActiveMQMetricsPlugin {

    private static final long serialVersionUID = 1L;

    private final transient MeterRegistry registry;

    private BrokerMetricsPlugin(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Configures the broker to publish into {@code registry}, unless broker.xml names a metrics plugin of its own. */
    public static void install(Configuration configuration, MeterRegistry registry) {
        MetricsConfiguration configured = configuration.getMetricsConfiguration();
        if (configured != null && configured.getPlugin() != null) {
            return;
        }
        configuration.setMetricsConfiguration(new MetricsConfiguration()
                .setPlugin(new BrokerMetricsPlugin(registry))
                .setJvmMemory(false)
                .setJvmGc(false)
                .setJvmThread(false));
    }

    @Override
    public ActiveMQMetricsPlugin init(Map<String, String> options) {
        return this;
    }

    @Override
    public MeterRegistry getRegistry() {
        return registry;
    }
}
