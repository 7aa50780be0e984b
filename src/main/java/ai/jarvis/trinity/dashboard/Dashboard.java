package ai.jarvis.trinity.dashboard;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web dashboard: static files from the jar's {@code dashboard/} folder, served at {@code /} (the page) and
 * {@code /dashboard/*} (its script and style). The page itself holds no data: everything it shows comes from the
 * REST API and its event streams, with the API token when one is configured, so the files are open to anyone.
 */
public final class Dashboard {

    private static final String ASSETS = "/dashboard/";

    private Dashboard() {
    }

    public static void mount(Router router) {
        // No cache headers: a hub upgraded in place serves its new page at once.
        StaticHandler files = StaticHandler.create("dashboard").setCachingEnabled(false).setDirectoryListing(false);
        router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(request -> request.reroute(ASSETS + "index.html"));
        router.route(ASSETS + "*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(files);
    }

    /** Whether {@code path} is one of the dashboard's own files, which need no API token. */
    public static boolean serves(String path) {
        return "/".equals(path) || path.startsWith(ASSETS);
    }
}
