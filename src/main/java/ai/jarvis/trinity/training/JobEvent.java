package ai.jarvis.trinity.training;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a job's history: a transition ({@code from_status → status}) or a progress report. Its id orders all
 * of them and is the SSE event id; {@code data} holds the job's figures then (progress, epoch, loss, error, ...).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "job_id", "kind", "status", "from_status", "attempt", "ts", "detail"})
public final class JobEvent {

    public static final String TRANSITION = "transition";
    public static final String PROGRESS = "progress";

    public long id;
    public String jobId;
    public String kind;
    public String status;
    public String fromStatus;
    public int attempt;
    public String ts;
    public String detail;
    private final Map<String, Object> data = new LinkedHashMap<>();

    @JsonAnyGetter
    public Map<String, Object> data() {
        return data;
    }

    @JsonIgnore
    public boolean isTerminal() {
        return TRANSITION.equals(kind) && Job.TERMINAL.contains(status);
    }
}
