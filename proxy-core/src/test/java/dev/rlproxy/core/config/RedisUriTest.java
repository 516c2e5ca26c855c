package dev.rlproxy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rlproxy.core.config.RedisUri.Form;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUriTest {

    @Test
    void standaloneWithUserPasswordAndDatabase() {
        RedisUri uri = RedisUri.parse("redis://app:p%40ss@redis.internal:6380/2");
        assertThat(uri.form()).isEqualTo(Form.STANDALONE);
        assertThat(uri.tls()).isFalse();
        assertThat(uri.nodes()).containsExactly(new HostPort("redis.internal", 6380));
        assertThat(uri.user()).isEqualTo("app");
        assertThat(uri.password()).isEqualTo("p@ss");
        assertThat(uri.database()).isEqualTo(2);
        assertThat(uri.toString()).doesNotContain("p@ss").contains("password ***");
    }

    @Test
    void defaultsPortAndDatabaseAndTakesAPasswordWithoutUser() {
        RedisUri uri = RedisUri.parse("rediss://:s3cret@redis");
        assertThat(uri.tls()).isTrue();
        assertThat(uri.nodes()).containsExactly(new HostPort("redis", 6379));
        assertThat(uri.user()).isNull();
        assertThat(uri.password()).isEqualTo("s3cret");
        assertThat(uri.database()).isZero();
    }

    @Test
    void sentinelNamesItsSentinelsAndMaster() {
        RedisUri uri = RedisUri.parse("redis-sentinel://:pw@s1,s2:26380,[::1]:26381/mymaster/1");
        assertThat(uri.form()).isEqualTo(Form.SENTINEL);
        assertThat(uri.nodes()).containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26380),
                new HostPort("::1", 26381));
        assertThat(uri.master()).isEqualTo("mymaster");
        assertThat(uri.database()).isEqualTo(1);
        assertThat(RedisUri.parse("rediss-sentinel://s1/m").tls()).isTrue();
    }

    @Test
    void clusterNamesSeedNodes() {
        RedisUri uri = RedisUri.parse("redis-cluster://n1:7000,n2:7001,n3");
        assertThat(uri.form()).isEqualTo(Form.CLUSTER);
        assertThat(uri.nodes()).extracting(HostPort::port).containsExactly(7000, 7001, 6379);
        assertThat(RedisUri.parse("rediss-cluster://n1").tls()).isTrue();
    }

    @Test
    void refusesMalformedFormsWithoutQuotingThePassword() {
        for (String bad : List.of("http://h", "redis://", "redis://a,b", "redis://h/x", "redis-sentinel://s1",
                "redis-cluster://n1/0", "redis://h?timeout=1", "redis://h:0", "redis://only-secret@h",
                "redis://u:%zz-hidden@h")) {
            assertThatThrownBy(() -> RedisUri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("hidden", "only-secret");
        }
    }
}
