package ai.jarvis.trinity.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Counts the messages a consumer took, so that a run ends when the last one arrived. */
final class Arrivals {

    private static final Duration DEADLINE = Duration.ofSeconds(180);

    private volatile CountDownLatch expected = new CountDownLatch(0);

    void expect(int messages) {
        expected = new CountDownLatch(messages);
    }

    void arrived() {
        expected.countDown();
    }

    void await() throws InterruptedException {
        if (!expected.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(expected.getCount() + " messages not consumed within " + DEADLINE);
        }
    }
}
