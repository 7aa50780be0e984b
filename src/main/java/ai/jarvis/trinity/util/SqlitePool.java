package ai.jarvis.trinity.util;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** A small connection pool on one SQLite file, set up the way every database of the hub is. */
public final class SqlitePool {

    private SqlitePool() {
    }

    /**
     * WAL with synchronous NORMAL: a committed transaction survives a crash of the process (kill -9); only a power cut
     * may lose the last commits. IMMEDIATE transactions and a busy timeout: writers queue instead of failing.
     */
    public static HikariDataSource open(Path file, String poolName) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(10_000);
        sqlite.enforceForeignKeys(true);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + file);
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setPoolName(poolName);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
