package lottery.client.lottery;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import lottery.client.ClientConfig;
import lottery.client.GoDuration;
import lottery.client.StopSignal;
import lottery.client.net.ClientTransport;
import lottery.client.net.Connection;
import lottery.client.net.ExchangeException;
import lottery.client.net.StoppedException;
import lottery.common.log.LogText;
import lottery.common.log.ShutdownLog;
import lottery.protocol.codec.BatchPacker;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Bet;
import lottery.protocol.message.LotteryMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises 5-7, one agency's run on one connection: Hello; then either the single bet of the environment or the
 * agency's CSV file in batches; then Finish and the winners query; then a summary line. Every failure ends the run
 * with one {@code result: fail} line naming the step; a stop request (SIGTERM) lets the batches in flight finish
 * for at most {@link StopSignal#STOP_GRACE} after the request, sends no more batches (and no Finish: the server must
 * not draw with part of the bets) and ends with status 0.
 */
public final class AgencyClient {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyClient.class);

    private final ClientConfig config;
    private final ClientTransport transport;
    private final StopSignal stop;
    private final int window;
    /** The protocol step under way, named as in the log lines. */
    private String action;

    public AgencyClient(ClientConfig config, ClientTransport transport, StopSignal stop) {
        this(config, transport, stop, BatchSender.DEFAULT_WINDOW);
    }

    AgencyClient(ClientConfig config, ClientTransport transport, StopSignal stop, int window) {
        this.config = config;
        this.transport = transport;
        this.stop = stop;
        this.window = window;
    }

    /** What the bets phase achieved. */
    private record Sent(long bets, int batches, int invalidLines) {
    }

    /** Runs the agency; returns the exit status (0 done or stopped, 1 failed). */
    public int run() {
        long start = System.nanoTime();
        int id = config.id();
        BetFile file = null;
        Connection<LotteryMessage> connection = null;
        try {
            if (config.singleBet().isEmpty()) {
                file = BetFile.open(Path.of(config.dataFile()), id);
            }
            action = "connect";
            connection = transport.connect(config.server(), LotteryPipeline::addLast, LotteryMessage.class,
                    config.connectTimeout().toDuration());
            AgencySession session = new AgencySession(connection);
            action = "hello";
            session.hello(id);
            Sent sent = file == null ? sendSingle(session, config.singleBet().orElseThrow()) : sendFile(session, file);
            if (stop.isRequested()) {
                // Stopped while the last Acks came in: every bet sent is stored, but a stopped run sends no Finish.
                throw new StoppedException();
            }
            action = "finish";
            long stored = session.finish();
            LOG.debug("action: finish | result: success | client_id: {} | stored: {}", id, stored);
            action = "consulta_ganadores";
            List<String> winners = session.winners(config.winnersTimeout().toDuration());
            LOG.info("action: consulta_ganadores | result: success | cant_ganadores: {}", winners.size());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start).truncatedTo(ChronoUnit.MILLIS);
            LOG.info("action: summary | result: success | client_id: {} | bets: {} | batches: {} | invalid_lines: {}"
                    + " | winners: {} | elapsed: {}", id, sent.bets(), sent.batches(), sent.invalidLines(),
                    winners.size(), GoDuration.of(elapsed));
            return 0;
        } catch (ServerErrorException e) {
            LOG.error("action: {} | result: fail | client_id: {} | code: {} | reason: {}", action, id, e.codeText(),
                    LogText.clean(e.reply().reason()));
        } catch (ExchangeException e) {
            LOG.error("action: {} | result: fail | client_id: {} | error: {}", action, id, e.getMessage());
        } catch (BetFileException e) {
            LOG.error("action: read_bets | result: fail | client_id: {} | error: {}", id, e.getMessage());
        } catch (StoppedException e) {
            LOG.info("action: stop | result: success | client_id: {} | step: {}", id, action);
            return 0;
        } finally {
            close(connection, file);
        }
        return 1;
    }

    private Sent sendSingle(AgencySession session, Bet bet)
            throws ExchangeException, StoppedException, ServerErrorException {
        action = "apuesta_enviada";
        session.sendBet(bet);
        LOG.info("action: apuesta_enviada | result: success | dni: {} | numero: {}", bet.document(), bet.number());
        return new Sent(1, 0, 0);
    }

    private Sent sendFile(AgencySession session, BetFile file)
            throws ExchangeException, StoppedException, ServerErrorException, BetFileException {
        action = "batch_enviado";
        BatchPacker packer = new BatchPacker(config.batchMaxAmount());
        BatchSender sender = new BatchSender(session, window, config.id());
        Progress progress = new Progress(config.id());
        long seq = 1;
        for (Bet bet = file.next(); bet != null; bet = file.next()) {
            if (!packer.add(bet)) {
                send(sender, packer, seq++);
                progress.update(file.percentRead(), sender.betsSent());
                if (!packer.add(bet)) {
                    throw new IllegalStateException("an empty BatchPacker refused a bet");
                }
            }
        }
        if (!packer.isEmpty()) {
            send(sender, packer, seq);
        }
        sender.drain();
        progress.update(100, sender.betsSent());
        return new Sent(sender.betsAcked(), sender.batchesAcked(), file.invalidLines());
    }

    /** Sends the packed batch unless a stop was requested: then the batches in flight finish, and no more go. */
    private void send(BatchSender sender, BatchPacker packer, long seq)
            throws ExchangeException, StoppedException, ServerErrorException {
        if (stop.isRequested()) {
            sender.drain();
            LOG.debug("action: batch_enviado | result: in_progress | client_id: {} | stopped_after_bets: {}"
                    + " | batches: {}", config.id(), sender.betsAcked(), sender.batchesAcked());
            throw new StoppedException();
        }
        sender.send(packer.take(seq));
    }

    private static void close(Connection<LotteryMessage> connection, BetFile file) {
        if (connection != null) {
            connection.close();
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
