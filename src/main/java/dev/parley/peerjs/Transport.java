package dev.parley.peerjs;

/** One client socket as the service sees it; the WebSocket binding and tests implement it. */
interface Transport {
    /**
     * Starts sending a text frame without waiting for it to leave.
     *
     * @return false if the socket is known to be closed, so the frame was not sent
     */
    boolean send(String text);

    /** Closes the socket with a WebSocket close code; the close event follows as for any other close. */
    void close(int code, String reason);
}
