package ai.jarvis.trinity.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM ask for a clean stop (the process then exits 0, where the JVM's own handling would exit
 * 130/143); a second signal, or a clean stop that overruns its timeout, ends the process at once.
 */
public final class ShutdownSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final Duration timeout;

    private ShutdownSignals(Duration timeout) {
        this.timeout = timeout;
    }

    public static ShutdownSignals install(Duration timeout) {
        ShutdownSignals signals = new ShutdownSignals(timeout);
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signals::onSignal);
        }
        return signals;
    }

    private void onSignal(Signal signal) {
        if (received.incrementAndGet() > 1) {
            LOG.warn("Second SIG{}: stopping now", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        LOG.info("SIG{} received: stopping (send it again to force)", signal.getName());
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                LOG.error("Clean stop took longer than {} s: stopping now", timeout.toSeconds());
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "trinity-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        stopRequested.countDown();
    }

    /** Asks for a clean stop as a signal would, e.g. when the parent hub of a built-in role is gone. */
    public void requestStop(String why) {
        if (stopRequested.getCount() > 0) {
            LOG.info("{}: stopping", why);
            stopRequested.countDown();
        }
    }

    public void awaitStopRequest() {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
