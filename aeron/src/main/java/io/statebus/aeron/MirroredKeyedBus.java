package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.KeyedMirror;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The local copy of one remote {@link KeyedStateBus}, fed by a {@link MirrorReceiver}: consumers use {@link #bus()}
 * with the ordinary API and see the source's sequences, keys, per-key chains and timestamps, and {@code get(key)}
 * answers with the source's state of each key.
 *
 * <pre>{@code
 * MirroredKeyedBus<Order> orders = receiver.mirrorKeyed(3, StateTable.forEnum(Order.class),
 *     b -> b.maxKeys(100_000).retireOn(Order.FILLED, Order.CANCELED));   // the source's final states
 * KeyedStateBus<Order> bus = orders.awaitBus(Duration.ofSeconds(5));
 * }</pre>
 *
 * <ul>
 *   <li><b>Start.</b> The local bus starts only from a whole snapshot run of a source session (every open key's
 *   state as of one source sequence, see {@link WireFormat}), which the bridge sends when a mirror connects and every
 *   snapshot interval: the local bus begins at that sequence with those keys, and the transitions after the run
 *   follow it. Transitions that arrive before are not applied. Before that, {@link #bus()} is null.</li>
 *   <li><b>Nothing lost silently.</b> A jump in the source's sequence reaches every subscription of the local bus,
 *   {@code BLOCK} included, as one exact gap; a key that changed in the lost range resumes from its next
 *   transition's {@code from}, one opened in it is learnt then (see {@link KeyedMirror}); the next whole snapshot
 *   run that describes the local bus's latest sequence repairs the key table (keys retired in the lost range leave
 *   it, see {@link KeyedMirror#resync}); a run that is ahead of the local bus (the source went on, and idle, while
 *   nothing arrived) records the range as lost first ({@link KeyedMirror#lostUpTo}).</li>
 *   <li><b>Explicit retirements.</b> A key the source retired with {@code KeyedStateBus.retire(key)}, which
 *   publishes no transition, arrives as a {@link WireFormat#KEYED_RETIRE} between the two transitions it came
 *   between at the source (see {@link TransitionBridge}), tagged with the sequence it followed: the local bus retires
 *   it too, publishing nothing either (and records it in its own {@code retirements()}, for a bridge of this bus),
 *   unless the key's latest transition here is after that sequence (it was opened again since); a key the local bus
 *   took from a snapshot run counts as at the run's sequence.</li>
 *   <li><b>Back-pressure</b> and <b>source restart</b> as for {@link MirroredBus}; a restarted source's bus takes
 *   over once a whole run of its new session arrived.</li>
 *   <li><b>Bad messages</b> change nothing and are counted: other states ({@link MalformedReason#STATE_COUNT},
 *   {@link MalformedReason#STATE_NAMES}), another kind of bus ({@link MalformedReason#KIND}), a run that is not whole
 *   or does not fit this mirror's {@code maxKeys} ({@link MalformedReason#SNAPSHOT}, once a run; {@link #awaitBus} names it; the rest of a run a mirror
 *   joined in the middle of is ignored, not counted), a
 *   run of a source that retires keys on other states than this mirror's
 *   {@code retireOn} ({@link MalformedReason#RETIRES_ON}: the mirror never starts from it, see
 *   {@link RetiresOnCheck}), a transition that breaks its key's chain or cannot be applied
 *   ({@link MalformedReason#CHAIN}: dropped, then reported as lost when the next one arrives).</li>
 * </ul>
 *
 * <p>The parts: {@link KeyedMessageCheck} (what every message must be), {@link KeyedRunCollector} (gathering a
 * whole run), {@link RetiresOnCheck}, {@link KeyedLiveMirror} (the live session's local copy: appends, retirements,
 * repairs); this class routes each message and tells the listener.
 *
 * <p>Threads: the receiver's duty-cycle thread appends; any thread may read {@link #bus()}, wait in
 * {@link #awaitBus}, and read the counters.
 *
 * <p>Closing: once the local bus is closed (by the application, with this mirror, or when a restarted source's bus
 * replaces it), no message changes it: transitions, retirements and runs that arrive later are not applied, and its
 * key table ({@code get}, {@code forEachOpenKey}) stays as it was at close. As on any single-producer bus, a message
 * the duty cycle is applying at the moment another thread closes it may still land once (see
 * {@link KeyedMirror#close()}).
 *
 * @param <S> the state type.
 */
public final class MirroredKeyedBus<S> extends MirroredEndpoint<KeyedStateBus<S>, S>
{
    private final StateTable<S> states;
    private final KeyedRunCollector<S> runs;
    private final RetiresOnCheck<S> retiresOn;
    private final KeyedLiveMirror<S> live;
    private final HeldRun held = new HeldRun();

    MirroredKeyedBus(final int busId, final StateTable<S> states,
        final UnaryOperator<KeyedStateBusBuilder<S>> configure, final MirrorListener listener,
        final MirroredBus.MalformedSink malformed)
    {
        super(busId, listener, malformed);
        this.states = states;
        this.runs = new KeyedRunCollector<>(states, configure);
        this.retiresOn = new RetiresOnCheck<>(states);
        this.live = new KeyedLiveMirror<>(states);
    }

    @Override
    public Action onMessage(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        final MalformedReason reason = KeyedMessageCheck.check(states, buffer, offset, head, ids);
        if (reason != null)
        {
            return refuse(reason);
        }
        final long from = WireFields.session(buffer, offset);
        if (live.isRetired(from))
        {
            return refuse(MalformedReason.STALE_SESSION);
        }
        final byte type = WireFields.type(head);
        final boolean isLive = live.isLive(from);
        if (type == WireFormat.KEYED_TRANSITION)
        {
            return isLive ? appendRun(buffer, offset, from, WireFields.extensionLength(ids)) : outsideRun();
        }
        if (type == WireFormat.KEYED_RETIRE)
        {
            return isLive ? settle(live.retire(buffer, offset)) : outsideRun();
        }
        // FLAG_REPAIR: the bridge rebuilt its copy, a live mirror takes the run as after a loss
        return onRun(buffer, offset, type, from, isLive, (WireFields.flags(head) & WireFormat.FLAG_REPAIR) != 0);
    }

    /**
     * A transition or a run of them ({@link ExtendedRun}) of the live session, each checked and appended as a message
     * of its own would be; a run a {@code BLOCK} subscription held back goes on where it stopped.
     */
    private Action appendRun(final DirectBuffer buffer, final int offset, final long session, final int extension)
    {
        final long run = WireFields.sequence(buffer, offset);
        final int entries = ExtendedRun.entries(WireFormat.KEYED, extension);
        for (int i = held.resume(run, session, 0); i <= entries && !closed; i++)
        {
            final MalformedReason reason = live.read(buffer, offset, i);
            if ((reason != null ? refuse(reason) : settle(live.appendRead())) == Action.ABORT)
            {
                held.hold(run, session, i);
                return Action.ABORT;
            }
        }
        return Action.CONTINUE;
    }

    /** What became of a message applied to the live mirror, as the stream's action. */
    private Action settle(final KeyedLiveMirror.Outcome outcome)
    {
        switch (outcome)
        {
            case HELD_BACK:
                receivedCount--; // it will be offered again
                return Action.ABORT;
            case CHAIN_BROKEN:
                return refuse(MalformedReason.CHAIN); // dropped: the next one reports it as lost
            case BUS_CLOSED:
                closed = true; // the application closed the local bus: this mirror stops
                return Action.CONTINUE;
            default:
                return Action.CONTINUE;
        }
    }

    /**
     * A message of a snapshot run (an entry or its end marker), from the live session or a new one; a live session's
     * run repairs the key table if the mirror lost sequences since its last repair, or if the run says so.
     */
    private Action onRun(final DirectBuffer buffer, final int offset, final byte type, final long from,
        final boolean isLive, final boolean repair)
    {
        final long sequence = WireFields.sequence(buffer, offset);
        if (isLive && !repair && live.isCurrentAt(sequence))
        {
            return Action.CONTINUE; // a run of the session this bus mirrors, which lost nothing since: nothing new
        }
        if (type == WireFormat.KEYED_SNAPSHOT)
        {
            return runs.page(buffer, offset, from, sequence) ? Action.CONTINUE : refuse(MalformedReason.SNAPSHOT);
        }
        final long end = WireFields.firstLong(buffer, offset);
        final int count = WireFields.runCount(end);
        final boolean gathered = count == 0 || runs.isCollecting();
        if (!runs.end(from, sequence, count))
        {
            // the end of a run not gathered (joined in its middle, or refused already): not malformed again
            return gathered ? refuse(MalformedReason.SNAPSHOT) : Action.CONTINUE;
        }
        return isLive ? settle(live.repair(runs, sequence)) : startFrom(from, sequence, WireFields.runRetiresOn(end));
    }

    /** A whole run of a new source session: a local bus starts from it if it retires keys on this mirror's states. */
    private Action startFrom(final long from, final long sequence, final int sourceRetiresOn)
    {
        if (!retiresOn.mayMatch(sourceRetiresOn))
        {
            runs.drop();
            return refuse(MalformedReason.RETIRES_ON);
        }
        final KeyedMirror<S> started = runs.build();
        if (started == null)
        {
            return refuse(MalformedReason.SNAPSHOT);
        }
        if (!retiresOn.matches(sourceRetiresOn, started.bus()))
        {
            started.close(); // never handed out
            return refuse(MalformedReason.RETIRES_ON);
        }
        final long oldSession = live.replace(from, started);
        started(started.bus());
        if (!isCurrent(started.bus()))
        {
            return Action.CONTINUE; // the mirror closed while the bus was built: it closed that bus, never handed out
        }
        if (oldSession != 0)
        {
            listener.onSourceRestarted(busId(), oldSession, from, null);
        }
        listener.onStarted(busId(), from, null, sequence);
        return Action.CONTINUE;
    }

    /**
     * A transition or a retirement while no run is whole: inside a run it breaks it; before any, it waits for one
     * (ignored: the run the mirror starts from no longer holds a key retired before it).
     */
    private Action outsideRun()
    {
        if (runs.isCollecting())
        {
            runs.drop();
            return refuse(MalformedReason.SNAPSHOT);
        }
        return Action.CONTINUE;
    }

    @Override
    public void publishProgress()
    {
        live.publishProgress();
    }

    /** @return the local bus of the current source session, or null before a whole snapshot run arrived. */
    public KeyedStateBus<S> bus()
    {
        return current();
    }

    /**
     * Waits until the local bus exists (a whole snapshot run of a source session arrived).
     *
     * @param timeout how long to wait at most.
     * @return the local bus.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws NullPointerException     if {@code timeout} is null.
     * @throws IllegalArgumentException if {@code timeout} is negative.
     * @throws IllegalStateException    if no bus came within the timeout; its message says if the source's runs were
     *                                  refused because it retires keys on other states than this mirror, or because
     *                                  a run holds more keys than this mirror's {@code maxKeys}; at once if the
     *                                  mirror is closed or its receiver failed (none will come).
     */
    public KeyedStateBus<S> awaitBus(final Duration timeout) throws InterruptedException
    {
        return awaitStarted(timeout, "keyed bus", () -> runs.whyNoBus(retiresOn.refusedFingerprint() >= 0));
    }

    /**
     * @return the fingerprint of the source's {@code retireOn} states (unsigned, see {@link WireFormat}) if a
     *     snapshot run was refused because it is not this mirror's, else -1.
     */
    public long refusedRetiresOnFingerprint()
    {
        return retiresOn.refusedFingerprint();
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the last poll. */
    @Override
    public long lost()
    {
        return live.lost();
    }

    /** @return lost ranges (gap notices) in the current session's local bus. */
    @Override
    public long gaps()
    {
        return live.gaps();
    }

    /** @return the source session the local bus mirrors, or 0 before the first whole run. */
    public long session()
    {
        return live.session();
    }

    /** @return source sessions this mirror went live for. */
    @Override
    public long sessions()
    {
        return live.sessions();
    }

    /** @return the latest source sequence appended to the local bus (as of the last poll), or -1 before any. */
    @Override
    public long latestSequence()
    {
        return live.latestSequence();
    }
}
