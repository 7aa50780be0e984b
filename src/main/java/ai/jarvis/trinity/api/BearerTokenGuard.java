package ai.jarvis.trinity.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Predicate;

/**
 * Lets a request through only with {@code Authorization: Bearer <TRINITY_API_TOKEN>}. It sits on Camel's Vert.x
 * router in front of every HTTP route, so REST routes and streaming handlers are covered alike; only the paths
 * {@code open} accepts (files that hold no data, such as the dashboard's page) need no token.
 */
public final class BearerTokenGuard implements Handler<RoutingContext> {

    private final byte[] expected;
    private final Predicate<String> open;

    public BearerTokenGuard(String token, Predicate<String> open) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.open = open;
    }

    @Override
    public void handle(RoutingContext request) {
        String header = request.request().getHeader("Authorization");
        byte[] given = header == null ? new byte[0] : header.trim().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given) || open.test(request.normalizedPath())) {
            request.next();
            return;
        }
        ApiErrors.refuse(request.response().putHeader("WWW-Authenticate", "Bearer"), 401, "unauthorized",
                "send the header Authorization: Bearer <TRINITY_API_TOKEN>");
    }
}
