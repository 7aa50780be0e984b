package ai.jarvis.trinity.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with {@code Authorization: Bearer <TRINITY_API_TOKEN>}. It sits on Camel's Vert.x
 * router in front of every HTTP route, so REST routes and streaming handlers are covered alike.
 */
public final class BearerTokenGuard implements Handler<RoutingContext> {

    private final byte[] expected;

    public BearerTokenGuard(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext request) {
        String header = request.request().getHeader("Authorization");
        byte[] given = header == null ? new byte[0] : header.trim().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            request.next();
            return;
        }
        ApiErrors.refuse(request.response().putHeader("WWW-Authenticate", "Bearer"), 401, "unauthorized",
                "send the header Authorization: Bearer <TRINITY_API_TOKEN>");
    }
}
