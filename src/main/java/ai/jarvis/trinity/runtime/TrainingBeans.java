package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.api.TrainingStreamHandler;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.broker.QueueMessages;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.training.JobEvent;
import ai.jarvis.trinity.training.JobStatusHandler;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ReactorWorker;
import ai.jarvis.trinity.training.StagingArea;
import ai.jarvis.trinity.training.TrainerCommands;
import ai.jarvis.trinity.training.TrainingApi;
import ai.jarvis.trinity.training.TrainingCoordinator;
import ai.jarvis.trinity.training.TrainingDatabase;
import ai.jarvis.trinity.training.WorkDirs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * The training beans of a process (DESIGN §6): on the hub the job database, coordinator, status handler and the
 * SSE stream; on a reactor the worker and the connection its job consumer takes jobs through, without prefetch.
 */
final class TrainingBeans implements AutoCloseable {

    private static final String JOB_QUEUE = "trinity.command.reactor";
    private static final Duration STATUS_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final Settings settings;
    private final WorkDirs workDirs;
    private final Instant startedAt = Instant.now();
    private QueueMessages statusQueue;
    private volatile ProducerTemplate template;
    private TrainingDatabase database;
    private JobStore store;
    private TrainingCoordinator coordinator;
    private JobStatusHandler statusHandler;
    private ModelBeans models;
    private ReactorWorker worker;
    private JmsPoolConnectionFactory jobConnections;

    private TrainingBeans(Settings settings) {
        this.settings = settings;
        this.workDirs = new WorkDirs(settings.getPath("training.work-dir"));
    }

    static TrainingBeans hub(Settings settings, EmbeddedBroker broker, BiConsumer<String, Object> publish) {
        TrainingBeans beans = new TrainingBeans(settings);
        beans.database = TrainingDatabase.open(settings.getPath("training.state-db"));
        beans.store = new JobStore(beans.database.dataSource(), Clock.systemUTC());
        beans.store.subscribe(event -> publish.accept(topic(event), event));
        TrainingCoordinator.Channels channels = beans.channels();
        QueueMessages jobMessages = new QueueMessages(broker, JOB_QUEUE);
        beans.statusQueue = new QueueMessages(broker, "trinity.status.hub");
        beans.coordinator = new TrainingCoordinator(beans.store, new StagingArea(settings.getPath("training.dropbox-dir")),
                beans.workDirs, channels, new TrainingCoordinator.QueuedJobs() {
                    @Override
                    public boolean contains(String jobId) {
                        return jobMessages.count(jobFilter(jobId)) > 0;
                    }

                    @Override
                    public int remove(String jobId) {
                        return jobMessages.remove(jobFilter(jobId));
                    }
                }, settings.get("training.default-model-type"), settings.getInt("training.default-epochs"),
                settings.getBoolean("dropbox.cleanup-enabled"));
        beans.models = new ModelBeans(beans.database.dataSource(), beans.store, publish);
        beans.statusHandler = new JobStatusHandler(beans.store, channels, settings.getBoolean("trinity.auto-deploy"),
                beans.models.registry::recorded);
        return beans;
    }

    static TrainingBeans reactor(Settings settings, String serviceName) {
        TrainingBeans beans = new TrainingBeans(settings);
        ReactorWorker.Setup setup = new ReactorWorker.Setup();
        setup.reactorName = serviceName;
        setup.workDirs = beans.workDirs;
        setup.modelsDir = settings.getPath("trinity.models-dir");
        setup.trainers = new TrainerCommands(settings.get("training.default-model-type"),
                settings.get("training.trainer-command"), settings.get("training.trainer-commands"),
                settings.get("training.trainer-jvm-options"));
        setup.cleanup = settings.getBoolean("dropbox.cleanup-enabled");
        setup.trainerTimeout = settings.getSeconds("training.trainer-timeout");
        setup.progressInterval = settings.getSeconds("training.progress-interval");
        beans.worker = new ReactorWorker(setup, status -> beans.template.sendBody("direct:publish-status", status));
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(settings.get("trinity.broker-url"));
        // No prefetch: a reactor busy with one job must not hold the next ones back from idle reactors.
        factory.setConsumerWindowSize(0);
        beans.jobConnections = TrinityNode.pooledConnections(factory, settings);
        return beans;
    }

    private static String topic(JobEvent event) {
        return JobEvent.PROGRESS.equals(event.kind) ? "training.progress" : "training.job." + event.status;
    }

    private static String jobFilter(String jobId) {
        return "job_id = '" + jobId.replace("'", "''") + "'";
    }

    private TrainingCoordinator.Channels channels() {
        return new TrainingCoordinator.Channels() {
            @Override
            public void dispatch(Map<String, Object> jobMessage) {
                template.sendBody("direct:dispatch-job", jobMessage);
            }

            @Override
            public void control(Map<String, Object> command) {
                template.sendBody("direct:reactor-control", command);
            }
        };
    }

    void bindTo(CamelContext context) {
        template = context.createProducerTemplate();
        if (store != null) {
            context.getRegistry().bind("trainingDb", database.dataSource());
            context.getRegistry().bind("jobStore", store);
            context.getRegistry().bind("trainingApi", new TrainingApi(store));
            context.getRegistry().bind("trainingCoordinator", coordinator);
            context.getRegistry().bind("jobStatusHandler", statusHandler);
            models.bindTo(context);
        }
        if (worker != null) {
            context.getRegistry().bind("reactorWorker", worker);
            context.getRegistry().bind("jobConnectionFactory", jobConnections);
        }
    }

    /**
     * Hub: the job stream joins the HTTP server, and jobs an earlier hub left unfinished are reconciled; only then
     * are the reactors' statuses applied (they wait in the hub's durable subscription meanwhile).
     */
    void afterStart(VertxPlatformHttpRouter router) {
        if (store == null) {
            return;
        }
        router.get("/api/training/stream/:job_id").order(Integer.MIN_VALUE + 2)
                .handler(new TrainingStreamHandler(store, router.vertx()));
        statusHandler.ready();
        awaitStatusesApplied();
        coordinator.recover(settings.getBoolean("auto.resume-jobs"), startedAt);
    }

    /**
     * Reports the reactors sent before this hub started (kept in the hub's durable subscription) are applied before
     * jobs are reconciled: a job that completed while the hub was down is completed, not resumed.
     */
    private void awaitStatusesApplied() {
        long deadline = System.nanoTime() + STATUS_DRAIN_TIMEOUT.toNanos();
        while (statusQueue.total() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The job database for /api/health: open (schema version, jobs by status) or the error reading it. */
    Map<String, Object> databaseHealth() {
        Map<String, Object> health = new LinkedHashMap<>();
        try {
            Map<String, Integer> jobs = store.countsByStatus();
            health.put("state", "open");
            health.put("path", settings.getPath("training.state-db").toString());
            health.put("schema_version", database.schemaVersion());
            health.put("jobs", jobs);
        } catch (RuntimeException e) {
            health.put("state", "error");
            health.put("error", e.getMessage());
        }
        return health;
    }

    /** Reactor: a job running now stops and goes back to the broker, before the routes stop. */
    void beforeStop() {
        if (worker != null) {
            worker.shutdown();
        }
    }

    @Override
    public void close() {
        if (jobConnections != null) {
            jobConnections.stop();
        }
        if (database != null) {
            database.close();
        }
    }
}
