package ai.jarvis.trinity.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Checks a request to the REST API before anything reads its body: a body larger than the limit is refused
 * with 413, and a form-encoded or multipart body (what {@code curl -d} sends without a content type) with 415,
 * so that a JSON text is never taken apart as form fields.
 */
public final class ApiRequestGuard implements Handler<RoutingContext> {

    private final long maxBodySize;

    public ApiRequestGuard(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void handle(RoutingContext request) {
        String length = request.request().getHeader("Content-Length");
        if (length != null && isLarger(length)) {
            refuse(request, 413, "request body too large",
                    "the limit is " + maxBodySize + " bytes (TRINITY_MAX_BODY_SIZE)");
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

    private boolean isLarger(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Closes the connection too: the refused body may still be on its way. */
    private static void refuse(RoutingContext request, int status, String error, String detail) {
        ApiErrors.refuse(request.response().putHeader("Connection", "close"), status, error, detail);
    }
}
