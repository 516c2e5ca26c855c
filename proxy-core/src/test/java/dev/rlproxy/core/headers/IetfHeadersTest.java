package dev.rlproxy.core.headers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IetfHeadersTest {

    private static final long NOW = 1_700_000_000_000L;

    private final IetfHeaders ietf = new IetfHeaders();

    @Test
    void currentDraftGivesOneWindowPerPolicy() {
        RateLimitObservation observation = ietf.parse(HttpCaptures.load("ietf-policy-and-ratelimit"), NOW);

        assertThat(observation).isEqualTo(new RateLimitObservation(null, List.of(
                new RateLimitWindow("burst", 100, -1, -1),
                new RateLimitWindow("daily", 1000, 50, NOW + 30_000)), false, false, -1));
    }

    @Test
    void toleratesSpacesAndPartitionKeys() {
        RateLimitObservation observation = ietf.parse(HttpCaptures.load("ietf-partition-key"), NOW);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("100-in-1min", 100, 95, NOW + 25_000));
    }

    @Test
    void policiesSplitOverSeveralHeaderLinesAreOneList() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "RateLimit-Policy", "\"minute\";q=60;w=60",
                "RateLimit-Policy", "\"hour\";q=1000;w=3600",
                "RateLimit", "\"hour\";r=0;t=120"));

        assertThat(ietf.parse(response, NOW).windows()).containsExactly(
                new RateLimitWindow("minute", 60, -1, -1),
                new RateLimitWindow("hour", 1000, 0, NOW + 120_000));
    }

    @Test
    void quotedCommasAndSemicolonsDoNotSplit() {
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of(
                "RateLimit", "\"a,b;c\";r=1;t=2, \"d\\\"e\";r=3"));

        assertThat(ietf.parse(response, NOW).windows()).containsExactly(
                new RateLimitWindow("a,b;c", -1, 1, NOW + 2_000),
                new RateLimitWindow("d\"e", -1, 3, -1));
    }

    @Test
    void draft07DictionaryFormGivesTheDefaultWindow() {
        RateLimitObservation observation = ietf.parse(HttpCaptures.load("ietf-draft07-dictionary"), NOW);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 100, 50, NOW + 5_000));
    }

    @Test
    void earlyDraftTripleWithRetryAfterDate() {
        long now = 1_564_997_220_000L; // Mon, 05 Aug 2019 09:27:00 GMT, the capture's Date
        RateLimitObservation observation = ietf.parse(HttpCaptures.load("ietf-early-draft-throttled"), now);

        assertThat(observation).isEqualTo(new RateLimitObservation(null,
                List.of(new RateLimitWindow("default", 100, 0, now + 5_000)), true, false, 5_000));
    }

    @Test
    void earlyDraftLimitKeepsOnlyTheLeadingNumber() {
        RateLimitObservation observation = ietf.parse(HttpCaptures.load("ietf-early-draft-policies"), NOW);

        assertThat(observation.windows()).containsExactly(new RateLimitWindow("default", 10, 9, NOW + 1_000));
    }

    @Test
    void manyPoliciesAreCapped() {
        StringBuilder policies = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            policies.append(i == 0 ? "" : ",").append("\"p").append(i).append("\";q=").append(i + 1);
        }
        UpstreamResponse response = new UpstreamResponse(200, ResponseHeaders.of("RateLimit-Policy", policies.toString()));

        assertThat(ietf.parse(response, NOW).windows()).hasSize(StructuredFieldList.MAX_MEMBERS);
    }
}
