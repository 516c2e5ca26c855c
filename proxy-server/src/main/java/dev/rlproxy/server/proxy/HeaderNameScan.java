package dev.rlproxy.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds the header names a rule matches in one pass over a head, rather than a hashed lookup for
 * each name the rule knows: heads have a few headers, and the names looked for are mostly absent.
 */
final class HeaderNameScan {

    private HeaderNameScan() {
    }

    /** The names that match {@code test} (as the head spells them), or null when none does. */
    static List<CharSequence> matching(HttpHeaders headers, Predicate<CharSequence> test) {
        List<CharSequence> found = null;
        // The CharSequence view: the String view makes a String of every header name.
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (test.test(name)) {
                if (found == null) {
                    found = new ArrayList<>(4);
                }
                found.add(name);
            }
        }
        return found;
    }
}
