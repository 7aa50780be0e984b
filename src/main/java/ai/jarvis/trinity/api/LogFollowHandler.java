package ai.jarvis.trinity.api;

import ai.jarvis.trinity.supervisor.Supervisor;
import ai.jarvis.trinity.util.PrintableText;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code GET /api/services/{name}/logs?follow=true}: Server-Sent Events, one {@code data:} line per line of the
 * service's output, first the last {@code tail} lines, then each new one as it is written. It runs on Vert.x
 * itself (Camel's platform-http cannot stream a response) and holds no worker thread; without follow=true the
 * request goes on to the REST route.
 */
public final class LogFollowHandler implements Handler<RoutingContext> {

    private static final long POLL_MS = 200;
    private static final int CHUNK = 64 * 1024;

    private final Supervisor supervisor;
    private final Vertx vertx;

    public LogFollowHandler(Supervisor supervisor, Vertx vertx) {
        this.supervisor = supervisor;
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext request) {
        if (!"true".equalsIgnoreCase(request.queryParams().get("follow"))) {
            request.next();
            return;
        }
        String name = request.pathParam("name");
        Path file;
        List<String> recent;
        try {
            file = supervisor.logFile(name);
            recent = supervisor.logs(name, request.queryParams().get("tail"));
        } catch (ApiException e) {
            ApiErrors.refuse(request.response(), e.status(), e.error(), e.detail());
            return;
        }
        HttpServerResponse response = ServerSentEvents.open(request.response());
        recent.forEach(line -> response.write(event(line)));
        Follower follower = new Follower(file, response);
        long timer = vertx.setPeriodic(POLL_MS, id -> follower.poll());
        response.closeHandler(ignored -> vertx.cancelTimer(timer));
        response.exceptionHandler(ignored -> vertx.cancelTimer(timer));
    }

    private static String event(String line) {
        return "data: " + line + "\n\n";
    }

    /** Reads what the service appended since the last poll and sends it line by line. */
    private static final class Follower {
        private final Path file;
        private final HttpServerResponse response;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private long position;

        Follower(Path file, HttpServerResponse response) {
            this.file = file;
            this.response = response;
            this.position = size(file);
        }

        void poll() {
            if (response.closed() || response.writeQueueFull() || !Files.exists(file)) {
                return;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                if (length < position) {
                    position = 0; // rotated
                }
                in.seek(position);
                byte[] buffer = new byte[(int) Math.min(CHUNK, length - position)];
                int read = in.read(buffer);
                if (read <= 0) {
                    return;
                }
                position += read;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        response.write(event(printable(partial)));
                        partial.reset();
                    } else {
                        partial.write(buffer[i]);
                    }
                }
            } catch (IOException e) {
                response.end();
            }
        }

        private static String printable(ByteArrayOutputStream bytes) {
            return PrintableText.of(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        }

        private static long size(Path file) {
            try {
                return Files.exists(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
