package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.ReplayUnavailableException;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscribes;
import io.statebus.Transition;
import io.statebus.ValueStateBus;
import io.statebus.consume.EngineAccess;
import io.statebus.read.Reader;
import org.agrona.ErrorHandler;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;

/**
 * A bus of states ({@link StateBus}) or of values ({@link ValueStateBus}) as a {@link Flow.Publisher} of its
 * transitions. Each {@link #subscribe} joins the bus (a new subscription
 * at the join snapshot, or a replay, see {@link #replayFrom}) and delivers its transitions on the executor: in
 * order, one signal at a time (rule 1.3), and never more {@code onNext} than requested.
 *
 * <pre>{@code
 * Flow.Publisher<Transition<Connection>> transitions = new TransitionPublisher<>(bus, Policy.BLOCK)
 *     .completeWhen(s -> s == Connection.CLOSED);
 * transitions.subscribe(subscriber);
 * }</pre>
 *
 * <p>Demand is the only buffer. There is no queue but the ring: with no outstanding demand nothing is consumed,
 * so a {@link Policy#BLOCK} subscriber holds the producer back once the ring is full, exactly as a slow
 * {@code poll} would, and {@code request(n)} lets it go on. A {@link Policy#GAP} subscriber never holds the
 * producer back; if it is lapped (it fell a whole ring behind, for want of demand or of speed) it receives every
 * transition before the gap and then {@code onError(}{@link TransitionsMissedException}{@code )}, which names
 * exactly the sequences it missed. The lap is found when it next reads, so a subscriber without demand learns of
 * it once it requests again. Ending the stream is the one report a plain {@code Flow.Subscriber} cannot
 * ignore by accident, and it keeps the stream's promise: what was delivered is complete and chained. On a
 * {@link io.statebus.Mirror}'s bus, transitions the mirror never received end every subscriber's stream ({@code BLOCK}
 * ones too) in the same way.
 *
 * <p>The stream completes after the last transition published before the bus closed, as demand allows, or at
 * once after the first transition into a state {@link #completeWhen} names. It ends with {@code onError} if the
 * bus is closed (or a replay is unavailable) when a subscriber subscribes (after {@code onSubscribe}, rule 1.9),
 * for non-positive demand ({@link IllegalArgumentException}, rule 3.9), on missed transitions (above), or if the
 * executor rejects a task. {@code cancel()} closes the bus subscription at once: a {@code BLOCK} subscriber stops
 * holding the producer back. A subscriber whose {@code onNext} (or any signal) throws has broken rule 2.13: it is
 * cancelled, never called again, and the exception goes to the {@linkplain #errorHandler error handler}; it never
 * reaches the producer.
 *
 * <p>Allocation: unlike poll, handler-thread and executor delivery, which allocate nothing per transition, this
 * path hands each {@code onNext} an immutable copy ({@link Transition#copy()}), one small object per item,
 * because a reactive subscriber may keep what it receives. The executor may allocate per task too.
 *
 * <p>Instances are immutable and may be shared; the {@code with}-style methods return new publishers.
 *
 * @param <S> the state type
 */
public final class TransitionPublisher<S> implements Flow.Publisher<Transition<S>>
{
    private static final System.Logger LOGGER = System.getLogger(TransitionPublisher.class.getName());
    private static final ErrorHandler LOG = ex -> LOGGER.log(
        System.Logger.Level.WARNING, "a Flow.Subscriber of a StateBus threw (rule 2.13); it was cancelled", ex);

    /** A {@link StateBus} or a {@link ValueStateBus}: the constructors take nothing else. */
    private final Subscribes<S> bus;
    private final Policy policy;
    private final Executor executor;
    private final long fromSequence;
    private final Predicate<? super S> terminal;
    private final ErrorHandler errorHandler;

    /**
     * A publisher that delivers on {@link ForkJoinPool#commonPool()}, as {@link java.util.concurrent.SubmissionPublisher}
     * does by default.
     *
     * @param bus    the bus whose transitions to publish.
     * @param policy each subscriber's policy: {@link Policy#BLOCK} (unmet demand holds the producer back) or
     *               {@link Policy#GAP} (a lapped subscriber is told what it missed).
     */
    public TransitionPublisher(final StateBus<S> bus, final Policy policy)
    {
        this(bus, policy, ForkJoinPool.commonPool());
    }

    /**
     * A publisher that delivers on {@code executor}: at most one task per subscriber in flight, so a subscriber's
     * signals never overlap.
     *
     * @param bus      the bus whose transitions to publish.
     * @param policy   each subscriber's policy.
     * @param executor runs the deliveries (an event loop, a pool, a virtual thread per task).
     */
    public TransitionPublisher(final StateBus<S> bus, final Policy policy, final Executor executor)
    {
        this(bus, policy, executor, -1, null, LOG);
    }

