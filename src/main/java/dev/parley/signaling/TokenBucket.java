package dev.parley.signaling;

/** A per-connection message budget: {@code burst} at once, refilled at {@code perSecond}. */
public final class TokenBucket {
    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long lastMillis;

    public TokenBucket(double perSecond, int burst, long nowMillis) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = burst;
        this.tokens = burst;
        this.lastMillis = nowMillis;
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryTake(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether a token is there, without taking it. */
    public synchronized boolean available(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1;
    }

    private void refill(long nowMillis) {
        if (nowMillis > lastMillis) {
            tokens = Math.min(capacity, tokens + (nowMillis - lastMillis) * perMilli);
            lastMillis = nowMillis;
        }
    }
}
