package lottery.server.ops;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import lottery.server.round.RoundView;

/**
 * {@code /status.json}, what the status page reads, written with Jackson's streaming generator:
 *
 * <pre>
 * {"round":{"agencies":5,"bets":78697,"batches":346,"finished":5,"answered":5,"connected":0,"drawn":true,
 *           "state":"open"|"drawn"|"over"},
 *  "rate":{"intervalSeconds":1,"betsPerSecond":[... up to 60 numbers, oldest first]},
 *  "agencies":[{"agency":1,"stored":1234,"batches":12,"connected":true,"finished":true,"answered":false,
 *               "winners":2}]}
 * </pre>
 * {@code winners} is null before the draw; the agencies are 1..N in order, or with SERVER_AGENCIES=0 those seen.
 *
 * <p>Thread context: stateless but for the factory, which is thread-safe; called on the {@code ops} event loop.
 */
final class StatusJson {
    private static final JsonFactory JSON = new JsonFactory();

    private StatusJson() {
    }

    static void write(RoundView view, long[] betsPerSecond, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeObjectFieldStart("round");
            json.writeNumberField("agencies", view.agencies());
            json.writeNumberField("bets", view.bets());
            json.writeNumberField("batches", view.batches());
            json.writeNumberField("finished", view.finished());
            json.writeNumberField("answered", view.answered());
            json.writeNumberField("connected", view.connected());
            json.writeBooleanField("drawn", view.drawn());
            json.writeStringField("state", view.state().name().toLowerCase(Locale.ROOT));
            json.writeEndObject();
            json.writeObjectFieldStart("rate");
            json.writeNumberField("intervalSeconds", BetRate.INTERVAL_SECONDS);
            json.writeArrayFieldStart("betsPerSecond");
            for (long bets : betsPerSecond) {
                json.writeNumber(bets);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeArrayFieldStart("agencies");
            for (RoundView.AgencyLine line : view.lines()) {
                json.writeStartObject();
                json.writeNumberField("agency", line.agency());
                json.writeNumberField("stored", line.stored());
                json.writeNumberField("batches", line.batches());
                json.writeBooleanField("connected", line.connected());
                json.writeBooleanField("finished", line.finished());
                json.writeBooleanField("answered", line.answered());
                if (line.winners() < 0) {
                    json.writeNullField("winners");
                } else {
                    json.writeNumberField("winners", line.winners());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }
}
