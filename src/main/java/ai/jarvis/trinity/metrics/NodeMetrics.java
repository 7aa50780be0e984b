package ai.jarvis.trinity.metrics;

import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.supervisor.Supervisor;
import ai.jarvis.trinity.training.JobStore;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

/**
 * The meters of one trinity process, scraped by {@code GET /metrics} (routes/common/metrics.yaml) in Prometheus' text
 * format: the JVM's, Camel's per route (its Micrometer route policy), and, on the hub, the broker's (Artemis' own
 * meters, {@link BrokerMetricsPlugin}), the supervisor's, the registry's, the training jobs' and the circuit breakers'.
 * Meters whose values come from a file or the database read them once per scrape, not per meter.
 */
public final class NodeMetrics implements AutoCloseable {

    /** What Prometheus expects of its text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Role role;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Artemis' own: it configures common tags (a MeterFilter) on the registry it is given, which must be fresh. */
    private final PrometheusMeterRegistry brokerRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

    private final String version;

    public NodeMetrics(Role role, String version) {
        this.role = role;
        this.version = version;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Where the embedded broker publishes its meters (the hub's {@code artemis_*} families). */
    public PrometheusMeterRegistry brokerRegistry() {
        return brokerRegistry;
    }

    /**
     * Camel's route policy meters every route from now on; the beans already bound in {@code context} (supervisor,
     * registry, job store, breakers: whichever this role has) get their meters.
     */
    public void bindTo(CamelContext context, String serviceName) {
        Gauge.builder("trinity.info", () -> 1)
                .description("This process: its role, service name and version (always 1)")
                .tags("role", role.id(), "service", serviceName, "version", version)
                .register(registry);
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        context.getRegistry().bind("nodeMetrics", this);
        MicrometerRoutePolicyFactory routes = new MicrometerRoutePolicyFactory();
        routes.setMeterRegistry(registry);
        context.addRoutePolicyFactory(routes);
        var beans = context.getRegistry();
        Supervisor supervisor = beans.findSingleByType(Supervisor.class);
        if (supervisor != null) {
            beforeScrape.add(new ServiceMeters(supervisor, registry)::refresh);
        }
        ServiceRegistry services = beans.findSingleByType(ServiceRegistry.class);
        if (services != null && role == Role.HUB) {
            beforeScrape.add(new RegistryMeters(services, registry)::refresh);
        }
        JobStore jobs = beans.findSingleByType(JobStore.class);
        if (jobs != null) {
            beforeScrape.add(new JobMeters(jobs, registry)::refresh);
        }
        CircuitBreakerRegistry breakers = beans.findSingleByType(CircuitBreakerRegistry.class);
        if (breakers != null) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        }
    }

    /** Every meter in Prometheus' text format 0.0.4. */
    public String scrape() {
        beforeScrape.forEach(Runnable::run);
        return registry.scrape() + brokerRegistry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        // Artemis adds the registry it publishes into to Micrometer's global one.
        Metrics.globalRegistry.remove(brokerRegistry);
        brokerRegistry.close();
        registry.close();
    }
}
