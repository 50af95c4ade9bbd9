package lottery.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import lottery.testkit.LogCapture;
import org.junit.jupiter.api.Test;

class ShutdownLogTest {
    @Test
    void theLinesOfAStopWithAndWithoutContext() {
        try (LogCapture log = LogCapture.open(Level.DEBUG)) {
            ShutdownLog.signalReceived("");
            ShutdownLog.closed(ShutdownLog.SERVER_SOCKET);
            ShutdownLog.closedRoutinely(ShutdownLog.CONNECTION);
            ShutdownLog.failed(ShutdownLog.BETS_FILE, new IOException("disk | gone\n"));
            ShutdownLog.exit("", 0);
            ShutdownLog.signalReceived("client_id: 4");
            ShutdownLog.exit("client_id: 4", 0);
            ShutdownLog.exit("client_id: 4", 1);

            assertThat(log.lines()).containsExactly(
                    "INFO action: receive_signal | result: success | signal: SIGTERM",
                    "INFO action: shutdown | result: success | resource: server_socket",
                    "DEBUG action: shutdown | result: success | resource: connection",
                    "WARN action: shutdown | result: fail | resource: bets_file"
                            + " | error: java.io.IOException: disk / gone ",
                    "INFO action: exit | result: success",
                    "INFO action: receive_signal | result: success | client_id: 4 | signal: SIGTERM",
                    "INFO action: exit | result: success | client_id: 4",
                    "ERROR action: exit | result: fail | client_id: 4 | status: 1");
        }
    }
}
