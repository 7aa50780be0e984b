package ai.jarvis.trinity.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a request to the REST API before anything reads its body: a body larger than its path's limit is refused
 * with 413, a body of unknown length on a path with the smaller limit with 411, and a form-encoded or multipart
 * body (what {@code curl -d} sends without a content type) with 415, so that a JSON text is never taken apart as
 * form fields.
 */
public final class ApiRequestGuard implements Handler<RoutingContext> {

    private final long maxBodySize;
    private final Map<String, Long> largerBodies;

    /** {@code largerBodies}: paths that take more than {@code maxBodySize}, with their own limit. */
    public ApiRequestGuard(long maxBodySize, Map<String, Long> largerBodies) {
        this.maxBodySize = maxBodySize;
        this.largerBodies = Map.copyOf(largerBodies);
    }

    @Override
    public void handle(RoutingContext request) {
        String length = request.request().getHeader("Content-Length");
        Long pathLimit = largerBodies.get(request.normalizedPath());
        long limit = pathLimit == null ? maxBodySize : pathLimit;
        if (length != null && isLarger(length, limit)) {
            refuse(request, 413, "request body too large", "the limit is " + limit + " bytes ("
                    + (pathLimit == null ? "TRINITY_MAX_BODY_SIZE" : "TRAINING_MAX_INLINE_SIZE; bigger datasets go through the drop-box") + ")");
            return;
        }
        if (length == null && pathLimit == null && isChunked(request)) {
            // The HTTP server's own limit is the larger one: a body of unknown size could pass it here.
            refuse(request, 411, "length required", "send the body with a Content-Length header");
            return;
        }
        String type = request.request().getHeader("Content-Type");
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/")) {
            refuse(request, 415, "unsupported media type",
                    "send the body as JSON with Content-Type: application/json (curl: -H 'Content-Type: application/json')");
            return;
        }
        request.next();
    }

    /**
     * A body whose length is not announced (HTTP/1.1 chunked). An HTTP/2 request without a content-length is bounded
     * by the HTTP server's limit only, the larger one.
     */
    private static boolean isChunked(RoutingContext request) {
        String encoding = request.request().getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private static boolean isLarger(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Closes the connection too: the refused body may still be on its way. */
    private static void refuse(RoutingContext request, int status, String error, String detail) {
        ApiErrors.refuse(request.response().putHeader("Connection", "close"), status, error, detail);
    }
}
