package dev.rlproxy.server.proxy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.rlproxy.server.proxy.ExchangeState.AWAITING_BODY;
import static dev.rlproxy.server.proxy.ExchangeState.AWAITING_CONNECTION;
import static dev.rlproxy.server.proxy.ExchangeState.AWAITING_TICKET;
import static dev.rlproxy.server.proxy.ExchangeState.AWAITING_TOKEN;
import static dev.rlproxy.server.proxy.ExchangeState.DONE;
import static dev.rlproxy.server.proxy.ExchangeState.RELAYING;
import static dev.rlproxy.server.proxy.ExchangeState.SENDING;
import static org.assertj.core.api.Assertions.assertThat;

class ExchangeStateTest {

    @Test
    void thePathRunsForwardOneStepAtATime() {
        assertThat(AWAITING_BODY.canBecome(AWAITING_TOKEN)).isTrue();
        assertThat(AWAITING_TOKEN.canBecome(AWAITING_TICKET)).isTrue();
        assertThat(AWAITING_TICKET.canBecome(AWAITING_CONNECTION)).isTrue();
        assertThat(AWAITING_CONNECTION.canBecome(SENDING)).isTrue();
        assertThat(SENDING.canBecome(RELAYING)).isTrue();
        assertThat(AWAITING_TOKEN.canBecome(AWAITING_CONNECTION)).isFalse();
        assertThat(AWAITING_BODY.canBecome(SENDING)).isFalse();
    }

    @Test
    void onlyASentRequestGoesBackForAnotherToken() {
        assertThat(SENDING.canBecome(AWAITING_TOKEN)).isTrue();
        assertThat(RELAYING.canBecome(AWAITING_TOKEN)).isFalse();
        assertThat(RELAYING.canBecome(SENDING)).isFalse();
        assertThat(AWAITING_CONNECTION.canBecome(AWAITING_TOKEN)).isFalse();
    }

    @Test
    void everyStateCanEndAndTheEndIsFinal() {
        Arrays.stream(ExchangeState.values()).filter(s -> s != DONE)
                .forEach(s -> assertThat(s.canBecome(DONE)).as(s.name()).isTrue());
        Arrays.stream(ExchangeState.values())
                .forEach(s -> assertThat(DONE.canBecome(s)).as(s.name()).isFalse());
    }

    @Test
    void nothingIsSentWhileAdmitting() {
        assertThat(Arrays.stream(ExchangeState.values()).filter(ExchangeState::admitting))
                .containsExactly(AWAITING_BODY, AWAITING_TOKEN, AWAITING_TICKET, AWAITING_CONNECTION);
    }
}
