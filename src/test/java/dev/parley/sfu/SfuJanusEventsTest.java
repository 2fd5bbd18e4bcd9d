package dev.parley.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Janus's own news (unpublished, leaving, a screen published again), repeats included, acted on once. */
class SfuJanusEventsTest extends ScriptedSfuTest {
    @Test
    void repeatedUnpublishedAndLeavingEventsAreToleratedAndActedOnOnce() {
        Person ada = enter("Ada");
        Person bob = enter("Bob");
        Person cy = enter("Cy");
        for (Person p : List.of(ada, bob, cy)) {
            janus.webrtcup(publish(p, "camera"));
        }
        receiveUntil(ada, bob.id, cy.id);
        receiveUntil(bob, ada.id, cy.id);
        receiveUntil(cy, ada.id, bob.id);
        long negotiationsBefore = negotiationsOutside(null);

        // Cy's tab closed: every other participant's handle hears "unpublished" twice, then "leaving". Cy's
        // Parley socket stays open, so only Janus's news can take the feed away.
        ObjectNode unpublished = data("event").put("unpublished", cy.id);
        janus.toOthers(cy.id, unpublished);
        janus.toOthers(cy.id, unpublished);
        janus.toOthers(cy.id, data("event").put("leaving", cy.id));

        Person dan = enter("Dan");
        JsonNode offer = dan.next("sfu-offer");
        assertThat(feedsOf(offer)).containsExactlyInAnyOrder(ada.id, bob.id);
        answer(dan, offer);
        assertThat(subscribedFeeds(dan)).as("what Dan's subscriber asked Janus for").containsExactlyInAnyOrder(ada.id, bob.id);
        // The news itself made Parley renegotiate with no one else.
        assertThat(negotiationsOutside(dan)).isEqualTo(negotiationsBefore);
        for (Person p : List.of(ada, bob, cy)) {
            assertThat(p.all("sfu-offer")).as(p.name + "'s offers").hasSize(offersOf(p));
        }
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }

    @Test
    void aScreenPublishedAgainAfterItEndedIsNewsNotADuplicate() {
        Person ada = enter("Ada");
        janus.webrtcup(publish(ada, "camera"));
        String screen = ada.id + SfuMember.SCREEN_SUFFIX;
        for (int round = 1; round <= 2; round++) {
            long handle = publish(ada, "screen");
            janus.webrtcup(handle);
            Person during = enter("Newcomer during share " + round);
            assertThat(firstOfferFeeds(during)).as("share " + round + " is on").containsExactlyInAnyOrder(ada.id, screen);

            // Every other participant hears the news. The screen's own hangup comes last: it alone ends the
            // feed too, and would hide an "unpublished" wrongly ignored as a repeat.
            janus.toOthers(screen, data("event").put("unpublished", screen));
            Person after = enter("Newcomer after share " + round);
            assertThat(firstOfferFeeds(after)).as("share " + round + " is over").containsExactly(ada.id);
            janus.hangup(handle);
        }
        people.forEach(p -> assertThat(p.all("error")).as(p.name + "'s errors").isEmpty());
    }
}
