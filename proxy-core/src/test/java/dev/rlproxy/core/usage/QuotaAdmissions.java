package dev.rlproxy.core.usage;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helper: one request's quota admission, admitted or refused for a spent quota (anything else fails the test). */
public final class QuotaAdmissions {

    private QuotaAdmissions() {
    }

    public static boolean admitted(UpstreamQuotas quotas) {
        try {
            quotas.admit(null, 0).join();
            return true;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(QuotaSpentException.class);
            return false;
        }
    }
}
