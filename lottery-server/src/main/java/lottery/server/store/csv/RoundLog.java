package lottery.server.store.csv;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The round log, {@code bets.csv.round} beside the bets file: the commit point of the round. One record per line,
 * {@code RECORD #crc32hex\n} (CRC32 of the record's UTF-8 bytes, 8 lower-case hex digits). Records:
 * <ul>
 *   <li>{@code round 1 agencies=N [auth=secrets]}: the first line, format version 1, SERVER_AGENCIES of the round,
 *       and whether it was started with agency secrets (a log without the field was not);
 *   <li>{@code batch AGENCY SEQ COUNT END}: COUNT rows of AGENCY were appended (SEQ 0 for a single BET) and the
 *       bets file is END bytes long after them. Rows without this record are not stored;
 *   <li>{@code finish AGENCY STORED};
 *   <li>{@code draw BETS WINNERS}: the draw ran;
 *   <li>{@code answered AGENCY}: AGENCY was sent its winners. The round is complete once the draw ran and every agency
 *       was answered: a server that restarts before that resumes it and answers the winners again.
 * </ul>
 *
 * <p>Reading back ({@link #read}): a last line without its newline or with a bad CRC (a torn write) and anything
 * after it that is bad too is cut; a bad line followed by a good one is corruption, and the server refuses to start.
 * A {@code batch} record whose END is beyond the bets file's size lost its rows (a power cut): it and every later
 * record are dropped.
 *
 * <p>Thread context: owned by the {@link CsvBetStore} that wrote it (the lottery thread); {@link #force} may run on
 * another thread at the same time as a write.
 */
final class RoundLog implements Closeable {
    /** Lower-case hex digits, as the CRC of a line is written. */
    private static final HexFormat HEX = HexFormat.of();
    static final int VERSION = 1;
    /** The first record's field of a round started with agency secrets. */
    static final String AUTHENTICATED = "auth=secrets";

    private final Path path;
    private final FileChannel file;
    private long size;

    private RoundLog(Path path, FileChannel file, long size) {
        this.path = path;
        this.file = file;
        this.size = size;
    }

    /** The round log of the bets file {@code bets}: {@code NAME.round} beside it. */
    static Path pathFor(Path bets) {
        return bets.resolveSibling(bets.getFileName().toString() + ".round");
    }

    /** Opens the log at {@code path}, whose first {@code size} bytes are kept (the rest is cut). */
    static RoundLog open(Path path, long size) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (Files.size(path) > size) {
                file.truncate(size);
            }
        } catch (IOException e) {
            file.close();
            throw e;
        }
        return new RoundLog(path, file, size);
    }

    /** Creates an empty log at {@code path} (replacing one there) and writes its first record. */
    static RoundLog create(Path path, int agencies) throws IOException {
        return create(path, agencies, false);
    }

    /** The same, for a round whose HELLOs are authenticated ({@code authenticated}) or not. */
    static RoundLog create(Path path, int agencies, boolean authenticated) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        RoundLog log = new RoundLog(path, file, 0);
        try {
            log.append("round " + VERSION + " agencies=" + agencies + (authenticated ? " " + AUTHENTICATED : ""));
        } catch (IOException e) {
            file.close();
            throw e;
        }
        return log;
    }

    /** {@code record} as a line: the record, its CRC and the newline. */
    static String line(String record) {
        return record + " #" + crc(record) + "\n";
    }

    private static String crc(String record) {
        CRC32 crc = new CRC32();
        crc.update(record.getBytes(StandardCharsets.UTF_8));
        // HexFormat, not String.format: a line is written per batch on the lottery thread, and the formatter was
        // most of the cost of writing it (79 of 129 samples of RoundLog.append in an ingest profile).
        return HEX.toHexDigits((int) crc.getValue());
    }

    /** Appends one record, whole or not at all (a failed write is cut back). */
    void append(String record) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(line(record).getBytes(StandardCharsets.UTF_8));
        long before = size;
        try {
            size = WholeWrites.writeAt(file, bytes, before);
        } catch (IOException e) {
            throw WholeWrites.cutBack(file, before, e);
        }
    }

    void force() throws IOException {
        file.force(false);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /**
     * Reads the round of the bets file {@code bets} back, changing nothing.
     *
     * @throws IOException when a file cannot be read, or the log is corrupt (a bad line before good ones, a record
     *                     that is not one, a round of another format)
     */
    static RoundState read(Path bets) throws IOException {
        Path logPath = pathFor(bets);
        long betsSize = Files.isRegularFile(bets) ? Files.size(bets) : 0;
        if (!Files.isRegularFile(logPath)) {
            return RoundState.absent(betsSize, 0);
        }
        byte[] bytes = Files.readAllBytes(logPath);
        RoundState state = null;
        long betsEnd = 0;
        int firstBad = -1;
        int firstBadLine = 0;
        int end = bytes.length;
        int position = 0;
        for (int lineNumber = 1; position < bytes.length; lineNumber++) {
            int newline = indexOf(bytes, (byte) '\n', position);
            String record = newline < 0 ? null
                    : verify(new String(bytes, position, newline - position, StandardCharsets.UTF_8));
            if (record == null) {
                if (firstBad < 0) {
                    firstBad = position;
                    firstBadLine = lineNumber;
                }
                if (newline < 0) {
                    break;
                }
                position = newline + 1;
                continue;
            }
            if (firstBad >= 0) {
                throw corrupt(logPath, firstBadLine, "a bad record is followed by good ones");
            }
            String[] fields = record.split(" ");
            try {
                if (state == null) {
                    if (fields.length < 3 || fields.length > 4 || !fields[0].equals("round")
                            || !fields[2].startsWith("agencies=")
                            || fields.length == 4 && !fields[3].equals(AUTHENTICATED)) {
                        throw corrupt(logPath, lineNumber, "the first record is not 'round'");
                    }
                    if (Integer.parseInt(fields[1]) != VERSION) {
                        throw corrupt(logPath, lineNumber, "format version " + fields[1] + " is not " + VERSION);
                    }
                    state = new RoundState(true, Integer.parseInt(fields[2].substring("agencies=".length())));
                    state.authenticated(fields.length == 4);
                } else if (fields[0].equals("batch") && fields.length == 5) {
                    long recordEnd = Long.parseLong(fields[4]);
                    if (recordEnd < betsEnd) {
                        throw corrupt(logPath, lineNumber, "the bets file shrinks");
                    }
                    if (recordEnd > betsSize) {
                        // Its rows were lost while the record survived: drop it and everything after it.
                        end = position;
                        break;
                    }
                    state.batch(Integer.parseInt(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                            recordEnd);
                    betsEnd = recordEnd;
                } else if (fields[0].equals("finish") && fields.length == 3) {
                    state.finish(Integer.parseInt(fields[1]));
                } else if (fields[0].equals("draw") && fields.length == 3) {
                    state.markDrawn();
                } else if (fields[0].equals("answered") && fields.length == 2) {
                    state.answered(Integer.parseInt(fields[1]));
                } else {
                    throw corrupt(logPath, lineNumber, "unknown record '" + fields[0] + "'");
                }
            } catch (NumberFormatException e) {
                throw corrupt(logPath, lineNumber, "bad number: " + e.getMessage());
            }
            position = newline + 1;
        }
        if (firstBad >= 0) {
            end = Math.min(end, firstBad);
        }
        if (state == null) {
            return RoundState.absent(betsSize, bytes.length);
        }
        state.sizes(betsEnd, end, betsSize, bytes.length);
        return state;
    }

    /** The record of {@code line} if its CRC matches, else null. */
    private static String verify(String line) {
        int hash = line.lastIndexOf(" #");
        if (hash < 0 || line.length() - hash != 10) {
            return null;
        }
        String record = line.substring(0, hash);
        return crc(record).equals(line.substring(hash + 2)) ? record : null;
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static IOException corrupt(Path path, int line, String why) {
        return new IOException("the round log " + path + " is corrupt at line " + line + ": " + why);
    }

    Path path() {
        return path;
    }
}
