package dev.parley.metrics;

/** What an endpoint reports about its traffic; {@link #NONE} for tests and tools that need no figures. */
public interface EndpointMetrics {
    void messageIn(String type);

    void messageOut(String type);

    void error(String code);

    /** Time from a message's arrival until it was handed to the destination's socket. */
    void relayed(long nanos);

    EndpointMetrics NONE = new EndpointMetrics() {
        @Override
        public void messageIn(String type) {}

        @Override
        public void messageOut(String type) {}

        @Override
        public void error(String code) {}

        @Override
        public void relayed(long nanos) {}
    };
}
