package io.statebus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's {@code ValueWatcher}, operation by operation, on a {@link ValueStateBus}: a session id that is
 * {@code None} until a login, then a string. Each test is one of the watcher's operations, named as the seed names
 * it, with its Python line in the comment. Where the seed awaits a coroutine that another task satisfies, the port
 * registers the await first ({@link Awaits#prepareAwait}), makes the change, then waits: the registration is what
 * makes a value that came and went count, so no second thread or sleep is needed. README "Values and many
 * entities" has the same mapping as a table.
 */
@Timeout(30)
class ValueWatcherPortTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ExecutorService loop = Executors.newSingleThreadExecutor(); // the seed's event loop
    // watcher = ValueWatcher[str | None](None)
    private final ValueStateBus<String> watcher = StateBus.<String>valueBuilder(null).nullable(true).build();

    @AfterEach
    void close() throws InterruptedException
    {
        watcher.close();
        loop.shutdown();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void valueAndItsSetterThatIgnoresAnEqualValue()
    {
        assertThat(watcher.get()).isNull();                       // watcher.value is None
        watcher.set("s-1");                                       // watcher.value = "s-1"
        assertThat(watcher.set(new String("s-1")))               // watcher.value = "s-1"  (equal: no change)
            .isEqualTo(ValueStateBus.NOT_PUBLISHED);
        assertThat(watcher.get()).isEqualTo("s-1");
        assertThat(watcher.latestSequence()).isEqualTo(1);
    }

    @Test
    void onChangeIsCalledWithOldAndNewForEveryChange()
    {
        final List<String> changes = new CopyOnWriteArrayList<>();
        // watcher.on_change(lambda old, new: changes.append(f"{old}->{new}"))
        watcher.subscribe(Policy.BLOCK, (t, end) -> changes.add(t.from() + "->" + t.to()), loop);
        watcher.set("s-1");
        watcher.set("s-1");
        watcher.set(null);
        watcher.set("s-2");
        TestAwait.until(() -> changes.size() == 3, "three changes");
        assertThat(changes).containsExactly("null->s-1", "s-1->null", "null->s-2");
    }

    @Test
    void onValueCallsBackOnceWhenTheValueIsReached() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        // watcher.on_value("s-1", lambda: calls += 1)
        final CompletableFuture<Void> once = watcher.awaitAsync("s-1", TIMEOUT).thenRun(calls::incrementAndGet);
        watcher.set("s-1");
        watcher.set("s-2");
        watcher.set("s-1");
        once.get(10, TimeUnit.SECONDS);
        assertThat(calls).hasValue(1);
    }

    @Test
    void waitForReturnsAtOnceWhenTheValueIsAlreadyThere() throws Exception
    {
        watcher.set("s-1");
        // await watcher.wait_for("s-1")  (immediate=True)
        final Awaited<String> awaited = watcher.await("s-1", TIMEOUT);
        assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
        assertThat(awaited.transition().to()).isEqualTo("s-1");
    }

    @Test
    void waitForSeesAValueThatCameAndWent() throws Exception
    {
        // task = create_task(watcher.wait_for("s-1")); watcher.value = "s-1"; watcher.value = None; await task
        try (PendingAwait<String> waitFor = watcher.prepareAwait("s-1"))
        {
            watcher.set("s-1");
            watcher.set(null);
            final Awaited<String> awaited = waitFor.await(TIMEOUT);
            assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(awaited.transition().sequence()).isEqualTo(1);
        }
    }

    @Test
    void waitForTimesOut() throws Exception
    {
        // with pytest.raises(asyncio.TimeoutError): await watcher.wait_for("s-9", timeout=0.05)
        assertThat(watcher.await("s-9", Duration.ofMillis(50)).outcome()).isEqualTo(Awaited.Outcome.TIMED_OUT);
    }

    @Test
    void waitForNotReturnsTheFirstDifferentValue() throws Exception
    {
        watcher.set("s-1");
        // task = create_task(watcher.wait_for_not("s-1")); watcher.value = "s-2"; assert await task == "s-2"
        try (PendingAwait<String> waitForNot = watcher.prepareAwait(v -> !Objects.equals(v, "s-1")))
        {
            watcher.set("s-2");
            assertThat(waitForNot.await(TIMEOUT).transition().to()).isEqualTo("s-2");
        }
    }

    @Test
    void waitForNotNoneReturnsTheFirstValue() throws Exception
    {
        // task = create_task(watcher.wait_for_not_none()); watcher.value = "s-1"; assert await task == "s-1"
        try (PendingAwait<String> notNone = watcher.prepareAwait(Objects::nonNull))
        {
            watcher.set("s-1");
            assertThat(notNone.await(TIMEOUT).transition().to()).isEqualTo("s-1");
        }
        // and at once when it is already not None
        assertThat(watcher.awaitNotNull(TIMEOUT).transition().to()).isEqualTo("s-1");
    }

    @Test
    void waitForChangeReturnsTheNextValueEvenIfEqualToAnOlderOne() throws Exception
    {
        watcher.set("s-1");
        // task = create_task(watcher.wait_for_change()); watcher.value = None; assert await task is None
        try (PendingAwait<String> change = watcher.prepareAwaitChange())
        {
            watcher.set(null);
            watcher.set("s-1");
            final Awaited<String> awaited = change.await(TIMEOUT);
            assertThat(awaited.transition().from()).isEqualTo("s-1");
            assertThat(awaited.transition().to()).isNull();
        }
    }
}
