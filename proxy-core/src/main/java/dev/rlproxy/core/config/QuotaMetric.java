package dev.rlproxy.core.config;

/**
 * What a quota counts: requests, or bytes sent to ({@code egress-bytes}) or received from
 * ({@code ingress-bytes}) the upstream. YAML spelling: lower case with dashes.
 */
public enum QuotaMetric {
    REQUESTS, EGRESS_BYTES, INGRESS_BYTES
}
