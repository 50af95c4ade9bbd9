package lottery.client.agency;

import io.netty.handler.codec.DecoderException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import lottery.client.ClientConfig;
import lottery.client.ClientMain;
import lottery.client.GoDuration;
import lottery.client.StopSignal;
import lottery.client.net.ClientTransport;
import lottery.client.net.ConnectException;
import lottery.client.net.Connection;
import lottery.client.net.ExchangeException;
import lottery.client.net.ReplyTimeoutException;
import lottery.client.net.StoppedException;
import lottery.client.net.TlsHandshakeException;
import lottery.common.log.LogText;
import lottery.common.log.ShutdownLog;
import lottery.common.retry.Backoff;
import lottery.protocol.codec.BatchBytesPacker;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.BatchBytes;
import lottery.protocol.message.Bet;
import lottery.protocol.message.LotteryMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises 5-7, one agency's run: Hello (with the agency's secret); then either the single bet of the environment
 * or the agency's CSV file in batches; then Finish and the winners query; then a summary line.
 *
 * <p><b>Resuming.</b> The Hello's Ack says where the server stands for the agency: the last batch seq it stores
 * ({@code L}) and how many bets ({@code S}). The batches are packed deterministically from the file (same file and
 * batch.maxAmount: same batches, seq 1, 2, 3... per run), so the batches with seq &lt;= L are skipped without
 * sending (a rerun after a crash sends only what is missing), and the single bet is sent only when S is 0.
 *
 * <p><b>Reconnecting.</b> A lost connection (I/O error, closed, no Ack in time) or a server that answers with a
 * {@linkplain lottery.protocol.message.ErrorCode#isRetryable() retryable} error (AGENCY_BUSY, SHUTTING_DOWN,
 * IDLE_TIMEOUT, HANDSHAKE_TIMEOUT, TOO_MANY_CONNECTIONS or DATABASE_UNAVAILABLE) does not end the run: the client
 * connects again with backoff ({@link Backoff#reconnect()}: 100 ms doubling to 2 s) for up to reconnect.timeout from
 * the loss, says Hello again and goes on from the new resume point: the batches in flight that it stores count as
 * acknowledged, the others are sent again (the server acknowledges a batch it already stores without storing it twice). During the
 * wait for the winners it says Hello, Finish and asks again; winners.timeout counts from the first query. Each new
 * connection starts with the next address of the server's host ({@link ClientTransport#failover()}): with several
 * server replicas behind one name the agency goes on with another replica, which resumes it from the shared store.
 *
 * <p><b>Failing.</b> Any other server error (AUTHENTICATION_FAILED, UNKNOWN_AGENCY, SEQUENCE_GAP, INVALID_BET,
 * STORAGE_FAILURE...) or an answer out of step ends the run at once with one {@code result: fail} line naming the
 * step. So does a Finish whose Ack stores another number of bets than the agency sent in total (the skipped ones
 * included). A stop request (SIGTERM) lets the batches in flight finish for at most {@link StopSignal#STOP_GRACE}
 * after the request, sends no more batches (and no Finish: the server must not draw with part of the bets) and
 * ends with status 0.
 */
public final class AgencyClient {
    /** Exit status of a run that completed, but skipped lines of the bets file that are not valid bets. */
    public static final int EXIT_INVALID_LINES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AgencyClient.class);

    private final ClientConfig config;
    private final ClientTransport transport;
    private final StopSignal stop;
    private final int window;
    private final Duration replyTimeout;
    /** The protocol step under way, named as in the log lines. */
    private String action;
    /** The session of the current connection; replaced by {@link #reconnect}. */
    private AgencySession session;
    /** The Ack of the current session's Hello: the server's resume point. */
    private Ack resumePoint;

    public AgencyClient(ClientConfig config, ClientTransport transport, StopSignal stop) {
        this(config, transport, stop, BatchSender.DEFAULT_WINDOW, Connection.REPLY_TIMEOUT);
    }

    /** A client with {@code window} batches in flight at most, waiting {@code replyTimeout} for each Ack. */
    AgencyClient(ClientConfig config, ClientTransport transport, StopSignal stop, int window, Duration replyTimeout) {
        this.config = config;
        this.transport = transport;
        this.stop = stop;
        this.window = window;
        this.replyTimeout = replyTimeout;
    }

    /** What the bets phase achieved: every bet the agency sent, the skipped-as-stored ones included. */
    private record Sent(long bets, int batches, int invalidLines) {
    }

    /** Runs the agency; returns the exit status (0 done or stopped, 1 failed). */
    public int run() {
        long start = System.nanoTime();
        int id = config.id();
        BetFile file = null;
        try {
            if (config.singleBet().isEmpty()) {
                file = BetFile.open(Path.of(config.dataFile()), id);
            }
            action = "connect";
            Connection<LotteryMessage> connection = transport.connect(config.server(), LotteryPipeline::addLast,
                    LotteryMessage.class, config.connectTimeout().toDuration());
            session = new AgencySession(connection, replyTimeout);
            action = "hello";
            try {
                resumePoint = session.hello(id, config.secret());
            } catch (ExchangeException | ServerErrorException e) {
                if (!reconnect(e)) {
                    return ClientMain.EXIT_FAILURE;
                }
            }
            if (resumePoint.seq() > 0) {
                LOG.info("action: resume | result: success | client_id: {} | skipped_batches: {} | stored: {}", id,
                        resumePoint.seq(), resumePoint.stored());
            }
            Optional<Sent> bets = file == null ? sendSingle(config.singleBet().orElseThrow()) : sendFile(file);
            if (bets.isEmpty()) {
                return ClientMain.EXIT_FAILURE;
            }
            Sent sent = bets.get();
            if (stop.isRequested()) {
                // Stopped while the last Acks came in: every bet sent is stored, but a stopped run sends no Finish.
                throw new StoppedException();
            }
            if (!finish(sent.bets())) {
                return ClientMain.EXIT_FAILURE;
            }
            Optional<List<String>> found = winners(sent.bets());
            if (found.isEmpty()) {
                return ClientMain.EXIT_FAILURE;
            }
            List<String> winners = found.get();
            LOG.info("action: consulta_ganadores | result: success | cant_ganadores: {}", winners.size());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start).truncatedTo(ChronoUnit.MILLIS);
            if (sent.invalidLines() == 0) {
                LOG.info("action: summary | result: success | client_id: {} | bets: {} | batches: {}"
                        + " | invalid_lines: 0 | winners: {} | elapsed: {}", id, sent.bets(), sent.batches(),
                        winners.size(), GoDuration.of(elapsed));
                return 0;
            }
            // The lottery ran with the valid bets, but some of the agency's bets never reached it: say so loudly.
            LOG.error("action: summary | result: fail | client_id: {} | bets: {} | batches: {} | invalid_lines: {}"
                    + " | winners: {} | elapsed: {} | error: {} lines of the bets file are not valid bets and were"
                    + " not sent", id, sent.bets(), sent.batches(), sent.invalidLines(), winners.size(),
                    GoDuration.of(elapsed), sent.invalidLines());
            return EXIT_INVALID_LINES;
        } catch (ServerErrorException e) {
            logServerError(e);
        } catch (ExchangeException e) {
            LOG.error("action: {} | result: fail | client_id: {} | error: {}", action, id, e.getMessage());
        } catch (BetFileException e) {
            LOG.error("action: read_bets | result: fail | client_id: {} | error: {}", id, e.getMessage());
        } catch (StoppedException e) {
            LOG.info("action: stop | result: success | client_id: {} | step: {}", id, action);
            return 0;
        } finally {
            close(session, file);
        }
        return ClientMain.EXIT_FAILURE;
    }

    private void logServerError(ServerErrorException e) {
        LOG.error("action: {} | result: fail | client_id: {} | code: {} | reason: {}", action, config.id(),
                e.codeText(), LogText.clean(e.reply().reason()));
    }

    /** Whether {@code e} means "get a new session": a lost connection or a retryable server error. */
    private static boolean retryable(Exception e) {
        if (e instanceof ServerErrorException error) {
            return error.reply().code().isRetryable();
        }
        // An unreadable frame from the server is a protocol mismatch, not a network hiccup: a new connection
        // would read the same.
        // Nor is a TLS failure (a certificate, an alert): the next handshake fails the same way.
        return e instanceof ExchangeException && !(e instanceof UnexpectedReplyException)
                && !(e instanceof TlsHandshakeException) && !(e.getCause() instanceof DecoderException);
    }

    private static String describe(Exception e) {
        if (e instanceof ServerErrorException error) {
            return error.codeText() + " " + LogText.clean(error.reply().reason());
        }
        return LogText.clean(e.getMessage());
    }

    /**
     * Gets a new session after {@code cause} ended the current one: connects and says Hello again, with backoff,
     * for up to reconnect.timeout from now. Rethrows {@code cause} when it is not a reason to reconnect.
     *
     * @return whether a session came back; {@code false} after the one {@code action: reconnect | result: fail} line,
     *         when none came back in time (the run fails)
     */
    private boolean reconnect(Exception cause) throws ExchangeException, ServerErrorException, StoppedException {
        if (!retryable(cause)) {
            throwAgain(cause);
        }
        if (stop.isRequested()) {
            throw new StoppedException(); // a stopped run does not come back
        }
        int id = config.id();
        String step = action;
        session.close();
        long lost = System.nanoTime();
        long budget = config.reconnectTimeout().toDuration().toNanos();
        Backoff backoff = Backoff.reconnect();
        Exception last = cause;
        for (int attempt = 1; ; attempt++) {
            if (System.nanoTime() - lost + backoff.peek().toNanos() > budget) {
                LOG.error("action: reconnect | result: fail | client_id: {} | attempts: {} | step: {} | error: no"
                        + " session within {}, last error: {}", id, attempt - 1, step, config.reconnectTimeout(),
                        describe(last));
                return false;
            }
            LOG.info("action: reconnect | result: in_progress | client_id: {} | attempt: {} | error: {}", id, attempt,
                    describe(last));
            if (stop.await(backoff.next())) {
                throw new StoppedException();
            }
            try {
                transport.failover(); // the session there was lost or refused: the next address of the host first
                Connection<LotteryMessage> connection = transport.connect(config.server(), LotteryPipeline::addLast,
                        LotteryMessage.class, Duration.ZERO);
                session = new AgencySession(connection, replyTimeout);
            } catch (ConnectException e) {
                last = e;
                continue;
            }
            try {
                resumePoint = session.hello(id, config.secret());
                action = step;
                LOG.info("action: reconnect | result: success | client_id: {} | resume_seq: {}", id,
                        resumePoint.seq());
                return true;
            } catch (ExchangeException | ServerErrorException e) {
                session.close();
                if (!retryable(e)) {
                    action = "hello";
                    throwAgain(e);
                }
                last = e;
            }
        }
    }

    private static void throwAgain(Exception e) throws ExchangeException, ServerErrorException {
        if (e instanceof ServerErrorException error) {
            throw error;
        }
        throw (ExchangeException) e;
    }

    /** Sends the single bet of the environment; empty when the run failed (already logged). */
    private Optional<Sent> sendSingle(Bet bet) throws ExchangeException, StoppedException, ServerErrorException {
        action = "apuesta_enviada";
        while (true) {
            if (resumePoint.stored() > 0) {
                // Still "success" with the usual dni and numero (the course greps that line): the bet is stored.
                LOG.info("action: apuesta_enviada | result: success | dni: {} | numero: {} | already_stored: true"
                        + " | stored: {}", bet.document(), bet.number(), resumePoint.stored());
                return Optional.of(new Sent(1, 0, 0));
            }
            try {
                session.sendBet(bet);
                LOG.info("action: apuesta_enviada | result: success | dni: {} | numero: {}", bet.document(),
                        bet.number());
                return Optional.of(new Sent(1, 0, 0));
            } catch (ExchangeException | ServerErrorException e) {
                if (!reconnect(e)) { // else the new Hello says whether the bet got stored before the loss
                    return Optional.empty();
                }
            }
        }
    }

    /** Sends the bets file in batches; empty when the run failed (already logged). */
    private Optional<Sent> sendFile(BetFile file)
            throws ExchangeException, StoppedException, ServerErrorException, BetFileException {
        action = "batch_enviado";
        BatchBytesPacker packer = new BatchBytesPacker(config.batchMaxAmount());
        BatchSender sender = new BatchSender(session, window, config.id());
        Progress progress = new Progress(config.id());
        long seq = 1;
        for (int size = file.next(); size >= 0; size = file.next()) {
            if (!packer.add(file.bet(), 0, size)) {
                if (!send(sender, packer.take(seq++))) {
                    return Optional.empty();
                }
                progress.update(file.percentRead(), sender.betsSent());
                if (!packer.add(file.bet(), 0, size)) {
                    throw new IllegalStateException("an empty BatchBytesPacker refused a bet");
                }
            }
        }
        if (!packer.isEmpty() && !send(sender, packer.take(seq))) {
            return Optional.empty();
        }
        while (true) {
            try {
                sender.drain();
                break;
            } catch (ExchangeException | ServerErrorException e) {
                if (!resume(sender, e)) {
                    return Optional.empty();
                }
            }
        }
        progress.update(100, sender.betsSent());
        return Optional.of(new Sent(sender.betsAcked(), sender.batchesAcked(), file.invalidLines()));
    }

    /**
     * Sends {@code batch}, or skips it when the server already stores it; unless a stop was requested: then the
     * batches in flight finish, and no more go.
     *
     * @return {@code false} when the run failed (already logged)
     */
    private boolean send(BatchSender sender, BatchBytes batch)
            throws ExchangeException, StoppedException, ServerErrorException {
        if (stop.isRequested()) {
            try {
                sender.drain();
            } catch (ExchangeException | ServerErrorException e) {
                if (!retryable(e)) {
                    throw e;
                }
                throw new StoppedException(); // stopping anyway: the batches in flight may be sent by the next run
            }
            LOG.debug("action: batch_enviado | result: in_progress | client_id: {} | stopped_after_bets: {}"
                    + " | batches: {}", config.id(), sender.betsAcked(), sender.batchesAcked());
            throw new StoppedException();
        }
        while (true) {
            if (batch.seq() <= resumePoint.seq()) {
                sender.skip(batch);
                return true;
            }
            try {
                sender.send(batch);
                return true;
            } catch (ExchangeException | ServerErrorException e) {
                if (!resume(sender, e)) {
                    return false;
                }
            }
        }
    }

    /**
     * After {@code cause}: a new session, on which {@code sender} sends again what the server does not store.
     *
     * @return {@code false} when no session came back (already logged: the run fails)
     */
    private boolean resume(BatchSender sender, Exception cause)
            throws ExchangeException, StoppedException, ServerErrorException {
        if (!reconnect(cause)) {
            return false;
        }
        int again = sender.resume(session, resumePoint.seq());
        LOG.debug("action: batch_enviado | result: in_progress | client_id: {} | resume_seq: {} | resent: {}",
                config.id(), resumePoint.seq(), again);
        return true;
    }

    /**
     * Finish, again on a new session if the connection is lost, and the check of the Ack's stored count.
     *
     * @return {@code false} when the run failed (already logged)
     */
    private boolean finish(long sentBets) throws ExchangeException, StoppedException, ServerErrorException {
        action = "finish";
        long stored;
        while (true) {
            try {
                stored = session.finish();
                break;
            } catch (ExchangeException | ServerErrorException e) {
                if (!reconnect(e)) {
                    return false;
                }
            }
        }
        if (stored != sentBets) {
            LOG.error("action: finish | result: fail | client_id: {} | error: server stored {} bets,"
                    + " the agency sent {}", config.id(), stored, sentBets);
            return false;
        }
        LOG.debug("action: finish | result: success | client_id: {} | stored: {}", config.id(), stored);
        return true;
    }

    /**
     * Asks for the winners; after a lost connection, says Hello and Finish again on a new one and asks again.
     * winners.timeout counts from the first query.
     *
     * @return the winners' documents; empty when the run failed (already logged)
     */
    private Optional<List<String>> winners(long sentBets)
            throws ExchangeException, StoppedException, ServerErrorException {
        Duration timeout = config.winnersTimeout().toDuration();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            action = "consulta_ganadores";
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                return Optional.of(session.winners(left, timeout));
            } catch (ReplyTimeoutException e) {
                throw e; // the draw did not come in time: not a lost connection
            } catch (ExchangeException | ServerErrorException e) {
                if (!reconnect(e) || !finish(sentBets)) {
                    return Optional.empty();
                }
            }
        }
    }

    private static void close(AgencySession session, BetFile file) {
        if (session != null) {
            session.close();
            ShutdownLog.closed(ShutdownLog.CONNECTION);
        }
        if (file != null) {
            try {
                file.close();
                ShutdownLog.closed(ShutdownLog.BETS_FILE);
            } catch (BetFileException e) {
                ShutdownLog.failed(ShutdownLog.BETS_FILE, e);
            }
        }
    }
}
