package dev.rlproxy.core.limit;

import java.util.List;

/**
 * The busiest few of many buckets, for status: bucket keys come from clients (one per token,
 * route or header value), so only the top ones are listed while the count covers them all.
 *
 * @param total every live bucket that was looked at
 * @param top   the busiest, busiest first, at most the number asked for
 */
public record Busiest<T>(int total, List<T> top) {

    public Busiest {
        top = List.copyOf(top);
    }

    public static <T> Busiest<T> none() {
        return new Busiest<>(0, List.of());
    }
}
