package ai.jarvis.trinity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.jarvis.trinity.training.ModelRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

    private final UsageMeter meter = new UsageMeter("jarvis-prime", Clock.systemUTC());

    @Test
    void anIntervalIsReportedPerModelVersionWithNearestRankPercentilesAndThenStartsOver() {
        for (int millis = 100; millis >= 1; millis--) {
            meter.answered(model("assistant", 2), millis * 1_000_000L);
        }
        meter.failed(model("assistant", 2));
        meter.answered(model("assistant", 1), 5_000_000L);

        List<Map<String, Object>> reports = meter.drain();

        assertThat(reports).hasSize(2);
        Map<String, Object> two = reports.get(0);
        assertThat(two).containsEntry("kind", "usage").containsEntry("model_id", "assistant").containsEntry("version", 2)
                .containsEntry("reporter", "jarvis-prime").containsEntry("requests", 101L).containsEntry("errors", 1L)
                .containsEntry("samples", 100)
                .containsEntry("latency_ms", Map.of("p50", 50.0, "p95", 95.0, "p99", 99.0, "max", 100.0));
        assertThat(reports.get(1)).containsEntry("version", 1).containsEntry("requests", 1L)
                .containsEntry("latency_ms", Map.of("p50", 5.0, "p95", 5.0, "p99", 5.0, "max", 5.0));
        assertThat(meter.drain()).as("nothing happened since").isEmpty();
    }

    @Test
    void beyondTheReservoirThePercentilesComeFromASampleAndTheMaximumStaysExact() {
        int answers = UsageMeter.MAX_SAMPLES * 3;
        for (int i = 0; i < answers; i++) {
            meter.answered(model("assistant", 1), i == 17 ? 900_000_000L : 1_000_000L);
        }
        meter.failed(model("assistant", 1));

        Map<String, Object> report = meter.drain().get(0);

        assertThat(report).containsEntry("requests", (long) answers + 1).containsEntry("samples", UsageMeter.MAX_SAMPLES);
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) report.get("latency_ms");
        assertThat(latency).containsEntry("p50", 1.0).containsEntry("max", 900.0);
    }

    @Test
    void onlyErrorsReportNoLatency() {
        meter.failed(model("assistant", 1));

        assertThat(meter.drain().get(0)).containsEntry("requests", 1L).containsEntry("errors", 1L)
                .containsEntry("samples", 0).containsEntry("latency_ms", null);
    }

    private static ModelRecord model(String id, int version) {
        ModelRecord model = new ModelRecord();
        model.id = id;
        model.version = version;
        return model;
    }
}
