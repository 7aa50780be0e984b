package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.api.EventStreamHandler;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.ipc.EventApi;
import ai.jarvis.trinity.ipc.EventWindow;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/** The hub's side of the event bus (routes/events.yaml): the recent-events window, its REST API and SSE stream. */
final class EventBusBeans {

    private static final String WINDOW_KEY = "trinity.events-window";

    private final EventWindow window;

    private EventBusBeans(EventWindow window) {
        this.window = window;
    }

    static EventBusBeans hub(Settings settings) {
        int size = settings.getInt(WINDOW_KEY);
        if (size < 1) {
            throw new ConfigurationException(settings.describe(WINDOW_KEY) + " must be at least 1, not " + size);
        }
        return new EventBusBeans(new EventWindow(size, Clock.systemUTC()));
    }

    void bindTo(CamelContext context) {
        context.getRegistry().bind("eventWindow", window);
        context.getRegistry().bind("eventApi", new EventApi(window));
    }

    void afterStart(VertxPlatformHttpRouter router) {
        router.get("/api/events").order(Integer.MIN_VALUE + 2).handler(new EventStreamHandler(window, router.vertx()));
    }
}
