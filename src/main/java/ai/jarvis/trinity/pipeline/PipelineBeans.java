package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.TrainingCoordinator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;

/** The data pipeline's beans on the hub, by the names routes/experiences.yaml uses. */
public final class PipelineBeans {

    /** The JdbcAggregationRepository's table (and {@code <name>_completed}) in the pipeline database. */
    static final String REPOSITORY_TABLE = "experience_batches";

    private PipelineBeans() {
    }

    /** Needs the training beans bound already (trainingCoordinator, jobStore). */
    public static void bindTo(CamelContext context, Settings settings, EmbeddedBroker broker,
                              BiConsumer<String, Object> publish) {
        int batchSize = settings.getInt("trinity.training-batch-size");
        double flushInterval = settings.getSeconds("trinity.training-flush-interval").toMillis() / 1000.0;
        long threshold = settings.getLong("trinity.training-threshold");
        if (batchSize < 1) {
            throw new ConfigurationException(settings.describe("trinity.training-batch-size") + " must be 1 or more");
        }
        if (flushInterval <= 0) {
            throw new ConfigurationException(settings.describe("trinity.training-flush-interval")
                    + " must be more than 0 seconds");
        }
        if (threshold < 0) {
            throw new ConfigurationException(settings.describe("trinity.training-threshold")
                    + " must be 0 (never start a job) or more");
        }
        PipelineDatabase database = PipelineDatabase.open(settings.getPath("trinity.pipeline-db"));
        try {
            context.addService(database, true, true);
        } catch (Exception e) {
            database.stop();
            throw new IllegalStateException("cannot register the pipeline database: " + e.getMessage(), e);
        }
        SqliteAggregationRepository repository = new SqliteAggregationRepository(database.transactionManager(),
                REPOSITORY_TABLE, database.dataSource());
        repository.setUseRecovery(true);
        Path staging = settings.getPath("training.dropbox-dir");
        ExperiencePipeline pipeline = new ExperiencePipeline(new ExperiencePipeline.Setup(
                new PipelineLedger(database, Clock.systemUTC()), new PipelineDropBox(staging),
                context.getRegistry().lookupByNameAndType("trainingCoordinator", TrainingCoordinator.class),
                context.getRegistry().lookupByNameAndType("jobStore", JobStore.class),
                broker, context, repository, publish, batchSize, flushInterval, threshold));
        context.getRegistry().bind("experienceRepository", repository);
        context.getRegistry().bind("experienceBatches", new ExperienceBatches());
        context.getRegistry().bind("experiencePipeline", pipeline);
        context.getRegistry().bind("experienceApi", new ExperienceApi(broker));
    }
}
