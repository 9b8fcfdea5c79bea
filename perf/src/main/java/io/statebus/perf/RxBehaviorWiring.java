package io.statebus.perf;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.processors.BehaviorProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import static io.statebus.perf.Harness.RING;

/** RxJava 3.1: one BehaviorProcessor; each consumer observeOn a single-thread executor of its own. */
final class RxBehaviorWiring extends ReactiveRows.Wiring
{
    private final BehaviorProcessor<Long> processor = BehaviorProcessor.create();
    private final List<ExecutorService> executors = new ArrayList<>();

    @Override
    boolean tryEmit(final Long v)
    {
        return processor.offer(v);
    }

    @Override
    void subscribe(final Consumer<Long> consumer, final Runnable onDrop, final Harness.TrackedThreads threads)
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor(threads);
        executors.add(executor);
        Flowable<Long> flowable = processor;
        if (onDrop != null)
        {
            flowable = flowable.onBackpressureDrop(dropped -> onDrop.run());
        }
        flowable.observeOn(io.reactivex.rxjava3.schedulers.Schedulers.from(executor), false, RING)
            .subscribe(consumer::accept);
    }

    @Override
    String setup()
    {
        return "BehaviorProcessor.create(), offer(); each consumer observeOn(Schedulers.from(" +
            "Executors.newSingleThreadExecutor()), false, " + RING + ")";
    }

    @Override
    public void close()
    {
        processor.onComplete();
        executors.forEach(ExecutorService::shutdownNow);
    }
}
