package ai.jarvis.trinity.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Topic;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The last events of the bus on the hub, in memory, each numbered. Numbers start at the hub's start time in
 * microseconds, so an id a client kept from an earlier hub run is older than every id of this run: such a client
 * is told it missed events instead of being silently skipped ahead.
 */
public final class EventWindow {

    private static final String ADDRESS_PREFIX = "trinity.events.";

    /** Events after a client's last one; {@code missed} when some of them are no longer held. */
    public record Replay(boolean missed, List<BusEvent> events, long newestId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<BusEvent> events;
    private final List<Consumer<BusEvent>> listeners = new CopyOnWriteArrayList<>();
    private long nextId;

    public EventWindow(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the events window holds at least 1 event, not " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
        this.nextId = clock.millis() * 1000;
    }

    /**
     * A message from {@code trinity.events.#}: its JSON is kept as compact text, anything else as a JSON string.
     * Bound by annotation, so that a body such as {@code "text"} keeps its quotes.
     */
    public BusEvent receive(@Header("JMSDestination") Destination destination, @Body String body) throws JMSException {
        return add(topic(address(destination)), compactJson(body));
    }

    private static String address(Destination destination) throws JMSException {
        if (destination instanceof ActiveMQDestination artemis) {
            return artemis.getAddress();
        }
        return destination instanceof Topic topic ? topic.getTopicName() : String.valueOf(destination);
    }

    private static String topic(String address) {
        return address.startsWith(ADDRESS_PREFIX) ? address.substring(ADDRESS_PREFIX.length())
                : address.equals(ADDRESS_PREFIX.substring(0, ADDRESS_PREFIX.length() - 1)) ? "" : address;
    }

    private static String compactJson(String body) {
        JsonNode data;
        try {
            data = body == null || body.isBlank() ? NullNode.instance : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            data = TextNode.valueOf(body);
        }
        return data.toString();
    }

    /** Listeners hear every event in order, on the thread that adds it: they must hand it on, not work on it. */
    private synchronized BusEvent add(String topic, String data) {
        BusEvent event = new BusEvent(nextId++, topic, clock.instant().toString(), data);
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
        listeners.forEach(listener -> listener.accept(event));
        return event;
    }

    /** Hears every event added from now on, until the returned action is run. */
    public Runnable subscribe(Consumer<BusEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Streams listening now. */
    int subscribers() {
        return listeners.size();
    }

    /** The id of the newest event, or one less than the next when none came yet. */
    public synchronized long newestId() {
        return nextId - 1;
    }

    /** The held events after {@code lastSeen} that match one of the patterns, oldest first. */
    public synchronized Replay after(long lastSeen, List<TopicPattern> patterns) {
        long oldestHeld = events.isEmpty() ? nextId : events.peekFirst().id();
        List<BusEvent> matching = new ArrayList<>();
        for (BusEvent event : events) {
            if (event.id() > lastSeen && TopicPattern.matchesAny(patterns, event.topic())) {
                matching.add(event);
            }
        }
        return new Replay(lastSeen < oldestHeld - 1, matching, nextId - 1);
    }
}
