package io.statebus.aeron.perf;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.perf.Medians.fmt;
import static io.statebus.aeron.perf.Medians.max;
import static io.statebus.aeron.perf.Medians.median;
import static io.statebus.aeron.perf.Medians.min;

/**
 * {@link OneThreadCost} in fresh JVMs, one per round ({@link OneThreadKinds} for the long and keyed cases): the cost
 * per transition of the whole IPC path on one thread, statebus and raw Aeron sending the same bytes ({@code aeron})
 * alternating, and for a bus of states raw Aeron sending one message per transition ({@code aeron-per-transition},
 * a second reference); rows with threads = 1 (ops/s = 1e9 / wall ns per transition, no latency figures); the notes
 * give the ratio by wall time and by the measuring thread's CPU time.
 */
final class OneThreadRows
{
    /** The figures a child prints; the last two only {@link OneThreadCost}'s (a bus of states). */
    private static final String[] KEYS = {"statebus_ns", "aeron_ns", "statebus_cpu_ns", "aeron_cpu_ns",
        "per_transition_ns", "per_transition_cpu_ns"};
    /** Iterations of each JVM left out as warm-up. */
    private static final int WARM_UP = 5;

    private final boolean quick;
    private final StringBuilder rounds;
    private final StringBuilder notes;
    private final String kase;
    private final Class<?> child;
    private final String[] childArgs;
    private boolean verified = true;

    OneThreadRows(final boolean quick, final StringBuilder rounds, final StringBuilder notes)
    {
        this(quick, rounds, notes, "aeron-ipc", OneThreadCost.class);
    }

    /** The rows of case {@code kase}, measured by {@code child}'s main ({@code perIteration iterations childArgs}). */
    OneThreadRows(final boolean quick, final StringBuilder rounds, final StringBuilder notes, final String kase,
        final Class<?> child, final String... childArgs)
    {
        this.quick = quick;
        this.rounds = rounds;
        this.notes = notes;
        this.kase = kase;
        this.child = child;
        this.childArgs = childArgs;
    }

    /** @return the rows (statebus, aeron[, aeron-per-transition]) for latest.tsv; appends to the rounds and notes. */
    String run(final int roundCount) throws Exception
    {
        // statebus, same bytes, per transition: wall; then the same three: the thread's CPU
        final double[][] ns = new double[KEYS.length][roundCount];
        boolean perTransition = true;
        for (int round = 0; round < roundCount; round++)
        {
            System.out.printf("== %s one thread (cost per transition) round %d of %d%n", kase, round + 1, roundCount);
            final Map<String, List<Double>> figures = new HashMap<>();
            runChild(figures);
            perTransition &= !figures.get("per_transition_ns").isEmpty();
            for (int k = 0; k < KEYS.length; k++)
            {
                ns[k][round] = median(figures.get(KEYS[k]).stream().mapToDouble(Double::doubleValue).toArray());
            }
            recordRound(round, ns[0][round], ns[1][round], perTransition ? ns[4][round] : 0);
        }
        note("", "aeron", ns[0], ns[1]);
        // the CPU time leaves out the waits for a core, which swing the wall time on a loaded machine
        note(", the measuring thread's CPU time", "aeron", ns[2], ns[3]);
        if (perTransition)
        {
            note("", "aeron-per-transition", ns[0], ns[4]);
            note(", the measuring thread's CPU time", "aeron-per-transition", ns[2], ns[5]);
        }
        final String v = verified ? "yes" : "no";
        return row("statebus", ns[0], v) + row("aeron", ns[1], v) +
            (perTransition ? row("aeron-per-transition", ns[4], v) : "");
    }

    private String row(final String system, final double[] ns, final String verifiedText)
    {
        return String.format(Locale.ROOT, "%s\t%s\t-\t1\t%.0f\t-\t-\t-\t-\t%s%n", kase, system, 1e9 / median(ns),
            verifiedText);
    }

