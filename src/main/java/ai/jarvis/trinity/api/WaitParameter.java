package ai.jarvis.trinity.api;

import ai.jarvis.trinity.util.Durations;
import java.time.Duration;

/**
 * A query parameter that says how long a request may wait ({@code ?wait=30s}, {@code ?timeout=500ms}): 400 when it
 * does not parse, and never more than the longest wait allowed (TRINITY_MAX_WAIT), which holds an HTTP worker.
 */
public final class WaitParameter {

    private WaitParameter() {
    }

    public static Duration parse(String name, String value, Duration max) {
        Duration asked;
        try {
            asked = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid " + name, e.getMessage());
        }
        return asked.compareTo(max) > 0 ? max : asked;
    }
}
