package dev.rlproxy.server.metrics;

import dev.rlproxy.core.metrics.ProxyMetrics;
import dev.rlproxy.core.metrics.RequestOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One line per request on the {@value #LOGGER} logger, so it can be routed or switched off on its
 * own. The fields travel as SLF4J key-value pairs too, which the JSON log format turns into JSON
 * fields. The path is logged without its query string and the token only by fingerprint: neither a
 * token nor an Authorization value can reach this line.
 */
public final class AccessLog implements ProxyMetrics {

    public static final String LOGGER = "rlproxy.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @Override
    public void requestCompleted(RequestOutcome o) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String answeredBy = o.answeredByProxy() ? "proxy:" + o.proxyReason() : "upstream";
        long waitMs = TimeUnit.NANOSECONDS.toMillis(o.queueWaitNanos());
        long upstreamMs = o.upstreamNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(o.upstreamNanos());
        String token = o.tokenFingerprint() == null ? "-" : o.tokenFingerprint();
        log.atInfo()
                .addKeyValue("route", o.route())
                .addKeyValue("upstream", o.upstream())
                .addKeyValue("method", o.method())
                .addKeyValue("path", o.path())
                .addKeyValue("status", o.status())
                .addKeyValue("answeredBy", answeredBy)
                .addKeyValue("queueWaitMs", waitMs)
                .addKeyValue("upstreamMs", upstreamMs)
                .addKeyValue("bytesIn", o.bytesIn())
                .addKeyValue("bytesOut", o.bytesOut())
                .addKeyValue("token", token)
                .addKeyValue("retries", o.retries())
                .log("{} {} {} by {} route={} upstream={} wait={}ms upstream_time={} in={}B out={}B token={} retries={}",
                        o.method(), o.path(), o.status(), answeredBy, dash(o.route()), dash(o.upstream()), waitMs,
                        upstreamMs < 0 ? "-" : upstreamMs + "ms", o.bytesIn(), o.bytesOut(), token, o.retries());
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
