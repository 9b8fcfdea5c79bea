package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.concurrent.IdleStrategy;

/**
 * Raw Aeron sending the same bytes as a bridge of the row's kind of bus: runs of transitions in the wire's layout of
 * the kind ({@link RunWords}), each run as long as {@link RunPlan} says (the bridge's mean in the same kind of phase).
 * A run is claimed with {@code tryClaim} when its first transition is sent (never more than the publication's maximum
 * payload, which caps the bridge's runs too, so no run needs a prepared buffer), each transition is written in place
 * as it is sent, and the claim is committed with the run's last transition (or, shortened, when the sender pauses
 * inside a run: {@link #pump}). The sending thread only.
 */
final class RawRunSender implements Sender
{
    private final ExclusivePublication publication;
    private final Wire.Kind kind;
    private final boolean states; // a bus of states's layout, else a long or keyed bus's
    private final RunPlan plan;
    private final BufferClaim claim = new BufferClaim();
    private long sequence;
    private int run; // the open run's length, and how many of it are written
    private int written;

    /**
     * @param kind    the kind of bus whose bridge's bytes it sends.
     * @param meanRun the bridge's transitions per message.
     */
    RawRunSender(final ExclusivePublication publication, final Wire.Kind kind, final double meanRun)
    {
        this.publication = publication;
        this.kind = kind;
        this.states = kind == Wire.Kind.STATES;
        final int max = publication.maxPayloadLength();
        this.plan = new RunPlan(meanRun, states ? RunWords.maxRun(max) : RunWords.maxExtendedRun(kind, max));
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        final long seq = ++sequence;
        if (written == 0)
        {
            run = plan.next();
            while (publication.tryClaim(states ? RunWords.length(run) : RunWords.extendedLength(kind, run), claim) <= 0)
            {
                idle.idle(0);
            }
            if (states)
            {
                RunWords.writeFixed(claim.buffer(), claim.offset(), run, seq);
            }
            else
            {
                RunWords.writeExtendedFixed(kind, claim.buffer(), claim.offset(), run, seq);
            }
        }
        else if (states)
        {
            RunWords.writeEntry(claim.buffer(), claim.offset(), written, seq);
        }
        else
        {
            RunWords.writeExtendedEntry(kind, claim.buffer(), claim.offset(), written, seq);
        }
        if (++written == run)
        {
            claim.commit();
            written = 0;
        }
    }

    /**
     * Between sends (the latency phase's pacing, the end of a phase), a run left open goes as it is, as the bridge
     * sends what it has and waits for nothing. @return 1 if it sent one.
     */
    @Override
    public int pump()
    {
        if (written == 0)
        {
            return 0;
        }
        if (states)
        {
            RunWords.shorten(claim.buffer(), claim.offset(), written);
        }
        else
        {
            RunWords.shortenExtended(kind, claim.buffer(), claim.offset(), written);
        }
        claim.commit();
        written = 0;
        return 1;
    }

    @Override
    public void close()
    {
        pump();
    }
}
