package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.api.ListLimit;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;

/**
 * The dead letters of the reliable queues, {@code DLQ.trinity.queue.<name>} on the address {@code DLQ}: browsed,
 * replayed onto their queue, purged; and the queue a worker route dead-letters a message to (routes/queues.yaml).
 */
public final class DeadLetters {

    /** Headers a worker route adds to the messages it dead-letters. */
    static final String FAILURE_REASON = "trinity_failure_reason";
    static final String DELIVERY_COUNT = "trinity_delivery_count";

    private final EmbeddedBroker broker;

    public DeadLetters(EmbeddedBroker broker) {
        this.broker = broker;
    }

    /** {@code GET /api/queues/{name}/dlq[?limit=100]}: the oldest dead letters first. */
    public List<Map<String, Object>> browse(String name, String limit) {
        int count = ListLimit.parse(limit);
        org.apache.activemq.artemis.core.server.Queue deadLetters = deadLetterQueue(QueueName.of(name));
        List<Map<String, Object>> letters = new ArrayList<>();
        if (deadLetters == null) {
            return letters;
        }
        try (LinkedListIterator<MessageReference> references = deadLetters.browserIterator()) {
            while (references.hasNext() && letters.size() < count) {
                letters.add(describe(references.next().getMessage()));
            }
        }
        return letters;
    }

    private static Map<String, Object> describe(Message message) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("message_id", StoredMessage.id(message));
        letter.put("body", StoredMessage.body(message));
        letter.put("properties", StoredMessage.applicationProperties(message));
        letter.put("original_address", message.getAnnotationString(Message.HDR_ORIGINAL_ADDRESS));
        letter.put("failure_reason", StoredMessage.stringProperty(message, FAILURE_REASON));
        Object deliveries = message.getObjectProperty(DELIVERY_COUNT);
        letter.put("delivery_count", deliveries == null ? null : Integer.valueOf(deliveries.toString()));
        letter.put("timestamp", message.getTimestamp() / 1000.0);
        return letter;
    }

    /**
     * {@code POST /api/queues/{name}/dlq/replay[?message_id=ID:...]}: every dead letter, or the one with that id, goes
     * back onto its queue (404 for an id the dead-letter queue does not hold).
     */
    public Map<String, Object> replay(String name, String messageId) {
        org.apache.activemq.artemis.core.server.Queue deadLetters = deadLetterQueue(QueueName.of(name));
        int replayed = deadLetters == null ? 0 : apply(() -> deadLetters.retryMessages(selection(messageId)));
        return Map.of("replayed", found(replayed, messageId, name));
    }

    /** {@code DELETE /api/queues/{name}/dlq[?message_id=ID:...]}: removes every dead letter, or the one with it. */
    public Map<String, Object> purge(String name, String messageId) {
        org.apache.activemq.artemis.core.server.Queue deadLetters = deadLetterQueue(QueueName.of(name));
        int removed = deadLetters == null ? 0 : apply(() -> deadLetters.deleteMatchingReferences(selection(messageId)));
        return Map.of("removed", found(removed, messageId, name));
    }

    private static int found(int count, String messageId, String name) {
        if (messageId != null && count == 0) {
            throw ApiException.notFound("unknown message", "no dead letter " + messageId + " of queue " + name);
        }
        return count;
    }

    /** All messages (null filter), or the one with that JMSMessageID. */
    private static Filter selection(String messageId) throws ActiveMQException {
        if (messageId == null) {
            return null;
        }
        if (messageId.isBlank()) {
            throw ApiException.badRequest("invalid message_id", "give the message_id of a dead letter (ID:...)");
        }
        return FilterImpl.createFilter(StoredMessage.idFilter(messageId));
    }

    /** The queue's dead-letter queue, null when nothing was dead-lettered yet; 404 for a queue that does not exist. */
    private org.apache.activemq.artemis.core.server.Queue deadLetterQueue(QueueName queue) {
        ActiveMQServer server = server();
        org.apache.activemq.artemis.core.server.Queue deadLetters = server.locateQueue(queue.deadLetterQueue());
        if (deadLetters == null && server.locateQueue(queue.queue()) == null) {
            throw ApiException.notFound("unknown queue", queue.queue() + " does not exist");
        }
        return deadLetters;
    }

    /**
     * The address a message was sent to: a queue's, or a topic's when a consumer reads a subscription queue of that
     * topic (the hub's trinity.status::trinity.status.hub).
     */
    public String addressOf(Destination destination) throws JMSException {
        String name;
        if (destination instanceof Queue) {
            name = ((Queue) destination).getQueueName();
        } else if (destination instanceof Topic) {
            name = ((Topic) destination).getTopicName();
        } else {
            throw new IllegalArgumentException("no address to dead-letter to for " + destination);
        }
        int queueSeparator = name.indexOf("::");
        return queueSeparator < 0 ? name : name.substring(0, queueSeparator);
    }

    /**
     * The dead-letter queue of {@code address} as a JMS destination ({@code DLQ::DLQ.<address>}), created the way
     * the broker creates it (on {@code DLQ}, filtered by {@code _AMQ_ORIG_ADDRESS}) if it does not exist yet: a
     * queue auto-created by a send to that name would have no filter and take every address's dead letters.
     */
    public String queueFor(String address) throws Exception {
        String name = QueueName.deadLetterQueueOf(address);
        ActiveMQServer server = server();
        if (server.locateQueue(name) == null) {
            server.createQueue(QueueConfiguration.of(name)
                    .setAddress(QueueName.DEAD_LETTER_ADDRESS)
                    .setRoutingType(RoutingType.ANYCAST)
                    .setFilterString(Message.HDR_ORIGINAL_ADDRESS + "='" + address.replace("'", "''") + "'")
                    .setDurable(true)
                    .setAutoCreated(true), true);
        }
        return QueueName.DEAD_LETTER_ADDRESS + "::" + name;
    }

    private ActiveMQServer server() {
        ActiveMQServer server = broker.server();
        if (server == null) {
            throw new ApiException(503, "broker unavailable", "the embedded broker is not running");
        }
        return server;
    }

    @FunctionalInterface
    private interface BrokerAction {
        int run() throws Exception;
    }

    private static int apply(BrokerAction action) {
        try {
            return action.run();
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
