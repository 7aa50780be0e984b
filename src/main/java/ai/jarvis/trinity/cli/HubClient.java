package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The hub's REST API as the CLI uses it: JSON in and out, every failure a {@link CliFailure} with one line for the
 * user (a hub that does not answer, a refused token, the hub's {@code {"error", "detail"}}).
 */
final class HubClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    HubClient(String url, String token) {
        this.url = url.replaceFirst("/+$", "");
        this.token = token;
    }

    String url() {
        return url;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    /** {@code GET /api/health}, whose 503 (a critical hub) is an answer too. */
    JsonNode health() {
        return send(request("/api/health").GET(), 503);
    }

    JsonNode post(String path) {
        return send(request(path).POST(BodyPublishers.noBody()));
    }

    JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body.toString())));
    }

    /** A POST whose JSON body is a file (streamed, never in memory whole). */
    JsonNode postFile(String path, Path jsonBody) {
        BodyPublisher body;
        try {
            body = BodyPublishers.ofFile(jsonBody);
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
        return send(request(path).header("Content-Type", "application/json").POST(body));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Reads a Server-Sent Events stream, giving each event to {@code handler} until it answers false or the stream
     * ends (the hub ended it, or the connection dropped). {@code lastEventId}: where a reconnect picks up, or null.
     */
    void stream(String path, String lastEventId, Predicate<ServerSentEvent> handler) {
        HttpRequest.Builder request = request(path).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = exchange(request.build(), BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                throw failure(response.statusCode(), lines.collect(Collectors.joining("\n")));
            }
            ServerSentEvent.Parser parser = new ServerSentEvent.Parser();
            Iterator<String> each = lines.iterator();
            while (each.hasNext()) {
                ServerSentEvent event = parser.accept(each.next());
                if (event != null && !handler.test(event)) {
                    return;
                }
            }
        } catch (UncheckedIOException e) {
            // The connection dropped: the stream ended; the caller decides whether to pick it up again.
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url + path));
        } catch (IllegalArgumentException e) {
            throw new CliFailure("invalid hub URL '" + url + "' (" + e.getMessage() + "): give one like http://127.0.0.1:8080");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private JsonNode send(HttpRequest.Builder request, int... alsoAnswers) {
        HttpResponse<String> response = exchange(request.timeout(REQUEST_TIMEOUT).build(), BodyHandlers.ofString());
        int status = response.statusCode();
        boolean answer = status < 400;
        for (int accepted : alsoAnswers) {
            answer |= status == accepted;
        }
        if (!answer) {
            throw failure(status, response.body());
        }
        try {
            return JsonOutput.JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new CliFailure(url + " answered " + status + " with something that is not JSON: is it a trinity hub?");
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new CliFailure("hub not reachable at " + url + " (is it running?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    private CliFailure failure(int status, String body) {
        if (status == 401) {
            return new CliFailure(token == null
                    ? "401 unauthorized: the hub at " + url + " requires an API token: pass --token or set TRINITY_API_TOKEN"
                    : "401 unauthorized: the hub at " + url + " refused the API token: check --token or TRINITY_API_TOKEN");
        }
        JsonNode error = JsonOutput.parse(body);
        if (error.hasNonNull("error")) {
            String detail = Formats.text(error.get("detail"));
            return new CliFailure(status + " " + error.get("error").asText() + (detail == null ? "" : ": " + detail));
        }
        return new CliFailure(status + " from " + url + (body.isBlank() ? "" : ": " + Formats.shortened(body, 200)));
    }
}
