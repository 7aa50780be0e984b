package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.util.SqlitePool;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.apache.camel.Service;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The pipeline's SQLite file (TRINITY_PIPELINE_DB), apart from the job database: the aggregator writes to it for every
 * experience, and SQLite has one writer at a time, so the jobs' writes never wait behind the experiences'. WAL mode;
 * a commit survives a crash of the process. Closed as a service of the Camel context, after the routes stopped.
 */
final class PipelineDatabase implements Service {

    private static final String SCHEMA = "/db/pipeline/schema.sql";

    private final HikariDataSource pool;
    private final DataSourceTransactionManager transactions;

    private PipelineDatabase(HikariDataSource pool) {
        this.pool = pool;
        this.transactions = new DataSourceTransactionManager(pool);
    }

    static PipelineDatabase open(Path file) {
        HikariDataSource pool = SqlitePool.open(file, "pipeline-db");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            createSchema(pool);
            return new PipelineDatabase(pool);
        } catch (SQLException | IOException | RuntimeException e) {
            pool.close();
            throw new ConfigurationException("pipeline database " + file + " cannot be opened: " + e.getMessage()
                    + " (TRINITY_PIPELINE_DB)");
        }
    }

    private static void createSchema(DataSource source) throws SQLException, IOException {
        String script;
        try (InputStream in = PipelineDatabase.class.getResourceAsStream(SCHEMA)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(script);
        }
    }

    DataSource dataSource() {
        return pool;
    }

    PlatformTransactionManager transactionManager() {
        return transactions;
    }

    @Override
    public void start() {
        // opened by open(): the routes need it before the context starts
    }

    @Override
    public void stop() {
        pool.close();
    }
}
