package ai.jarvis.trinity.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.TestHomes;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker that broker.xml configures: durable, with redelivery and dead letters. */
class EmbeddedBrokerTest {

    private static final long RECEIVE_TIMEOUT_MS = 20_000;

    @TempDir
    Path home;

    @Test
    void aPersistentMessageSurvivesABrokerRestart() throws Exception {
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(home))) {
            send(hub, "trinity.queue.durable", "kept across restarts");
        }
        try (TrinityNode restarted = TrinityNode.start(Role.HUB, TestHomes.settings(home));
             Connection connection = connect(restarted)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("trinity.queue.durable"));
            Message message = consumer.receive(RECEIVE_TIMEOUT_MS);
            assertThat(message).isNotNull();
            assertThat(((TextMessage) message).getText()).isEqualTo("kept across restarts");
        }
    }

    @Test
    void aMessageThatFailsEveryAttemptLandsInItsDeadLetterQueue() throws Exception {
        Map<String, String> fastRedelivery = Map.of("TRINITY_REDELIVERY_DELAY_MS", "10", "TRINITY_MAX_RETRIES", "3");
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(home, fastRedelivery));
             Connection connection = connect(hub)) {
            send(hub, "trinity.queue.poison", "cannot be processed");

            Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = transacted.createConsumer(transacted.createQueue("trinity.queue.poison"));
            int attempts = 0;
            for (Message message = consumer.receive(RECEIVE_TIMEOUT_MS); message != null;
                 message = consumer.receive(1_000)) {
                attempts++;
                transacted.rollback();
            }
            assertThat(attempts).isEqualTo(3);

            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ::DLQ.trinity.queue.poison"));
            Message dead = dlq.receive(RECEIVE_TIMEOUT_MS);
            assertThat(dead).isNotNull();
            assertThat(((TextMessage) dead).getText()).isEqualTo("cannot be processed");
            assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("trinity.queue.poison");
        }
    }

    @Test
    void theTrinityNamespaceCreatesOnlyItsChannelFamiliesOnFirstUse() throws Exception {
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(home))) {
            assertThatThrownBy(() -> send(hub, "trinity.stauts", "a typo")).isInstanceOf(JMSException.class)
                    .hasMessageContaining("trinity.stauts");
            assertThatThrownBy(() -> send(hub, "trinity.command.reactr", "a typo")).isInstanceOf(JMSException.class);
            send(hub, "trinity.queue.new-work", "a queue family member");
            send(hub, "trinity.rpc.some-service", "an rpc family member");
            send(hub, "outside.the.namespace", "anything goes");
        }
    }

    private static Connection connect(TrinityNode hub) throws JMSException {
        Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
        connection.start();
        return connection;
    }

    private static void send(TrinityNode hub, String queue, String text) throws JMSException {
        try (Connection connection = connect(hub)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(text));
        }
    }
}
