package ai.jarvis.trinity.resilience;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import java.time.Duration;
import org.apache.camel.model.Resilience4jConfigurationDefinition;

/** The thresholds of trinity.breaker.*, checked, and as the resilience4j configuration of the routes' breakers. */
final class BreakerSettings {

    private static final String FAILURE_RATE = "trinity.breaker.failure-rate-threshold";
    private static final String MINIMUM_CALLS = "trinity.breaker.minimum-calls";
    private static final String SLIDING_WINDOW = "trinity.breaker.sliding-window";
    private static final String WAIT_DURATION = "trinity.breaker.wait-duration";
    private static final String HALF_OPEN_CALLS = "trinity.breaker.half-open-calls";
    private static final String CALL_TIMEOUT = "trinity.breaker.call-timeout";

    final int failureRatePct;
    final int minimumCalls;
    final int slidingWindow;
    /** Whole seconds: resilience4j's Camel configuration takes no fractions here. */
    final long waitSeconds;
    final int halfOpenCalls;
    final Duration callTimeout;

    private BreakerSettings(Settings settings) {
        failureRatePct = settings.getInt(FAILURE_RATE);
        if (failureRatePct < 1 || failureRatePct > 100) {
            throw new ConfigurationException(settings.describe(FAILURE_RATE) + " must be a percentage from 1 to 100, not "
                    + failureRatePct);
        }
        minimumCalls = atLeastOne(settings, MINIMUM_CALLS);
        slidingWindow = atLeastOne(settings, SLIDING_WINDOW);
        if (minimumCalls > slidingWindow) {
            throw new ConfigurationException(settings.describe(MINIMUM_CALLS) + " (" + minimumCalls + ") must not exceed "
                    + settings.describe(SLIDING_WINDOW) + " (" + slidingWindow + ")");
        }
        Duration wait = settings.getSeconds(WAIT_DURATION);
        if (wait.isZero()) {
            throw new ConfigurationException(settings.describe(WAIT_DURATION) + " must be at least 1 second");
        }
        waitSeconds = (wait.toMillis() + 999) / 1000;
        halfOpenCalls = atLeastOne(settings, HALF_OPEN_CALLS);
        callTimeout = settings.getSeconds(CALL_TIMEOUT);
        if (callTimeout.toMillis() < 1) {
            throw new ConfigurationException(settings.describe(CALL_TIMEOUT) + " must be more than 0 seconds");
        }
    }

    static BreakerSettings of(Settings settings) {
        return new BreakerSettings(settings);
    }

    private static int atLeastOne(Settings settings, String key) {
        int value = settings.getInt(key);
        if (value < 1) {
            throw new ConfigurationException(settings.describe(key) + " must be at least 1, not " + value);
        }
        return value;
    }

    /**
     * Count-based window; an open breaker turns half-open by itself after the wait (so /api/health shows it without a
     * call); every call has the time limit.
     */
    Resilience4jConfigurationDefinition toCamel() {
        Resilience4jConfigurationDefinition configuration = new Resilience4jConfigurationDefinition();
        configuration.setFailureRateThreshold(Integer.toString(failureRatePct));
        configuration.setMinimumNumberOfCalls(Integer.toString(minimumCalls));
        configuration.setSlidingWindowType("COUNT_BASED");
        configuration.setSlidingWindowSize(Integer.toString(slidingWindow));
        configuration.setWaitDurationInOpenState(Long.toString(waitSeconds));
        configuration.setAutomaticTransitionFromOpenToHalfOpenEnabled("true");
        configuration.setPermittedNumberOfCallsInHalfOpenState(Integer.toString(halfOpenCalls));
        configuration.setTimeoutEnabled("true");
        configuration.setTimeoutDuration(Long.toString(callTimeout.toMillis()));
        configuration.setWritableStackTraceEnabled("false");
        return configuration;
    }
}
