package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link KeyedMirror} whose key table a snapshot repaired ({@link KeyedMirror#resync}) after every loss so far is
 * the source's again: each key's chain is checked ({@code next.from == prev.to}) and a change of a key it does not
 * have is refused, as before any loss; also when the sequence it was repaired at is one it recorded as lost
 * ({@link KeyedMirror#lostUpTo}, then the run of that sequence), where nothing of the key's own is newer than the loss.
 */
@Timeout(60)
final class KeyedMirrorChecksEveryChainAgainAfterARepairTest
{
    private static KeyedMirror<Connection> mirrorAt10()
    {
        final KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).capacity(64).maxKeys(256)
            .retireOn(CLOSED).buildMirror(10, 0);
        mirror.seed(1, CONNECTING);
        mirror.append(11, 1, CONNECTING, CONNECTED, 110);
        return mirror;
    }

    @Test
    void aRepairAtASequenceRecordedAsLostTurnsEveryChainCheckBackOn()
    {
        try (KeyedMirror<Connection> mirror = mirrorAt10())
        {
            assertThat(mirror.lostUpTo(20)).isTrue(); // a run of 20 arrived: 12..20 lost
            mirror.resync(20, new long[] {1, 3}, List.of(CONNECTED, CLOSING));
            assertThatThrownBy(() -> mirror.append(21, 3, CONNECTED, CLOSED, 210))
                .as("key 3 is CLOSING as of the repair").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain broken");
            assertThatThrownBy(() -> mirror.append(21, 5, CONNECTING, CONNECTED, 210))
                .as("key 5 is not open at the source as of the repair").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not have it");
            mirror.append(21, 3, CLOSING, CLOSING, 210); // a refusal changed nothing: 21 still follows
            assertThatThrownBy(() -> mirror.append(22, 1, CLOSING, CLOSED, 220))
                .as("key 1 is CONNECTED as of the repair, and 21 followed it").isInstanceOf(
                    IllegalArgumentException.class).hasMessageContaining("chain broken");
            mirror.append(22, 1, CONNECTED, CLOSED, 220);
            assertThat(mirror.bus().isOpen(1)).isFalse();
            assertThat(mirror.bus().get(3)).isEqualTo(CLOSING);
            assertThat(mirror.lost()).isEqualTo(9);
        }
    }

    @Test
    void aRepairAtATransitionAfterALossRefusesAKeyItDoesNotHave()
    {
        try (KeyedMirror<Connection> mirror = mirrorAt10())
        {
            mirror.append(15, 1, CONNECTED, CLOSING, 150); // 12..14 lost
            mirror.resync(15, new long[] {1}, List.of(CLOSING));
            assertThatThrownBy(() -> mirror.append(16, 7, CONNECTING, CONNECTED, 160))
                .as("key 7 is not open at the source as of the repair").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not have it");
            mirror.append(18, 7, CONNECTING, CONNECTED, 180); // 16..17 lost: key 7 may have opened in them
            assertThat(mirror.bus().get(7)).isEqualTo(CONNECTED);
        }
    }
}
