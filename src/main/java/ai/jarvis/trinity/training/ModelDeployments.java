package ai.jarvis.trinity.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The deployments table: every deploy and rollback of a model version, in order. A model id's deployed version is
 * its latest row, the model deployed last is the latest row of all. Each row remembers the row a rollback from it
 * returns to, so that rollbacks walk back the way the deploys came. Callers hold the transaction.
 */
public final class ModelDeployments {

    public static final String DEPLOY = "deploy";
    public static final String ROLLBACK = "rollback";
    private static final String COLUMNS = "id, model_id, version, action, from_version, rollback_to, at";

    private final JdbcTemplate jdbc;

    public ModelDeployments(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** One deploy or rollback. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deployment(long id, String modelId, int version, String action, Integer fromVersion,
                             @JsonIgnore Long rollbackTo, String at) {
    }

    /** The model id's latest deploy or rollback: its deployed version. */
    public Optional<Deployment> current(String modelId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM deployments WHERE model_id = ? ORDER BY id DESC LIMIT 1",
                ModelDeployments::deployment, modelId).stream().findFirst();
    }

    public Optional<Deployment> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM deployments WHERE id = ?", ModelDeployments::deployment, id)
                .stream().findFirst();
    }

    /** The latest row that deployed this version of the model id, if it ever was. */
    public Optional<Deployment> latestOf(String modelId, int version) {
        return jdbc.query("SELECT " + COLUMNS + " FROM deployments WHERE model_id = ? AND version = ? ORDER BY id DESC "
                + "LIMIT 1", ModelDeployments::deployment, modelId, version).stream().findFirst();
    }

    /** Every deploy and rollback of the model id, newest first. */
    public List<Deployment> history(String modelId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM deployments WHERE model_id = ? ORDER BY id DESC",
                ModelDeployments::deployment, modelId);
    }

    /**
     * Deploys {@code version}: a later rollback returns to the version deployed before it (deploying the deployed
     * version again changes nothing about where a rollback goes).
     */
    public Deployment deploy(String modelId, int version, String at) {
        Long rollbackTo = current(modelId).map(now -> now.version() == version ? now.rollbackTo() : Long.valueOf(now.id()))
                .orElse(null);
        return record(modelId, version, DEPLOY, rollbackTo, at);
    }

    /** Rolls back to {@code version}; a rollback from there goes on to {@code rollbackTo}. */
    public Deployment rollback(String modelId, int version, Long rollbackTo, String at) {
        return record(modelId, version, ROLLBACK, rollbackTo, at);
    }

    private Deployment record(String modelId, int version, String action, Long rollbackTo, String at) {
        Integer fromVersion = current(modelId).map(Deployment::version).orElse(null);
        jdbc.update("INSERT INTO deployments (model_id, version, action, from_version, rollback_to, at) VALUES (?,?,?,?,?,?)",
                modelId, version, action, fromVersion, rollbackTo, at);
        jdbc.update("UPDATE models SET deployed_at = ? WHERE id = ? AND version = ?", at, modelId, version);
        return current(modelId).orElseThrow();
    }

    private static Deployment deployment(ResultSet row, int index) throws SQLException {
        int fromVersion = row.getInt("from_version");
        Integer from = row.wasNull() ? null : fromVersion;
        long rollbackTo = row.getLong("rollback_to");
        Long back = row.wasNull() ? null : rollbackTo;
        return new Deployment(row.getLong("id"), row.getString("model_id"), row.getInt("version"), row.getString("action"),
                from, back, row.getString("at"));
    }
}
