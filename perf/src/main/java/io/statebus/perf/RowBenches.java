package io.statebus.perf;

import static io.statebus.perf.RowMain.SLOW_WORK;

/** Which bench runs a row: the system set up for the case (and wait strategy), by case. */
final class RowBenches
{
    private RowBenches()
    {
    }

    /** The bench of a throughput row (unicast, multicast3, mixed, multiproducer2). */
    static Bench throughput(final String kase, final String system, final String wait)
    {
        switch (kase)
        {
            case "unicast":
                return unicast(system, wait);
            case "multicast3":
                return multicast3(system, wait);
            case "mixed":
                return mixed(system, wait);
            case "multiproducer2":
                return multiproducer2(system, wait);
            default:
                throw noSuchRow(kase, system);
        }
    }

    private static Bench unicast(final String system, final String wait)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusRows.Fanout(1, wait, false);
            case "statebus+clock":
                return new StateBusRows.Fanout(1, wait, true);
            case "disruptor":
                return new DisruptorRows.Fanout(1, wait);
            case "disruptor+states":
                return new DisruptorStatesFanout(1, wait);
            case "abq-fanout":
                return new AbqFanout(1, 1, false);
            case "submission-publisher":
                return new SubmissionPublisherFanout(1, 1, false);
            case "jctools-spsc":
                return new JctoolsSpsc(false);
            case "agrona-broadcast":
                return new AgronaRows.Broadcast(1, "busy-spin".equals(wait), 0, false);
            case "condition":
                return new ConditionRows.Fanout(1);
            default:
                throw noSuchRow("unicast", system);
        }
    }

    private static Bench multicast3(final String system, final String wait)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusRows.Fanout(3, wait, false);
            case "statebus-default":
                return new StateBusRows.Fanout(3, wait, false, true); // the builder's defaults: blocking, MULTI, no clock
            case "statebus-flow":
                return new FlowRows.Fanout(3, wait, false);
            case "disruptor":
                return new DisruptorRows.Fanout(3, wait);
            case "disruptor+states":
                return new DisruptorStatesFanout(3, wait);
            case "abq-fanout":
                return new AbqFanout(3, 1, false);
            case "reactor-sinks":
            case "rxjava-behavior":
                return new ReactiveRows.Fanout(system, 3, false);
            case "submission-publisher":
                return new SubmissionPublisherFanout(3, 1, false);
            case "agrona-broadcast":
                return new AgronaRows.Broadcast(3, "busy-spin".equals(wait), 0, false);
            case "condition":
                return new ConditionRows.Fanout(3);
            default:
                throw noSuchRow("multicast3", system);
        }
    }

    private static Bench mixed(final String system, final String wait)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusMixed(wait, SLOW_WORK);
            case "abq-fanout":
                return new AbqMixed(SLOW_WORK);
            case "reactor-sinks":
            case "rxjava-behavior":
                return new ReactiveRows.Mixed(system, SLOW_WORK);
            case "agrona-broadcast":
                return new AgronaRows.Broadcast(2, "busy-spin".equals(wait), SLOW_WORK, false);
            default:
                throw noSuchRow("mixed", system);
        }
    }

    private static Bench multiproducer2(final String system, final String wait)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusMultiProducer(wait);
            case "disruptor":
                return new DisruptorMultiProducer(wait);
            case "abq-fanout":
                return new AbqFanout(1, 2, false);
            case "submission-publisher":
                return new SubmissionPublisherFanout(1, 2, false);
            default:
                throw noSuchRow("multiproducer2", system);
        }
    }

    /** The bench of a latency row. */
    static LatencyBench latency(final String system, final String wait)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusRows.Latency(wait);
            case "disruptor":
                return new DisruptorRows.Latency(wait);
            case "abq-fanout":
                return new AbqFanout(1, 1, true);
            case "submission-publisher":
                return new SubmissionPublisherFanout(1, 1, true);
            case "jctools-spsc":
                return new JctoolsSpsc(true);
            case "agrona-broadcast":
                return new AgronaRows.Broadcast(1, "busy-spin".equals(wait), 0, true);
            case "statebus-flow":
                return new FlowRows.Fanout(1, wait, true);
            case "reactor-sinks":
            case "rxjava-behavior":
                return new ReactiveRows.Fanout(system, 1, true);
            default:
                throw noSuchRow("latency", system);
        }
    }

    /** The bench of an await row. */
    static AwaitBench await(final String system)
    {
        switch (system)
        {
            case "statebus":
                return new StateBusAwait();
            case "condition":
                return new ConditionRows.Await();
            default:
                throw noSuchRow("await", system);
        }
    }

    private static IllegalArgumentException noSuchRow(final String kase, final String system)
    {
        return new IllegalArgumentException("no such row: " + kase + " " + system);
    }
}
