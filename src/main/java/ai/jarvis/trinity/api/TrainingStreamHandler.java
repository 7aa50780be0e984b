package ai.jarvis.trinity.api;

import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobEvent;
import ai.jarvis.trinity.training.JobStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /api/training/stream/{job_id}}: Server-Sent Events ({@code event: status}, JSON data, {@code id:} the
 * job event's row id). A new stream starts with the job's current state; a client reconnecting with
 * {@code Last-Event-ID} gets every event after that id. The stream ends after the terminal state. It runs on
 * Vert.x itself (Camel's platform-http cannot stream) and holds no worker thread while it waits.
 */
public final class TrainingStreamHandler implements Handler<RoutingContext> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEPALIVE_MS = 15_000;

    private final JobStore store;
    private final Vertx vertx;

    public TrainingStreamHandler(JobStore store, Vertx vertx) {
        this.store = store;
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext request) {
        String jobId = request.pathParam("job_id");
        String lastEventId = ServerSentEvents.lastEventId(request);
        long after;
        try {
            after = lastEventId == null ? -1 : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            ApiErrors.refuse(request.response(), 400, "invalid Last-Event-ID", "'" + lastEventId + "' is not an event id");
            return;
        }
        vertx.executeBlocking(() -> store.find(jobId), false).onComplete(found -> {
            if (found.failed()) {
                ApiErrors.refuse(request.response(), 500, "internal error", found.cause().getMessage());
            } else if (found.result().isEmpty()) {
                ApiErrors.refuse(request.response(), 404, "unknown job", jobId);
            } else {
                new Stream(jobId, request.response(), vertx.getOrCreateContext()).begin(after);
            }
        });
    }

    /** One client's stream: events are read from the store after the last one sent, one read at a time. */
    private final class Stream {
        private final String jobId;
        private final HttpServerResponse response;
        private final Context context;
        private boolean readPending;
        private boolean reading;
        private long lastSent;
        private Runnable unsubscribe;
        private long keepalive;

        /** Everything of one stream runs on {@code context}, the request's event loop: no two reads overlap. */
        Stream(String jobId, HttpServerResponse response, Context context) {
            this.jobId = jobId;
            this.response = response;
            this.context = context;
        }

        void begin(long after) {
            ServerSentEvents.open(response);
            response.write(": job " + jobId + "\n\n");
            unsubscribe = store.subscribe(event -> {
                if (jobId.equals(event.jobId)) {
                    context.runOnContext(ignored -> read());
                }
            });
            keepalive = vertx.setPeriodic(KEEPALIVE_MS, id -> response.write(": keepalive\n\n"));
            response.closeHandler(ignored -> stop());
            response.exceptionHandler(ignored -> stop());
            if (after >= 0) {
                lastSent = after;
                read();
            } else {
                vertx.executeBlocking(this::currentState, false).onComplete(state -> {
                    if (state.failed()) {
                        finish();
                        return;
                    }
                    JobEvent current = state.result();
                    lastSent = current.id;
                    send(current);
                    read();
                });
            }
        }

        /** The job as it is now, as the first event; its id is that of the job's latest event. */
        private JobEvent currentState() {
            Job job = store.find(jobId).orElseThrow();
            JobEvent latest = store.latestEvent(jobId).orElseThrow();
            JobEvent state = new JobEvent();
            state.id = latest.id;
            state.jobId = jobId;
            state.kind = "state";
            state.status = job.status;
            state.attempt = job.attempt;
            state.ts = job.updatedAt;
            state.detail = job.detail;
            state.data().put("progress", job.progress);
            putIfSet(state, "epoch", job.epoch);
            putIfSet(state, "loss", job.loss);
            putIfSet(state, "error", job.error);
            putIfSet(state, "metrics", job.metrics);
            putIfSet(state, "model_id", job.modelId);
            putIfSet(state, "model_version", job.modelVersion);
            return state;
        }

        private void putIfSet(JobEvent event, String key, Object value) {
            if (value != null) {
                event.data().put(key, value);
            }
        }

        /** Sends what happened since the last event sent; a read asked for while one runs follows it. */
        private void read() {
            if (response.closed() || response.ended()) {
                return;
            }
            if (reading) {
                readPending = true;
                return;
            }
            reading = true;
            long from = lastSent;
            vertx.executeBlocking(() -> store.events(jobId, from), true).onComplete(events -> {
                reading = false;
                if (events.succeeded()) {
                    List<JobEvent> fresh = events.result();
                    for (JobEvent event : fresh) {
                        lastSent = event.id;
                        send(event);
                    }
                }
                if (readPending) {
                    readPending = false;
                    read();
                }
            });
        }

        private void send(JobEvent event) {
            if (response.closed() || response.ended()) {
                return;
            }
            try {
                response.write("id: " + event.id + "\nevent: status\ndata: " + JSON.writeValueAsString(event) + "\n\n");
            } catch (JsonProcessingException e) {
                response.write(": unprintable event " + event.id + "\n\n");
            }
            if (Job.TERMINAL.contains(event.status) && !JobEvent.PROGRESS.equals(event.kind)) {
                finish();
            }
        }

        private void finish() {
            stop();
            if (!response.closed() && !response.ended()) {
                response.end();
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