    /**
     * A value bus's publisher that delivers on {@link ForkJoinPool#commonPool()}: each item's {@code from()} and
     * {@code to()} are the values (null where the bus allows it), and {@link #completeWhen} tests the value.
     *
     * <pre>{@code
     * Flow.Publisher<Transition<Quote>> quotes = new TransitionPublisher<>(quoteBus, Policy.GAP);
     * }</pre>
     *
     * @param bus    the value bus whose transitions to publish.
     * @param policy each subscriber's policy.
     */
    public TransitionPublisher(final ValueStateBus<S> bus, final Policy policy)
    {
        this(bus, policy, ForkJoinPool.commonPool());
    }

    /**
     * A value bus's publisher that delivers on {@code executor}.
     *
     * @param bus      the value bus whose transitions to publish.
     * @param policy   each subscriber's policy.
     * @param executor runs the deliveries.
     */
    public TransitionPublisher(final ValueStateBus<S> bus, final Policy policy, final Executor executor)
    {
        this(bus, policy, executor, -1, null, LOG);
    }

    private TransitionPublisher(
        final Subscribes<S> bus,
        final Policy policy,
        final Executor executor,
        final long fromSequence,
        final Predicate<? super S> terminal,
        final ErrorHandler errorHandler)
    {
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
        this.policy = Objects.requireNonNull(policy, "policy must not be null");
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        this.fromSequence = fromSequence;
        this.terminal = terminal;
        this.errorHandler = errorHandler;
    }

    /**
     * Each subscriber replays from {@code fromSequence} instead of joining after now, as
     * {@link io.statebus.Subscribes#subscribe(Policy, long)}: so subscribers that come one after another see the same
     * transitions. A subscriber that comes once the ring no longer holds {@code fromSequence} receives
     * {@code onSubscribe}, then {@code onError(}{@link ReplayUnavailableException}{@code )}.
     *
     * @param fromSequence the first sequence each subscriber receives, at least 1.
     * @return a publisher that replays.
     * @throws IllegalArgumentException if {@code fromSequence < 1}.
     */
    public TransitionPublisher<S> replayFrom(final long fromSequence)
    {
        if (fromSequence < 1)
        {
            throw new IllegalArgumentException("fromSequence must be >= 1 (sequence 0 is the initial state), got " +
                fromSequence);
        }
        return new TransitionPublisher<>(bus, policy, executor, fromSequence, terminal, errorHandler);
    }

    /**
     * The stream completes right after the first transition whose {@code to} satisfies {@code terminal} (a
     * component's last state, such as {@code CLOSED}); if the state a subscriber joins at already does, it completes
     * at once, with no {@code onNext}. Without it, a stream completes only when the bus closes. A predicate that
     * throws ends the stream with {@code onError}.
     *
     * @param terminal tested on each transition's {@code to}, on the delivering thread.
     * @return a publisher whose streams end at a terminal state.
     */
    public TransitionPublisher<S> completeWhen(final Predicate<? super S> terminal)
    {
        Objects.requireNonNull(terminal, "terminal must not be null");
        return new TransitionPublisher<>(bus, policy, executor, fromSequence, terminal, errorHandler);
    }

    /**
     * Where a subscriber's own failures go (an {@code onNext}, {@code onSubscribe}, {@code onError} or
     * {@code onComplete} that threw): they cannot be signalled to it (rule 2.13). The default logs them with
     * {@link System.Logger} at {@code WARNING}.
     *
     * @param errorHandler told of each such failure; it must not throw.
     * @return a publisher that reports to it.
     */
    public TransitionPublisher<S> errorHandler(final ErrorHandler errorHandler)
    {
        Objects.requireNonNull(errorHandler, "errorHandler must not be null");
        return new TransitionPublisher<>(bus, policy, executor, fromSequence, terminal, errorHandler);
    }

    /**
     * Joins the bus for {@code subscriber} and calls its {@code onSubscribe} on the calling thread; deliveries then
     * run on the executor as it requests. If the bus is closed, or a replay is no longer in the ring, the subscriber
     * receives {@code onSubscribe} then {@code onError} on this thread. Subscribing the same subscriber twice makes
     * two independent subscriptions.
     *
     * @param subscriber the subscriber; not null.
     * @throws NullPointerException if {@code subscriber} is null (rule 1.9).
     */
    @Override
    public void subscribe(final Flow.Subscriber<? super Transition<S>> subscriber)
    {
        Objects.requireNonNull(subscriber, "subscriber must not be null (rule 1.9)");
        final EngineAccess.Access engine = EngineAccess.get();
        final Reader<S> reader;
        try
        {
            reader = engine.subscriptions(bus).join(policy, fromSequence);
        }
        catch (final StateBusClosedException | ReplayUnavailableException ex)
        {
            SubscriberSignals.refuse(subscriber, ex, errorHandler);
            return;
        }
        new FlowSubscription<>(engine.producer(bus), reader, subscriber, executor, terminal, errorHandler).start();
    }

    /**
     * @return the policy each subscriber gets.
     */
    public Policy policy()
    {
        return policy;
    }

    @Override
    public String toString()
    {
        return "TransitionPublisher{" + policy + (fromSequence > 0 ? ", replay from #" + fromSequence : "") +
            (terminal != null ? ", completes at a terminal state" : "") + ", " + bus + '}';
    }
}
