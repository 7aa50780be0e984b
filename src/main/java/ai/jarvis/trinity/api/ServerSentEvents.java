package ai.jarvis.trinity.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** What the hub's Server-Sent Events streams share: the response's headers and how a client says where it was. */
final class ServerSentEvents {

    private ServerSentEvents() {
    }

    /** Starts the stream: chunked, never cached, and not buffered by a proxy in between. */
    static HttpServerResponse open(HttpServerResponse response) {
        return response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    /**
     * The id of the last event a reconnecting client saw: its {@code Last-Event-ID} header, else
     * {@code ?last_event_id=}; null for none.
     */
    static String lastEventId(RoutingContext request) {
        String id = request.request().getHeader("Last-Event-ID");
        if (id == null) {
            id = request.queryParams().get("last_event_id");
        }
        return id == null || id.isBlank() ? null : id;
    }
}
