package ai.jarvis.trinity.bench;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** The bare baseline of a consuming route: in-VM on a bare broker's queue, a transacted session, one commit per message. */
final class BareConsumer implements AutoCloseable {

    private final Connection connection;
    private final Thread thread;
    private volatile boolean running = true;

    BareConsumer(String vmId, String queue, Arrivals arrivals) throws JMSException {
        connection = new ActiveMQConnectionFactory("vm://" + vmId).createConnection();
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
        connection.start();
        thread = new Thread(() -> {
            try {
                while (running) {
                    Message message = consumer.receive(200);
                    if (message != null) {
                        ((TextMessage) message).getText();
                        session.commit();
                        arrivals.arrived();
                    }
                }
            } catch (JMSException e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }, "bare-consumer");
        thread.start();
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(5000);
        connection.close();
    }
}
