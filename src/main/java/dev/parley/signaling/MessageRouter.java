package dev.parley.signaling;

import dev.parley.config.SignalingConfig;
import dev.parley.ice.IceServers;
import dev.parley.room.RoomRegistry;
import dev.parley.room.RoomSettingsStore;
import dev.parley.signaling.Message.Chat;
import dev.parley.signaling.Message.ClientMessage;
import dev.parley.signaling.Message.Hand;
import dev.parley.signaling.Message.Join;
import dev.parley.signaling.Message.Leave;
import dev.parley.signaling.Message.MediaState;
import dev.parley.signaling.Message.Moderate;
import dev.parley.signaling.Message.Ping;
import dev.parley.signaling.Message.Reaction;
import dev.parley.signaling.Message.SfuAnswer;
import dev.parley.signaling.Message.SfuCandidate;
import dev.parley.signaling.Message.SfuPublish;
import dev.parley.signaling.Message.SfuQuality;
import dev.parley.signaling.Message.Signal;
import dev.parley.signaling.handler.SfuAnswerHandler;
import dev.parley.signaling.handler.SfuCandidateHandler;
import dev.parley.signaling.handler.SfuPublishHandler;
import dev.parley.signaling.handler.SfuQualityHandler;
import dev.parley.signaling.handler.ChatBudget;
import dev.parley.signaling.handler.ChatHandler;
import dev.parley.signaling.handler.HandHandler;
import dev.parley.signaling.handler.JoinHandler;
import dev.parley.signaling.handler.LeaveHandler;
import dev.parley.signaling.handler.MediaStateHandler;
import dev.parley.signaling.handler.ModerateHandler;
import dev.parley.signaling.handler.RoomGate;
import dev.parley.signaling.handler.PingHandler;
import dev.parley.signaling.handler.ReactionHandler;
import dev.parley.signaling.handler.RoomAnnouncer;
import dev.parley.signaling.handler.SignalHandler;
import dev.parley.signaling.handler.MessageHandler;
import java.time.InstantSource;

/** Hands each client message to the one handler for its type; the switch is checked complete by the compiler. */
public final class MessageRouter {
    private final MessageHandler<Join> join;
    private final MessageHandler<Signal> signal;
    private final MessageHandler<Ping> ping;
    private final MessageHandler<Leave> leave;
    private final MessageHandler<MediaState> mediaState;
    private final MessageHandler<Chat> chat;
    private final MessageHandler<Hand> hand;
    private final MessageHandler<Reaction> reaction;
    private final MessageHandler<Moderate> moderate;
    private final MessageHandler<SfuPublish> sfuPublish;
    private final MessageHandler<SfuAnswer> sfuAnswer;
    private final MessageHandler<SfuQuality> sfuQuality;
    private final MessageHandler<SfuCandidate> sfuCandidate;

    public MessageRouter(RoomRegistry rooms, MessageCodec codec, SignalingConfig config, Presence presence,
            InstantSource clock, ResumeTokens tokens, RoomSettingsStore settings, IceServers ice, RoomMedia media) {
        RoomAnnouncer announcer = new RoomAnnouncer(rooms, codec);
        ChatBudget budget = new ChatBudget(clock);
        this.join = new JoinHandler(rooms, codec, config, presence, tokens, new RoomGate(settings, clock), settings,
                ice, media);
        this.signal = new SignalHandler(rooms, codec);
        this.ping = new PingHandler(codec);
        this.leave = new LeaveHandler(presence);
        this.mediaState = new MediaStateHandler(announcer);
        this.chat = new ChatHandler(announcer, budget, clock);
        this.hand = new HandHandler(announcer);
        this.reaction = new ReactionHandler(announcer, budget);
        this.moderate = new ModerateHandler(announcer, presence, settings);
        this.sfuPublish = new SfuPublishHandler(media);
        this.sfuAnswer = new SfuAnswerHandler(media);
        this.sfuQuality = new SfuQualityHandler(media);
        this.sfuCandidate = new SfuCandidateHandler(media);
    }

    public void route(Session session, ClientMessage message) throws ProtocolException {
        switch (message) {
            case Join m -> join.handle(session, m);
            case Signal m -> signal.handle(session, m);
            case Ping m -> ping.handle(session, m);
            case Leave m -> leave.handle(session, m);
            case MediaState m -> mediaState.handle(session, m);
            case Chat m -> chat.handle(session, m);
            case Hand m -> hand.handle(session, m);
            case Reaction m -> reaction.handle(session, m);
            case Moderate m -> moderate.handle(session, m);
            case SfuPublish m -> sfuPublish.handle(session, m);
            case SfuAnswer m -> sfuAnswer.handle(session, m);
            case SfuQuality m -> sfuQuality.handle(session, m);
            case SfuCandidate m -> sfuCandidate.handle(session, m);
        }
    }
}
