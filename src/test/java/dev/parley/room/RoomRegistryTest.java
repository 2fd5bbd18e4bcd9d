package dev.parley.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {
    private static final String ROOM = "0f8e9c3a-5b1d-4c2e-9a7f-3d6b8e1c2a4f";
    private final RoomRegistry registry = new RoomRegistry(200, 1000);

    private static Participant participant(String id) {
        return new Participant(id, "name-" + id, text -> {});
    }

    @Test
    void theFirstJoinCreatesTheRoomAndEachJoinerSeesThoseBefore() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            registry.join(ROOM, participant(id), 10,
                    admission -> seen.add(admission.present().stream().map(Participant::id).toList()));
        }
        assertThat(seen).containsExactly(List.of(), List.of("a"), List.of("a", "b"));
        assertThat(registry.find(ROOM).orElseThrow().participants()).extracting(Participant::id)
                .containsExactly("a", "b", "c");
    }

    @Test
    void theLastLeaveRemovesTheRoom() throws Exception {
        registry.join(ROOM, participant("a"), 10, a -> {});
        registry.join(ROOM, participant("b"), 10, a -> {});
        assertThat(registry.leave(ROOM, "a")).isPresent();
        assertThat(registry.roomCount()).isEqualTo(1);
        assertThat(registry.leave(ROOM, "b")).isPresent();
        assertThat(registry.roomCount()).isZero();
        assertThat(registry.leave(ROOM, "b")).isEmpty();
    }

    @Test
    void aJoinAfterTheRoomEmptiedOpensItAgain() throws Exception {
        registry.join(ROOM, participant("a"), 10, a -> {});
        registry.leave(ROOM, "a");
        registry.join(ROOM, participant("b"), 10, a -> {});
        assertThat(registry.find(ROOM).orElseThrow().participants()).extracting(Participant::id).containsExactly("b");
    }

    @Test
    void aFullRoomRefusesAndKeepsItsParticipants() throws Exception {
        registry.join(ROOM, participant("a"), 2, a -> {});
        registry.join(ROOM, participant("b"), 2, a -> {});
        assertThatThrownBy(() -> registry.join(ROOM, participant("c"), 2, a -> {}))
                .isInstanceOf(RoomFullException.class);
        assertThat(registry.participantCount()).isEqualTo(2);
    }

    @Test
    void roomsAreSeparate() throws Exception {
        String other = "11111111-2222-3333-4444-555555555555";
        registry.join(ROOM, participant("a"), 10, a -> {});
        registry.join(other, participant("b"), 10, a -> {});
        assertThat(registry.find(ROOM).orElseThrow().find("b")).isEmpty();
        assertThat(registry.leave(ROOM, "b")).isEmpty();
        assertThat(registry.participantCount()).isEqualTo(2);
    }

    @Test
    void concurrentJoinsAndLeavesLoseNobodyAndLeaveNoEmptyRoom() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2000; i++) {
                    String id = thread + "-" + i;
                    registry.join(ROOM, participant(id), 1000, a -> {});
                    assertThat(registry.leave(ROOM, id)).isPresent();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void broadcastSkipsTheSubject() throws Exception {
        List<String> toA = new ArrayList<>();
        List<String> toB = new ArrayList<>();
        registry.join(ROOM, new Participant("a", "A", toA::add), 10, x -> {});
        registry.join(ROOM, new Participant("b", "B", toB::add), 10, x -> {});
        registry.find(ROOM).orElseThrow().broadcast("hello", "a");
        assertThat(toA).isEmpty();
        assertThat(toB).containsExactly("hello");
    }

    @Test
    void roomIdsAreUuids() {
        assertThat(RoomId.isValid(RoomId.random())).isTrue();
        assertThat(RoomId.isValid("not-a-room")).isFalse();
        assertThat(RoomId.isValid(null)).isFalse();
        assertThat(RoomId.normalize("0F8E9C3A-5B1D-4C2E-9A7F-3D6B8E1C2A4F")).isEqualTo(ROOM);
    }
}
