package ai.jarvis.trinity.ipc;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;

/**
 * The message a broker-consuming route received, kept for its dead-lettering (routeConfigurations of
 * routes/queues.yaml): the route's steps change the body and the headers, a dead letter is the message as it came.
 * Kept is a second Camel message on the same received JMS message, which reads its body and properties only if it is
 * dead-lettered. Camel's {@code useOriginalMessage} would instead copy the body and every header of each exchange
 * of the whole context as it starts.
 */
public final class ReceivedMessages {

    static final String RECEIVED = "trinity_received_message";

    /** As a consuming route starts. */
    public void keep(Exchange exchange) {
        JmsMessage received = exchange.getIn(JmsMessage.class);
        if (received == null) {
            throw new IllegalStateException("route " + exchange.getFromRouteId() + " does not consume a JMS message");
        }
        exchange.setProperty(RECEIVED, new JmsMessage(exchange, received.getJmsMessage(), received.getJmsSession(),
                received.getBinding()));
    }

    /** In the route's error handling, before dead-lettering: the message in hand becomes the one received. */
    public void restore(Exchange exchange) {
        exchange.setMessage(exchange.getProperty(RECEIVED, JmsMessage.class));
    }
}