    private void note(final String what, final String peer, final double[] statebusNs, final double[] rawNs)
    {
        final double[] ratio = new double[statebusNs.length];
        for (int i = 0; i < ratio.length; i++)
        {
            ratio[i] = statebusNs[i] / rawNs[i];
        }
        notes.append(String.format(Locale.ROOT, "%s on one thread (cost per transition, whole path, no core " +
            "hop%s): statebus %.1f ns, raw %s %.1f ns; statebus/%s %.2f (min %.2f, max %.2f), per round: %s%s%n",
            kase, what, median(statebusNs), peer, median(rawNs), peer, median(ratio), min(ratio), max(ratio),
            fmt(ratio), peer.equals("aeron") ? "; raw Aeron sending the same bytes" +
            (List.of(childArgs).contains(Wire.Kind.KEYED.name()) ? AeronRows.KEYED_SNAPSHOTS : "") :
            "; a second reference: one 48-byte message per transition"));
    }

    /**
     * One JVM of {@link OneThreadCost}: its iterations' figures, but for the warm-up ones. The statebus path (more code
     * for the JIT than raw Aeron's) reaches its steady cost only after about 6 million transitions in a fresh JVM
     * (measured: 100 ns at iteration 3, 47-53 ns from iteration 6 on), so the first {@link #WARM_UP} iterations of a
     * million are left out.
     */
    private void runChild(final Map<String, List<Double>> figures) throws Exception
    {
        for (final String key : KEYS)
        {
            figures.put(key, new ArrayList<>());
        }
        final long perIteration = quick ? 1_000_000 : 2_000_000;
        final int iterations = WARM_UP + (quick ? 3 : 5);
        final List<String> args = new ArrayList<>(List.of(Long.toString(perIteration), Integer.toString(iterations)));
        args.addAll(List.of(childArgs));
        final Process child = Children.start(this.child, args.toArray(new String[0]));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            for (String line = in.readLine(); line != null; line = in.readLine())
            {
                if (line.startsWith("RESULT") && iterationOf(line) >= WARM_UP)
                {
                    parse(line, figures);
                }
            }
        }
        if (!child.waitFor(120, TimeUnit.SECONDS) || child.exitValue() != 0 || figures.get(KEYS[0]).isEmpty())
        {
            child.destroyForcibly();
            throw new IllegalStateException(this.child.getSimpleName() + " failed");
        }
    }

    private static int iterationOf(final String line)
    {
        final int at = line.indexOf("iteration=") + "iteration=".length();
        return Integer.parseInt(line.substring(at, line.indexOf(' ', at)));
    }

    private void parse(final String line, final Map<String, List<Double>> figures)
    {
        for (final String part : line.split(" "))
        {
            final String[] kv = part.split("=");
            if (kv[0].equals("verified"))
            {
                verified &= kv[1].equals("yes");
            }
            else if (figures.containsKey(kv[0]))
            {
                figures.get(kv[0]).add(Double.parseDouble(kv[1]));
            }
        }
    }

    /** @param perTransitionNs the per-transition peer's, 0 if it did not run. */
    private void recordRound(final int round, final double statebusNs, final double rawNs, final double perTransitionNs)
    {
        rounds.append(String.format(Locale.ROOT, "%s-1thread\tstatebus\t%d\t%.0f\t-\t-\t-\t-\t-\t-%n" +
            "%s-1thread\taeron\t%d\t%.0f\t-\t-\t-\t-\t-\t-%n", kase, round + 1, 1e9 / statebusNs, kase, round + 1,
            1e9 / rawNs));
        if (perTransitionNs > 0)
        {
            rounds.append(String.format(Locale.ROOT, "%s-1thread\taeron-per-transition\t%d\t%.0f\t-\t-\t-\t-\t-\t-%n",
                kase, round + 1, 1e9 / perTransitionNs));
        }
        System.out.printf(Locale.ROOT, "   statebus %.1f ns, aeron (same bytes) %.1f ns, aeron per transition %s " +
            "per transition%n", statebusNs, rawNs, perTransitionNs > 0 ? String.format(Locale.ROOT, "%.1f ns",
            perTransitionNs) : "-");
    }
}
