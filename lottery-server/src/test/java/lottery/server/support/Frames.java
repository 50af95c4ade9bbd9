package lottery.server.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.LotteryMessage;

/** Whole frames as bytes, for tests that send raw or deliberately broken input. */
public final class Frames {

    private Frames() {
    }

    /** The frame of {@code message}: u32 length, then type and body. */
    public static byte[] of(LotteryMessage message) {
        ByteBuf body = Unpooled.buffer();
        try {
            Wire.write(message, body);
            byte[] frame = new byte[4 + body.readableBytes()];
            Unpooled.wrappedBuffer(frame).setInt(0, body.readableBytes());
            body.getBytes(body.readerIndex(), frame, 4, body.readableBytes());
            return frame;
        } finally {
            body.release();
        }
    }

    /** A frame holding {@code typeAndBody} as it is. */
    public static byte[] raw(int... typeAndBody) {
        byte[] frame = new byte[4 + typeAndBody.length];
        Unpooled.wrappedBuffer(frame).setInt(0, typeAndBody.length);
        for (int i = 0; i < typeAndBody.length; i++) {
            frame[4 + i] = (byte) typeAndBody[i];
        }
        return frame;
    }
}
