package ai.jarvis.trinity.bench;

import java.util.List;

/** Medians and one-line summaries of repeated runs, as the benchmarks print them. */
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
}
