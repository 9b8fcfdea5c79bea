package io.statebus.perf;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.perf.Harness.St;
import io.statebus.perf.StateBusRows.Checker;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.StateBusRows.builder;

/** multiproducer2: a MULTI bus, producer 1 alternates B/A, producer 2 alternates D/C, one BLOCK consumer. */
final class StateBusMultiProducer extends Bench
{
    private final StateBus<St> bus;
    private final MpChecker checker = new MpChecker();
    private final Subscription<St> sub;
    private final ProducerPair producers;
    private long published;

    StateBusMultiProducer(final String wait)
    {
        super("statebus");
        bus = builder(wait, false, threads).producerMode(ProducerMode.MULTI).build();
        sub = bus.subscribe(Policy.BLOCK, checker);
        producers = new ProducerPair(threads, (id, earlier, deadline) -> {
            final St first = id == 0 ? St.B : St.D;
            final St second = id == 0 ? St.A : St.C;
            long n = 0;
            do
            {
                for (int k = 0; k < BATCH; k += 2)
                {
                    bus.set(first);
                    bus.set(second);
                }
                n += BATCH;
            }
            while (System.nanoTime() < deadline);
            return n;
        });
    }

    @Override
    long iteration(final long deadlineNanos) throws Exception
    {
        final long n = producers.run(deadlineNanos);
        published += n;
        Harness.awaitProgress(checker.progress, published, "statebus consumer");
        return n;
    }

    @Override
    boolean verified()
    {
        return bus.latestSequence() == published && checker.errors == 0 && sub.delivered() == published &&
            checker.counts[0] + checker.counts[1] == published && producers.published(0) == checker.counts[0] &&
            sub.failure() == null;
    }

    @Override
    public void close() throws Exception
    {
        producers.close();
        bus.close();
    }

    /** Also checks that each producer's own transitions arrive in its order (B,A,B,A... and D,C,D,C...). */
    static final class MpChecker extends Checker
    {
        final long[] counts = new long[2];

        MpChecker()
        {
            super(St.A);
        }

        @Override
        public void onTransition(final Transition<St> t, final boolean endOfBatch)
        {
            final long s = expected;
            final St to = t.to();
            if (t.sequence() != s || t.from().ordinal() != prevTo)
            {
                errors++;
            }
            final int producer = to == St.A || to == St.B ? 0 : 1;
            final long k = counts[producer]++;
            final St want = producer == 0 ? ((k & 1) == 0 ? St.B : St.A) : ((k & 1) == 0 ? St.D : St.C);
            if (to != want)
            {
                errors++;
            }
            prevTo = to.ordinal();
            expected = s + 1;
            progress.set(s);
        }
    }
}
