package dev.rlproxy.core.config;

/** The calendar period (UTC) after which a quota's usage starts again from zero: {@code day | month}. */
public enum QuotaPeriod {
    DAY, MONTH
}
