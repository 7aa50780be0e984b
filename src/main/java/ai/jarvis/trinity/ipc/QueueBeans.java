package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** The reliable-queue beans of the hub, by their route names (routes/queues.yaml). */
public final class QueueBeans {

    private QueueBeans() {
    }

    public static void bindTo(CamelContext context, EmbeddedBroker broker) {
        ProducerTemplate template = context.createProducerTemplate();
        context.getRegistry().bind("reliableQueues", new ReliableQueues(broker,
                (queue, idempotencyKey, json) -> send(template, queue, idempotencyKey, json)));
        context.getRegistry().bind("deadLetters", new DeadLetters(broker));
        context.getRegistry().bind("receivedMessages", new ReceivedMessages());
    }

    private static String send(ProducerTemplate template, String queue, String idempotencyKey, String json) {
        Exchange sent = template.send("direct:send-to-queue", exchange -> {
            exchange.getIn().setBody(json);
            exchange.getIn().setHeader("CamelJmsDestinationName", queue);
            if (idempotencyKey != null) {
                exchange.getIn().setHeader("_AMQ_DUPL_ID", idempotencyKey);
            }
        });
        if (sent.getException() != null) {
            throw new IllegalStateException("cannot send to " + queue + ": " + sent.getException().getMessage(),
                    sent.getException());
        }
        return sent.getMessage().getHeader("JMSMessageID", String.class);
    }
}
