package dev.rlproxy.server.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /metrics}: the Dropwizard registry in Prometheus text format, produced by the Prometheus
 * client's Dropwizard bridge and its text writer.
 *
 * <p>The bridge (1.4.x, the newest on Maven Central) converts each Dropwizard metric into its own
 * snapshot and refuses a second snapshot with the same name, so two series of one family (the
 * same name with other labels) cannot come from one bridge. Each Dropwizard metric therefore goes
 * through the bridge alone, and the resulting snapshots of one family are joined into one
 * (data points side by side, help text from {@link MetricNames}).
 */
public final class PrometheusEndpoint {

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final MetricRegistry registry;
    private final MetricNames names;
    /** Rebuilt when a reload adds routes; guarded by this. */
    private CustomLabelMapper labelMapper;
    private int labelMapperRoutes = -1;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final TokenGauges tokenGauges;

    public PrometheusEndpoint(MetricRegistry registry, MetricNames names, TokenGauges tokenGauges) {
        this.registry = registry;
        this.names = names;
        this.tokenGauges = tokenGauges;
    }

    public synchronized byte[] scrape() {
        tokenGauges.refresh();
        if (labelMapperRoutes != names.routeCount()) {
            labelMapperRoutes = names.routeCount();
            labelMapper = names.labelMapper();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, snapshots());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private MetricSnapshots snapshots() {
        Map<String, List<MetricSnapshot>> families = new LinkedHashMap<>();
        for (String name : registry.getNames()) {
            PrometheusRegistry single = new PrometheusRegistry();
            DropwizardExports.builder()
                    .dropwizardRegistry(registry)
                    .metricFilter((candidate, metric) -> candidate.equals(name))
                    .customLabelMapper(labelMapper)
                    .register(single);
            for (MetricSnapshot snapshot : single.scrape()) {
                families.computeIfAbsent(snapshot.getMetadata().getPrometheusName(), n -> new ArrayList<>()).add(snapshot);
            }
        }
        List<MetricSnapshot> joined = new ArrayList<>(families.size());
        families.forEach((name, parts) -> joined.add(join(parts)));
        return new MetricSnapshots(joined);
    }

    private static MetricSnapshot join(List<MetricSnapshot> parts) {
        MetricSnapshot first = parts.get(0);
        String help = MetricNames.help(first.getMetadata().getPrometheusName());
        if (parts.size() == 1 && help == null) {
            return first;
        }
        MetricMetadata metadata = new MetricMetadata(first.getMetadata().getName(),
                help != null ? help : first.getMetadata().getHelp());
        if (first instanceof CounterSnapshot) {
            List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((CounterSnapshot) p).getDataPoints()));
            return new CounterSnapshot(metadata, points);
        }
        if (first instanceof GaugeSnapshot) {
            List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((GaugeSnapshot) p).getDataPoints()));
            return new GaugeSnapshot(metadata, points);
        }
        if (first instanceof SummarySnapshot) {
            List<SummarySnapshot.SummaryDataPointSnapshot> points = new ArrayList<>();
            parts.forEach(p -> points.addAll(((SummarySnapshot) p).getDataPoints()));
            return new SummarySnapshot(metadata, points);
        }
        return first; // the registry holds only counters, gauges and timers
    }
}
