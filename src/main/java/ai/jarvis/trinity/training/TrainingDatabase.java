package ai.jarvis.trinity.training;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.util.SqlitePool;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training state database (TRAINING_STATE_DB): SQLite in WAL mode, a small connection pool, and the schema
 * brought up to date at open by the numbered scripts {@code db/training/V<n>.sql}, each applied once.
 * Only the hub opens it (SQLite has one writer at a time).
 */
public final class TrainingDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingDatabase.class);
    private static final String MIGRATIONS = "/db/training/V%d.sql";

    private final HikariDataSource pool;
    private final int schemaVersion;

    private TrainingDatabase(HikariDataSource pool, int schemaVersion) {
        this.pool = pool;
        this.schemaVersion = schemaVersion;
    }

    public static TrainingDatabase open(Path file) {
        HikariDataSource pool = SqlitePool.open(file, "training-db");
        try {
            return new TrainingDatabase(pool, migrate(pool, file));
        } catch (SQLException | IOException | RuntimeException e) {
            pool.close();
            throw new ConfigurationException("training database " + file + " cannot be opened: " + e.getMessage()
                    + " (TRAINING_STATE_DB)");
        }
    }

    private static int migrate(DataSource source, Path file) throws SQLException, IOException {
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
            int version;
            try (ResultSet result = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                result.next();
                version = result.getInt(1);
            }
            for (int next = version + 1; ; next++) {
                String script = migration(next);
                if (script == null) {
                    break;
                }
                connection.setAutoCommit(false);
                try {
                    statement.executeUpdate(script);
                    statement.executeUpdate("INSERT INTO schema_version VALUES (" + next + ", '" + Instant.now() + "')");
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    throw new SQLException("migration V" + next + " failed: " + e.getMessage(), e);
                } finally {
                    connection.setAutoCommit(true);
                }
                LOG.info("Training database {}: schema version {}", file, next);
                version = next;
            }
            return version;
        }
    }

    private static String migration(int version) throws IOException {
        try (InputStream in = TrainingDatabase.class.getResourceAsStream(String.format(MIGRATIONS, version))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public void close() {
        pool.close();
    }
}
