package lottery.client.echo;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import lottery.client.ClientConfig;
import lottery.client.StopSignal;
import lottery.client.net.ClientTransport;
import lottery.client.net.ConnectException;
import lottery.client.net.Connection;
import lottery.client.net.ExchangeException;
import lottery.client.net.StoppedException;
import lottery.common.log.ShutdownLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exercises 1-4: {@code loop.amount} times, connect, send the line {@code [CLIENT ID] Message N°K}, read the answer
 * line, close, log it and wait {@code loop.period}, as the skeleton's Go client did. The first connection retries
 * for {@code connect.timeout} (the server may still be starting); a stop request ends the loop after the exchange
 * in flight (given at most {@link StopSignal#STOP_GRACE}) or at once during the pause. Each message's connection
 * is closed as routine (DEBUG); one still open when the run ends, failed or stopped, is logged at INFO.
 */
public final class EchoClient {
    /** The longest answer line accepted. */
    static final int MAX_LINE = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(EchoClient.class);
    // Sharable: they hold no per-channel state.
    private static final StringDecoder STRING_DECODER = new StringDecoder(StandardCharsets.UTF_8);
    private static final StringEncoder STRING_ENCODER = new StringEncoder(StandardCharsets.UTF_8);

    private final ClientConfig config;
    private final ClientTransport transport;
    private final StopSignal stop;

    public EchoClient(ClientConfig config, ClientTransport transport, StopSignal stop) {
        this.config = config;
        this.transport = transport;
        this.stop = stop;
    }

    /** The line of message {@code number} (1-based), without its line end. */
    public static String message(int clientId, int number) {
        return "[CLIENT " + clientId + "] Message N°" + number;
    }

    /** Runs the loop; returns the exit status (0 when done or stopped, 1 on a failed exchange). */
    public int run() {
        int id = config.id();
        Connection<String> connection = null;
        try {
            for (int number = 1; number <= config.loopAmount(); number++) {
                if (stop.isRequested()) {
                    return 0;
                }
                Duration retryFor = number == 1 ? config.connectTimeout().toDuration() : Duration.ZERO;
                connection = transport.connect(config.server(), EchoClient::textCodec, String.class, retryFor);
                connection.send(message(id, number) + "\n");
                String answer = connection.receive(Connection.REPLY_TIMEOUT, false);
                // One connection per message, as in the skeleton: its close is routine, so DEBUG only.
                connection.close();
                connection = null;
                ShutdownLog.closedRoutinely(ShutdownLog.CONNECTION);
                LOG.info("action: receive_message | result: success | client_id: {} | msg: {}", id, answer);
                if (stop.await(config.loopPeriod().toDuration())) {
                    return 0;
                }
            }
        } catch (ConnectException e) {
            LOG.error("action: connect | result: fail | client_id: {} | error: {}", id, e.getMessage());
            return 1;
        } catch (ExchangeException e) {
            LOG.error("action: receive_message | result: fail | client_id: {} | error: {}", id, e.getMessage());
            return 1;
        } catch (StoppedException e) {
            return 0;
        } finally {
            if (connection != null) { // the exchange in flight failed or was stopped: part of the shutdown
                connection.close();
                ShutdownLog.closed(ShutdownLog.CONNECTION);
            }
        }
        LOG.info("action: loop_finished | result: success | client_id: {}", id);
        return 0;
    }

    /** Lines of UTF-8 text: the {@code °} of the message is two bytes on the wire, whatever the locale. */
    private static void textCodec(ChannelPipeline pipeline) {
        pipeline.addLast("lineDecoder", new LineBasedFrameDecoder(MAX_LINE))
                .addLast("stringDecoder", STRING_DECODER)
                .addLast("stringEncoder", STRING_ENCODER);
    }
}
