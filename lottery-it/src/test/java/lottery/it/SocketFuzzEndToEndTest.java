package lottery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import lottery.protocol.codec.ProtocolException;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.server.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket-level fuzzing of the live server (bounded and seeded, so every run sends the same bytes): 2,000 short
 * connections to a one-agency server, each sending one kind of garbage (random bytes, random bytes after the
 * protocol's 0x00, frames with valid length prefixes but random types and bodies, valid BATCH frames behind a HELLO
 * the server must refuse or with no HELLO at all, truncated frames, random text for the line echo), half-closing and
 * reading the answer until the server closes. Then:
 *
 * <ul>
 *   <li>every connection ended (the server closed it, or reset it while we still wrote) within the read timeout,
 *       every whole frame the server sent on a protocol connection was an ERROR, never an ACK, and the server logged
 *       no line at level ERROR (an unexpected exception) meanwhile;</li>
 *   <li>the bets file is still empty: no garbage got a bet stored;</li>
 *   <li>the real client, as agency 1, still stores its bet, gets through the draw and learns it won.</li>
 * </ul>
 *
 * <p>No garbage completes a HELLO for agency 1 (the one agency of the draw): such a connection could finish the
 * agency, or hold its session, and the real agency's result would then depend on timing rather than on the server.
 */
class SocketFuzzEndToEndTest {
    private static final long SEED = 0x5EED_2026_1201L;
    private static final int CONNECTIONS = 2_000;
    /** Bound on each read: a connection the server leaves open this long fails the test. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** The kinds of garbage, chosen at random for each connection. */
    private enum Kind {
        RANDOM_BYTES, RANDOM_AFTER_ZERO, RANDOM_FRAMES, REFUSED_HELLO_THEN_BETS, BETS_WITHOUT_HELLO, TRUNCATED_FRAMES,
        RANDOM_TEXT
    }

    /** How connections ended and what the server said, for the assertions and the report. */
    private static final class Tally {
        final Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        final Map<String, Integer> answers = new TreeMap<>();
        int closedByServer;
        int reset;
        long bytesSent;
        long bytesReceived;

        void count(Map<String, Integer> map, String key) {
            map.merge(key, 1, Integer::sum);
        }
    }

