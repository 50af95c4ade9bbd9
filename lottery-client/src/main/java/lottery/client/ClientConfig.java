package lottery.client;

import java.util.Locale;
import java.util.Optional;
import lottery.client.net.ClientTls;
import lottery.client.net.ServerAddress;
import lottery.protocol.message.Bet;

/**
 * The client's settings, validated by {@link ClientConfigLoader}, which reads them from {@code config.yaml} and the
 * environment: the agency, the server, the echo loop (exercises 1-4) and the lottery run (exercises 5-8).
 *
 * @param id             the agency number (CLI_ID), 1..65535
 * @param server         where the server listens (server.address)
 * @param loopAmount     echo mode: how many messages to send (loop.amount)
 * @param loopPeriod     echo mode: the pause after each message (loop.period)
 * @param logLevel       TRACE, DEBUG, INFO, WARN or ERROR (log.level)
 * @param batchMaxAmount lottery mode: most bets per Batch; the 8192-byte frame limit applies on top
 *                       (batch.maxAmount)
 * @param mode           echo or lottery (mode)
 * @param dataFile       lottery mode: the agency's CSV file, {@code {id}} already replaced; empty when none
 *                       (data.file)
 * @param connectTimeout how long to keep retrying the first connection (connect.timeout)
 * @param winnersTimeout lottery mode: how long to wait for the winners once asked (winners.timeout)
 * @param envBet         lottery mode: the single bet of NOMBRE..NUMERO, or {@code null} when those are unset (and
 *                       always in echo mode)
 * @param secret         lottery mode: the agency's secret sent in the Hello (auth.secret, or the first line of
 *                       auth.secretFile), "" when none; never logged, not in {@link #toString()}
 * @param reconnectTimeout lottery mode: how long to keep trying to get a session back after a lost connection
 *                       or a retryable server error, counted from the loss (reconnect.timeout)
 * @param tls            TLS to the server, its files read (tls.ca, tls.cert, tls.key, tls.serverName); null = off
 */
public record ClientConfig(int id, ServerAddress server, int loopAmount, GoDuration loopPeriod, String logLevel,
                           int batchMaxAmount, Mode mode, String dataFile, GoDuration connectTimeout,
                           GoDuration winnersTimeout, Bet envBet, String secret, GoDuration reconnectTimeout,
                           ClientTls tls) {

    /**
     * Default {@code batch.maxAmount}: the most bets of the course data that always fit one 8192-byte frame. The
     * largest bet of dataset.zip takes 50 bytes on the wire (Wire.betSize: 9 fixed bytes + "Milagros De Los
     * Angeles" 23 + "Valenzuela" 10 + "25748564" 8), a Batch frame has 11 bytes besides its bets, and
     * 163 * 50 + 11 = 8161 <= 8192 while 164 * 50 + 11 = 8211 is over. CourseDataTest recomputes it from the data.
     */
    public static final int DEFAULT_BATCH_MAX_AMOUNT = 163;

    /** What the client does. */
    public enum Mode {
        /** Exercises 1-4: send numbered text lines and log the echo. */
        ECHO,
        /** Exercises 5-8: send bets, Finish, ask for the winners. */
        LOTTERY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ClientConfig {
        if (id < 1 || id > 65535) {
            throw new IllegalArgumentException("client id " + id + " is not in 1..65535");
        }
        if (secret == null) {
            throw new IllegalArgumentException("secret is null (\"\" means none)");
        }
    }

    /** The settings without TLS. */
    public ClientConfig(int id, ServerAddress server, int loopAmount, GoDuration loopPeriod, String logLevel,
                        int batchMaxAmount, Mode mode, String dataFile, GoDuration connectTimeout,
                        GoDuration winnersTimeout, Bet envBet, String secret, GoDuration reconnectTimeout) {
        this(id, server, loopAmount, loopPeriod, logLevel, batchMaxAmount, mode, dataFile, connectTimeout,
                winnersTimeout, envBet, secret, reconnectTimeout, null);
    }

    /** What the config_details line says about TLS: {@code off}, or how it is set. */
    public String tlsState() {
        return tls == null ? "off" : tls.describeSettings();
    }

    /** Whether the Hello carries a secret: what the log lines may say about it ({@code set} or {@code none}). */
    public String secretState() {
        return secret.isEmpty() ? "none" : "set";
    }

    /** Every setting but the secret, which shows as {@code set} or {@code none} only. */
    @Override
    public String toString() {
        return "ClientConfig[id=" + id + ", server=" + server + ", loopAmount=" + loopAmount + ", loopPeriod="
                + loopPeriod + ", logLevel=" + logLevel + ", batchMaxAmount=" + batchMaxAmount + ", mode=" + mode
                + ", dataFile=" + dataFile + ", connectTimeout=" + connectTimeout + ", winnersTimeout="
                + winnersTimeout + ", envBet=" + envBet + ", secret=" + secretState() + ", reconnectTimeout="
                + reconnectTimeout + ", tls=" + tlsState() + "]";
    }

    /** The single bet from the environment, when there is one. */
    public Optional<Bet> singleBet() {
        return Optional.ofNullable(envBet);
    }
}
