package ai.jarvis.trinity.pipeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Camel's JDBC aggregation repository on SQLite. The repository reads its {@code version} column as a Long, and the
 * SQLite driver hands back every integer that fits in 32 bits as an Integer: its queries get Longs here.
 */
final class SqliteAggregationRepository extends JdbcAggregationRepository {

    SqliteAggregationRepository(PlatformTransactionManager transactionManager, String table, DataSource dataSource) {
        super(transactionManager, table, dataSource);
    }

    @Override
    public void setDataSource(DataSource dataSource) {
        super.setDataSource(dataSource);
        jdbcTemplate = new JdbcTemplate(dataSource) {
            @Override
            protected RowMapper<Map<String, Object>> getColumnMapRowMapper() {
                return new ColumnMapRowMapper() {
                    @Override
                    protected Object getColumnValue(ResultSet row, int index) throws SQLException {
                        Object value = super.getColumnValue(row, index);
                        return value instanceof Integer number ? Long.valueOf(number) : value;
                    }
                };
            }
        };
    }
}