    @Test
    void garbageStoresNothingAndARealAgencyStillCompletes() throws Exception {
        try (TestServer server = TestServer.start(dir, 1)) {
            Random random = new Random(SEED);
            Tally tally = new Tally();
            long start = System.nanoTime();
            // Records (and prints) only ERROR lines: thousands of expected protocol_error warnings stay out of the log.
            LogRecorder errors = LogRecorder.open(Level.ERROR);
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                    tally.kinds.merge(kind, 1, Integer::sum);
                    byte[] payload = garbage(kind, random);
                    exchange(server.port(), i, kind, payload, tally);
                }
            } finally {
                errors.close();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("socket fuzz: %d connections in %d ms, %d bytes sent, %d received; %d closed by the "
                            + "server, %d reset; kinds %s; answers %s%n", CONNECTIONS, elapsed.toMillis(),
                    tally.bytesSent, tally.bytesReceived, tally.closedByServer, tally.reset, tally.kinds,
                    tally.answers);

            assertThat(tally.closedByServer + tally.reset).isEqualTo(CONNECTIONS);
            assertThat(errors.server()).as("server lines at level ERROR").isEmpty();
            assertThat(tally.answers.keySet()).as("the server answered garbage only with errors")
                    .allMatch(answer -> answer.startsWith("ERROR ") || answer.equals("echo")
                            || answer.equals("nothing"));
            Path bets = dir.resolve("bets.csv");
            assertThat(Files.exists(bets) ? StoredBets.text(server) : "").as("bets stored from garbage").isEmpty();

            // The server is still up and still right: the real agency 1 stores its bet and wins the draw.
            LogRecorder logs = LogRecorder.open();
            try (ClientThread client = ClientThread.start(1, server.port(),
                    Map.of("NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca", "DOCUMENTO", "30904465",
                            "NACIMIENTO", "1999-03-17", "NUMERO", "7574"))) {
                assertThat(client.awaitExit(WAIT)).as("exit status; log %s", logs.clients()).isZero();
            } finally {
                logs.close();
            }
            assertThat(logs.client("client-1")).contains(
                    "action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574",
                    "action: consulta_ganadores | result: success | cant_ganadores: 1");
            assertThat(StoredBets.text(server)).isEqualTo("1,Santiago Lionel,Lorca,30904465,1999-03-17,7574\r\n");
        }
    }

    /**
     * Sends {@code payload} on a new connection, half-closes, and reads until the server closes; records how it
     * ended and, on a protocol connection (first byte 0x00), the type of each whole frame answered.
     */
    private static void exchange(int port, int index, Kind kind, byte[] payload, Tally tally) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean reset = false;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            try {
                socket.getOutputStream().write(payload);
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                fail("connection %d (%s, %d bytes) still open after %d ms: %s", index, kind, payload.length,
                        READ_TIMEOUT_MILLIS, hex(payload));
            } catch (SocketException e) {
                reset = true; // the server closed after a fatal error while bytes were still coming
            }
        }
        tally.bytesSent += payload.length;
        tally.bytesReceived += received.size();
        if (reset) {
            tally.reset++;
        } else {
            tally.closedByServer++;
        }
        byte[] answer = received.toByteArray();
        if (answer.length == 0) {
            tally.count(tally.answers, "nothing");
        } else if (payload[0] != 0) {
            tally.count(tally.answers, "echo");
        } else {
            for (LotteryMessage message : wholeFrames(answer)) {
                tally.count(tally.answers, message instanceof ErrorReply error
                        ? "ERROR " + error.code() : message.type().toString());
            }
        }
    }

    /** The messages of the whole frames in {@code bytes} (a reset may cut the last one). */
    private static List<LotteryMessage> wholeFrames(byte[] bytes) {
        List<LotteryMessage> messages = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            while (in.readableBytes() >= 4 && in.readableBytes() >= 4 + in.getInt(in.readerIndex())) {
                int length = in.readInt();
                ByteBuf frame = in.readSlice(length);
                try {
                    messages.add(Wire.read(frame));
                } catch (ProtocolException e) {
                    fail("the server sent a frame it cannot decode itself: %s (%s)", hex(bytes), e.getMessage());
                }
            }
        } finally {
            in.release();
        }
        return messages;
    }

    // ---- garbage ---------------------------------------------------------------------------------------------

    private static byte[] garbage(Kind kind, Random random) {
        return switch (kind) {
            case RANDOM_BYTES -> randomBytes(random, 1 + random.nextInt(512));
            case RANDOM_AFTER_ZERO -> concat(new byte[] {0}, randomBytes(random, random.nextInt(512)));
            case RANDOM_FRAMES -> randomFrames(random);
            case REFUSED_HELLO_THEN_BETS -> concat(refusedHello(random), validBatches(random));
            case BETS_WITHOUT_HELLO -> validBatches(random);
            case TRUNCATED_FRAMES -> truncated(random);
            case RANDOM_TEXT -> randomText(random);
        };
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** 1..4 frames with a valid length prefix, a type that is often a real one, and a random body. */
    private static byte[] randomFrames(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageType[] types = MessageType.values();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            int type = random.nextInt(4) == 0 ? random.nextInt(256) : types[random.nextInt(types.length)].opcode();
            byte[] body = randomBytes(random, random.nextInt(300));
            out.writeBytes(frame(concat(new byte[] {(byte) type}, body)));
        }
        return out.toByteArray();
    }

    /**
     * A well-formed HELLO the server must refuse: an agency not in the draw (2..65535), a version other than 1, or a
     * bad magic. Never a valid HELLO for agency 1.
     */
    private static byte[] refusedHello(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> encode(new Hello(1, 2 + random.nextInt(65_534), ""));
            case 1 -> encode(new Hello(2 + random.nextInt(254), 1 + random.nextInt(65_535), ""));
            default -> {
                byte[] hello = encode(Hello.of(1));
                hello[5 + random.nextInt(4)] ^= (byte) (1 + random.nextInt(255)); // the magic, bytes 5..8
                yield hello;
            }
        };
    }

    /** Valid BATCH frames (and a FINISH), the bytes a real agency would send after its HELLO. */
    private static byte[] validBatches(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int batches = 1 + random.nextInt(3);
        for (int seq = 1; seq <= batches; seq++) {
            List<Bet> bets = new ArrayList<>();
            for (int i = 1 + random.nextInt(5); i > 0; i--) {
                bets.add(new Bet("Garbage", "Agency", Integer.toString(random.nextInt(100_000_000)),
                        LocalDate.of(1950 + random.nextInt(50), 1 + random.nextInt(12), 1 + random.nextInt(28)),
                        random.nextInt(10_000)));
            }
            out.writeBytes(encode(new Batch(seq, bets)));
        }
        out.writeBytes(encode(Finish.INSTANCE));
        return out.toByteArray();
    }

    /**
     * A conversation cut at a random point: either agency 1's HELLO, BATCH and FINISH cut inside the HELLO (so agency
     * 1's handshake never completes), or a refused HELLO and valid batches cut anywhere.
     */
    private static byte[] truncated(Random random) {
        if (random.nextBoolean()) {
            byte[] hello = encode(Hello.of(1));
            byte[] conversation = concat(hello, validBatches(random));
            return Arrays.copyOf(conversation, 1 + random.nextInt(hello.length - 1));
        }
        byte[] conversation = concat(refusedHello(random), validBatches(random));
        return Arrays.copyOf(conversation, 1 + random.nextInt(conversation.length - 1));
    }

    /** Lines of printable ASCII for the line echo (first byte printable), sometimes without a final newline. */
    private static byte[] randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int line = 1 + random.nextInt(5); line > 0; line--) {
            for (int i = 1 + random.nextInt(80); i > 0; i--) {
                text.append((char) (0x20 + random.nextInt(0x7F - 0x20)));
            }
            if (line > 1 || random.nextBoolean()) {
                text.append('\n');
            }
        }
        if (text.charAt(0) == ' ') {
            text.setCharAt(0, 'x'); // any printable first byte selects the echo; keep the line non-blank
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encode(LotteryMessage message) {
        ByteBuf out = Unpooled.buffer();
        try {
            Wire.write(message, out);
            byte[] typeAndBody = new byte[out.readableBytes()];
            out.readBytes(typeAndBody);
            return frame(typeAndBody);
        } finally {
            out.release();
        }
    }

    private static byte[] frame(byte[] typeAndBody) {
        return concat(ByteBuffer.allocate(4).putInt(typeAndBody.length).array(), typeAndBody);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }
}
