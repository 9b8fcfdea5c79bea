package io.statebus.perf;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.statebus.perf.Harness.RING;

/** Reactor 3.8: one multicast sink with back-pressure; each consumer publishOn its own single-thread scheduler. */
final class ReactorSinksWiring extends ReactiveRows.Wiring
{
    private final Sinks.Many<Long> sink = Sinks.many().multicast().onBackpressureBuffer(RING, false);
    private final List<Scheduler> schedulers = new ArrayList<>();

    @Override
    boolean tryEmit(final Long v)
    {
        final Sinks.EmitResult result = sink.tryEmitNext(v);
        if (result == Sinks.EmitResult.OK)
        {
            return true;
        }
        if (result == Sinks.EmitResult.FAIL_OVERFLOW)
        {
            return false;
        }
        throw new IllegalStateException("reactor sink refused a value: " + result); // one producer: never
    }

    @Override
    void subscribe(final Consumer<Long> consumer, final Runnable onDrop, final Harness.TrackedThreads threads)
    {
        final Scheduler scheduler = Schedulers.newSingle(threads);
        schedulers.add(scheduler);
        Flux<Long> flux = sink.asFlux();
        if (onDrop != null)
        {
            flux = flux.onBackpressureDrop(dropped -> onDrop.run());
        }
        flux.publishOn(scheduler).subscribe(consumer);
    }

    @Override
    String setup()
    {
        return "Sinks.many().multicast().onBackpressureBuffer(" + RING + ", false); each consumer " +
            "asFlux().publishOn(Schedulers.newSingle(..)), default prefetch 256";
    }

    @Override
    public void close()
    {
        sink.tryEmitComplete();
        schedulers.forEach(Scheduler::dispose);
    }
}
