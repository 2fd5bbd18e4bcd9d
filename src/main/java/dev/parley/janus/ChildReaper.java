package dev.parley.janus;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops the Janus processes still running when the JVM exits normally (Ctrl-C, SIGTERM, System.exit), so
 * that no orphan keeps its ports. One hook for all of them; a process leaves the set when it exits.
 */
final class ChildReaper {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "janus-reaper"));
        } catch (IllegalStateException alreadyExiting) {
            // first used while the JVM shuts down: nothing left to protect
        }
    }

    private ChildReaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }
}
