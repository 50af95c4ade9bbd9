package lottery.protocol.message;

import java.util.ArrayList;
import java.util.List;

/**
 * The documents of the winners of the connection's agency. A long list does not fit one frame, so it travels in
 * several Winners frames; the last one has {@code last} set. An agency with no winner gets one empty, last frame.
 *
 * @param last      whether this frame ends the list
 * @param documents documents (1..20 digits each), at most {@link #MAX_PER_FRAME} so the frame fits 8192 bytes
 */
public record Winners(boolean last, List<String> documents) implements LotteryMessage {
    /** Bytes of a Winners frame besides its documents: length, type, flags and count. */
    private static final int OVERHEAD = Limits.LENGTH_FIELD_BYTES + 1 + 1 + 2;
    /** Documents that always fit one frame, even at 20 digits each (1 length byte + 20 digits). */
    public static final int MAX_PER_FRAME = (Limits.MAX_FRAME_BYTES - OVERHEAD) / (1 + Limits.MAX_DOCUMENT_DIGITS);

    public Winners {
        documents = List.copyOf(documents);
        if (documents.size() > MAX_PER_FRAME) {
            throw new IllegalArgumentException(documents.size() + " documents do not fit one frame (max "
                    + MAX_PER_FRAME + ")");
        }
        documents.forEach(Bet::checkDocument);
    }

    /** Splits {@code documents} into the frames that carry them, the last one marked. Never empty. */
    public static List<Winners> split(List<String> documents) {
        List<Winners> frames = new ArrayList<>();
        int from = 0;
        do {
            int to = Math.min(documents.size(), from + MAX_PER_FRAME);
            frames.add(new Winners(to == documents.size(), documents.subList(from, to)));
            from = to;
        } while (from < documents.size());
        return frames;
    }

    @Override
    public MessageType type() {
        return MessageType.WINNERS;
    }
}
