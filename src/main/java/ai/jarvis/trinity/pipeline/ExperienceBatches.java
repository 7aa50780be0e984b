package ai.jarvis.trinity.pipeline;

import java.util.LinkedHashMap;
import java.util.UUID;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * How the aggregator of routes/experiences.yaml builds a batch: the body is a {@code LinkedHashMap} from experience id
 * to its JSON text, in arrival order, each id once (a redelivered message adds nothing), and the header
 * {@value #BATCH_ID} names the batch from its first experience on. Only plain Java types, so the aggregation repository
 * stores the batch as it is; the batch id travels with it through a crash and names its file in the drop-box.
 */
public final class ExperienceBatches implements AggregationStrategy {

    public static final String BATCH_ID = "trinity_batch_id";
    static final String EXPERIENCE_ID = "trinity_experience_id";

    @Override
    public Exchange aggregate(Exchange batch, Exchange arriving) {
        String id = arriving.getMessage().getHeader(EXPERIENCE_ID, String.class);
        String json = arriving.getMessage().getBody(String.class);
        if (batch == null) {
            LinkedHashMap<String, String> experiences = new LinkedHashMap<>();
            experiences.put(id, json);
            // The broker's headers (destinations, ...) are no part of a batch and could not be stored.
            arriving.getMessage().removeHeaders("*");
            arriving.getMessage().setHeader(BATCH_ID, "batch-" + UUID.randomUUID());
            arriving.getMessage().setBody(experiences);
            return arriving;
        }
        // The same exchange goes back: it carries the repository's version of the batch (optimistic locking).
        experiences(batch).putIfAbsent(id, json);
        return batch;
    }

    @SuppressWarnings("unchecked")
    static LinkedHashMap<String, String> experiences(Exchange batch) {
        return batch.getMessage().getBody(LinkedHashMap.class);
    }
}
