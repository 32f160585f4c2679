package io.kilowatch.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where raw samples go and how they leave: one table on SQLite; on PostgreSQL, partitions of {@code samples} by UTC
 * day ({@code samples_d20260310} holds [that midnight, the next)), made before the reports that need them are stored
 * and dropped whole once retention has passed their end, which costs no row-by-row delete, no index churn and no
 * vacuum.
 */
abstract sealed class SamplePartitions permits SamplePartitions.Single, SamplePartitions.Daily {
    static SamplePartitions of(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? new Daily() : new Single();
    }

    /** Makes room for samples taken in [fromMs, toMs]. Run outside the storing transaction, so a rollback keeps it. */
    abstract void cover(Connection c, long fromMs, long toMs) throws SQLException;

    /** Deletes the samples taken before {@code beforeMs} and says how many, in the caller's transaction. */
    abstract int deleteBefore(Connection c, long beforeMs) throws SQLException;

    static final class Single extends SamplePartitions {
        @Override
        void cover(Connection c, long fromMs, long toMs) {
        }

        @Override
        int deleteBefore(Connection c, long beforeMs) throws SQLException {
            return deleteRows(c, beforeMs);
        }
    }

    static final class Daily extends SamplePartitions {
        private static final long DAY_MS = 86_400_000L;
        private static final String PREFIX = "samples_d";
        /** Days known to have a partition, so storing a report asks the catalog nothing. */
        private final Set<Long> known = new HashSet<>();

        @Override
        void cover(Connection c, long fromMs, long toMs) throws SQLException {
            if (known.isEmpty()) {
                known.addAll(days(c));
            }
            for (long day = Math.floorDiv(fromMs, DAY_MS); day <= Math.floorDiv(toMs, DAY_MS); day++) {
                if (!known.contains(day)) {
                    try (Statement s = c.createStatement()) {
                        // IF NOT EXISTS: a collector sharing the database may have made it since we looked.
                        s.execute("CREATE TABLE IF NOT EXISTS " + table(day) + " PARTITION OF samples FOR VALUES FROM ("
                                + day * DAY_MS + ") TO (" + (day + 1) * DAY_MS + ")");
                    }
                    known.add(day);
                }
            }
        }

        @Override
        int deleteBefore(Connection c, long beforeMs) throws SQLException {
            int deleted = 0;
            for (long day : days(c)) {
                if ((day + 1) * DAY_MS > beforeMs) {
                    break;
                }
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table(day))) {
                        rs.next();
                        deleted += rs.getInt(1);
                    }
                    s.execute("DROP TABLE " + table(day));
                }
                // Should the transaction roll back, the partition stays and cover() only repeats an IF NOT EXISTS.
                known.remove(day);
            }
            // The day that holds the cut-off keeps its later samples; its earlier ones go one by one.
            return deleted + deleteRows(c, beforeMs);
        }

        /** The days that have a partition, read from the catalog, oldest first. */
        private static TreeSet<Long> days(Connection c) throws SQLException {
            TreeSet<Long> days = new TreeSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_inherits i "
                    + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'samples'::regclass")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.startsWith(PREFIX)) {
                        days.add(LocalDate.parse(name.substring(PREFIX.length()), DateTimeFormatter.BASIC_ISO_DATE).toEpochDay());
                    }
                }
            }
            return days;
        }

        private static String table(long epochDay) {
            return PREFIX + LocalDate.ofEpochDay(epochDay).format(DateTimeFormatter.BASIC_ISO_DATE);
        }
    }

    private static int deleteRows(Connection c, long beforeMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM samples WHERE ts_ms < ?")) {
            ps.setLong(1, beforeMs);
            return ps.executeUpdate();
        }
    }
}
