package dev.parley.sfu;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another: each starts when the one before has finished, failed
 * or not. Janus handles must not be asked twice at once (a second offer while an answer is pending
 * gets "updating"), so each handle's work goes through one of these.
 */
final class SerialQueue {
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    synchronized <T> CompletableFuture<T> then(Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> next = tail.handle((ignored, error) -> null).thenCompose(ignored -> {
            try {
                return step.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
        tail = next;
        return next;
    }
}
