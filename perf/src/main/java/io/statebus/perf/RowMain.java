package io.statebus.perf;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * Runs one row (case, system, wait strategy) in its own JVM, so no row's JIT profile or garbage affects another.
 * Prints progress lines, then one {@code RESULT} line for {@link PerfRunner}, which merges the rounds: case, system,
 * wait, threads, verified, allocated bytes, ops, per-iteration samples (ops/s, or p50/p99/p999 in ns), notes.
 */
public final class RowMain
{
    /** Deliberate work per message of the slow consumer in {@code mixed} (xorshift rounds, a few hundred ns). */
    static final int SLOW_WORK = 100;
    /** Fixed send rate of the latency case. */
    static final long LATENCY_RATE = 100_000;

    private final String kase;
    private final String system;
    private final String wait;
    private final boolean quick;
    private final String label;

    private RowMain(final String kase, final String system, final String wait, final boolean quick)
    {
        this.kase = kase;
        this.system = system;
        this.wait = wait;
        this.quick = quick;
        this.label = "[" + kase + " " + system + " " + wait + "]";
    }

    public static void main(final String[] args) throws Exception
    {
        Locale.setDefault(Locale.ROOT);
        if (args.length != 4)
        {
            System.err.println("usage: RowMain CASE SYSTEM WAIT quick|full");
            System.exit(2);
        }
        final RowMain row = new RowMain(args[0], args[1], args[2], "quick".equals(args[3]));
        final String result = row.run();
        System.out.println("RESULT\t" + result);
        System.out.flush();
        System.exit(0); // consumer threads are daemons; do not wait for anything else
    }

    private String run() throws Exception
    {
        switch (kase)
        {
            case "latency":
                try (LatencyBench bench = RowBenches.latency(system, wait))
                {
                    return latency(bench);
                }
            case "await":
                try (AwaitBench bench = RowBenches.await(system))
                {
                    return await(bench);
                }
            default:
                try (Bench bench = RowBenches.throughput(kase, system, wait))
                {
                    return throughput(bench);
                }
        }
    }

    private int threadsOfCase()
    {
        switch (kase)
        {
            case "multicast3":
                return 4;
            case "mixed":
            case "multiproducer2":
                return 3;
            default:
                return 2;
        }
    }

    private String throughput(final Bench bench) throws Exception
    {
        final int warmups = 2;
        final int measured = quick ? 2 : 4;
        final long iterNanos = (quick ? 200 : 1000) * 1_000_000L;
        final StringBuilder samples = new StringBuilder();
        long allocated = 0;
        long ops = 0;
        long cpuAll = 0;
        long cpuCalling = 0;
        for (int i = 0; i < warmups + measured; i++)
        {
            final boolean warm = i < warmups;
            bench.doneNanos = 0;
            // CPU time is read outside the allocation window, so reading it cannot count as the row's allocation
            final long cpuAll0 = Harness.cpuNanos(bench.threads.threads);
            final long cpuCalling0 = Harness.callingThreadCpuNanos();
            final long bytes0 = Harness.allocatedBytes(bench.threads.threads);
            final long start = System.nanoTime();
            final long n = bench.iteration(start + iterNanos);
            final long end = bench.doneNanos != 0 ? bench.doneNanos : System.nanoTime();
            final long bytes1 = Harness.allocatedBytes(bench.threads.threads);
            final long cpuCalling1 = Harness.callingThreadCpuNanos();
            final long cpuAll1 = Harness.cpuNanos(bench.threads.threads);
            final double rate = n * 1e9 / (end - start);
            if (!warm)
            {
                samples.append(samples.length() == 0 ? "" : ",").append(String.format("%.0f", rate));
                allocated += bytes1 - bytes0;
                ops += n;
                cpuAll += cpuAll1 - cpuAll0;
                cpuCalling += cpuCalling1 - cpuCalling0;
            }
            System.out.printf("%s %s %d of %d: %.2f M ops/s%n", label, warm ? "warm-up" : "iteration",
                warm ? i + 1 : i - warmups + 1, warm ? warmups : measured, rate / 1e6);
        }
        // With more threads than CPUs a row is CPU-bound, and ops/s follows the CPU time each operation takes.
        final String cpu = ops == 0 ? "" : String.format("CPU ns per op: %.1f in all, %.1f on the calling thread",
            cpuAll / (double)ops, cpuCalling / (double)ops);
        return result(bench, String.valueOf(allocated), ops, samples, cpu);
    }

