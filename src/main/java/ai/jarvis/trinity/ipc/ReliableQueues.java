package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.broker.EmbeddedBroker;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.Body;
import org.apache.camel.Header;

/** The reliable queues {@code trinity.queue.<name>} over REST: sending to one (at most once per key) and the list. */
public final class ReliableQueues {

    /** Puts a JSON text on a queue (persistent, with the duplicate id when given) and answers its JMSMessageID. */
    @FunctionalInterface
    public interface Sender {
        String send(String queue, String idempotencyKey, String json);
    }

    private static final int MAX_KEY_LENGTH = 256;

    private final EmbeddedBroker broker;
    private final Sender sender;
    /** Sends with the same key take turns, so that only one of them can be told it was not a duplicate. */
    private final Object[] keyLocks = new Object[64];

    public ReliableQueues(EmbeddedBroker broker, Sender sender) {
        this.broker = broker;
        this.sender = sender;
        for (int i = 0; i < keyLocks.length; i++) {
            keyLocks[i] = new Object();
        }
    }

    /**
     * {@code POST /api/queues/{name}}: the body must be JSON. With an {@code Idempotency-Key} that the queue's address
     * has seen (Artemis' duplicate-ID cache), nothing is sent and the answer says {@code "duplicate": true}.
     * Bound by annotations: a body given as a method argument in the route would lose the quotes of a JSON string.
     */
    public Map<String, Object> enqueue(@Header("name") String name, @Header("Idempotency-Key") String idempotencyKey,
                                       @Body String body) {
        QueueName queue = QueueName.of(name);
        checkJson(body);
        if (idempotencyKey == null) {
            return answer(queue, sender.send(queue.queue(), null, body), false);
        }
        checkKey(idempotencyKey);
        synchronized (keyLocks[Math.floorMod(idempotencyKey.hashCode(), keyLocks.length)]) {
            if (seen(queue.queue(), idempotencyKey)) {
                return answer(queue, null, true);
            }
            return answer(queue, sender.send(queue.queue(), idempotencyKey, body), false);
        }
    }

    private static void checkJson(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("invalid message", "the body must be a JSON value; it is empty");
        }
        try {
            StoredMessage.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid message", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static void checkKey(String key) {
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw ApiException.badRequest("invalid Idempotency-Key", "1 to " + MAX_KEY_LENGTH + " characters");
        }
    }

    /** Whether the address's duplicate-ID cache holds the key, encoded as a JMS string property's value is. */
    private boolean seen(String address, String key) {
        return server().getPostOffice().getDuplicateIDCache(SimpleString.of(address))
                .contains(SimpleString.of(key).getData());
    }

    private static Map<String, Object> answer(QueueName queue, String messageId, boolean duplicate) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("queue", queue.queue());
        answer.put("message_id", messageId);
        answer.put("duplicate", duplicate);
        return answer;
    }

    /** {@code GET /api/queues}: every queue of the {@code trinity.queue.} family with its counts and dead letters. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> queues = new ArrayList<>();
        server().getPostOffice().getAllBindings()
                .filter(QueueBinding.class::isInstance)
                .map(binding -> ((QueueBinding) binding).getQueue())
                .filter(queue -> queue.getName().toString().startsWith(QueueName.PREFIX))
                .sorted(Comparator.comparing(queue -> queue.getName().toString()))
                .forEach(queue -> queues.add(describe(queue)));
        return queues;
    }

    private Map<String, Object> describe(Queue queue) {
        String name = queue.getName().toString();
        String deadLetterQueue = QueueName.deadLetterQueueOf(name);
        Queue deadLetters = server().locateQueue(SimpleString.of(deadLetterQueue));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name.substring(QueueName.PREFIX.length()));
        entry.put("address", queue.getAddress().toString());
        entry.put("depth", queue.getMessageCount() - queue.getDeliveringCount());
        entry.put("in_flight", queue.getDeliveringCount());
        entry.put("consumers", queue.getConsumerCount());
        entry.put("dlq", deadLetterQueue);
        entry.put("dlq_depth", deadLetters == null ? 0 : deadLetters.getMessageCount());
        entry.put("messages_added", queue.getMessagesAdded());
        return entry;
    }

    private ActiveMQServer server() {
        ActiveMQServer server = broker.server();
        if (server == null) {
            throw new ApiException(503, "broker unavailable", "the embedded broker is not running");
        }
        return server;
    }
}
