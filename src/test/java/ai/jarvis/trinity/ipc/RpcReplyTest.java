package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.testing.HubUnderTest;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * RPC replies to callers that left before their reply (JMS temporary queue, AMQP dynamic receiver): the server sends
 * into nothing, nothing is created for the reply on the broker, and the server answers the next caller. The request
 * waits on the broker while the service's route is stopped, so the caller is surely gone when it is answered.
 */
class RpcReplyTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String SERVICE_QUEUE = "trinity.rpc.jarvis-body";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    @AutoClose
    private static HubUnderTest hub;
    private static ActiveMQServer broker;
    private final ListAppender<ILoggingEvent> rpcLog = new ListAppender<>();
    private Level rpcLogLevel;

    @BeforeAll
    static void startHub() throws JMSException {
        hub = HubUnderTest.start(home);
        broker = hub.node().broker().orElseThrow().server();
    }

    @BeforeEach
    void captureRpcLog() {
        Logger log = (Logger) LoggerFactory.getLogger("trinity.rpc");
        rpcLogLevel = log.getLevel();
        log.setLevel(Level.DEBUG);
        rpcLog.start();
        log.addAppender(rpcLog);
    }

    @AfterEach
    void releaseRpcLog() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("trinity.rpc");
        log.detachAppender(rpcLog);
        log.setLevel(rpcLogLevel);
        hub.node().camelContext().getRouteController().startRoute("rpc-requests");
    }

    @Test
    void aJmsCallerThatLeftGetsNoReplyAndNothingIsCreatedForIt() throws Exception {
        Set<String> before = brokerNames();
        hub.node().camelContext().getRouteController().stopRoute("rpc-requests");
        String replyTo;
        String core = hub.node().brokerUrls().get("core");
        try (Connection leaving = new ActiveMQConnectionFactory(core).createConnection()) {
            Session session = leaving.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            replyTo = replies.getQueueName();
            TextMessage request = session.createTextMessage("{\"method\": \"get_state\"}");
            request.setJMSReplyTo(replies);
            session.createProducer(session.createQueue(SERVICE_QUEUE))
                    .send(request, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, DEADLINE.toMillis());
            assertThat(brokerNames()).contains(replyTo);
        }
        assertAnsweredIntoNothing(replyTo, before);
    }

    @Test
    void anAmqpCallerThatLeftGetsNoReplyAndNothingIsCreatedForIt() throws Exception {
        assumeTrue(pythonHasProton(), "python3-qpid-proton is not installed");
        Set<String> before = brokerNames();
        hub.node().camelContext().getRouteController().stopRoute("rpc-requests");
        ProcessBuilder python = new ProcessBuilder("/usr/bin/python3", "examples/python/trinity_client.py", "rpc",
                "jarvis-body", "get_state", "--timeout", "60")
                .redirectErrorStream(true).redirectOutput(home.resolve("python-caller.out").toFile());
        python.environment().put("TRINITY_AMQP_URL", hub.node().brokerUrls().get("amqp"));
        Process caller = python.start();
        String replyTo;
        try {
            await().atMost(DEADLINE).until(() -> messagesOn(SERVICE_QUEUE) == 1);
            replyTo = replyToOfWaitingRequest();
            assertThat(brokerNames()).as("the caller's dynamic receiver").contains(replyTo);
        } finally {
            caller.destroyForcibly();
            assertThat(caller.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertAnsweredIntoNothing(replyTo, before);
    }

    @Test
    void aReplyExpiresWhenItsRequestWouldHave() throws Exception {
        try (Session session = hub.session()) {
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            TextMessage request = session.createTextMessage("{\"method\": \"ping\"}");
            request.setJMSReplyTo(replies);
            long sentAt = System.currentTimeMillis();
            session.createProducer(session.createQueue(SERVICE_QUEUE))
                    .send(request, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, 30_000);

            Message reply = replyConsumer.receive(DEADLINE.toMillis());
            assertThat(reply).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(request.getJMSMessageID());
            assertThat(reply.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(reply.getJMSExpiration()).isBetween(sentAt + 20_000, sentAt + 31_000);
        }
    }

    /**
     * Once the caller is gone its reply address goes too; the service, started again, answers into nothing and leaves
     * nothing new on the broker.
     */
    private void assertAnsweredIntoNothing(String replyTo, Set<String> before) throws Exception {
        await().atMost(DEADLINE).until(() -> !brokerNames().contains(replyTo));

        answerWaitingRequests();

        assertThat(brokerNames()).doesNotContain(replyTo);
        assertNothingNewBut(before);
        assertOneDebugLineAndTheNextCallerIsAnswered();
    }

    /** Starts the service's route again and waits until the request that waited for it is consumed. */
    private void answerWaitingRequests() throws Exception {
        hub.node().camelContext().getRouteController().startRoute("rpc-requests");
        await().atMost(DEADLINE).until(() -> !rpcLog.list.isEmpty());
        assertThat(messagesOn(SERVICE_QUEUE)).isZero();
    }

    private void assertOneDebugLineAndTheNextCallerIsAnswered() throws Exception {
        assertThat(rpcLog.list).hasSize(1);
        ILoggingEvent line = rpcLog.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(line.getFormattedMessage()).contains("dropped: its caller has left");
        assertThat(line.getThrowableProxy()).isNull();
        try (Session session = hub.session()) {
            TemporaryQueue replies = session.createTemporaryQueue();
            TextMessage request = session.createTextMessage("{\"method\": \"ping\"}");
            request.setJMSReplyTo(replies);
            session.createProducer(session.createQueue(SERVICE_QUEUE)).send(request);
            TextMessage reply = (TextMessage) session.createConsumer(replies).receive(DEADLINE.toMillis());
            assertThat(reply).isNotNull();
            assertThat(JSON.readTree(reply.getText()).path("result").path("service").asText()).isEqualTo("jarvis-body");
        }
    }

    /** No address or queue appeared since {@code before} but the topics of the hub's own events (it runs on). */
    private static void assertNothingNewBut(Set<String> before) throws Exception {
        Set<String> appeared = brokerNames();
        appeared.removeAll(before);
        assertThat(appeared).allMatch(name -> name.startsWith("trinity.events."));
    }

    private static String replyToOfWaitingRequest() throws JMSException {
        try (Session session = hub.session()) {
            Enumeration<?> waiting = session.createBrowser(session.createQueue(SERVICE_QUEUE)).getEnumeration();
            return ((ActiveMQDestination) ((Message) waiting.nextElement()).getJMSReplyTo()).getAddress();
        }
    }

    /** Every address and queue name on the broker. */
    private static Set<String> brokerNames() throws Exception {
        Set<String> names = new HashSet<>();
        for (SimpleString address : broker.getPostOffice().getAddresses()) {
            names.add(address.toString());
            List<Queue> queues = broker.getPostOffice().listQueuesForAddress(address);
            queues.forEach(queue -> names.add(queue.getName().toString()));
        }
        return names;
    }

    private static long messagesOn(String queue) {
        Queue found = broker.locateQueue(queue);
        return found == null ? 0 : found.getMessageCount() + found.getDeliveringCount();
    }

    private static boolean pythonHasProton() throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import proton").redirectErrorStream(true).start();
        return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
