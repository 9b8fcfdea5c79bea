package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link LongMirror}'s bus: its consumers see the source's sequences, values, chain and timestamps; every sequence
 * it never received reaches every subscription, BLOCK ones included, as one exact gap; local changes are refused.
 */
@Timeout(60)
final class LongMirrorKeepsTheSourcesSequencesTest
{
    private static LongMirror mirrorAt(final long sequence, final int capacity)
    {
        return StateBus.longBuilder(valueAt(sequence)).capacity(capacity)
            .buildMirror(sequence, sequence == 0 ? 0 : valueAt(sequence - 1), sequence * 10);
    }

    private static boolean append(final LongMirror mirror, final long n)
    {
        return mirror.tryAppend(n, valueAt(n - 1), valueAt(n), n * 10);
    }

    @Test
    void consumersSeeTheSourcesTransitionsWithTheirSequencesValuesAndTimestamps()
    {
        final long[] clock = {1_000};
        try (LongStateBus source = StateBus.longBuilder(0).clock(() -> clock[0] += 7).build();
             LongMirror mirror = StateBus.longBuilder(0).buildMirror(0, 0, 0))
        {
            final LongSubscription bridge = source.subscribe(Policy.BLOCK);
            final LongSubscription local = mirror.bus().subscribe(Policy.BLOCK);
            for (long i = 1; i <= 20; i++)
            {
                source.set(i * i);
            }
            final List<long[]> sent = new ArrayList<>();
            bridge.poll((t, end) -> sent.add(new long[] {t.sequence(), t.from(), t.to(), t.timestampNanos()}), 64);
            for (final long[] t : sent)
            {
                mirror.append(t[0], t[1], t[2], t[3]);
            }
            final List<long[]> received = new ArrayList<>();
            local.poll((t, end) -> received.add(new long[] {t.sequence(), t.from(), t.to(), t.timestampNanos()}), 64);
            assertThat(received).hasSize(20);
            for (int i = 0; i < 20; i++)
            {
                assertThat(received.get(i)).containsExactly(sent.get(i));
            }
            assertThat(local.missed()).isZero();
            assertThat(mirror.bus().get()).isEqualTo(400);
            assertThat(mirror.latestSequence()).isEqualTo(20);
        }
    }

    @Test
    void lostSequencesReachEverySubscriptionAsOneExactGap()
    {
        try (LongMirror mirror = mirrorAt(100, 8))
        {
            final LongStateBus bus = mirror.bus();
            assertThat(bus.get()).isEqualTo(valueAt(100));
            final LongSubscription block = bus.subscribe(Policy.BLOCK);
            final LongSubscription gap = bus.subscribe(Policy.GAP);
            for (final long n : new long[] {101, 102, 105, 106})
            {
                assertThat(append(mirror, n)).isTrue(); // 103 and 104 never arrive
            }
            for (final LongSubscription sub : List.of(block, gap))
            {
                final LongChainCheck check = new LongChainCheck(sub, 106);
                sub.poll(check, 64);
                assertThat(check.verdict()).isEqualTo("clean");
                assertThat(check.delivered).isEqualTo(4);
                assertThat(check.notices).isEqualTo(1);
                assertThat(check.missedInNotices).isEqualTo(2);
                assertThat(sub.missed()).isEqualTo(2);
                assertThat(sub.gaps()).isEqualTo(1);
            }
            assertThat(mirror.lost()).isEqualTo(2);
            assertThat(bus.get()).isEqualTo(valueAt(106));
        }
    }

    @Test
    void moreThanARingLostIsOneGapAndTheValueStaysReadableWhileTheAppendIsHeldBack()
    {
        try (LongMirror mirror = mirrorAt(0, 8))
        {
            final LongStateBus bus = mirror.bus();
            final LongSubscription block = bus.subscribe(Policy.BLOCK);
            final LongChainCheck check = new LongChainCheck(block, 1_001);
            for (long n = 1; n <= 8; n++)
            {
                assertThat(append(mirror, n)).isTrue(); // the ring holds eight unread transitions
            }
            assertThat(append(mirror, 1_000)).as("the skip waits for the BLOCK subscription").isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(8);
            block.poll(check, 64);
            // 9..999 lost: one write marks them; the append of 1000 then needs a slot the subscription holds until
            // it passes the mark, so it is held back, with the cursor on the mark
            assertThat(append(mirror, 1_000)).isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(999);
            // the mark holds the source's value at 999, #1000's from (before, the value at 8: a subscription joining
            // here then received #1000 from another value with no gap notice)
            assertThat(bus.get()).as("the source's value at 999, read at a lost mark").isEqualTo(valueAt(999));
            final LongSubscription joined = bus.subscribe(Policy.GAP);
            assertThat(joined.joinSequence()).isEqualTo(999);
            assertThat(joined.joinValue()).isEqualTo(valueAt(999));
            block.poll(check, 2_048); // a poll's limit counts lost sequences too: this one reaches the mark
            assertThat(block.position()).isEqualTo(999);
            assertThat(append(mirror, 1_000)).isTrue();
            assertThat(append(mirror, 1_001)).isTrue();
            final long[] firstFrom = {-1};
            joined.poll((t, end) -> firstFrom[0] = firstFrom[0] == -1 ? t.from() : firstFrom[0], 64);
            assertThat(firstFrom[0]).as("the joined subscription's first transition, chained")
                .isEqualTo(joined.joinValue());
            block.poll(check, 64);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(10);
            assertThat(check.notices).isEqualTo(1);
            assertThat(block.missed()).isEqualTo(991);
            assertThat(mirror.lost()).isEqualTo(991);
            assertThat(bus.get()).isEqualTo(valueAt(1_001));
        }
    }

    @Test
    void aBlockSubscriptionHoldsTheAppendingThreadBack() throws Exception
    {
        try (LongMirror mirror = mirrorAt(0, 4))
        {
            final LongSubscription block = mirror.bus().subscribe(Policy.BLOCK);
            for (long n = 1; n <= 4; n++)
            {
                assertThat(append(mirror, n)).isTrue();
            }
            assertThat(mirror.tryAppend(5, valueAt(4), valueAt(5), 50, Duration.ofMillis(20))).isFalse();
            assertThat(append(mirror, 5)).as("one attempt, no wait").isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(4);
            final LongChainCheck check = new LongChainCheck(block, 5);
            block.poll(check, 64);
            assertThat(append(mirror, 5)).isTrue();
            block.poll(check, 64);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(5);
        }
    }

    @Test
    void badAppendsAndLocalChangesAreRefusedAndChangeNothing()
    {
        try (LongMirror mirror = mirrorAt(10, 8))
        {
            final LongStateBus bus = mirror.bus();
            assertThatThrownBy(() -> bus.set(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mirror");
            assertThatThrownBy(() -> bus.compareAndSet(valueAt(10), 3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> mirror.append(10, valueAt(9), valueAt(10), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the latest");
            assertThatThrownBy(() -> mirror.append(11, 7, valueAt(11), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            assertThatThrownBy(() -> StateBus.longBuilder(0).buildMirror(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
            assertThat(bus.latestSequence()).isEqualTo(10);
            assertThat(bus.get()).isEqualTo(valueAt(10));
            assertThat(mirror.lost()).isZero();
        }
    }
}
