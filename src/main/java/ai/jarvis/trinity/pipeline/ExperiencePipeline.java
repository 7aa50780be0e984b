package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.TrainingCoordinator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data pipeline's steps (routes/experiences.yaml): an experience off trinity.experiences checked and given its id;
 * a closed batch written to the drop-box once; a job started from the pending batches when they reach the threshold;
 * the figures of GET /api/experiences/stats.
 * <p>
 * Exactly once, across crashes: the aggregation repository keeps a closed batch until it was written, and runs it
 * again after a crash, so a batch may be written twice and an experience redelivered into a second batch. The ledger
 * decides: each experience id belongs to the first batch that took it, and a batch writes only its own, once.
 */
public final class ExperiencePipeline {

    static final String ADDRESS = "trinity.experiences";
    static final String DEAD_LETTERS = "DLQ." + ADDRESS;
    private static final Logger LOG = LoggerFactory.getLogger(ExperiencePipeline.class);

    /** What the pipeline works with; the figures are the settings it reports. */
    record Setup(PipelineLedger ledger, PipelineDropBox dropBox, TrainingCoordinator coordinator, JobStore jobs,
                 EmbeddedBroker broker, CamelContext context, RecoverableAggregationRepository repository,
                 BiConsumer<String, Object> publish, int batchSize, double flushIntervalSeconds, long threshold) {
    }

    private final Setup setup;
    /** Batches are written and claimed one at a time: a claim must never miss a batch being written. */
    private final Object lock = new Object();

    ExperiencePipeline(Setup setup) {
        this.setup = setup;
    }

    /**
     * A message of trinity.experiences becomes an experience: its body the experience's JSON text with an id, the
     * header trinity_experience_id that id. A message without an id of its own gets one that stays the same when the
     * broker delivers it again: its duplicate id ({@code _AMQ_DUPL_ID}), else its JMSMessageID, else the broker's id.
     */
    public void identify(Exchange exchange) {
        Message message = exchange.getMessage();
        ObjectNode object = read(message.getBody());
        ExperienceJson.Identified experience = ExperienceJson.identify(object, () -> brokerId(exchange), "experience");
        message.setHeader(ExperienceBatches.EXPERIENCE_ID, experience.id());
        message.setBody(experience.json());
    }

    private static ObjectNode read(Object body) {
        if (body instanceof Map<?, ?> map) {
            // an AMQP map body, or a JMS MapMessage
            return ExperienceJson.object(ExperienceJson.JSON.valueToTree(map));
        }
        if (body instanceof byte[] bytes) {
            // MQTT, and STOMP frames with a content-length
            return ExperienceJson.parse(new String(bytes, StandardCharsets.UTF_8));
        }
        return ExperienceJson.parse(body == null ? null : body.toString());
    }

