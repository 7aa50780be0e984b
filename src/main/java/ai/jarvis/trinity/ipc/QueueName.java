package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.ApiException;
import java.util.regex.Pattern;

/**
 * The name of a reliable queue as the REST API takes it ({@code orders}), with the broker names that follow from it:
 * the queue and address {@code trinity.queue.orders} and its dead-letter queue {@code DLQ.trinity.queue.orders}.
 */
final class QueueName {

    static final String PREFIX = "trinity.queue.";
    static final String DEAD_LETTER_ADDRESS = "DLQ";
    static final String DEAD_LETTER_PREFIX = "DLQ.";
    private static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private final String name;

    private QueueName(String name) {
        this.name = name;
    }

    /** A name from a request: 400 unless it is 1 to 128 of {@code a-z 0-9 . _ -}, starting with a letter or digit. */
    static QueueName of(String name) {
        if (name == null || name.length() > MAX_LENGTH || !VALID.matcher(name).matches()) {
            throw ApiException.badRequest("invalid queue name", "'" + name + "': 1 to " + MAX_LENGTH
                    + " characters of a-z 0-9 . _ -, starting with a letter or digit (no wildcards)");
        }
        return new QueueName(name);
    }

    String name() {
        return name;
    }

    /** The queue, and its anycast address of the same name. */
    String queue() {
        return PREFIX + name;
    }

    static String deadLetterQueueOf(String address) {
        return DEAD_LETTER_PREFIX + address;
    }

    String deadLetterQueue() {
        return deadLetterQueueOf(queue());
    }
}
