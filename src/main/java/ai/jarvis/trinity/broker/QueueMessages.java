package ai.jarvis.trinity.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import java.util.List;

/**
 * The messages of one queue of the embedded broker, selected with a broker filter (JMS selector syntax, e.g.
 * {@code job_id = 'job-1'}): counted or removed in-process, without a client connection.
 */
public final class QueueMessages {

    private final EmbeddedBroker broker;
    private final String queueName;

    public QueueMessages(EmbeddedBroker broker, String queueName) {
        this.broker = broker;
        this.queueName = queueName;
    }

    /** Messages waiting or being delivered that match {@code filter}. */
    public int count(String filter) {
        Queue queue = queue();
        Filter selector = filter(filter);
        int count = 0;
        try (LinkedListIterator<MessageReference> messages = queue.browserIterator()) {
            while (messages.hasNext()) {
                if (selector.match(messages.next().getMessage())) {
                    count++;
                }
            }
        }
        for (List<MessageReference> delivering : queue.getDeliveringMessages().values()) {
            count += (int) delivering.stream().filter(reference -> selector.match(reference.getMessage())).count();
        }
        return count;
    }

    /** The queue's consumers; 0 when the queue does not exist (yet). */
    public int consumers() {
        Queue queue = find();
        return queue == null ? 0 : queue.getConsumerCount();
    }

    /** All messages of the queue, waiting or being delivered. */
    public long total() {
        return queue().getMessageCount();
    }

    /** Removes the waiting messages that match {@code filter} (a message being delivered stays with its consumer). */
    public int remove(String filter) {
        try {
            return queue().deleteMatchingReferences(filter(filter));
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove messages from " + queueName + ": " + e.getMessage(), e);
        }
    }

    private Queue find() {
        return broker.server() == null ? null : broker.server().locateQueue(SimpleString.of(queueName));
    }

    private Queue queue() {
        Queue queue = find();
        if (queue == null) {
            throw new IllegalStateException("queue " + queueName + " does not exist on the broker");
        }
        return queue;
    }

    private static Filter filter(String expression) {
        try {
            return FilterImpl.createFilter(expression);
        } catch (ActiveMQException e) {
            throw new IllegalArgumentException("invalid filter " + expression + ": " + e.getMessage(), e);
        }
    }
}
