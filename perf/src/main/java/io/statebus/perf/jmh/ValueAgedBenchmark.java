package io.statebus.perf.jmh;

/**
 * {@link ValueBenchmark} on an aged heap: after the set-up, two full collections move everything it built into the
 * old generation, as a process that has run a while has it. Under G1 a reference stored into an old object costs
 * a StoreLoad fence in the post-write barrier unless both are in one region: in {@link ValueBenchmark} the raw
 * ring's events stay young for the whole run (nothing allocates, so no collection happens), while the bus's
 * references array, over half a region, is born old. Here both sides pay it. Not part of {@code perf/run}; run it
 * on its own (see {@code perf/FINDINGS.md} §11).
 */
public class ValueAgedBenchmark extends ValueBenchmark
{
    /** At the end of {@link ValueBenchmark#setUp}. */
    @Override
    void afterSetUp()
    {
        System.gc();
        System.gc();
    }
}
