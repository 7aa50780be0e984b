package ai.jarvis.trinity.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A trained model: one version of a model id, as a finished job produced it (the models table). {@code deployed}
 * says whether it is its model id's deployed version, {@code deployedVersion} (on trinity.models only) which version
 * of the id is deployed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ModelRecord {
    public String id;
    public int version;
    public String modelType;
    public JsonNode capabilities;
    public String path;
    public long sizeBytes;
    public String sha256;
    public JsonNode metrics;
    public String jobId;
    public String createdAt;
    public String deployedAt;
    public Boolean deployed;
    public Integer deployedVersion;
}
