package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link KeyedMirror}'s bus: fed a keyed bus's stream (opens, changes, retirements on a final state), its
 * consumers see the same transitions and its key table ends equal to the source's; seeded from a snapshot it joins
 * mid-stream; lost sequences reach every subscription as one exact gap; local changes are refused.
 */
@Timeout(60)
final class KeyedMirrorKeepsTheKeyTableTest
{
    private static final Connection[] STATES = Connection.values();

    private static KeyedStateBusBuilder<Connection> builder()
    {
        return KeyedStateBus.builder(Connection.class).capacity(64).maxKeys(256).retireOn(CLOSED);
    }

    /** One random step of the source: open a key, change one, or close one (it retires). */
    private static void step(final KeyedStateBus<Connection> source, final List<Long> live,
        final SplittableRandom random, final long[] nextKey)
    {
        if (live.size() < 100 && (live.isEmpty() || random.nextInt(4) == 0))
        {
            final long key = nextKey[0]++ * 7919;
            source.open(key, DISCONNECTED);
            live.add(key);
            return;
        }
        final int i = random.nextInt(live.size());
        final long key = live.get(i);
        final Connection next = STATES[random.nextInt(STATES.length)];
        if (source.get(key) != next)
        {
            source.set(key, next);
        }
        if (next == CLOSED)
        {
            live.remove(i);
        }
    }

    /** Copies each transition the bridge subscription delivers into the mirror, as a transport would. */
    private static int forward(final KeyedSubscription<Connection> bridge, final KeyedMirror<Connection> mirror)
    {
        return bridge.poll((t, end) -> assertThat(mirror.tryAppend(t.sequence(), t.key(), t.from(), t.to(),
            t.timestampNanos())).as("appended at once").isTrue(), 64);
    }

    private static List<String> record(final KeyedSubscription<Connection> sub)
    {
        final List<String> got = new ArrayList<>();
        int n;
        do
        {
            n = sub.poll(new KeyedTransitionHandler<>()
            {
                @Override
                public void onTransition(final KeyedTransition<Connection> t, final boolean endOfBatch)
                {
                    got.add("#" + t.sequence() + " " + t.key() + ":" + t.from() + "->" + t.to() + "@" +
                        t.timestampNanos());
                }

                @Override
                public void onGap(final Gap<Connection> gap)
                {
                    got.add("gap " + gap.firstMissed() + ".." + gap.lastMissed());
                }
            }, 1024);
        }
        while (n > 0);
        return got;
    }

    private static void assertSameKeys(final KeyedStateBus<Connection> source, final KeyedStateBus<Connection> copy,
        final List<Long> live)
    {
        assertThat(copy.openKeys()).isEqualTo(source.openKeys()).isEqualTo(live.size());
        for (final long key : live)
        {
            assertThat(copy.get(key)).as("key %d", key).isEqualTo(source.get(key));
        }
    }

    @Test
    void theMirrorSeesEveryTransitionInOrderAndKeepsTheSourcesKeyTable()
    {
        final long[] clock = {5};
        try (KeyedStateBus<Connection> source = builder().clock(() -> clock[0] += 3).build();
             KeyedMirror<Connection> mirror = builder().buildMirror(0, 0))
        {
            final KeyedSubscription<Connection> bridge = source.subscribe(Policy.BLOCK);
            final KeyedSubscription<Connection> sourceSide = source.subscribe(Policy.GAP);
            final KeyedSubscription<Connection> local = mirror.bus().subscribe(Policy.BLOCK);
            final SplittableRandom random = new SplittableRandom(17);
            final List<Long> live = new ArrayList<>();
            final long[] nextKey = {1};
            final List<String> expected = new ArrayList<>();
            final List<String> got = new ArrayList<>();
            for (int round = 0; round < 200; round++)
            {
                for (int i = 0; i < 20; i++)
                {
                    step(source, live, random, nextKey);
                }
                expected.addAll(record(sourceSide));
                while (forward(bridge, mirror) > 0)
                {
                    got.addAll(record(local));
                }
            }
            got.addAll(record(local));
            assertThat(expected).hasSizeGreaterThan(3_000).doesNotContain("gap");
            assertThat(got).isEqualTo(expected);
            assertThat(mirror.latestSequence()).isEqualTo(source.latestSequence());
            assertSameKeys(source, mirror.bus(), live);
            assertThat(mirror.lost()).isZero();
        }
    }

