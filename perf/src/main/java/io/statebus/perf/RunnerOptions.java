package io.statebus.perf;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** PerfRunner's command line: --quick, --cases a,b and --results DIR; exits with status 2 on a usage error. */
final class RunnerOptions
{
    final boolean quick;
    final Set<String> cases;
    final Path results;

    private RunnerOptions(final boolean quick, final Set<String> cases, final Path results)
    {
        this.quick = quick;
        this.cases = cases;
        this.results = results;
    }

    static RunnerOptions parse(final String[] args)
    {
        boolean quick = false;
        Set<String> cases = new LinkedHashSet<>(PerfRunner.CASES);
        // without --results (perf/run always gives one), a new run directory as perf/run would make
        Path results = Paths.get("perf/results/runs",
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()));
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--cases":
                    cases = knownCases(args[++i]);
                    break;
                case "--results":
                    results = Paths.get(args[++i]);
                    break;
                default:
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
            }
        }
        return new RunnerOptions(quick, cases, results);
    }

    private static Set<String> knownCases(final String list)
    {
        final Set<String> cases = new LinkedHashSet<>(Arrays.asList(list.split(",")));
        for (final String c : cases)
        {
            if (!PerfRunner.CASES.contains(c))
            {
                System.err.println("unknown case '" + c + "'; cases: " + String.join(",", PerfRunner.CASES));
                System.exit(2);
            }
        }
        return cases;
    }
}