    private static String brokerId(Exchange exchange) {
        Object duplicateId = exchange.getMessage().getHeader("_AMQ_DUPL_ID");
        if (duplicateId instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (duplicateId != null) {
            return duplicateId.toString();
        }
        String messageId = exchange.getMessage().getHeader("JMSMessageID", String.class);
        if (messageId != null) {
            return messageId.startsWith("ID:") ? messageId.substring(3) : messageId;
        }
        JmsMessage jms = exchange.getIn(JmsMessage.class);
        if (jms != null && jms.getJmsMessage() instanceof ActiveMQMessage artemis) {
            return "broker-" + artemis.getCoreMessage().getMessageID();
        }
        throw new IllegalStateException("the message has neither an id, a JMSMessageID nor a broker id");
    }

    /**
     * A closed batch (the aggregator's output, or the repository's recovery of one): its experiences that no earlier
     * batch took go to {@code pending/<batch>.jsonl}. Running it again changes nothing.
     */
    public void writeBatch(@Header(ExperienceBatches.BATCH_ID) String batchId, @Body Map<String, String> experiences) {
        synchronized (lock) {
            if (setup.ledger.isWritten(batchId)) {
                LOG.info("Batch {} is written already", batchId);
                return;
            }
            Set<String> owned = setup.ledger.take(batchId, experiences.keySet());
            List<String> lines = experiences.entrySet().stream()
                    .filter(experience -> owned.contains(experience.getKey())).map(Map.Entry::getValue).toList();
            if (!lines.isEmpty() && !setup.dropBox.hasPending(batchId)) {
                setup.dropBox.writePending(batchId, lines);
            }
            setup.ledger.written(batchId, lines.size());
            setup.ledger.forgetOld();
            int repeated = experiences.size() - lines.size();
            LOG.info("Batch {}: {} experiences pending in {}{}", batchId, lines.size(), setup.dropBox.pendingDir(),
                    repeated == 0 ? "" : " (" + repeated + " already taken by an earlier batch, left out)");
        }
    }

    /**
     * Claims a job's batches never submitted (the hub stopped in between) are submitted now; then, when the pending
     * experiences reach TRINITY_TRAINING_THRESHOLD, every pending batch is claimed by a new job and submitted.
     */
    public void train() {
        synchronized (lock) {
            setup.ledger.openClaims().forEach(this::submit);
            if (setup.threshold <= 0 || setup.ledger.pending().experiences() < setup.threshold) {
                return;
            }
            String jobId = TrainingCoordinator.newJobId();
            submit(jobId, setup.ledger.claim(jobId));
        }
    }

    /** Claimed in the ledger first, then the files moved, then the job made: each step can be repeated after a crash. */
    private void submit(String jobId, List<String> batches) {
        if (setup.jobs.find(jobId).isEmpty()) {
            setup.dropBox.claim(jobId, batches);
            List<String> missing = setup.dropBox.missing(jobId, batches);
            if (!missing.isEmpty()) {
                LOG.warn("Job {}: the files of batches {} are no longer in {} (removed by hand?); trained without them",
                        jobId, missing, setup.dropBox.pendingDir());
            }
            if (missing.size() < batches.size()) {
                try (PipelineDropBox.ClaimedExperiences experiences = setup.dropBox.claimedExperiences(jobId)) {
                    Job job = setup.coordinator.submit(jobId, "pipeline", experiences,
                            TrainingCoordinator.Options.of(null, null, null));
                    LOG.info("Job {}: started by the data pipeline with {} experiences from {} batches", jobId,
                            job.experiences, batches.size());
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("job_id", jobId);
                    event.put("experiences", job.experiences);
                    event.put("batches", batches.size());
                    setup.publish.accept("pipeline.job.started", event);
                }
            }
        }
        setup.ledger.submitted(jobId);
        setup.dropBox.release(jobId);
    }

    /** GET /api/experiences/stats. */
    public Map<String, Object> stats() {
        PipelineLedger.Pending pending = setup.ledger.pending();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("address", ADDRESS);
        stats.put("queued", messages(ADDRESS));
        stats.put("open_batch", openBatch());
        // closed, and not written yet: the repository runs them (again, after a crash) until they are
        stats.put("closing_batches", setup.repository.scan(setup.context).size());
        stats.put("pending_batches", pending.batches());
        stats.put("pending_experiences", pending.experiences());
        stats.put("dead_letters", messages(DEAD_LETTERS));
        stats.put("batch_size", setup.batchSize);
        stats.put("flush_interval_s", setup.flushIntervalSeconds);
        stats.put("threshold", setup.threshold);
        stats.put("last_job", setup.ledger.lastJob().map(this::withStatus).orElse(null));
        return stats;
    }

    private Map<String, Object> withStatus(Map<String, Object> job) {
        job.put("status", setup.jobs.find((String) job.get("job_id")).map(found -> found.status).orElse(null));
        return job;
    }

    /** Experiences in the batch the aggregator is filling (stored in the repository). */
    private int openBatch() {
        int experiences = 0;
        for (String key : setup.repository.getKeys()) {
            Exchange batch = setup.repository.get(setup.context, key);
            if (batch != null) {
                experiences += ExperienceBatches.experiences(batch).size();
            }
        }
        return experiences;
    }

    private long messages(String queueName) {
        Queue queue = setup.broker.server() == null ? null : setup.broker.server().locateQueue(SimpleString.of(queueName));
        return queue == null ? 0 : queue.getMessageCount();
    }
}
