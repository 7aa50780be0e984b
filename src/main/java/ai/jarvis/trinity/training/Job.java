package ai.jarvis.trinity.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Set;

/** A training job as the API shows it: a row of the jobs table, with its history when asked for one job. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Job {

    public static final String QUEUED = "queued";
    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final Set<String> TERMINAL = Set.of(COMPLETED, FAILED, CANCELLED);

    public String jobId;
    public String status;
    public String modelType;
    public int epochs;
    public JsonNode config;
    public String source;
    public String datasetPath;
    public String datasetName;
    public long experiences;
    public long datasetBytes;
    public int attempt;
    public String runId;
    public String reactor;
    public double progress;
    public Integer epoch;
    public Double loss;
    public JsonNode metrics;
    public String detail;
    public String error;
    public String modelId;
    public Integer modelVersion;
    public String createdAt;
    public String updatedAt;
    public String startedAt;
    public String finishedAt;
    public List<JobEvent> history;

    @JsonIgnore
    public boolean isTerminal() {
        return TERMINAL.contains(status);
    }
}
