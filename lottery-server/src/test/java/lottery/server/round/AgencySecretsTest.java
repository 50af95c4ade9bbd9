package lottery.server.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import lottery.protocol.message.Ack;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.store.RoundSnapshot;
import lottery.server.support.MemoryBetStore;
import lottery.server.support.TaskQueue;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agency authentication: the secrets file and the HELLO check (AUTHENTICATION_FAILED). */
class AgencySecretsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("secrets"), text);
    }

    @Test
    void readsAgencySecretLinesSkippingCommentsAndBlankLines() throws IOException {
        AgencySecrets secrets = AgencySecrets.load(file("# agencies\n\n1 = s3cr=t#1\n 2=two \n"), 5);

        assertThat(secrets.enabled()).isTrue();
        assertThat(secrets.size()).isEqualTo(2);
        assertThat(secrets.matches(1, "s3cr=t#1")).isTrue();
        assertThat(secrets.matches(2, "two")).isTrue();
        assertThat(secrets.matches(2, "twO")).isFalse();
        assertThat(secrets.matches(2, "")).isFalse();
        assertThat(secrets.matches(3, "")).as("an agency without a line").isFalse();
        assertThat(AgencySecrets.none().matches(3, "")).isTrue();
    }

    @Test
    void aBadFileIsAStartUpErrorNamingTheFileAndTheLineButNeverTheSecret() throws IOException {
        for (String[] bad : new String[][] {{"1 = a\nnonsense\n", "line 2: not AGENCY = SECRET"},
                {"x = a\n", "line 1: the agency is not a number"},
                {"1 = a\n1 = hidden\n", "line 2: agency 1 has a secret already"},
                {"6 = hidden\n", "line 1: agency 6 does not take part in the draw"},
                {"1 =   \n", "line 1: the secret of agency 1 is empty"}}) {
            Path secrets = file(bad[0]);
            assertThatThrownBy(() -> AgencySecrets.load(secrets, 5)).isInstanceOf(IOException.class)
                    .hasMessage("the secrets file " + secrets + " " + bad[1])
                    .message().doesNotContain("hidden");
        }
    }

    @Test
    void aHelloWithAWrongOrMissingSecretIsAuthenticationFailedAndCloses() {
        TaskQueue lotteryThread = new TaskQueue();
        DrawCoordinator lottery = new DrawCoordinator(2, lotteryThread, null, null,
                AgencySecrets.of(Map.of(1, "right")), false);
        lottery.begin(new MemoryBetStore(), RoundSnapshot.empty(2));
        try (LogCapture log = LogCapture.open()) {
            for (Hello hello : List.of(new Hello(1, 1, "wrong"), new Hello(1, 1, ""), new Hello(1, 2, "right"))) {
                List<LotteryMessage> sent = new ArrayList<>();
                boolean[] closed = {false};
                AgencyConversation conversation = new AgencyConversation(lottery, recorder(sent, closed), "10.0.0.9");
                conversation.receive(hello);

                assertThat(sent).hasSize(1);
                assertThat(((ErrorReply) sent.get(0)).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(closed[0]).isTrue();
            }
            assertThat(log.messages()).noneMatch(line -> line.contains("right") || line.contains("wrong"));
        }
        List<LotteryMessage> sent = new ArrayList<>();
        new AgencyConversation(lottery, recorder(sent, new boolean[1]), "10.0.0.9").receive(new Hello(1, 1, "right"));
        assertThat(sent).containsExactly(new Ack(MessageType.HELLO, 0, 0));
    }

    /**
     * The matrix of docs/RELIABILITY.md §4 (Agency certificates): with a certificate (the network side passes its
     * agency), the HELLO's agency must be the certificate's; the secret may then be left out, but a wrong one is still
     * refused; without a certificate the secret decides, as before.
     */
    @Test
    void aCertifiedAgencyMustSayHelloAsItselfAndASecretSentMustStillBeRight() {
        TaskQueue lotteryThread = new TaskQueue();
        DrawCoordinator withSecrets = new DrawCoordinator(3, lotteryThread, null, null,
                AgencySecrets.of(Map.of(1, "one", 2, "two", 3, "three")), false);
        withSecrets.begin(new MemoryBetStore(), RoundSnapshot.empty(3));
        DrawCoordinator noSecrets = new DrawCoordinator(3, lotteryThread, null, null, AgencySecrets.none(), false);
        noSecrets.begin(new MemoryBetStore(), RoundSnapshot.empty(3));
        record Case(DrawCoordinator lottery, OptionalInt certified, Hello hello, ErrorCode expected) {
        }
        List<Case> cases = List.of(
                // agency 2's certificate claiming agency 3: refused, whatever the secret
                new Case(noSecrets, OptionalInt.of(2), new Hello(1, 3, ""), ErrorCode.AUTHENTICATION_FAILED),
                new Case(withSecrets, OptionalInt.of(2), new Hello(1, 3, "three"), ErrorCode.AUTHENTICATION_FAILED),
                // the certificate alone is enough
                new Case(noSecrets, OptionalInt.of(2), new Hello(1, 2, ""), null),
                new Case(withSecrets, OptionalInt.of(2), new Hello(1, 2, ""), null),
                // both: the secret sent must be right
                new Case(withSecrets, OptionalInt.of(2), new Hello(1, 2, "two"), null),
                new Case(withSecrets, OptionalInt.of(2), new Hello(1, 2, "one"), ErrorCode.AUTHENTICATION_FAILED),
                // no certificate: the secret decides
                new Case(withSecrets, OptionalInt.empty(), new Hello(1, 3, ""), ErrorCode.AUTHENTICATION_FAILED),
                new Case(withSecrets, OptionalInt.empty(), new Hello(1, 3, "three"), null),
                new Case(noSecrets, OptionalInt.empty(), new Hello(1, 3, ""), null));
        for (Case c : cases) {
            List<LotteryMessage> sent = new ArrayList<>();
            boolean[] closed = {false};
            AgencyConversation conversation = new AgencyConversation(c.lottery(), recorder(sent, closed), "10.0.0.9",
                    c.certified());
            conversation.receive(c.hello());

            assertThat(sent).as("%s", c).hasSize(1);
            if (c.expected() == null) {
                assertThat(sent.get(0)).as("%s", c).isInstanceOf(Ack.class);
                conversation.connectionClosed();
            } else {
                assertThat(((ErrorReply) sent.get(0)).code()).as("%s", c).isEqualTo(c.expected());
                assertThat(closed[0]).as("%s closes", c).isTrue();
                assertThat(c.lottery().stored(c.hello().agency())).isZero();
            }
        }
        assertThat(cases.get(0).lottery().stored(3)).isZero();
    }

    private static Replies recorder(List<LotteryMessage> sent, boolean[] closed) {
        return new Replies() {
            @Override
            public void send(LotteryMessage message) {
                sent.add(message);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
    }
}
