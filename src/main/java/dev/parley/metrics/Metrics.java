package dev.parley.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Parley's figures in a Prometheus registry, scraped at {@code /metrics}. Counters are looked up once
 * per (endpoint, type) and cached, so counting costs no allocation on the message path; types outside
 * the known vocabulary count as "other", so a client cannot grow the registry with made-up names.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** A gauge read at scrape time, such as the number of rooms. */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    /**
     * The traffic figures of one endpoint ({@code ws} or {@code peerjs}), with the message types and
     * error codes it may count by name.
     */
    public EndpointMetrics endpoint(String endpoint, Set<String> types, Set<String> codes) {
        Timer relay = Timer.builder("parley.relay.latency")
                .description("time from a message's arrival to its hand-off to the destination socket")
                .tag("endpoint", endpoint)
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(registry);
        return new EndpointMetrics() {
            @Override
            public void messageIn(String type) {
                counter("parley.messages.in", endpoint, "type", known(type, types)).increment();
            }

            @Override
            public void messageOut(String type) {
                counter("parley.messages.out", endpoint, "type", known(type, types)).increment();
            }

            @Override
            public void error(String code) {
                counter("parley.errors", endpoint, "code", known(code, codes)).increment();
            }

            @Override
            public void relayed(long nanos) {
                relay.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String endpoint, String tag, String value) {
        String key = name + '|' + endpoint + '|' + value;
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, k -> Counter.builder(name)
                    .tag("endpoint", endpoint).tag(tag, value).register(registry));
        }
        return counter;
    }

    private static String known(String value, Set<String> vocabulary) {
        return value != null && vocabulary.contains(value) ? value : "other";
    }
}
