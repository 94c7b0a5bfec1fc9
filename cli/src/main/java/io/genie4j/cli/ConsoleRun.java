package io.genie4j.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console side of a long command: a progress bar on stderr, and a Ctrl-C hook that asks the
 * work to stop at its next safe point (a trainer's checkpoint) and holds the JVM until it has.
 * Close it when the work is done, normally or not.
 */
final class ConsoleRun implements AutoCloseable {
    private volatile boolean stopRequested;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook =
            new Thread(
                    () -> {
                        stopRequested = true;
                        try {
                            done.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "genie4j-stop");
    private ProgressBar bar;

    /** Installs the Ctrl-C hook. */
    ConsoleRun() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether Ctrl-C asked the work to stop. */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Starts this run's progress bar (closing one started before). */
    ProgressBar startBar(String task, long from, long total) {
        if (bar != null) {
            bar.close();
        }
        bar = bar(task, from, total);
        return bar;
    }

    /** This run's progress bar, or null before {@link #startBar}. */
    ProgressBar bar() {
        return bar;
    }

    /** Closes the bar and lets a waiting Ctrl-C end the JVM. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDown) {
            // the hook is running: the JVM exits once the caller returns
        }
    }

    /** An ASCII progress bar on stderr from {@code from} of {@code total}. */
    static ProgressBar bar(String task, long from, long total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .startsFrom(from, Duration.ZERO)
                .build();
    }
}
