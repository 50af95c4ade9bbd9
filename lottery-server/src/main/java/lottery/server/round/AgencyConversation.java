package lottery.server.round;

import static lottery.server.round.ConnectionState.AWAITING_HELLO;
import static lottery.server.round.ConnectionState.CLOSED;
import static lottery.server.round.ConnectionState.CLOSING;
import static lottery.server.round.ConnectionState.HOLDING_WINNERS;
import static lottery.server.round.ConnectionState.SESSION;

import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import lottery.common.log.LogText;
import lottery.common.log.RateLimitedLog;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agency's side of a lottery connection: the connection state machine of docs/PROTOCOL.md §6 and the errors of
 * §7. The Hello comes first and fixes the agency; then bets and batches, Finish, and the winners query, which is held
 * until the draw. Every request gets one answer, in request order: an Ack, an ErrorReply, or the Winners frames.
 *
 * <p>It knows nothing of the network: requests come in through its methods, answers go out through {@link Replies}.
 * A new message type is handled here and nowhere else in the server.
 *
 * <p>The state ({@link ConnectionState}, §6's states): {@code AWAITING_HELLO} until a HELLO is accepted, then
 * {@code SESSION}; {@code HOLDING_WINNERS} from a winners query before the draw until the draw, then {@code SESSION}
 * again; {@code CLOSING} once the conversation is over (a fatal error, a half-close, idleness, a force that failed),
 * and {@code CLOSED} when the connection is gone, from any state.
 *
 * <p>Thread context: every method runs on the lottery thread, which also owns the {@link DrawCoordinator}, so all of
 * this state is plain fields. The network side hands each request over in arrival order; each public method checks
 * that it runs there ({@link DrawCoordinator#checkLotteryThread}) and throws IllegalStateException when not.
 *
 * <p>A held winners query does not block anything: requests that arrive behind it wait in a queue here and are
 * answered after the winners. Idleness does not count while a query is held. After the peer half-closes, the
 * connection is closed once every request is answered. A fatal error (§7, "closes") is answered and then the
 * connection is closed; nothing that arrived after it is answered.
 *
 * <p>Resuming: BATCH seqs are the agency's, across connections and restarts. The HELLO Ack carries the agency's last
 * stored seq and stored bets; a batch already stored is acked again and not stored; a seq that is neither stored nor
 * the next one is SEQUENCE_GAP; FINISH is idempotent. One live session per agency (AGENCY_BUSY), and the agency's
 * secret when the server has secrets (AUTHENTICATION_FAILED).
 *
 * <p>Durability: an Ack is sent only once what it acknowledges is durable ({@link DrawCoordinator#afterDurable},
 * group commit). Answers leave in request order, so every answer behind an Ack that waits for a force waits too
 * (the outbox).
 */
public final class AgencyConversation {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyConversation.class);
    /**
     * The protocol_error lines of every connection: garbage from the network must not flood the log (at most the
     * limiter's lines per interval, then one line with how many were suppressed). Tests reset it: those of this
     * package directly, the others through {@code RoundLogLimits} (test sources).
     */
    static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);

    private final DrawCoordinator lottery;
    /** The peer's address, for log lines. */
    private final String ip;
    /**
     * The agency the connection's TLS certificate names (verified by the network side during the TLS handshake),
     * empty without a certificate: then only the secret, if the server has secrets, says who the agency is.
     */
    private final OptionalInt certifiedAgency;
    /** This conversation's callback for the draw: one object, so it can be withdrawn. */
    private final Runnable onDrawDecided = this::answerHeldQuery;
    /** Requests that arrived while a winners query was held, oldest first. */
    private final Queue<Runnable> queued = new ArrayDeque<>();
    /** The answers in request order, some waiting behind an Ack that waits for a force. */
    private final Outbox outbox;
    /** Where the connection stands in docs/PROTOCOL.md §6; changed only by {@link #become}. */
    private ConnectionState state = AWAITING_HELLO;
    /** The agency of the Hello; 0 until the handshake. */
    private int agency;
    /** The fencing token of this session in a shared store (0 without one). */
    private long session;
    /** When the request being processed was taken ({@link System#nanoTime}), for the Ack latency. */
    private long taken;

    /**
     * @param lottery the shared state, owned by the lottery thread this conversation runs on
     * @param replies the way back to the agency
     * @param ip      the peer's address, as log lines name it
     */
    public AgencyConversation(DrawCoordinator lottery, Replies replies, String ip) {
        this(lottery, replies, ip, OptionalInt.empty());
    }

    /**
     * @param certifiedAgency the agency of the connection's verified TLS certificate ({@code CN=agency-N}), or
     *                        empty without one; a HELLO for another agency is AUTHENTICATION_FAILED
     */
    public AgencyConversation(DrawCoordinator lottery, Replies replies, String ip, OptionalInt certifiedAgency) {
        this.lottery = lottery;
        this.outbox = new Outbox(replies);
        this.ip = ip;
        this.certifiedAgency = certifiedAgency;
    }

    /** A request decoded from the connection. */
    public void receive(LotteryMessage request) {
        lottery.checkLotteryThread();
        submit(() -> process(request));
    }

    /**
     * A frame that could not be decoded (MALFORMED_FRAME, INVALID_BET, ...), in order with the requests: it counts as
     * a request and is answered in turn.
     *
     * @param refusal the decoder's answer to it
     * @param bets    the number of bets a BATCH announced, for the log line (0 when unknown or not a batch)
     */
    public void receiveUndecodable(ErrorReply refusal, int bets) {
        lottery.checkLotteryThread();
        submit(() -> onUndecodable(refusal, bets));
    }

    /**
     * Nothing arrived within the idle timeout, and no request of this connection is still on its way here. Ends the
     * connection with IDLE_TIMEOUT, unless a winners query is held.
     */
    public void idle() {
        lottery.checkLotteryThread();
        if (state == AWAITING_HELLO || state == SESSION) {
            refuse(ErrorCode.IDLE_TIMEOUT, null, 0, "no request within the idle timeout");
        }
    }

    /** The peer shut down its output: every request has arrived; close once each is answered. */
    public void inputClosed() {
        lottery.checkLotteryThread();
        if (state.ended()) {
            return;
        }
        if (state == HOLDING_WINNERS) {
            // A peer that closed its socket and one that only shut its output look the same here (a FIN). Holding
            // the query for a peer that is gone would keep its connection until the draw: take it as gone.
            LOG.info("action: winners | result: fail | agency: {} | error: connection closed before the draw",
                    agency);
        }
        // Otherwise every request that arrived has been answered, or has its answer in the outbox: close after them.
        end();
        closeReplies();
    }

    /** The connection is closed: the held query and the requests behind it are dropped, unanswered. */
    public void connectionClosed() {
        lottery.checkLotteryThread();
        if (state == HOLDING_WINNERS) {
            LOG.info("action: winners | result: fail | agency: {} | error: connection closed before the draw", agency);
        }
        end();
        become(CLOSED);
        outbox.discard();
    }

    /**
     * Something failed that no rule covers (a bug): answers INTERNAL_ERROR, after every answer sent before, and
     * ends the connection.
     */
    public void internalError() {
        lottery.checkLotteryThread();
        if (!state.ended()) {
            refuse(ErrorCode.INTERNAL_ERROR, null, 0, "internal error");
        }
    }

    /** Where the connection stands in docs/PROTOCOL.md §6. */
    ConnectionState state() {
        return state;
    }

    private void submit(Runnable request) {
        if (state.ended()) {
            return;
        }
        if (state == HOLDING_WINNERS) {
            queued.add(request);
        } else {
            request.run();
        }
    }

    private void process(LotteryMessage msg) {
        taken = System.nanoTime();
        if (lottery.isClosed()) {
            refuse(ErrorCode.SHUTTING_DOWN, msg.type(), seqOf(msg), "the server is stopping");
        } else if (msg instanceof Hello hello) {
            onHello(hello);
        } else if (state == AWAITING_HELLO) {
            refuse(ErrorCode.HANDSHAKE_REQUIRED, msg.type(), seqOf(msg), "the first message must be a HELLO");
        } else {
            switch (msg.type()) {
                case BET -> onBet((Bet) msg);
                case BATCH -> onBatch((Batch) msg);
                case FINISH -> onFinish();
                case WINNERS_QUERY -> onWinnersQuery();
                default -> refuse(ErrorCode.UNEXPECTED_MESSAGE, msg.type(), 0, msg.type() + " is a server message");
            }
        }
    }

    private void onHello(Hello hello) {
        if (state != AWAITING_HELLO) {
            refuse(ErrorCode.HANDSHAKE_REQUIRED, MessageType.HELLO, 0, "the handshake was already done");
        } else if (hello.version() != Hello.CURRENT_VERSION) {
            refuse(ErrorCode.UNSUPPORTED_VERSION, MessageType.HELLO, 0,
                    "protocol version " + hello.version() + " is not supported (server speaks "
                            + Hello.CURRENT_VERSION + ")");
        } else if (!lottery.knowsAgency(hello.agency())) {
            refuse(ErrorCode.UNKNOWN_AGENCY, MessageType.HELLO, 0,
                    "agency " + hello.agency() + " does not take part in this draw");
        } else if (certifiedAgency.isPresent() && certifiedAgency.getAsInt() != hello.agency()) {
            refuse(ErrorCode.AUTHENTICATION_FAILED, MessageType.HELLO, 0, "the TLS certificate is agency "
                    + certifiedAgency.getAsInt() + "'s, not agency " + hello.agency() + "'s");
        } else if (!secretAccepted(hello)) {
            refuse(ErrorCode.AUTHENTICATION_FAILED, MessageType.HELLO, 0,
                    "the secret is not agency " + hello.agency() + "'s");
        } else if (!lottery.claimSession(hello.agency(), this)) {
            refuse(ErrorCode.AGENCY_BUSY, MessageType.HELLO, 0,
                    "agency " + hello.agency() + " has a session on another connection");
        } else {
            try {
                session = lottery.claim(hello.agency());
            } catch (LotteryRejection rejection) {
                lottery.releaseSession(hello.agency(), this);
                LOG.warn("action: handshake | result: fail | ip: {} | agency: {} | error: {} | reason: {}", ip,
                        hello.agency(), rejection.code(), LogText.clean(rejection.getMessage()));
                refuse(rejection.code(), MessageType.HELLO, 0, rejection.getMessage());
                end();
                closeReplies();
                return;
            }
            agency = hello.agency();
            become(SESSION);
            long last = lottery.lastSeq(agency);
            long stored = lottery.stored(agency);
            LOG.debug("action: handshake | result: success | ip: {} | agency: {} | seq: {} | stored: {}", ip, agency,
                    last, stored);
            sendDurable(new Ack(MessageType.HELLO, last, stored));
        }
    }

    /**
     * The secret part of the HELLO's authentication. Without a certificate the secret must match when the server has
     * secrets. With the agency's certificate, the certificate is the proof: the secret may be left out, but one that
     * is sent must still be right (a wrong credential is never let through).
     */
    private boolean secretAccepted(Hello hello) {
        if (certifiedAgency.isPresent() && (hello.secret() == null || hello.secret().isEmpty())) {
            return true;
        }
        return lottery.secretMatches(hello.agency(), hello.secret());
    }

    private void onBet(Bet bet) {
        try {
            lottery.storeBets(agency, List.of(bet));
            LOG.info("action: apuesta_almacenada | result: success | dni: {} | numero: {}", bet.document(),
                    bet.number());
            sendDurable(new Ack(MessageType.BET, 0, 1));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: apuesta_almacenada | result: fail | dni: {} | numero: {} | error: {} | reason: {}",
                    bet.document(), bet.number(), rejection.code(), LogText.clean(rejection.getMessage()));
            refuse(rejection.code(), MessageType.BET, 0, rejection.getMessage());
        }
    }

    private void onBatch(Batch batch) {
        int count = batch.bets().size();
        long seq = batch.seq();
        long last = lottery.lastSeq(agency);
        if (seq >= 1 && seq <= last) {
            // Already stored (a resend after a lost connection): acknowledged again, not stored twice. Its own action
            // (not apuesta_recibida, whose lines count the stored bets), result success (the course's parser knows no
            // other result than success, fail and in_progress).
            LOG.debug("action: apuesta_duplicada | result: success | cantidad: {} | seq: {}", count, seq);
            sendDurable(new Ack(MessageType.BATCH, seq, count));
            return;
        }
        if (seq != last + 1) {
            LOG.warn("action: apuesta_recibida | result: fail | cantidad: {} | seq: {} | error: SEQUENCE_GAP", count,
                    seq);
            refuse(ErrorCode.SEQUENCE_GAP, MessageType.BATCH, seq, seq == 0 ? "batch seq starts at 1"
                    : "batch seq " + seq + " is not the next one (last stored: " + last + ")");
            return;
        }
        try {
            lottery.storeBets(agency, seq, batch.bets());
            if (LOG.isDebugEnabled()) {
                for (Bet bet : batch.bets()) {
                    LOG.debug("action: apuesta_almacenada | result: success | dni: {} | numero: {}", bet.document(),
                            bet.number());
                }
            }
            LOG.info("action: apuesta_recibida | result: success | cantidad: {}", count);
            sendDurable(new Ack(MessageType.BATCH, seq, count));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: apuesta_recibida | result: fail | cantidad: {} | error: {} | reason: {}", count,
                    rejection.code(), LogText.clean(rejection.getMessage()));
            refuse(rejection.code(), MessageType.BATCH, seq, rejection.getMessage());
        }
    }

    private void onFinish() {
        try {
            long stored = lottery.finish(agency);
            LOG.info("action: finish | result: success | agency: {} | cantidad: {}", agency, stored);
            sendDurable(new Ack(MessageType.FINISH, 0, stored));
        } catch (LotteryRejection rejection) {
            LOG.warn("action: finish | result: fail | agency: {} | error: {}", agency, rejection.code());
            refuse(rejection.code(), MessageType.FINISH, 0, rejection.getMessage());
        }
    }

    private void onWinnersQuery() {
        if (!lottery.hasFinished(agency)) {
            // Holding it would also hold this connection's FINISH, queued behind it, and so the draw of everyone.
            refuse(ErrorCode.FINISH_REQUIRED, MessageType.WINNERS_QUERY, 0,
                    "agency " + agency + " must send FINISH before WINNERS_QUERY");
        } else if (lottery.drawDecided()) {
            sendWinners();
        } else {
            become(HOLDING_WINNERS);
            lottery.whenDecided(onDrawDecided);
        }
    }

    /** The draw is decided: answer the held query, then the requests that queued up behind it. */
    private void answerHeldQuery() {
        if (state != HOLDING_WINNERS) {
            return;
        }
        become(SESSION);
        try {
            sendWinners();
            while (state == SESSION && !queued.isEmpty()) {
                queued.poll().run();
            }
        } catch (RuntimeException bug) {
            // Called by the draw, not by the network side, so nobody else would turn this into an answer.
            LOG.error("action: winners | result: fail | agency: {} | error: {}", agency,
                    LogText.clean(bug.toString()));
            internalError();
        }
    }

    private void sendWinners() {
        List<String> documents;
        try {
            documents = lottery.winners(agency);
        } catch (LotteryRejection rejection) {
            refuse(rejection.code(), MessageType.WINNERS_QUERY, 0, rejection.getMessage());
            return;
        }
        for (Winners frame : Winners.split(documents)) {
            send(frame);
        }
        lottery.answered(agency);
        LOG.info("action: winners | result: success | agency: {} | cant_ganadores: {}", agency, documents.size());
    }

    private void onUndecodable(ErrorReply refusal, int bets) {
        if (refusal.ref() == MessageType.BATCH) {
            LOG.warn("action: apuesta_recibida | result: fail | cantidad: {}", bets);
        } else if (refusal.ref() == MessageType.BET) {
            LOG.warn("action: apuesta_almacenada | result: fail | error: {}", refusal.code());
        }
        if (state == AWAITING_HELLO && !refusal.code().closesConnection()) {
            // A well-framed but invalid bet before the handshake: the missing handshake is the real problem.
            refuse(ErrorCode.HANDSHAKE_REQUIRED, refusal.ref(), refusal.seq(), "the first message must be a HELLO");
        } else {
            answer(refusal);
        }
    }

    private void refuse(ErrorCode code, MessageType ref, long seq, String reason) {
        answer(ErrorReply.of(code, ref, seq, reason));
    }

    /** Sends an error; one whose code closes the connection is logged once and ends the conversation. */
    private void answer(ErrorReply reply) {
        send(reply);
        lottery.observer().refused(reply.code());
        if (!reply.code().closesConnection()) {
            return;
        }
        if (reply.code() == ErrorCode.IDLE_TIMEOUT || reply.code() == ErrorCode.SHUTTING_DOWN) {
            // Housekeeping, not a failure: an idle peer or a stopping server.
            LOG.info("action: close_connection | result: success | ip: {} | code: {}", ip, reply.code());
        } else {
            LIMITED.warn("protocol_error", "action: protocol_error | result: fail | ip: {} | code: {} | reason: {}",
                    ip, reply.code(), LogText.clean(reply.reason()));
        }
        end();
        closeReplies();
    }

    /** Nothing more is answered: drops the queued requests and withdraws a held query from the draw. */
    private void end() {
        boolean holding = state == HOLDING_WINNERS;
        if (state != CLOSED) {
            become(CLOSING);
        }
        queued.clear();
        if (agency != 0) {
            lottery.releaseSession(agency, this);
        }
        if (holding) {
            lottery.forget(onDrawDecided);
        }
    }

    private void become(ConnectionState next) {
        assert state.canBecome(next) : state + " -> " + next;
        state = next;
    }

    /** Sends {@code message} after every answer before it (some may wait for a force). */
    private void send(LotteryMessage message) {
        if (state == CLOSED) {
            return;
        }
        outbox.send(message);
    }

    /** Sends the Ack {@code ack} once what it acknowledges is durable, and after every answer before it. */
    private void sendDurable(Ack ack) {
        if (state == CLOSED) {
            return;
        }
        Outbox.Durable pending = outbox.sendWhenDurable(ack);
        long requestTaken = taken;
        lottery.afterDurable(failure -> {
            String refusal = failure == null ? lottery.refusal(agency, session) : null;
            RoundObserver observer = lottery.observer();
            if (failure != null) {
                pending.complete(ErrorReply.of(ErrorCode.INTERNAL_ERROR, ack.ref(), ack.seq(),
                        "cannot force the bets to the disk: " + failure.getMessage()));
                observer.refused(ErrorCode.INTERNAL_ERROR);
            } else if (refusal != null) {
                // A newer session of the agency (another connection, maybe on another server) took it over: this
                // one's writes were not stored, and nothing after them can be.
                pending.complete(ErrorReply.of(ErrorCode.AGENCY_BUSY, ack.ref(), ack.seq(), refusal));
                observer.refused(ErrorCode.AGENCY_BUSY);
            } else {
                pending.complete(ack);
                observer.acked(System.nanoTime() - requestTaken);
            }
            flush();
        });
    }

    /** Closes the connection after every answer before (some may wait for a force). */
    private void closeReplies() {
        if (state == CLOSED) {
            return;
        }
        outbox.close();
    }

    /** Sends what the outbox holds, up to the first Ack still waiting for its force. */
    private void flush() {
        if (state == CLOSED) {
            return;
        }
        ErrorReply failed = outbox.flush();
        if (failed != null) {
            // The force failed: what the Ack was for may be lost. Nothing after it can be trusted.
            LOG.error("action: protocol_error | result: fail | ip: {} | code: {} | reason: {}", ip,
                    failed.code(), LogText.clean(failed.reason()));
            end();
            outbox.abort();
        }
    }

    private static long seqOf(LotteryMessage msg) {
        return msg instanceof Batch batch ? batch.seq() : 0;
    }
}
