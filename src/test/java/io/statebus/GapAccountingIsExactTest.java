package io.statebus;

import io.statebus.ring.SlotWord;
import io.statebus.ring.TransitionRing;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5: a {@link Policy#GAP} subscription never slows the producer; when lapped it receives one gap notice
 * per incident saying exactly what it missed and the state it resumes from; {@code delivered + missed ==
 * published since join}, always. States here are {@code sequence % 7}, so every figure is known in advance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GapAccountingIsExactTest
{
    private static final int STATES = 7;
    private static final List<Integer> STATE_LIST = TestStates.integers(STATES);
    private static final LongFunction<Integer> STATE_AT = sequence -> (int)(sequence % STATES);

    private static StateBus<Integer> bus(final int capacity)
    {
        return StateBus.builder(0, STATE_LIST).capacity(capacity).build();
    }

    private static void publishUpTo(final StateBus<Integer> bus, final long lastSequence)
    {
        for (long s = bus.latestSequence() + 1; s <= lastSequence; s++)
        {
            bus.set((int)(s % STATES));
        }
    }

    /** Records gap notices and transitions in the order they arrive, as text. */
    private static final class Events implements TransitionHandler<Integer>
    {
        final List<String> events = new ArrayList<>();

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            events.add(t.toString());
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            events.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " missed " + gap.missed() +
                " resume " + gap.resumeState());
        }
    }

    private static List<String> transitions(final long first, final long last)
    {
        final List<String> expected = new ArrayList<>();
        for (long s = first; s <= last; s++)
        {
            expected.add("#" + s + " " + STATE_AT.apply(s - 1) + " -> " + STATE_AT.apply(s));
        }
        return expected;
    }

    @Test
    void aGapSubscriptionNeverMakesTheProducerWaitWhetherPolledOrOnAStuckHandlerThread() throws Exception
    {
        final CountDownLatch unstick = new CountDownLatch(1);
        final CountDownLatch stuck = new CountDownLatch(1);
        try (StateBus<Integer> bus = bus(8))
        {
            final Subscription<Integer> neverPolled = bus.subscribe(Policy.GAP);
            final Subscription<Integer> stuckHandler = bus.subscribe(Policy.GAP, (t, end) ->
            {
                stuck.countDown();
                try
                {
                    unstick.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            bus.set(1);
            assertThat(stuck.await(20, TimeUnit.SECONDS)).isTrue();
            for (int i = 2; i <= 10 * 8; i++)
            {
                assertThat(bus.trySet(i % STATES, 0, TimeUnit.NANOSECONDS)).as("#%d published at once", i).isTrue();
            }
            assertThat(bus.latestSequence()).isEqualTo(80);
            assertThat(bus.producerWaits()).isZero();
            unstick.countDown();
            TestAwait.until(() -> stuckHandler.position() == 80, "the unstuck handler caught up");
            assertThat(stuckHandler.delivered() + stuckHandler.missed()).isEqualTo(80);
            assertThat(stuckHandler.gaps()).isEqualTo(1);
            assertThat(neverPolled.position()).isZero();
        }
    }

    @Test
    void eachIncidentGivesOneNoticeWithItsExactRangeCountAndResumeState()
    {
        try (StateBus<Integer> bus = bus(8))
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            final Events first = new Events();
            publishUpTo(bus, 20);
            assertThat(sub.poll(first, 100)).isEqualTo(8);
            // slots hold 13..20; 1..12 were overwritten; the state after #12 is 12 % 7 = 5
            final List<String> expected = new ArrayList<>(List.of("gap 1..12 missed 12 resume 5"));
            expected.addAll(transitions(13, 20));
            assertThat(first.events).containsExactlyElementsOf(expected);
            assertThat(sub.delivered()).isEqualTo(8);
            assertThat(sub.missed()).isEqualTo(12);
            assertThat(sub.gaps()).isEqualTo(1);

            final Events second = new Events();
            publishUpTo(bus, 50);
            assertThat(sub.poll(second, 100)).isEqualTo(8);
            final List<String> expectedSecond = new ArrayList<>(List.of("gap 21..42 missed 22 resume 0"));
            expectedSecond.addAll(transitions(43, 50));
            assertThat(second.events).containsExactlyElementsOf(expectedSecond);
            assertThat(sub.delivered()).isEqualTo(16);
            assertThat(sub.missed()).isEqualTo(34);
            assertThat(sub.gaps()).isEqualTo(2);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(50);
        }
    }

    @Test
    void exactlyOneRingBehindIsNotAGapAndOneMoreIsAGapOfExactlyOne()
    {
        try (StateBus<Integer> bus = bus(8))
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            final Events full = new Events();
            publishUpTo(bus, 8);
            assertThat(sub.poll(full, 100)).isEqualTo(8);
            assertThat(full.events).containsExactlyElementsOf(transitions(1, 8));
            assertThat(sub.gaps()).isZero();

            final Events overfull = new Events();
            publishUpTo(bus, 17);
            assertThat(sub.poll(overfull, 100)).isEqualTo(8);
            final List<String> expected = new ArrayList<>(List.of("gap 9..9 missed 1 resume 2"));
            expected.addAll(transitions(10, 17));
            assertThat(overfull.events).containsExactlyElementsOf(expected);
            assertThat(sub.missed()).isEqualTo(1);
            assertThat(sub.gaps()).isEqualTo(1);
        }
    }

    @Test
    void theNoticeComesJustBeforeTheFirstTransitionAfterTheGapEvenWithAPollLimitOfOne()
    {
        try (StateBus<Integer> bus = bus(4))
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            publishUpTo(bus, 10);
            final Events events = new Events();
            for (int i = 0; i < 4; i++)
            {
                assertThat(sub.poll(events, 1)).isEqualTo(1);
                assertThat(sub.delivered() + sub.missed()).isEqualTo(sub.position());
            }
            assertThat(sub.poll(events, 1)).isZero();
            final List<String> expected = new ArrayList<>(List.of("gap 1..6 missed 6 resume 6"));
            expected.addAll(transitions(7, 10));
            assertThat(events.events).containsExactlyElementsOf(expected);
        }
    }

    /**
     * A seeded random schedule of bursts and polls with random limits on three GAP subscriptions joined at
     * different points: after every poll {@code delivered + missed} equals what the subscription has consumed since
     * it joined, and whenever a poll finds nothing it equals everything published since the join.
     */
    @Test
    void deliveredPlusMissedEqualsPublishedSinceJoinAtEveryQuiescentPoint()
    {
        final Random random = new Random(7);
        try (StateBus<Integer> bus = bus(16))
        {
            final List<Subscription<Integer>> subs = new ArrayList<>();
            final List<ChainCheckFixture<Integer>> checks = new ArrayList<>();
            int quiescentChecks = 0;
            for (int step = 0; step < 6_000; step++)
            {
                if (step == 0 || step == 7 || step == 1_000)
                {
                    final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
                    subs.add(sub);
                    checks.add(new ChainCheckFixture<>(sub, Long.MAX_VALUE, STATE_AT));
                }
                publishUpTo(bus, bus.latestSequence() + random.nextInt(random.nextBoolean() ? 8 : 60));
                for (int i = 0; i < subs.size(); i++)
                {
                    final Subscription<Integer> sub = subs.get(i);
                    for (int polls = random.nextInt(4); polls >= 0; polls--)
                    {
                        final int got = sub.poll(checks.get(i), 1 + random.nextInt(20));
                        assertThat(sub.delivered() + sub.missed()).isEqualTo(sub.position() - sub.joinSequence());
                        if (got == 0)
                        {
                            assertThat(sub.delivered() + sub.missed())
                                .isEqualTo(bus.latestSequence() - sub.joinSequence());
                            quiescentChecks++;
                            break;
                        }
                    }
                }
            }
            for (int i = 0; i < subs.size(); i++)
            {
                final Subscription<Integer> sub = subs.get(i);
                final ChainCheckFixture<Integer> check = checks.get(i);
                TestAwait.drain(sub, check);
                assertThat(check.verdict()).isEqualTo("clean");
                assertThat(sub.delivered() + sub.missed()).isEqualTo(bus.latestSequence() - sub.joinSequence());
                assertThat(check.delivered).isEqualTo(sub.delivered());
                assertThat(check.missedInNotices).isEqualTo(sub.missed());
                assertThat(check.gapNotices).isEqualTo(sub.gaps()).isPositive();
            }
            assertThat(quiescentChecks).isGreaterThan(1_000);
        }
    }

    @Test
    void aGapHandlerThreadLappedByAFullSpeedProducerAccountsForEveryTransition() throws Exception
    {
        final int transitions = 1_000_000;
        try (StateBus<Integer> bus = bus(64))
        {
            final ChainCheckFixture<Integer> check = new ChainCheckFixture<>(0, 0, transitions, STATE_AT);
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP, check);
            publishUpTo(bus, transitions);
            assertThat(check.awaitReached(40)).as("the handler thread accounted for the last transition").isTrue();
            TestAwait.until(() -> sub.position() == transitions, "the handler thread's position caught up");

            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(sub.delivered() + sub.missed()).isEqualTo(transitions);
            assertThat(check.delivered).isEqualTo(sub.delivered());
            assertThat(check.missedInNotices).isEqualTo(sub.missed());
            assertThat(check.gapNotices).isEqualTo(sub.gaps());
            System.out.printf("GapAccountingIsExactTest: handler thread: delivered %d, missed %d in %d gaps%n",
                sub.delivered(), sub.missed(), sub.gaps());
        }
    }

    /** A gap notice that throws hands nothing over: the transition after it is neither delivered nor missed. */
    @Test
    void aThrowingGapNoticeCountsNoTransitionAsDelivered()
    {
        try (StateBus<Integer> bus = bus(4))
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            publishUpTo(bus, 10); // the ring holds 7..10: 1..6 were overwritten
            final List<Long> handedOver = new ArrayList<>();
            final IllegalStateException boom = new IllegalStateException("gap handler");
            try
            {
                sub.poll(new TransitionHandler<>()
                {
                    @Override
                    public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                    {
                        handedOver.add(t.sequence());
                    }

                    @Override
                    public void onGap(final Gap<Integer> gap)
                    {
                        throw boom;
                    }
                }, 100);
            }
            catch (final IllegalStateException expected)
            {
                assertThat(expected).isSameAs(boom);
            }
            assertThat(handedOver).isEmpty();
            assertThat(sub.delivered()).isZero();
            assertThat(sub.missed()).isEqualTo(6);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(sub.position());
            assertThat(sub.failure()).isSameAs(boom);
        }
    }

    private static Field field(final Class<?> start, final String name) throws NoSuchFieldException
    {
        for (Class<?> c = start; c != null; c = c.getSuperclass())
        {
            try
            {
                final Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            }
            catch (final NoSuchFieldException ignore)
            {
                // look further up
            }
        }
        throw new NoSuchFieldException(name);
    }

    /**
     * Puts a single-producer bus with no BLOCK subscription exactly where 'to' publications would have left it
     * (sequencer claim, cached gate and cursor, the slot at the cursor), without running 2^39 publications.
     */
    private static void fastForward(final StateBus<Integer> bus, final long to) throws Exception
    {
        final Object ring = field(StateBus.class, "ring").get(bus);
        final int current = io.statebus.ring.LatestTransition.stateId((TransitionRing)ring);
        final Object sequencer = field(ring.getClass(), "sequencer").get(ring);
        field(sequencer.getClass(), "nextValue").setLong(sequencer, to);
        field(sequencer.getClass(), "cachedValue").setLong(sequencer, to);
        ((Sequence)field(sequencer.getClass(), "cursor").get(sequencer)).set(to);
        final long[] slots = (long[])field(ring.getClass(), "slots").get(ring);
        slots[(int)to & (slots.length - 1)] = SlotWord.pack(to, current, current);
        // the ring's slots all get overwritten by the publications the test makes after this
    }

    /**
     * A GAP subscription left unpolled while the producer published 2^39 transitions (hours at tens of millions a
     * second) gets a gap notice and the last ring, not slots of later laps under its old sequence numbers: the
     * slot word's 39-bit tag is widened against a fresh cursor, never against the reader's own position. The bus is
     * moved forward by reflection to where 2^39 publications would leave it.
     */
    @Test
    void aGapSubscriptionLeftUnpolledFor2To39PublicationsGetsAGapNoticeNotStaleSlots() throws Exception
    {
        final int capacity = 8;
        try (StateBus<Integer> bus = StateBus.builder(0, STATE_LIST).capacity(capacity).noClock().build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP); // joins at 0, state 0
            final Map<Long, String> published = new HashMap<>();
            published.put(bus.set(1), "0->1");
            published.put(bus.set(2), "1->2");

            final long forwardTo = (1L << 39) + 100;
            fastForward(bus, forwardTo);
            int state = 2;
            for (int i = 0; i < 2 * capacity; i++)
            {
                final int next = (state + 1) % STATES;
                published.put(bus.set(next), state + "->" + next);
                state = next;
            }
            final long latest = bus.latestSequence();
            assertThat(latest).isEqualTo(forwardTo + 2 * capacity);

            final List<String> received = new ArrayList<>();
            final List<String> wrong = new ArrayList<>();
            sub.poll(new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                {
                    received.add("#" + t.sequence() + " " + t.from() + "->" + t.to());
                    final String expected = published.get(t.sequence());
                    if (expected == null || !expected.equals(t.from() + "->" + t.to()))
                    {
                        wrong.add("#" + t.sequence() + " " + t.from() + "->" + t.to() + " (published: " +
                            expected + ")");
                    }
                }

                @Override
                public void onGap(final Gap<Integer> gap)
                {
                    received.add("gap " + gap.firstMissed() + ".." + gap.lastMissed());
                }
            }, 64);

            assertThat(wrong).as("transitions that were never published with that sequence; received %s",
                received.subList(0, Math.min(6, received.size()))).isEmpty();
            assertThat(received.get(0)).isEqualTo("gap 1.." + (latest - capacity));
            assertThat(sub.missed()).isEqualTo(latest - capacity);
            assertThat(sub.delivered()).isEqualTo(capacity);
        }
    }

    /**
     * delivered + missed accounts for every position another thread has seen: the counters are stored before the
     * position, so an observer reading position, then counters, never finds them behind.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void countersAccountForEveryPositionAnotherThreadHasSeen() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, STATE_LIST).capacity(1024).noClock().build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong violations = new AtomicLong();
            final AtomicReference<String> example = new AtomicReference<>();
            final Thread observer = new Thread(() ->
            {
                while (!stop.get())
                {
                    final long p = sub.position();
                    final long d = sub.delivered();
                    final long m = sub.missed();
                    if (d + m < p - sub.joinSequence())
                    {
                        violations.incrementAndGet();
                        example.compareAndSet(null, "position " + p + " delivered " + d + " missed " + m);
                    }
                }
            }, "observer");
            observer.start();
            final TransitionHandler<Integer> handler = (t, end) -> { };
            try
            {
                final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                for (int i = 0; violations.get() == 0 && System.nanoTime() < end; i++)
                {
                    bus.set(1 + (i % 6));
                    sub.poll(handler, 1);
                }
            }
            finally
            {
                stop.set(true);
                observer.join();
            }
            assertThat(violations.get()).as("first: %s", example.get()).isZero();
        }
    }
}
