package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.WireFormat;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.nio.ByteOrder;

/**
 * Raw Aeron sending the same bytes as a bus of states's bridge: runs of transitions in the wire's version 4 layout
 * ({@link WireFormat}: 48 + 24 (n - 1) bytes, the first transition in the fixed part, the others as 24-byte
 * entries), each run as long as {@link RunPlan} says (the bridge's mean in the same kind of phase). A run is claimed
 * with {@code tryClaim} when its first transition is sent (never more than the publication's maximum payload, which
 * caps the bridge's runs too, so no run needs a prepared buffer), each transition is written in place as it is sent
 * (stamped with {@code System.nanoTime()}, with 8-byte stores as the bridge writes them: six for the fixed part,
 * three an entry), and the claim is committed with the run's last transition (or, shortened, when the sender pauses
 * inside a run: {@link #pump}). The values are {@link RawMessage}'s:
 * the 4 states cycling, session 42. The sending thread only.
 */
final class RawRunSender implements Sender
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bytes 0-7: magic, version 4, type transition, no flags. */
    private static final long HEAD = (WireFormat.MAGIC & 0xFFFF_FFFFL) | (long)WireFormat.VERSION << 32 |
        (long)WireFormat.TRANSITION << 40;
    private static final long STATE_NAMES = (long)StateTable.forEnum(Wire.Phase.class).fingerprint() << 32;
    private static final long SESSION = 42;

    private final ExclusivePublication publication;
    private final RunPlan plan;
    private final BufferClaim claim = new BufferClaim();
    private final long ids; // bytes 8-15 without the extension length: bus id, state count
    private long sequence;
    private int run; // the open run's length, and how many of it are written
    private int written;

    RawRunSender(final ExclusivePublication publication, final double meanRun)
    {
        this.publication = publication;
        final int fits = (publication.maxPayloadLength() - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH + 1;
        this.plan = new RunPlan(meanRun, fits);
        this.ids = (Wire.BUS_ID & 0xFFFF_FFFFL) | (long)Wire.Phase.values().length << 32;
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        final long seq = ++sequence;
        final long states = (seq - 1) & 3 | (seq & 3) << 16; // from, to: the 4 states cycling, as RawMessage's
        if (written == 0)
        {
            openRun(idle, seq, states);
        }
        else
        {
            final int entry = claim.offset() + WireFormat.LENGTH + (written - 1) * WireFormat.ENTRY_LENGTH;
            final MutableDirectBuffer b = claim.buffer();
            b.putLong(entry, seq, LE);
            b.putLong(entry + 8, System.nanoTime(), LE);
            b.putLong(entry + 16, states, LE);
        }
        if (++written == run)
        {
            claim.commit();
            written = 0;
        }
    }

    /** Claims the next run (waiting with {@code idle} while back-pressured) and writes its fixed part. */
    private void openRun(final IdleStrategy idle, final long seq, final long states)
    {
        run = plan.next();
        final int extension = (run - 1) * WireFormat.ENTRY_LENGTH;
        while (publication.tryClaim(WireFormat.LENGTH + extension, claim) <= 0)
        {
            idle.idle(0);
        }
        final MutableDirectBuffer b = claim.buffer();
        final int o = claim.offset();
        b.putLong(o, HEAD, LE);
        b.putLong(o + 8, ids | (long)extension << 48, LE);
        b.putLong(o + 16, SESSION, LE);
        b.putLong(o + 24, seq, LE);
        b.putLong(o + 32, System.nanoTime(), LE);
        b.putLong(o + 40, STATE_NAMES | states, LE);
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
        shortenOpenRun();
        return 1;
    }

    @Override
    public void close()
    {
        pump();
    }

    /** Commits the open run as the transitions written so far: a shorter extension, the rest of the claim padding. */
    private void shortenOpenRun()
    {
        claim.buffer().putShort(claim.offset() + 14, (short)((written - 1) * WireFormat.ENTRY_LENGTH), LE);
        claim.commit();
        written = 0;
    }
}
