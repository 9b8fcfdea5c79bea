package io.statebus.keys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The keys a keyed bus retired without a transition ({@code retire(key)}), in the order retired, each with the bus's
 * latest sequence at that moment (the retirement lies between that transition and the next) and the key's latest
 * transition: so a transport that mirrors the bus can place each one between the same two transitions. The ring
 * shows no such retirement, so a mirror that learnt of it later could hold a retired key beside keys opened after
 * it, past its {@code maxKeys}.
 *
 * <p>A ring of the latest {@link #size()} retirements: one writer (the holder of the right to publish), any number
 * of readers, lock-free, nothing allocated. A reader more than {@code size()} behind has missed the oldest ones and
 * knows how many ({@link #read}'s check). Three longs an entry:
 * <pre>
 *   entries[3i] key, entries[3i + 1] the key's latest sequence, entries[3i + 2] the bus's latest sequence
 * </pre>
 */
public final class RetirementLog
{
    /** The fewest and the most entries kept. */
    static final int FEWEST = 64;
    static final int MOST = 4096;

    private static final VarHandle WRITTEN;

    static
    {
        try
        {
            WRITTEN = MethodHandles.lookup().findVarHandle(RetirementLog.class, "written", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final KeyTable table;
    private final long[] entries;
    private final int mask;
    /** Entries written so far; each one's store released after its entry's. */
    @SuppressWarnings("unused")
    private long written;

    /**
     * @param table   the table whose retirements it logs.
     * @param maxKeys the table's most keys: a retirement of each fits, within {@link #FEWEST} and {@link #MOST}.
     */
    RetirementLog(final KeyTable table, final int maxKeys)
    {
        this.table = table;
        final int size = Math.min(MOST, Math.max(FEWEST, Integer.highestOneBit(Math.max(1, maxKeys - 1)) << 1));
        this.entries = new long[3 * size];
        this.mask = size - 1;
    }

    /**
     * Retires a live key of the table with no transition ({@code retire(key)}), and logs it (the writer: the holder
     * of the right to publish).
     *
     * @param slot  the key's slot in the table.
     * @param key   the key.
     * @param after the bus's latest sequence, every sequence claimed up to it published.
     */
    public void retire(final int slot, final long key, final long after)
    {
        final long knownAt = KeyEntry.sequence(table.entryAt(slot));
        table.remove(slot);
        append(key, knownAt, after);
    }

    private void append(final long key, final long knownAt, final long after)
    {
        final long n = (long)WRITTEN.get(this); // plain: the only writer
        // the last count's store before this entry's: a reader that sees any of these sees that count (see read)
        VarHandle.releaseFence();
        final int at = 3 * (int)(n & mask);
        entries[at] = key;
        entries[at + 1] = knownAt;
        entries[at + 2] = after;
        WRITTEN.setRelease(this, n + 1); // the entry before the count: a reader that sees the count sees the entry
    }

    /** @return the retirements recorded so far (acquire: the entries below it are readable). */
    public long written()
    {
        return (long)WRITTEN.getAcquire(this);
    }

    /** @return the most entries kept: a reader further behind has missed some. */
    public int size()
    {
        return mask + 1;
    }

    /**
     * Reads entry {@code index} (below {@link #written()}) into {@code out}: key, known-at, after.
     *
     * @param index the entry's index.
     * @param out   three longs.
     * @return false if the writer may have overwritten it during the read: {@code out} is then not to be trusted.
     */
    public boolean read(final long index, final long[] out)
    {
        final int at = 3 * (int)(index & mask);
        out[0] = entries[at];
        out[1] = entries[at + 1];
        out[2] = entries[at + 2];
        VarHandle.acquireFence(); // the entry's loads before the count's re-read
        // entry index + size overwrites it; the writer stores count index + size before it starts that (see append)
        return (long)WRITTEN.getOpaque(this) - index <= mask;
    }
}
