package ai.jarvis.trinity.testing;

import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A hub in this JVM on a temp home (see {@link TestHomes}) with a started JMS connection to its broker. A test class
 * keeps it in a field marked {@code @AutoClose}: closing it closes the connection, then the hub.
 */
public final class HubUnderTest implements AutoCloseable {

    private final TrinityNode node;
    private final Connection jms;

    private HubUnderTest(TrinityNode node, Connection jms) {
        this.node = node;
        this.jms = jms;
    }

    /** A hub on {@code home} with the test defaults of {@link TestHomes#environment} plus {@code settings}. */
    public static HubUnderTest start(Path home, Map<String, String> settings) throws JMSException {
        TrinityNode node = TrinityNode.start(Role.HUB, TestHomes.settings(home, settings));
        try {
            Connection jms = new ActiveMQConnectionFactory(node.brokerUrls().get("core")).createConnection();
            jms.start();
            return new HubUnderTest(node, jms);
        } catch (JMSException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    public static HubUnderTest start(Path home) throws JMSException {
        return start(home, Map.of());
    }

    public TrinityNode node() {
        return node;
    }

    public int port() {
        return node.httpPort();
    }

    public Settings settings() {
        return node.settings();
    }

    /**
     * The environment of a process of another role (a reactor, J-Prime) on {@code home} whose broker is this hub's,
     * plus {@code extra}; the caller may add to it.
     */
    public Map<String, String> environmentFor(Path home, Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(TestHomes.environment(home, extra));
        environment.put("TRINITY_BROKER_URL", node.brokerUrls().get("core"));
        return environment;
    }

    /** A new non-transacted, auto-acknowledging session on the hub's connection; the caller closes it. */
    public Session session() throws JMSException {
        return jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public void close() throws JMSException {
        try {
            jms.close();
        } finally {
            node.close();
        }
    }
}
