package ai.jarvis.trinity.ipc;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * The destinations of a producer endpoint by name, each looked up once (routes/common/events.yaml). The Artemis client
 * asks the broker whether an address exists, and waits for the answer, both when a session makes a destination from
 * a name and at the first send to that destination object; reusing the object saves both round trips on every later
 * send. The most recently used {@value #CAPACITY} names are kept.
 */
public final class KnownDestinations implements DestinationResolver {

    private static final int CAPACITY = 1000;

    private final Map<String, Destination> topics = lastUsed();
    private final Map<String, Destination> queues = lastUsed();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) throws JMSException {
        Map<String, Destination> known = pubSubDomain ? topics : queues;
        Destination destination = known.get(name);
        if (destination == null) {
            destination = pubSubDomain ? session.createTopic(name) : session.createQueue(name);
            known.put(name, destination);
        }
        return destination;
    }

    private static Map<String, Destination> lastUsed() {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Destination> eldest) {
                return size() > CAPACITY;
            }
        });
    }
}
