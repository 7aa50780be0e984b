package ai.jarvis.trinity.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles, medians and one-line summaries of repeated runs, as the benchmarks print them. */
final class BenchStats {

    private BenchStats() {
    }

    static List<Double> column(List<double[]> rows, int index) {
        return rows.stream().map(row -> row[index]).toList();
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static String summary(List<Double> values) {
        return summary(values, "%.0f");
    }

    static String summary(List<Double> values, String format) {
        StringBuilder out = new StringBuilder("median " + String.format(format, median(values)) + "  [");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : " ").append(String.format(format, values.get(i)));
        }
        return out.append(']').toString();
    }

    /** Nearest-rank percentile {@code p} (0 to 100) of values sorted ascending. */
    static double percentile(double[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    /** Nearest-rank percentile {@code p} of durations in nanoseconds, in milliseconds. */
    static double percentileMillis(List<Long> nanos, double p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** p50 and p99 of {@code ms} (sorted in place). */
    static double[] p50p99(double[] ms) {
        Arrays.sort(ms);
        return new double[] {percentile(ms, 50), percentile(ms, 99)};
    }
}
