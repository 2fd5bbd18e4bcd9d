package dev.parley.signaling.handler;

import static dev.parley.signaling.handler.HandlerFixture.OTHER_ROOM;
import static dev.parley.signaling.handler.HandlerFixture.ROOM;
import static dev.parley.signaling.handler.HandlerFixture.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.ErrorCode;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.Message.Hand;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.MediaState;
import dev.parley.signaling.Message.Reaction;
import dev.parley.signaling.ProtocolException;
import dev.parley.signaling.Session;
import dev.parley.support.MutableClock;
import dev.parley.support.RecordingTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Chat, media state, hands and reactions: stamped by the server, seen by the whole room and no other. */
class RoomMessageHandlersTest {
    private final HandlerFixture f = new HandlerFixture();
    private final MutableClock clock = new MutableClock();
    private final RoomAnnouncer announcer = new RoomAnnouncer(f.rooms, f.codec);
    private final ChatBudget budget = new ChatBudget(clock);
    private final ChatHandler chat = new ChatHandler(announcer, budget, clock);
    private final RecordingTransport a = new RecordingTransport();
    private final RecordingTransport b = new RecordingTransport();
    private final RecordingTransport outsider = new RecordingTransport();
    private final Session sa;
    private final Session sb;

    RoomMessageHandlersTest() throws ProtocolException {
        sa = f.joined(a, ROOM, "Ada");
        sb = f.joined(b, ROOM, "Grace");
        f.joined(outsider, OTHER_ROOM, "Mallory");
        a.clear();
    }

    @Test
    void chatGoesToEveryoneWithTheServersSenderNameAndTime() throws Exception {
        chat.handle(sa, new Chat("forged", "Forged", "<img src=x onerror=alert(1)>", 1L));
        for (RecordingTransport t : new RecordingTransport[] {a, b}) {
            JsonNode m = t.last();
            assertThat(m.path("type").asText()).isEqualTo("chat");
            assertThat(m.path("from").asText()).isEqualTo(id(sa));
            assertThat(m.path("name").asText()).isEqualTo("Ada");
            assertThat(m.path("text").asText()).isEqualTo("<img src=x onerror=alert(1)>");
            assertThat(m.path("ts").asLong()).isEqualTo(clock.millis());
        }
        assertThat(outsider.messages()).isEmpty();
    }

    @Test
    void lateJoinersReceiveTheHistoryInOrder() throws Exception {
        chat.handle(sa, new Chat(null, null, "first", null));
        chat.handle(sb, new Chat(null, null, "second", null));
        RecordingTransport late = new RecordingTransport();
        f.join.handle(f.session(late), new Join(1, ROOM, "Late"));
        JsonNode history = late.ofType("chat-history").get(0).path("messages");
        assertThat(history).extracting(m -> m.path("text").asText()).containsExactly("first", "second");
        assertThat(history.get(1).path("name").asText()).isEqualTo("Grace");
    }

    @Test
    void historyKeepsOnlyTheLatestMessages() throws Exception {
        for (int i = 0; i < f.config.chatHistorySize() + 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            chat.handle(sa, new Chat(null, null, "m" + i, null));
        }
        var kept = f.rooms.find(ROOM).orElseThrow().chat().snapshot();
        assertThat(kept).hasSize(f.config.chatHistorySize());
        assertThat(kept.get(0).text()).isEqualTo("m5");
    }

    @Test
    void chattingTooFastIsRefusedToTheSenderOnly() throws Exception {
        for (int i = 0; i < f.config.chatBurst(); i++) {
            chat.handle(sa, new Chat(null, null, "spam " + i, null));
        }
        b.clear();
        assertThatThrownBy(() -> chat.handle(sa, new Chat(null, null, "one more", null)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(b.messages()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        chat.handle(sa, new Chat(null, null, "later", null));
        assertThat(b.last().path("text").asText()).isEqualTo("later");
    }

    @Test
    void mediaStateIsKeptAndAnnouncedWithTheTrueSender() throws Exception {
        new MediaStateHandler(announcer).handle(sa, new MediaState("forged", false, true, true, 99L));
        JsonNode m = b.last();
        assertThat(m.path("type").asText()).isEqualTo("media-state");
        assertThat(m.path("from").asText()).isEqualTo(id(sa));
        assertThat(m.path("audio").asBoolean()).isFalse();
        assertThat(m.path("screen").asBoolean()).isTrue();
        assertThat(m.path("screenOrder").asLong()).as("the server's order, not the client's").isEqualTo(1);
        var state = f.rooms.find(ROOM).orElseThrow().find(id(sa)).orElseThrow().state();
        assertThat(state.audio()).isFalse();
        assertThat(state.video()).isTrue();
        assertThat(outsider.messages()).isEmpty();
    }

    @Test
    void screensAreNumberedInTheOrderTheyStartedSoLateJoinersSpotlightTheSamePresenter() throws Exception {
        MediaStateHandler media = new MediaStateHandler(announcer);
        media.handle(sb, new MediaState(null, true, true, true, null));
        media.handle(sa, new MediaState(null, true, true, true, null));
        assertThat(a.last().path("screenOrder").asLong()).isEqualTo(2);
        media.handle(sa, new MediaState(null, false, true, true, null));
        assertThat(a.last().path("screenOrder").asLong()).as("still the same presentation").isEqualTo(2);

        RecordingTransport late = new RecordingTransport();
        f.join.handle(f.session(late), new Join(1, ROOM, "Late"));
        JsonNode present = late.ofType("joined").get(0).path("participants");
        assertThat(present.get(0).path("screenOrder").asLong()).as("Ada started last").isEqualTo(2);
        assertThat(present.get(1).path("screenOrder").asLong()).isEqualTo(1);

        media.handle(sb, new MediaState(null, true, true, false, null));
        assertThat(a.last().has("screenOrder")).as("no order while not presenting").isFalse();
        media.handle(sb, new MediaState(null, true, true, true, null));
        assertThat(a.last().path("screenOrder").asLong()).as("presenting again is the latest").isEqualTo(3);
    }

    @Test
    void aRaisedHandIsKeptForLateJoiners() throws Exception {
        new HandHandler(announcer).handle(sb, new Hand(null, true));
        assertThat(a.last().path("raised").asBoolean()).isTrue();
        RecordingTransport late = new RecordingTransport();
        f.join.handle(f.session(late), new Join(1, ROOM, "Late"));
        JsonNode grace = late.ofType("joined").get(0).path("participants").get(1);
        assertThat(grace.path("name").asText()).isEqualTo("Grace");
        assertThat(grace.path("hand").asBoolean()).isTrue();
    }

    @Test
    void reactionsReachTheRoomAndShareTheChatAllowance() throws Exception {
        ReactionHandler reactions = new ReactionHandler(announcer, budget);
        reactions.handle(sb, new Reaction("forged", "🎉"));
        assertThat(a.last().path("emoji").asText()).isEqualTo("🎉");
        assertThat(a.last().path("from").asText()).isEqualTo(id(sb));
        for (int i = 1; i < f.config.chatBurst(); i++) {
            reactions.handle(sb, new Reaction(null, "👍"));
        }
        assertThatThrownBy(() -> chat.handle(sb, new Chat(null, null, "hi", null)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void unjoinedConnectionsCannotUseAnyOfThem() {
        Session s = f.session(new RecordingTransport());
        assertThatThrownBy(() -> chat.handle(s, new Chat(null, null, "hi", null)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_JOINED);
        assertThatThrownBy(() -> new HandHandler(announcer).handle(s, new Hand(null, true)))
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_JOINED);
    }
}
