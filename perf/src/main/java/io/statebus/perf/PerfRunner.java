package io.statebus.perf;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The perf-test runner (see perf/run and ../shared/PERF.md): runs each (case, system, wait) row in a fresh JVM,
 * prints a table, writes latest.tsv, rounds.tsv, ratios.tsv, notes.txt and the plots into the run directory
 * perf/run gives it (--results).
 */
public final class PerfRunner
{
    static final String HEADER = "case\tsystem\twait\tthreads\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tbytes_per_op\tverified";
    static final List<String> CASES = List.of("unicast", "multicast3", "mixed", "multiproducer2", "latency", "await");

    /** Every row, in report order: case, system, wait. Busy-spin only where there is 1 producer + 1 consumer. */
    static final String[][] ROWS = {
        {"unicast", "statebus", "busy-spin"},
        {"unicast", "disruptor", "busy-spin"},
        {"unicast", "disruptor+states", "busy-spin"},
        {"unicast", "statebus", "yielding"},
        {"unicast", "disruptor", "yielding"},
        {"unicast", "disruptor+states", "yielding"},
        {"unicast", "statebus+clock", "busy-spin"},
        {"unicast", "jctools-spsc", "busy-spin"},
        {"unicast", "agrona-broadcast", "busy-spin"},
        {"unicast", "abq-fanout", "-"},
        {"unicast", "submission-publisher", "-"},
        {"unicast", "condition", "-"},
        {"multicast3", "statebus", "yielding"},
        {"multicast3", "disruptor", "yielding"},
        {"multicast3", "disruptor+states", "yielding"},
        {"multicast3", "statebus", "blocking"},
        {"multicast3", "disruptor", "blocking"},
        // what a user of the defaults gets: the builder's blocking wait strategy, any thread may publish, no clock
        {"multicast3", "statebus-default", "blocking"},
        {"multicast3", "agrona-broadcast", "yielding"},
        {"multicast3", "abq-fanout", "-"},
        {"multicast3", "submission-publisher", "-"},
        {"multicast3", "reactor-sinks", "-"},
        {"multicast3", "rxjava-behavior", "-"},
        // StateBus through its Flow.Publisher adapter, subscribers as the reactive rows' (FlowRows); blocking: the
        // bus's wait strategy (the builder's default), though the subscribers park in their executors
        {"multicast3", "statebus-flow", "blocking"},
        {"multicast3", "condition", "-"},
        {"mixed", "statebus", "yielding"},
        {"mixed", "agrona-broadcast", "yielding"},
        {"mixed", "abq-fanout", "-"},
        {"mixed", "reactor-sinks", "-"},
        {"mixed", "rxjava-behavior", "-"},
        {"multiproducer2", "statebus", "yielding"},
        {"multiproducer2", "disruptor", "yielding"},
        {"multiproducer2", "abq-fanout", "-"},
        {"multiproducer2", "submission-publisher", "-"},
        {"latency", "statebus", "busy-spin"},
        {"latency", "disruptor", "busy-spin"},
        {"latency", "jctools-spsc", "busy-spin"},
        {"latency", "agrona-broadcast", "busy-spin"},
        {"latency", "abq-fanout", "-"},
        {"latency", "submission-publisher", "-"},
        {"latency", "reactor-sinks", "-"},
        {"latency", "rxjava-behavior", "-"},
        {"latency", "statebus-flow", "blocking"},
        {"await", "statebus", "-"},
        {"await", "condition", "-"},
    };

    private PerfRunner()
    {
    }
    public static void main(final String[] args) throws Exception
    {
        Locale.setDefault(Locale.ROOT);
        final RunnerOptions options = RunnerOptions.parse(args);
        Files.createDirectories(options.results);

        final List<RowRounds> aggs = new ArrayList<>();
        for (final String[] row : ROWS)
        {
            if (options.cases.contains(row[0]))
            {
                aggs.add(new RowRounds(row));
            }
        }
        final long started = System.nanoTime();
        final List<Double> hops = runRounds(aggs, options.quick, started);
        final RunResults run = RunResults.of(aggs);
        run.write(options.results, aggs, hops);
        ConsoleTable.print(run.lines, run.notes);
        boolean failed = run.failed;
        try
        {
            Plots.all(run.lines, run.figures, run.ratios, options.results);
        }
        catch (final Exception | LinkageError ex)
        {
            failed = true;
            System.out.println("plots failed: " + ex);
        }
        System.out.printf("wrote %s/latest.tsv, rounds.tsv, ratios.tsv, notes.txt and the plots in %.0f s%n",
            options.results, (System.nanoTime() - started) / 1e9);
        System.exit(failed ? 1 : 0);
    }

    /** Runs every row once per round, each in its own JVM; returns the core-hop probe taken before each. */
    private static List<Double> runRounds(final List<RowRounds> aggs, final boolean quick, final long started)
        throws Exception
    {
        // Rounds: every row runs once per round, statebus next to its peers, so a burst of load from elsewhere on
        // this shared machine hits both sides of a ratio alike; each figure is the median over all rounds.
        // A Disruptor-style ring on 2 cores settles per JVM into a fast state (consumer a batch behind) or a slow
        // one (consumer on the producer's heels, every publish a cache-line round trip), raw Disruptor included,
        // so the rows behind the statebus/disruptor ratios (and disruptor+states, the raw ring carrying statebus's
        // payload) get more JVMs than the others.
        // quick (under 3 minutes with the build and the demo): one round for the peers, whose distance from statebus
        // (2x to 100x) one round shows, and three for the rows behind the target ratios, so their min-max has three
        // JVMs; a JVM per row costs 1.5-2 s, so the round count is what the budget buys.
        final int rounds = quick ? 1 : 3;
        final int comparedRounds = quick ? 3 : 6;
        final List<Double> hops = new ArrayList<>();
        for (int round = 1; round <= comparedRounds; round++)
        {
            for (int i = 0; i < aggs.size(); i++)
            {
                final RowRounds agg = aggs.get(i);
                final int rowRounds = isCompared(agg.row) ? comparedRounds : rounds;
                if (round > rowRounds)
                {
                    continue;
                }
                final double hopBefore = CoreHop.probe();
                System.out.printf("=== round %d of %d, row %d of %d: %s / %s / %s (%.0f s elapsed, core hop %.0f ns)%n",
                    round, rowRounds, i + 1, aggs.size(), agg.row[0], agg.row[1], agg.row[2],
                    (System.nanoTime() - started) / 1e9, hopBefore);
                agg.add(RowProcess.run(agg.row, quick), hopBefore);
                hops.add(hopBefore);
            }
        }
        return hops;
    }

    /** The rows whose ratio to each other is a target: statebus and the raw Disruptor in unicast, multicast3, latency. */
    private static boolean isCompared(final String[] row)
    {
        return ("unicast".equals(row[0]) || "multicast3".equals(row[0]) || "latency".equals(row[0])) &&
            ("statebus".equals(row[1]) || row[1].startsWith("disruptor")); // disruptor and disruptor+states
    }
}
