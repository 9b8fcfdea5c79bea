package io.statebus.proof;

import io.statebus.Connection;
import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.ReplayUnavailableException;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.TestStates;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Random programs of bus operations (set, compareAndSet, trySet with a zero timeout, subscribe BLOCK/GAP, replay,
 * poll with random limits, stalls, closing subscriptions) run against a bus and, step by step, against
 * {@link Reference}, a sequential model of the contract. After every step: the state and latest sequence agree,
 * every subscription's deliveries are exactly the model's (sequence, from, to, gap range, resume state), chains
 * hold, BLOCK subscriptions lose nothing and never lag more than a ring, and for GAP subscriptions
 * {@code delivered + missed == consumed since join}, and {@code == published since join} once drained.
 *
 * <p>Single-threaded on purpose: the concurrent behaviour is {@link LinearizabilityTest}'s and
 * {@link FaultSoakTest}'s job; here the point is exact, shrinkable counterexamples. QuickTheories generates the
 * programs and, on a failure, shrinks them to a minimal failing program and reports it with the failure's cause and
 * the seed ({@code Seed was ...}); rerun that case with {@code -DQT_SEED=<seed>}, and change the number of programs
 * with {@code -DQT_EXAMPLES=<n>} (default 1000).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ContractPropertiesTest
{
    static final Connection[] STATES = TestStates.THREE.clone();
    static final int MAX_SUBSCRIPTIONS = 5;
    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 1000);

    /** One step of a program. {@code a}, {@code b} are small numbers whose meaning depends on the kind. */
    enum Kind
    {
        SET, CAS, TRY_SET, SUBSCRIBE_BLOCK, SUBSCRIBE_GAP, REPLAY_GAP, POLL, STALL, CLOSE_SUBSCRIPTION
    }

    record Step(Kind kind, int a, int b)
    {
        @Override
        public String toString()
        {
            return kind + "(" + a + "," + b + ")";
        }
    }

    /** Programs of 1 to 120 steps; kinds weighted as below, each shrinking towards {@code SET(0,0)}. */
    static Gen<List<Step>> programs()
    {
        final Gen<Kind> kinds = Generate.frequency(List.of(
            Pair.of(10, Generate.constant(Kind.SET)),
            Pair.of(4, Generate.constant(Kind.CAS)),
            Pair.of(3, Generate.constant(Kind.TRY_SET)),
            Pair.of(2, Generate.constant(Kind.SUBSCRIBE_BLOCK)),
            Pair.of(2, Generate.constant(Kind.SUBSCRIBE_GAP)),
            Pair.of(1, Generate.constant(Kind.REPLAY_GAP)),
            Pair.of(10, Generate.constant(Kind.POLL)),
            Pair.of(2, Generate.constant(Kind.STALL)),
            Pair.of(1, Generate.constant(Kind.CLOSE_SUBSCRIPTION))));
        final Gen<Integer> small = integers().between(0, 9);
        return lists().of(kinds.zip(small, small, Step::new)).ofSizeBetween(1, 120);
    }

    @Test
    void randomProgramsKeepTheContract()
    {
        qt().withExamples(EXAMPLES)
            .forAll(programs(), integers().between(1, 3), Generate.enumValues(ProducerMode.class))
            .checkAssert((program, log2Capacity, mode) -> runProgram(program, 1 << log2Capacity, mode, false));
    }

    /**
     * The harness itself: against a model with one planted bug (it publishes a set to the current state, which the
     * bus by default does not), a failure is found, shrunk to a one-step program, and reported with its seed. A
     * property test whose failures could not be read or reproduced would be of little use.
     */
    @Test
    void aBrokenModelIsCaughtShrunkToOneStepAndReportedWithItsSeed()
    {
        final AssertionError failure = catchThrowableOfType(AssertionError.class, () -> qt().withExamples(200)
            .forAll(programs(), integers().between(1, 3), Generate.enumValues(ProducerMode.class))
            .checkAssert((program, log2Capacity, mode) -> runProgram(program, 1 << log2Capacity, mode, true)));
        assertThat(failure).describedAs("the planted bug is found").isNotNull();
        final String report = failure.getMessage();
        assertThat(report).contains("Property falsified").containsPattern("Seed was -?\\d+");
        final String smallest = report.substring(report.indexOf("Smallest found falsifying value(s) :-"));
        assertThat(smallest).describedAs("the smallest program has one step")
            .containsPattern("\\{\\[[A-Z_]+\\(\\d,\\d\\)\\], ");
    }

    private static void runProgram(
        final List<Step> program, final int capacity, final ProducerMode mode, final boolean plantedBug)
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(capacity)
            .producerMode(mode).noClock().build())
        {
            final Reference model = new Reference(capacity, plantedBug);
            final List<Probe> probes = new ArrayList<>();
            int stepNo = 0;
            for (final Step step : program)
            {
                stepNo++;
                run(step, bus, model, probes);
                checkInvariants("after step " + stepNo + " " + step, bus, model, probes);
            }
            // drain everything still open: now every GAP subscription has accounted for all it was published
            for (final Probe probe : probes)
            {
                if (!probe.closed)
                {
                    probe.stalledFor = 0;
                    while (probe.model.position < model.latest())
                    {
                        poll(probe, 64);
                    }
                    assertThat(probe.sub.delivered() + probe.sub.missed())
                        .describedAs("delivered + missed == published since join for %s", probe.sub)
                        .isEqualTo(model.latest() - probe.sub.joinSequence());
                    if (probe.model.policy == Policy.BLOCK && !probe.model.replay)
                    {
                        assertThat(probe.sub.missed()).isZero();
                        assertThat(probe.sub.delivered()).isEqualTo(model.latest() - probe.sub.joinSequence());
                    }
                }
            }
        }
    }

    /** A subscription under test, its model, and what the test has seen of it. */
    static final class Probe
    {
        final Subscription<Connection> sub;
        final Reference.Sub model;
        /** The state the next delivered transition must start from (chain check). */
        Connection chainState;
        int stalledFor;
        boolean closed;

        Probe(final Subscription<Connection> sub, final Reference.Sub model)
        {
            this.sub = sub;
            this.model = model;
            this.chainState = sub.joinState();
        }
    }

    private static void run(
        final Step step, final StateBus<Connection> bus, final Reference model, final List<Probe> probes)
    {
        final Connection s = STATES[step.a() % 3];
        switch (step.kind())
        {
            case SET ->
            {
                if (model.wouldBlock(s))
                {
                    trySetTimesOut(bus, model, s); // set() would wait for ever: this single thread is the consumer
                }
                else
                {
                    assertThat(bus.set(s)).isEqualTo(model.set(s));
                }
            }
            case CAS ->
            {
                final Connection expected = STATES[step.b() % 3];
                if (model.state == expected && model.wouldBlock(s))
                {
                    trySetTimesOut(bus, model, s);
                }
                else
                {
                    assertThat(bus.compareAndSet(expected, s)).isEqualTo(model.compareAndSet(expected, s));
                }
            }
            case TRY_SET ->
            {
                if (model.wouldBlock(s))
                {
                    trySetTimesOut(bus, model, s);
                }
                else
                {
                    assertThat(trySet(bus, s)).isTrue();
                    model.set(s);
                }
            }
            case SUBSCRIBE_BLOCK, SUBSCRIBE_GAP ->
            {
                if (openCount(probes) < MAX_SUBSCRIPTIONS)
                {
                    final Policy policy = step.kind() == Kind.SUBSCRIBE_BLOCK ? Policy.BLOCK : Policy.GAP;
                    final Subscription<Connection> sub = bus.subscribe(policy);
                    final Reference.Sub expected = model.subscribe(policy);
                    assertThat(sub.joinSequence()).isEqualTo(expected.joinSequence);
                    assertThat(sub.joinState()).isEqualTo(expected.joinState);
                    probes.add(new Probe(sub, expected));
                }
            }
            case REPLAY_GAP ->
            {
                if (openCount(probes) < MAX_SUBSCRIPTIONS)
                {
                    final long from = model.latest() + 1 - step.b();
                    if (from < 1)
                    {
                        return;
                    }
                    final long oldest = model.oldestReplayable();
                    if (from < oldest)
                    {
                        assertThatThrownBy(() -> bus.subscribe(Policy.GAP, from))
                            .isInstanceOf(ReplayUnavailableException.class)
                            .hasMessageContaining("the oldest sequence still available is " + oldest);
                        return;
                    }
                    final Subscription<Connection> sub = bus.subscribe(Policy.GAP, from);
                    final Reference.Sub expected = model.replay(from);
                    assertThat(sub.joinSequence()).isEqualTo(expected.joinSequence);
                    assertThat(sub.joinState()).isEqualTo(expected.joinState);
                    probes.add(new Probe(sub, expected));
                }
            }
            case POLL ->
            {
                final Probe probe = pick(probes, step.a());
                if (probe != null)
                {
                    if (probe.stalledFor > 0)
                    {
                        probe.stalledFor--;
                    }
                    else
                    {
                        poll(probe, 1 + step.b());
                    }
                }
            }
            case STALL ->
            {
                final Probe probe = pick(probes, step.a());
                if (probe != null)
                {
                    probe.stalledFor += 1 + step.b();
                }
            }
            case CLOSE_SUBSCRIPTION ->
            {
                final Probe probe = pick(probes, step.a());
                if (probe != null)
                {
                    probe.sub.close();
                    probe.closed = true;
                    model.close(probe.model);
                    assertThatThrownBy(() -> probe.sub.poll((t, e) -> { }, 1))
                        .isInstanceOf(StateBusClosedException.class);
                }
            }
        }
    }

    private static boolean trySet(final StateBus<Connection> bus, final Connection s)
    {
        try
        {
            return bus.trySet(s, 0, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Back-pressure: the timed variant gives up, and nothing changed. */
    private static void trySetTimesOut(final StateBus<Connection> bus, final Reference model, final Connection s)
    {
        final Connection before = bus.get();
        final long latest = bus.latestSequence();
        final long waits = bus.producerWaits();
        assertThat(trySet(bus, s)).describedAs("trySet(%s) on a full ring", s).isFalse();
        assertThat(bus.get()).isEqualTo(before).isEqualTo(model.state);
        assertThat(bus.latestSequence()).isEqualTo(latest).isEqualTo(model.latest());
        assertThat(bus.producerWaits()).isEqualTo(waits + 1);
    }

    private static int openCount(final List<Probe> probes)
    {
        return (int)probes.stream().filter(p -> !p.closed).count();
    }

    private static Probe pick(final List<Probe> probes, final int index)
    {
        final List<Probe> open = probes.stream().filter(p -> !p.closed).toList();
        return open.isEmpty() ? null : open.get(index % open.size());
    }

    /** Polls the real subscription and the model, and compares every event. */
    private static void poll(final Probe probe, final int limit)
    {
        final List<String> actual = new ArrayList<>();
        final int[] count = {0};
        final int delivered = probe.sub.poll(new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
            {
                assertThat(t.from()).describedAs("chain: %s follows %s", t, probe.chainState)
                    .isEqualTo(probe.chainState);
                probe.chainState = t.to();
                actual.add("#" + t.sequence() + " " + t.from() + ">" + t.to());
                count[0]++;
            }

            @Override
            public void onGap(final Gap<Connection> gap)
            {
                assertThat(gap.missed()).isEqualTo(gap.lastMissed() - gap.firstMissed() + 1).isPositive();
                probe.chainState = gap.resumeState();
                actual.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " >" + gap.resumeState());
            }
        }, limit);
        assertThat(delivered).isEqualTo(count[0]).isLessThanOrEqualTo(limit);
        assertThat(actual).describedAs("poll(%d) of %s", limit, probe.sub).isEqualTo(probe.model.poll(limit));
    }

    private static void checkInvariants(
        final String where, final StateBus<Connection> bus, final Reference model, final List<Probe> probes)
    {
        assertThat(bus.get()).describedAs(where).isEqualTo(model.state);
        assertThat(bus.latestSequence()).describedAs(where).isEqualTo(model.latest());
        assertThat(bus.subscriptionCount()).describedAs(where).isEqualTo(openCount(probes));
        for (final Probe probe : probes)
        {
            if (probe.closed)
            {
                continue;
            }
            final Subscription<Connection> sub = probe.sub;
            assertThat(sub.position()).describedAs(where).isEqualTo(probe.model.position);
            assertThat(sub.delivered() + sub.missed()).describedAs("%s: delivered + missed of %s", where, sub)
                .isEqualTo(sub.position() - sub.joinSequence());
            assertThat(sub.missed()).describedAs(where).isEqualTo(probe.model.missed);
            assertThat(sub.gaps()).describedAs(where).isEqualTo(probe.model.gaps);
            if (probe.model.policy == Policy.BLOCK)
            {
                assertThat(sub.missed()).describedAs(where).isZero();
                assertThat(sub.lag()).describedAs("%s: a BLOCK subscription is never more than a ring behind", where)
                    .isLessThanOrEqualTo(model.capacity);
            }
        }
    }

    /**
     * The contract, sequentially. The state and the whole history (this is a model: it may keep everything); per
     * subscription, its position. A producer would block exactly when an open BLOCK subscription is a whole ring
     * behind. A GAP subscription more than a ring behind gets one notice for the overwritten range and resumes at
     * the oldest transition still in the ring.
     */
    static final class Reference
    {
        final int capacity;
        /** A deliberate bug, for the harness's own test: the model publishes a set to the current state. */
        final boolean publishesUnchanged;
        final List<Connection[]> history = new ArrayList<>();
        final List<Sub> subs = new ArrayList<>();
        Connection state = Connection.DISCONNECTED;

        static final class Sub
        {
            final Reference bus;
            final Policy policy;
            final long joinSequence;
            final Connection joinState;
            final boolean replay;
            long position;
            long missed;
            long gaps;
            boolean open = true;

            Sub(final Reference bus, final Policy policy, final long joinSequence, final Connection joinState,
                final boolean replay)
            {
                this.bus = bus;
                this.policy = policy;
                this.joinSequence = joinSequence;
                this.joinState = joinState;
                this.replay = replay;
                this.position = joinSequence;
            }

            List<String> poll(final int limit)
            {
                final List<String> events = new ArrayList<>();
                final long n = bus.latest();
                if (policy == Policy.GAP && n - position > bus.capacity)
                {
                    final long resume = n - bus.capacity + 1;
                    events.add("gap " + (position + 1) + ".." + (resume - 1) + " >" + bus.history.get((int)resume)[0]);
                    missed += resume - 1 - position;
                    gaps++;
                    position = resume - 1;
                }
                for (int i = 0; i < limit && position < n; i++)
                {
                    position++;
                    final Connection[] t = bus.history.get((int)position);
                    events.add("#" + position + " " + t[0] + ">" + t[1]);
                }
                return events;
            }
        }

        Reference(final int capacity, final boolean publishesUnchanged)
        {
            this.capacity = capacity;
            this.publishesUnchanged = publishesUnchanged;
            history.add(new Connection[] {Connection.DISCONNECTED, Connection.DISCONNECTED});
        }

        long latest()
        {
            return history.size() - 1;
        }

        boolean wouldBlock(final Connection next)
        {
            return next != state && subs.stream()
                .anyMatch(s -> s.open && s.policy == Policy.BLOCK && latest() - s.position >= capacity);
        }

        long set(final Connection next)
        {
            if (next == state && !publishesUnchanged)
            {
                return StateBus.NOT_PUBLISHED;
            }
            history.add(new Connection[] {state, next});
            state = next;
            return latest();
        }

        boolean compareAndSet(final Connection expected, final Connection next)
        {
            if (expected != state)
            {
                return false;
            }
            set(next);
            return true;
        }

        Sub subscribe(final Policy policy)
        {
            final Sub sub = new Sub(this, policy, latest(), state, false);
            subs.add(sub);
            return sub;
        }

        /** The library keeps one slot in hand for a producer that may be overwriting the oldest one. */
        long oldestReplayable()
        {
            return Math.max(1, latest() - capacity + 2);
        }

        Sub replay(final long from)
        {
            if (from == latest() + 1)
            {
                return subscribe(Policy.GAP);
            }
            final Sub sub = new Sub(this, Policy.GAP, from - 1, history.get((int)from)[0], true);
            subs.add(sub);
            return sub;
        }

        void close(final Sub sub)
        {
            sub.open = false;
        }
    }
}
