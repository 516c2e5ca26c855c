package dev.rlproxy.core.config;

/**
 * What replicas do while Redis is unreachable: share the limits locally (each replica takes
 * limit / expectedReplicas) or refuse requests. YAML spelling: {@code local-share | fail-closed}.
 */
public enum FailureMode {
    LOCAL_SHARE, FAIL_CLOSED
}