    /** The RESULT fields: case, system, wait, threads, verified, allocated bytes, ops, samples, notes. */
    private String result(final Bench bench, final String allocated, final long ops, final CharSequence samples)
    {
        return result(bench, allocated, ops, samples, "");
    }

    private String result(
        final Bench bench, final String allocated, final long ops, final CharSequence samples, final String extraNote)
    {
        final String own = notes(bench);
        final String note = own.isEmpty() ? extraNote : extraNote.isEmpty() ? own : own + "; " + extraNote;
        return String.join("\t", kase, system, wait, String.valueOf(threadsOfCase()), bench.verified() ? "yes" : "no",
            allocated, String.valueOf(ops), samples, note);
    }

    private String latency(final LatencyBench bench) throws Exception
    {
        // quick: one warm-up, which still goes once round the ring (below); 0.65 s per latency JVM saved
        final int warmups = quick ? 1 : 2;
        final int measured = quick ? 2 : 3;
        final long count = LATENCY_RATE * (quick ? 250 : 1000) / 1000;
        // The warm-up goes once round the ring: the first wrap takes the sequencer's slow path, whose first run
        // links a VarHandle access mode (about 10 KB, once per JVM), which a measured iteration must not count.
        final long warmCount = Math.max(count, Harness.RING + 1);
        final long interval = 1_000_000_000L / LATENCY_RATE;
        final StringBuilder samples = new StringBuilder();
        long allocated = 0;
        long ops = 0;
        for (int i = 0; i < warmups + measured; i++)
        {
            final boolean warm = i < warmups;
            bench.histogram.reset();
            final long bytes0 = Harness.allocatedBytes(bench.threads.threads);
            bench.send(warm ? warmCount : count, interval);
            final long bytes1 = Harness.allocatedBytes(bench.threads.threads);
            final Histogram h = bench.histogram;
            if (!warm)
            {
                samples.append(samples.length() == 0 ? "" : ",").append(percentiles(h));
                allocated += bytes1 - bytes0;
                ops += count;
            }
            System.out.printf("%s %s %d of %d: %d msgs at %d/s, p50 %d ns, p99 %d ns, p99.9 %d ns, max %d ns%n",
                label, warm ? "warm-up" : "iteration", warm ? i + 1 : i - warmups + 1, warm ? warmups : measured,
                h.getTotalCount(), LATENCY_RATE, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
        }
        return result(bench, String.valueOf(allocated), ops, samples);
    }

    private static String percentiles(final Histogram h)
    {
        return h.getValueAtPercentile(50) + "/" + h.getValueAtPercentile(99) + "/" + h.getValueAtPercentile(99.9);
    }

    private String await(final AwaitBench bench) throws Exception
    {
        final int warmups = 1;
        final int measured = quick ? 2 : 3;
        final int rounds = quick ? 500 : 4000;
        final StringBuilder samples = new StringBuilder();
        final Histogram h = new Histogram(10_000_000_000L, 3);
        for (int i = 0; i < warmups + measured; i++)
        {
            final boolean warm = i < warmups;
            h.reset();
            bench.rounds(rounds, h);
            if (!warm)
            {
                samples.append(samples.length() == 0 ? "" : ",").append(percentiles(h));
            }
            System.out.printf("%s %s %d of %d: %d rounds, p50 %d ns, p99 %d ns, p99.9 %d ns%n", label,
                warm ? "warm-up" : "iteration", warm ? i + 1 : i - warmups + 1, warm ? warmups : measured,
                h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9));
        }
        bench.blips(quick ? 200 : 1000);
        // allocated bytes '-': an await joins and closes a subscription and returns a result (it allocates by
        // design); the zero-allocation promise is for publishing, polling and handler delivery.
        return result(bench, "-", 0, samples);
    }

    private static String notes(final Bench bench)
    {
        return bench.notes().replace('\t', ' ').replace('\n', ' ');
    }
}