    /** {@code open(key, s)} with {@code s} final publishes {@code s -> s}: the key reaches {@code s}, and leaves. */
    @Test
    void aKeyOpenedInAFinalStateLeavesTheSourcesTableAsTheMirrors()
    {
        try (KeyedStateBus<Connection> source = builder().build();
             KeyedMirror<Connection> mirror = builder().buildMirror(0, 0))
        {
            final KeyedSubscription<Connection> bridge = source.subscribe(Policy.BLOCK);
            source.open(5, CLOSED);
            source.open(6, DISCONNECTED);
            assertThat(forward(bridge, mirror)).isEqualTo(2);
            assertThat(mirror.bus().isOpen(5)).isFalse();
            assertThat(source.isOpen(5)).as("the source's key table, as the mirror's").isFalse();
            assertThat(source.openKeys()).isEqualTo(mirror.bus().openKeys()).isEqualTo(1);
            source.open(5, DISCONNECTED); // its slot is free: it opens again, on both
            assertThat(forward(bridge, mirror)).isEqualTo(1);
            assertThat(mirror.bus().get(5)).isEqualTo(source.get(5)).isEqualTo(DISCONNECTED);
        }
    }

    @Test
    void aMirrorSeededFromASnapshotJoinsMidStream()
    {
        try (KeyedStateBus<Connection> source = builder().build())
        {
            final SplittableRandom random = new SplittableRandom(3);
            final List<Long> live = new ArrayList<>();
            final long[] nextKey = {1};
            for (int i = 0; i < 500; i++)
            {
                step(source, live, random, nextKey);
            }
            final KeyedSubscription<Connection> bridge = source.subscribe(Policy.BLOCK);
            final long at = source.latestSequence(); // quiescent: the snapshot is the table now
            try (KeyedMirror<Connection> mirror = builder().buildMirror(at, 0))
            {
                for (final long key : live)
                {
                    mirror.seed(key, source.get(key));
                }
                assertThatThrownBy(() -> mirror.seed(live.get(0), CONNECTED))
                    .isInstanceOf(IllegalArgumentException.class);
                final KeyedSubscription<Connection> local = mirror.bus().subscribe(Policy.BLOCK);
                assertSameKeys(source, mirror.bus(), live);
                final List<String> got = new ArrayList<>();
                for (int i = 0; i < 500; i++)
                {
                    step(source, live, random, nextKey);
                    forward(bridge, mirror);
                    got.addAll(record(local)); // a BLOCK subscription: the mirror's ring has 64 slots
                }
                assertThat(got).hasSize((int)(source.latestSequence() - at)).noneMatch(s -> s.startsWith("gap"));
                assertSameKeys(source, mirror.bus(), live);
                assertThatThrownBy(() -> mirror.seed(-1, CONNECTED)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void lostSequencesAreOneExactGapAndKeysResumeFromTheirNextTransition()
    {
        try (KeyedMirror<Connection> mirror = builder().buildMirror(10, 0))
        {
            mirror.seed(1, CONNECTING);
            mirror.seed(2, CONNECTED);
            final KeyedStateBus<Connection> bus = mirror.bus();
            final KeyedSubscription<Connection> block = bus.subscribe(Policy.BLOCK);
            final KeyedSubscription<Connection> gap = bus.subscribe(Policy.GAP);
            mirror.append(11, 1, CONNECTING, CONNECTED, 110);
            assertThatThrownBy(() -> mirror.append(12, 2, CLOSING, CLOSED, 120))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            assertThatThrownBy(() -> mirror.append(12, 3, CONNECTING, CONNECTED, 120))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not have it");
            // 12..14 never arrive: key 2 changed in them, key 3 was opened in them
            mirror.append(15, 2, CLOSING, CLOSED, 150);
            mirror.append(16, 3, CONNECTING, CONNECTED, 160);
            mirror.append(17, 1, CONNECTED, CLOSING, 170);
            for (final KeyedSubscription<Connection> sub : List.of(block, gap))
            {
                assertThat(record(sub)).containsExactly("#11 1:CONNECTING->CONNECTED@110", "gap 12..14",
                    "#15 2:CLOSING->CLOSED@150", "#16 3:CONNECTING->CONNECTED@160", "#17 1:CONNECTED->CLOSING@170");
                assertThat(sub.missed()).isEqualTo(3);
                assertThat(sub.gaps()).isEqualTo(1);
            }
            assertThat(mirror.lost()).isEqualTo(3);
            assertThat(bus.isOpen(2)).as("retired on CLOSED").isFalse();
            assertThat(bus.get(3)).isEqualTo(CONNECTED);
            assertThat(bus.get(1)).isEqualTo(CLOSING);
            assertThat(bus.openKeys()).isEqualTo(2);
            // after the loss, key 1's chain is checked again: its latest transition here is after the lost range
            assertThatThrownBy(() -> mirror.append(18, 1, CONNECTED, CLOSED, 180))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            // an opening of a key the mirror still has (retired on the source without a transition) reopens it
            mirror.append(18, 1, DISCONNECTED, DISCONNECTED, 180);
            assertThat(bus.get(1)).isEqualTo(DISCONNECTED);
        }
    }

    @Test
    void aLossLearntFromASnapshotIsOneExactGapBeforeTheNextTransition()
    {
        try (KeyedMirror<Connection> mirror = builder().capacity(4).buildMirror(10, 0))
        {
            mirror.seed(1, CONNECTING);
            final KeyedStateBus<Connection> bus = mirror.bus();
            final KeyedSubscription<Connection> block = bus.subscribe(Policy.BLOCK);
            final KeyedSubscription<Connection> gap = bus.subscribe(Policy.GAP);
            mirror.append(11, 1, CONNECTING, CONNECTED, 110);
            assertThat(mirror.lostUpTo(20)).as("the BLOCK subscription has not read 11").isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(11);
            assertThat(record(block)).containsExactly("#11 1:CONNECTING->CONNECTED@110");
            assertThatThrownBy(() -> mirror.lostUpTo(11)).isInstanceOf(IllegalArgumentException.class);
            assertThat(mirror.lostUpTo(20)).isTrue();
            assertThat(mirror.latestSequence()).isEqualTo(20);
            assertThat(mirror.lost()).isEqualTo(9);
            assertThat(bus.get(1)).isEqualTo(CONNECTED);
            assertThat(mirror.tryAppend(21, 1, CONNECTED, CLOSING, 210)).as("the mark holds a slot until read")
                .isFalse();
            assertThat(record(block)).as("nothing to deliver yet: the notice comes with #21").isEmpty();
            assertThat(mirror.tryAppend(21, 1, CONNECTED, CLOSING, 210)).isTrue();
            assertThat(record(block)).containsExactly("gap 12..20", "#21 1:CONNECTED->CLOSING@210");
            assertThat(record(gap)).containsExactly("#11 1:CONNECTING->CONNECTED@110", "gap 12..20",
                "#21 1:CONNECTED->CLOSING@210");
            assertThat(block.missed()).isEqualTo(9);
            assertThat(gap.missed()).isEqualTo(9);
        }
    }

    @Test
    void aSnapshotRepairsTheKeyTableAfterALoss()
    {
        try (KeyedMirror<Connection> mirror = builder().buildMirror(10, 0))
        {
            mirror.seed(1, CONNECTING);
            mirror.seed(2, CONNECTED);
            mirror.seed(3, CONNECTED);
            // 11..19 lost: on the source key 2 closed (retired), key 4 opened, key 3 moved on
            mirror.append(20, 1, CONNECTING, CONNECTED, 200);
            final KeyedStateBus<Connection> bus = mirror.bus();
            assertThat(bus.isOpen(2)).as("the mirror cannot know yet").isTrue();
            assertThatThrownBy(() -> mirror.resync(19, new long[] {1, 3, 4}, List.of(CONNECTED, CLOSING, CONNECTING)))
                .isInstanceOf(IllegalArgumentException.class);
            mirror.resync(20, new long[] {1, 3, 4}, List.of(CONNECTED, CLOSING, CONNECTING));
            assertThat(bus.isOpen(2)).isFalse();
            assertThat(bus.get(3)).isEqualTo(CLOSING);
            assertThat(bus.get(4)).isEqualTo(CONNECTING);
            assertThat(bus.openKeys()).isEqualTo(3);
            // from the repaired state on, each key's chain is checked again
            assertThatThrownBy(() -> mirror.append(21, 3, CONNECTED, CLOSED, 210))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            mirror.append(21, 3, CLOSING, CLOSED, 210);
            assertThat(bus.isOpen(3)).isFalse();
        }
    }

    @Test
    void anExplicitRetirementLearntLaterRetiresTheKeyUnlessItReopenedSince()
    {
        try (KeyedMirror<Connection> mirror = builder().buildMirror(0, 0))
        {
            final KeyedStateBus<Connection> bus = mirror.bus();
            final KeyedSubscription<Connection> sub = bus.subscribe(Policy.GAP);
            mirror.append(1, 1, CONNECTING, CONNECTING, 10);
            mirror.append(2, 2, CONNECTING, CONNECTING, 20);
            mirror.append(3, 2, CONNECTING, CONNECTED, 30);
            // the source retired key 1 (known at 1) with retire(key): the mirror retires it, publishing nothing
            assertThat(mirror.retire(1, 1)).isTrue();
            assertThat(bus.isOpen(1)).isFalse();
            assertThat(mirror.retire(1, 1)).as("not open any more").isFalse();
            // key 2 retired when known at 2, then reopened at 4: the late word of the retirement keeps it
            mirror.append(4, 2, CONNECTED, CONNECTED, 40);
            assertThat(mirror.retire(2, 3)).isFalse();
            assertThat(bus.get(2)).isEqualTo(CONNECTED);
            assertThat(mirror.latestSequence()).isEqualTo(4);
            assertThat(record(sub)).hasSize(4); // the retirements published nothing
            // reopened in a new state after the retirement, as on the source
            mirror.append(5, 1, CLOSING, CLOSING, 50);
            assertThat(bus.get(1)).isEqualTo(CLOSING);
        }
    }

    @Test
    void localChangesAreRefusedAndABlockSubscriptionHoldsTheAppendBack() throws Exception
    {
        try (KeyedMirror<Connection> mirror = builder().capacity(4).buildMirror(0, 0))
        {
            final KeyedStateBus<Connection> bus = mirror.bus();
            mirror.append(1, 7, DISCONNECTED, DISCONNECTED, 0);
            assertThatThrownBy(() -> bus.open(8, DISCONNECTED)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mirror");
            assertThatThrownBy(() -> bus.set(7, CONNECTING)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> bus.compareAndSet(7, DISCONNECTED, CONNECTING))
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> bus.retire(7)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> mirror.append(1, 7, DISCONNECTED, CONNECTING, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the latest");
            final KeyedSubscription<Connection> block = bus.subscribe(Policy.BLOCK);
            for (long n = 2; n <= 5; n++)
            {
                assertThat(mirror.tryAppend(n, 7, STATES[(int)n % 2], STATES[(int)(n + 1) % 2], 0)).isTrue();
            }
            assertThat(mirror.tryAppend(6, 7, DISCONNECTED, CONNECTING, 0)).isFalse();
            assertThat(mirror.tryAppend(6, 7, DISCONNECTED, CONNECTING, 0, Duration.ofMillis(20))).isFalse();
            assertThat(bus.latestSequence()).isEqualTo(5);
            assertThat(record(block)).hasSize(4);
            assertThat(mirror.tryAppend(6, 7, DISCONNECTED, CONNECTING, 0)).isTrue();
            assertThat(bus.get(7)).isEqualTo(CONNECTING);
        }
    }

    /**
     * A key's entry keeps its whole sequence (50 bits), so a mirror of a source that has run past 2^38 transitions
     * (a day at three million a second) still reports each key's latest sequence, finds a key's state by it, and
     * decides retirements and chains by it. A first version kept 38 bits: at 2^38 + 5 it reported 5.
     */
    @Test
    void aMirrorFarIntoItsSourcesSequencesKeepsEveryKeysWholeSequence()
    {
        final long start = (1L << 38) + 5;
        try (KeyedMirror<Connection> mirror = builder().buildMirror(start, 0))
        {
            mirror.seed(1, CONNECTED);
            mirror.seed(2, CONNECTED);
            mirror.append(start + 1, 1, CONNECTED, CLOSING, 0);
            final List<String> open = new ArrayList<>();
            mirror.bus().forEachOpenKey((key, state, sequence) -> open.add(key + " " + state + " #" + sequence));
            assertThat(open).containsExactlyInAnyOrder("1 CLOSING #" + (start + 1), "2 CONNECTED #" + start);
            assertThat(mirror.bus().get(1)).isEqualTo(CLOSING);
            assertThat(mirror.retire(2, start - 1)).as("its latest transition is after the retirement").isFalse();
            assertThat(mirror.retire(2, start)).isTrue();
            mirror.lostUpTo(start + 3);
            mirror.append(start + 4, 1, CLOSING, CLOSED, 0); // chained: key 1's latest is before the loss, as it is
            assertThat(mirror.bus().isOpen(1)).isFalse();
        }
    }

    /** The limit of a key's entry: a keyed bus's sequences stay below 2^50; a mirror past it is refused. */
    @Test
    void sequencesAtTwoToTheFiftyAreRefusedClearly()
    {
        final long limit = 1L << 50;
        assertThatThrownBy(() -> builder().buildMirror(limit, 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("2^50");
        try (KeyedMirror<Connection> mirror = builder().buildMirror(limit - 2, 0))
        {
            mirror.seed(1, CONNECTED);
            mirror.append(limit - 1, 1, CONNECTED, CLOSING, 0);
            assertThatThrownBy(() -> mirror.append(limit, 1, CLOSING, CLOSED, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2^50");
            assertThatThrownBy(() -> mirror.lostUpTo(limit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2^50");
            assertThat(mirror.bus().get(1)).isEqualTo(CLOSING);
            assertThat(mirror.latestSequence()).isEqualTo(limit - 1);
            assertThat(mirror.lost()).isZero();
        }
    }
}
