package lottery.client.agency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lottery.client.GoDuration;
import lottery.client.net.Connection;
import lottery.client.net.ExchangeException;
import lottery.client.net.ReplyTimeoutException;
import lottery.client.net.StoppedException;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;

/**
 * The agency's side of the lottery conversation on one connection (docs/PROTOCOL.md): Hello, then Bet or Batches,
 * then Finish, then WinnersQuery. Each method sends a request and waits for its answer on the calling thread; an
 * {@link ErrorReply} from the server becomes a {@link ServerErrorException}. Batches may be pipelined, see
 * {@link BatchSender}. Not thread-safe: the client thread owns it.
 */
public final class AgencySession {
    private final Connection<LotteryMessage> connection;
    private final Duration replyTimeout;

    public AgencySession(Connection<LotteryMessage> connection) {
        this(connection, Connection.REPLY_TIMEOUT);
    }

    /** A session that waits {@code replyTimeout} for each Ack (tests shorten it). */
    AgencySession(Connection<LotteryMessage> connection, Duration replyTimeout) {
        this.connection = connection;
        this.replyTimeout = replyTimeout;
    }

    /**
     * The handshake: who the agency is, and its secret ("" for none). The server answers Ack(HELLO) with the resume
     * point: {@link Ack#seq()} is the last batch seq it stores for the agency, {@link Ack#stored()} how many bets
     * it stores for the agency (both 0 for an agency new to the round).
     */
    public Ack hello(int agency, String secret) throws ExchangeException, StoppedException, ServerErrorException {
        connection.send(new Hello(Hello.CURRENT_VERSION, agency, secret));
        return expectAck(MessageType.HELLO);
    }

    /** Sends one bet and waits until the server has stored it. */
    public void sendBet(Bet bet) throws ExchangeException, StoppedException, ServerErrorException {
        connection.send(bet);
        Ack ack = expectAck(MessageType.BET);
        if (ack.stored() != 1) {
            throw new UnexpectedReplyException("the server acknowledged the bet but stored " + ack.stored()
                    + " bets");
        }
    }

    /** Closes the connection (idempotent). */
    void close() {
        connection.close();
    }

    /** Sends a message without waiting; {@link BatchSender} collects the answers. */
    void send(LotteryMessage message) {
        connection.send(message);
    }

    /**
     * Tells the server this agency sent all its bets.
     *
     * @return how many bets the server holds for the agency
     */
    public long finish() throws ExchangeException, StoppedException, ServerErrorException {
        connection.send(Finish.INSTANCE);
        return expectAck(MessageType.FINISH).stored();
    }

    /**
     * Asks for the agency's winners and collects the Winners frames up to the last one. The server holds the answer
     * until every agency has sent Finish, so this may wait long; a stop request ends the wait.
     *
     * @param timeout how long to wait for the whole list
     */
    public List<String> winners(Duration timeout) throws ExchangeException, StoppedException, ServerErrorException {
        return winners(timeout, timeout);
    }

    /**
     * {@link #winners(Duration)} waiting {@code left} of the {@code total} the caller allows since its first query
     * (the timeout message names {@code total}).
     */
    List<String> winners(Duration left, Duration total)
            throws ExchangeException, StoppedException, ServerErrorException {
        connection.send(WinnersQuery.INSTANCE);
        long deadline = System.nanoTime() + left.toNanos();
        List<String> documents = new ArrayList<>();
        // Each frame carries up to Winners.MAX_PER_FRAME documents; the deadline bounds the loop.
        while (true) {
            Duration wait = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            LotteryMessage reply;
            try {
                reply = reply(wait, true);
            } catch (ReplyTimeoutException e) {
                throw new ReplyTimeoutException("no winners list within " + GoDuration.of(total)
                        + " (the server draws once every agency has sent Finish)");
            }
            if (!(reply instanceof Winners winners)) {
                throw unexpected(reply, "Winners");
            }
            documents.addAll(winners.documents());
            if (winners.last()) {
                return documents;
            }
        }
    }

    /** Waits for an Ack of {@code ref}; anything else is a failure. */
    Ack expectAck(MessageType ref) throws ExchangeException, StoppedException, ServerErrorException {
        LotteryMessage reply = reply(replyTimeout, false);
        if (reply instanceof Ack ack && ack.ref() == ref) {
            return ack;
        }
        throw unexpected(reply, "an Ack of " + ref);
    }

    private LotteryMessage reply(Duration timeout, boolean abortOnStop)
            throws ExchangeException, StoppedException, ServerErrorException {
        LotteryMessage reply = connection.receive(timeout, abortOnStop);
        if (reply instanceof ErrorReply error) {
            throw new ServerErrorException(error);
        }
        return reply;
    }

    private static ExchangeException unexpected(LotteryMessage reply, String expected) {
        return new UnexpectedReplyException("the server sent " + reply + " where " + expected + " was expected");
    }
}
