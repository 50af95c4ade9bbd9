package lottery.protocol.codec;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.Limits;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;

/**
 * Random but valid messages from a seeded {@link Random}, so every run sees the same cases. Text mixes ASCII,
 * accented Latin, any BMP character and supplementary characters (emoji: surrogate pairs in Java, four bytes in
 * UTF-8), and often fills a field to exactly its 255-byte limit.
 */
final class MessageGenerator {
    private static final long FIRST_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();
    private static final MessageType[] REQUEST_TYPES = {
        MessageType.HELLO, MessageType.BET, MessageType.BATCH, MessageType.FINISH, MessageType.WINNERS_QUERY};

    private final Random random;

    MessageGenerator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** Any message type, batches of at most {@code maxBatch} bets. */
    LotteryMessage message(int maxBatch) {
        return switch (random.nextInt(8)) {
            case 0 -> hello();
            case 1 -> bet();
            case 2 -> batch(maxBatch);
            case 3 -> Finish.INSTANCE;
            case 4 -> WinnersQuery.INSTANCE;
            case 5 -> ack();
            case 6 -> error();
            default -> winners();
        };
    }

    Hello hello() {
        return new Hello(1 + random.nextInt(255), 1 + random.nextInt(Limits.MAX_U16), text(0));
    }

    Bet bet() {
        return new Bet(name(), name(), document(), date(), number());
    }

    /** A batch of 1..maxBets random bets, cut short if the frame would be full. */
    Batch batch(int maxBets) {
        BatchPacker packer = new BatchPacker(1 + random.nextInt(maxBets));
        while (packer.add(bet())) {
            // the packer stops at its amount or at the frame budget
        }
        return packer.take(u32());
    }

    Ack ack() {
        return new Ack(REQUEST_TYPES[random.nextInt(REQUEST_TYPES.length)], u32(), u32());
    }

    ErrorReply error() {
        ErrorCode[] codes = ErrorCode.values();
        MessageType[] types = MessageType.values();
        MessageType ref = random.nextInt(4) == 0 ? null : types[random.nextInt(types.length)];
        // Raw text may hold control characters and be over 255 bytes: ErrorReply.of makes it fit.
        String reason = random.nextBoolean() ? text(0) : text(0) + "\n\t" + text(0);
        return ErrorReply.of(codes[random.nextInt(codes.length)], ref, u32(), reason);
    }

    Winners winners() {
        List<String> documents = new ArrayList<>();
        int count = random.nextInt(Winners.MAX_PER_FRAME + 1);
        for (int i = 0; i < count; i++) {
            documents.add(document());
        }
        return new Winners(random.nextBoolean(), documents);
    }

    /** A non-blank name of 1..255 UTF-8 bytes. */
    String name() {
        String name = text(1);
        // Blank text is all BMP whitespace: one letter in front of it makes a name of no more bytes.
        return name.isBlank() ? "x" + name.substring(1) : name;
    }

    /** Text of {@code minBytes}..255 UTF-8 bytes without control characters; a quarter fill all 255. */
    String text(int minBytes) {
        int target = random.nextInt(4) == 0 ? Limits.MAX_STRING_BYTES
                : minBytes + random.nextInt(Limits.MAX_STRING_BYTES - minBytes + 1);
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        while (bytes < target) {
            int cp = codePoint();
            if (bytes + utf8Length(cp) > target) {
                cp = 'a' + random.nextInt(26); // top up with ASCII to hit the target exactly
            }
            text.appendCodePoint(cp);
            bytes += utf8Length(cp);
        }
        return text.toString();
    }

    private int codePoint() {
        return switch (random.nextInt(5)) {
            case 0 -> 0x20 + random.nextInt(0x7F - 0x20);                  // printable ASCII
            case 1 -> 0xC0 + random.nextInt(0x180 - 0xC0);                 // accented Latin: á, ñ, Ł...
            case 2 -> {                                                     // anything in the BMP but surrogates
                int cp;
                do {
                    cp = 0xA0 + random.nextInt(0x10000 - 0xA0);
                } while (Character.isSurrogate((char) cp));
                yield cp;
            }
            case 3 -> 0x1F300 + random.nextInt(0x1FAFF - 0x1F300 + 1);     // emoji
            default -> 0x10000 + random.nextInt(Character.MAX_CODE_POINT - 0x10000 + 1); // any supplementary
        };
    }

    static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** 1..20 digits, leading zeros included. */
    String document() {
        int digits = 1 + random.nextInt(Limits.MAX_DOCUMENT_DIGITS);
        StringBuilder document = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            document.append((char) ('0' + random.nextInt(10)));
        }
        return document.toString();
    }

    LocalDate date() {
        return LocalDate.ofEpochDay(FIRST_DAY + (long) (random.nextDouble() * (LAST_DAY - FIRST_DAY + 1)));
    }

    int number() {
        return random.nextInt(Limits.MAX_NUMBER + 1);
    }

    /** An unsigned 32-bit value; the extremes come up often, as they are where sign bugs live. */
    long u32() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> Limits.MAX_U32;
            case 2 -> 0x8000_0000L;
            default -> random.nextLong() & Limits.MAX_U32;
        };
    }

    /** The largest bet the records allow: two 255-byte names and a 20-digit document, 539 bytes encoded. */
    static Bet largestBet() {
        String name = "ñ".repeat(127) + "a";
        return new Bet(name, name, "9".repeat(Limits.MAX_DOCUMENT_DIGITS), LocalDate.of(9999, 12, 31), 9999);
    }

    /** The smallest bet: one-byte names and document, 12 bytes encoded. */
    static Bet smallestBet() {
        return new Bet("A", "B", "0", LocalDate.of(1, 1, 1), 0);
    }
}
