package lottery.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import lottery.common.log.LogText;
import lottery.server.store.RoundStatus;
import lottery.server.store.csv.CsvStatus;
import lottery.server.store.postgres.PgStatus;

/**
 * {@code lottery-server --status [--json]}: the round of the configured store, read by its engine without disturbing
 * a server that runs on it ({@link CsvStatus}, {@link PgStatus}), printed on stdout in the log's style (one line per
 * fact: {@code action: status} for the round, {@code action: status_agency} per agency) or as one JSON document.
 *
 * <p>Exit status: 0 printed (also when there is no round), 1 the store cannot be read (one line on stderr).
 *
 * <p>Thread context: stateless; runs on {@code main} when the program was started with {@code --status}, in a JVM
 * that runs no server.
 */
final class StatusCommand {
    private static final JsonFactory JSON = new JsonFactory();

    private StatusCommand() {
    }

    static int run(ServerConfig config, boolean json, PrintStream out, PrintStream err) {
        String store = config.sharedStore() ? "postgres" : "csv";
        RoundStatus status;
        try {
            status = config.sharedStore() ? PgStatus.read(config.postgres()) : CsvStatus.read(config.storagePath());
        } catch (IOException | RuntimeException e) {
            err.println("action: status | result: fail | store: " + store + " | error: "
                    + LogText.clean(LogText.describe(e)));
            return ServerMain.EXIT_FAILURE;
        }
        out.print(json ? json(store, status) : lines(store, status));
        out.flush();
        return ServerMain.EXIT_OK;
    }

    /** The status as log-style lines, each ended by a newline. */
    static String lines(String store, RoundStatus status) {
        StringBuilder text = new StringBuilder("action: status | result: success | store: ").append(store);
        if (!status.present()) {
            return text.append(" | round: none\n").toString();
        }
        text.append(" | agencies: ").append(status.agencies())
                .append(" | bets: ").append(status.bets())
                .append(" | finished: ").append(status.finished())
                .append(" | answered: ").append(status.answered())
                .append(" | drawn: ").append(status.drawn());
        status.winners().ifPresent(winners -> text.append(" | winners: ").append(winners));
        text.append('\n');
        for (RoundStatus.AgencyStatus agency : status.perAgency()) {
            text.append("action: status_agency | result: success | agency: ").append(agency.agency())
                    .append(" | bets: ").append(agency.stored())
                    .append(" | finished: ").append(agency.finished())
                    .append(" | answered: ").append(agency.answered());
            agency.winners().ifPresent(winners -> text.append(" | winners: ").append(winners));
            text.append('\n');
        }
        return text.toString();
    }

    /**
     * The status as one JSON document and a newline: {@code {"store":..., "round":{...} or null, "agencies":[...]}},
     * {@code winners} null before the draw.
     */
    static String json(String store, RoundStatus status) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("store", store);
            if (status.present()) {
                json.writeObjectFieldStart("round");
                json.writeNumberField("agencies", status.agencies());
                json.writeNumberField("bets", status.bets());
                json.writeNumberField("finished", status.finished());
                json.writeNumberField("answered", status.answered());
                json.writeBooleanField("drawn", status.drawn());
                json.writeFieldName("winners");
                if (status.winners().isPresent()) {
                    json.writeNumber(status.winners().getAsLong());
                } else {
                    json.writeNull();
                }
                json.writeEndObject();
            } else {
                json.writeNullField("round");
            }
            json.writeArrayFieldStart("agencies");
            for (RoundStatus.AgencyStatus agency : status.perAgency()) {
                json.writeStartObject();
                json.writeNumberField("agency", agency.agency());
                json.writeNumberField("stored", agency.stored());
                json.writeBooleanField("finished", agency.finished());
                json.writeBooleanField("answered", agency.answered());
                json.writeFieldName("winners");
                if (agency.winners().isPresent()) {
                    json.writeNumber(agency.winners().getAsLong());
                } else {
                    json.writeNull();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text + "\n";
    }
}
