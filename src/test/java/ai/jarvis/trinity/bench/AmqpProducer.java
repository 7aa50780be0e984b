package ai.jarvis.trinity.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A python3 qpid-proton producer as a child process, connected before any timing: durable JSON messages to one
 * address, one by one waiting for each {@code accepted} or N in flight; with message ids, each message gets its own.
 */
final class AmqpProducer implements AutoCloseable {

    private static final String SCRIPT = """
            import os, sys, time
            from proton import Delivery, Message
            from proton.utils import BlockingConnection
            url, address, body, ids = sys.argv[1:5]
            connection = BlockingConnection(url)
            sender = connection.create_sender(address)
            message = Message(body=body, content_type="application/json", durable=True)
            sequence = 0
            print("ready", flush=True)
            for line in sys.stdin:
                count, batch = map(int, line.split())
                start = time.perf_counter()
                for first in range(0, count, batch):
                    deliveries = []
                    for _ in range(min(batch, count - first)):
                        if ids == "ids":
                            sequence += 1
                            message.id = "exp-%d-%d" % (os.getpid(), sequence)
                        deliveries.append(sender.link.send(message))
                    connection.wait(lambda: all(d.settled for d in deliveries), msg="settlement", timeout=60)
                    for d in deliveries:
                        if d.remote_state != Delivery.ACCEPTED:
                            sys.exit("not accepted: %s" % d.remote_state)
                        d.settle()
                print("sent %.6f" % (time.perf_counter() - start), flush=True)
            connection.close()
            """;

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;

    AmqpProducer(String amqpUrl, String address, String body, boolean messageIds) throws IOException {
        process = new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT, amqpUrl, address, body,
                messageIds ? "ids" : "no-ids").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        expectAnswer("ready");
    }

    /** Seconds until the last message was accepted. */
    double send(int messages, int inFlight) throws IOException {
        commands.write(messages + " " + inFlight + "\n");
        commands.flush();
        return Double.parseDouble(expectAnswer("sent").substring("sent ".length()));
    }

    private String expectAnswer(String prefix) throws IOException {
        String line = answers.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException("the AMQP producer answered " + line + " instead of " + prefix);
        }
        return line;
    }

    @Override
    public void close() throws Exception {
        commands.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
