package ai.jarvis.trinity.api;

import ai.jarvis.trinity.ipc.BusEvent;
import ai.jarvis.trinity.ipc.EventApi;
import ai.jarvis.trinity.ipc.EventWindow;
import ai.jarvis.trinity.ipc.TopicPattern;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /api/events[?topics=training.#,model.#]}: the event bus as Server-Sent Events ({@code id:} the event's
 * sequence number, {@code event:} its topic, {@code data:} its JSON). A client reconnecting with
 * {@code Last-Event-ID} (or {@code ?last_event_id=}) first gets the matching events the hub still holds after that
 * id, then live ones. It runs on Vert.x itself (Camel's platform-http cannot stream) and holds no worker thread.
 */
public final class EventStreamHandler implements Handler<RoutingContext> {

    private static final long KEEPALIVE_MS = 15_000;

    private final EventWindow window;
    private final Vertx vertx;

    public EventStreamHandler(EventWindow window, Vertx vertx) {
        this.window = window;
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext request) {
        List<TopicPattern> patterns;
        Long lastEventId;
        try {
            patterns = EventApi.patterns(String.join(",", request.queryParams().getAll("topics")));
            String lastId = ServerSentEvents.lastEventId(request);
            lastEventId = lastId == null ? null : EventApi.eventId(lastId);
        } catch (ApiException e) {
            ApiErrors.refuse(request.response(), e.status(), e.error(), e.detail());
            return;
        }
        new Stream(request.response(), patterns, vertx.getOrCreateContext()).begin(lastEventId);
    }

    /**
     * One client's stream. Everything of it runs on {@code context}, the request's event loop. {@code cursor} is the
     * newest event considered (sent, or not matching): a client that cannot keep up is paused and, once its
     * connection drains, catches up from the window, with a note when the window has moved past it.
     */
    private final class Stream {
        private final HttpServerResponse response;
        private final List<TopicPattern> patterns;
        private final Context context;
        private long cursor;
        private boolean paused;
        private Runnable unsubscribe;
        private long keepalive;

        Stream(HttpServerResponse response, List<TopicPattern> patterns, Context context) {
            this.response = response;
            this.patterns = patterns;
            this.context = context;
        }

        void begin(Long lastEventId) {
            ServerSentEvents.open(response);
            response.closeHandler(ignored -> stop());
            response.exceptionHandler(ignored -> stop());
            // Subscribed before the window is read: an event added in between comes both ways and is sent once.
            unsubscribe = window.subscribe(event -> context.runOnContext(ignored -> live(event)));
            keepalive = vertx.setPeriodic(KEEPALIVE_MS, id -> write(": keepalive\n\n"));
            long newest = window.newestId();
            // An id this hub never gave (from another hub, or a clock set back): everything held is new to it.
            cursor = lastEventId == null ? newest : lastEventId > newest ? Long.MIN_VALUE : lastEventId;
            write(": events " + String.join(",", patterns.stream().map(TopicPattern::toString).toList()) + "\n\n");
            if (lastEventId != null) {
                catchUp();
            }
        }

        private void live(BusEvent event) {
            if (paused || event.id() <= cursor) {
                return;
            }
            if (response.writeQueueFull()) {
                paused = true;
                response.drainHandler(ignored -> {
                    paused = false;
                    catchUp();
                });
                return;
            }
            cursor = event.id();
            if (TopicPattern.matchesAny(patterns, event.topic())) {
                send(event);
            }
        }

        private void catchUp() {
            EventWindow.Replay replay = window.after(cursor, patterns);
            if (replay.missed()) {
                write(": some events were missed\n\n");
            }
            replay.events().forEach(this::send);
            cursor = Math.max(cursor, replay.newestId());
        }

        private void send(BusEvent event) {
            write("id: " + event.id() + "\nevent: " + event.topic() + "\ndata: " + event.data() + "\n\n");
        }

        private void write(String text) {
            if (!response.closed() && !response.ended()) {
                response.write(text);
            }
        }

        private void stop() {
            vertx.cancelTimer(keepalive);
            if (unsubscribe != null) {
                unsubscribe.run();
            }
        }
    }
}
