package io.statebus;

import io.statebus.consume.AsyncAwait;
import io.statebus.consume.AwaitJoin;
import io.statebus.consume.BlockingAwait;
import io.statebus.keys.KeyEntry;
import io.statebus.keys.KeyTable;
import io.statebus.read.Reader;
import io.statebus.ring.StateIds;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link KeyedStateBus}'s awaits for one key's state: each joins a reader at a sequence where the key's table
 * entry is its state, then waits blocking or as a future.
 *
 * @param <S> the state type.
 */
final class KeyAwaits<S>
{
    private final StateIds<S> ids;
    private final KeyTable table;
    private final BusCore<S> core;

    KeyAwaits(final StateIds<S> ids, final KeyTable table, final BusCore<S> core)
    {
        this.ids = ids;
        this.table = table;
        this.core = core;
    }

    /**
     * See {@link KeyedStateBus#await(long, Predicate, Duration)} and {@link KeyedStateBus#awaitChange}.
     *
     * @param changeOnly whether only a transition of the key after the await registers counts, not its state then.
     */
    Awaited<S> await(
        final long key, final Predicate<? super S> predicate, final boolean changeOnly, final Duration timeout)
        throws InterruptedException
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        final long deadline = Deadlines.of(timeout);
        if (Thread.interrupted())
        {
            throw new InterruptedException(); // before joining, as PendingAwait.await: even an ALREADY answer
        }
        final KeyJoin<S> join = joinAtKey(key);
        final long entry = join.entry();
        final S registered = ids.stateOf(KeyEntry.stateId(entry));
        return BlockingAwait.awaitKey(AwaitJoin.of(join.reader()), registered,
            KeyedTransition.of(key, KeyEntry.sequence(entry), registered, registered, 0), predicate, changeOnly, key,
            deadline);
    }

    /** See {@link KeyedStateBus#awaitAsync(long, Predicate, Duration, Executor)}. */
    CompletableFuture<Transition<S>> awaitAsync(
        final long key, final Predicate<? super S> predicate, final Duration timeout, final Executor executor)
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        final long nanos = Deadlines.nanos(timeout);
        final KeyJoin<S> join = joinAtKey(key);
        final long entry = join.entry();
        final S registered = ids.stateOf(KeyEntry.stateId(entry));
        return AsyncAwait.startKey(core.producer(), AwaitJoin.of(join.reader()), registered,
            KeyedTransition.of(key, KeyEntry.sequence(entry), registered, registered, 0), predicate, key, nanos,
            TimeUnit.NANOSECONDS, executor);
    }

    /**
     * Joins an await's reader at a sequence where the key's table entry is its state: the entry read after the
     * join is no newer than the join (else the key changed after the snapshot and its state there is not in the
     * table: join again). Every entry is written before its transition's cursor, so an entry no newer than the
     * join is the key's latest up to it.
     */
    private KeyJoin<S> joinAtKey(final long key)
    {
        while (true)
        {
            final Reader<S> reader = core.joinForAwait();
            final long entry = table.entryOf(key); // after the join's cursor read
            if (entry == KeyTable.ABSENT || KeyEntry.isOpening(entry) && KeyEntry.sequence(entry) > reader.joinSequence())
            {
                reader.close();
                throw new IllegalArgumentException("key " + key + " is not open: never opened, or retired");
            }
            if (KeyEntry.sequence(entry) <= reader.joinSequence())
            {
                return new KeyJoin<>(reader, entry);
            }
            reader.close();
            Thread.onSpinWait();
        }
    }

    /** An await's reader and its key's entry, the key's state at the reader's join. */
    private record KeyJoin<S>(Reader<S> reader, long entry)
    {
    }
}
