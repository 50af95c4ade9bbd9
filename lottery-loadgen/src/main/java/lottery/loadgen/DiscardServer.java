package lottery.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryFrameDecoder;
import lottery.protocol.codec.Wire;
import lottery.protocol.message.Ack;
import lottery.protocol.message.MessageType;

/**
 * The loopback ceiling's server: cuts the stream into frames like the real server and answers each HELLO and
 * BATCH with its Ack at once, reading only the batch header (seq, count): no bet is decoded, checked or stored. The
 * load generator's frames sent here, with the same window, measure what the network path and the generator alone
 * allow on this machine. On 127.0.0.1, port chosen by the system; threads: one NIO event loop per core.
 */
final class DiscardServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final Channel channel;

    DiscardServer() throws InterruptedException {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LotteryFrameDecoder(), new AckAll());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Acks HELLO (nothing stored) and BATCH (all of it), flushed once per read; ignores everything else. */
    private static final class AckAll extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int type = frame.getUnsignedByte(frame.readerIndex());
                Ack ack = null;
                if (type == MessageType.HELLO.opcode()) {
                    ack = new Ack(MessageType.HELLO, 0, 0);
                } else if (type == MessageType.BATCH.opcode()) {
                    ack = new Ack(MessageType.BATCH, frame.getUnsignedInt(frame.readerIndex() + 1),
                            frame.getUnsignedShort(frame.readerIndex() + 5));
                }
                if (ack != null) {
                    ByteBuf out = ctx.alloc().buffer(16);
                    Wire.writeFrame(ack, out); // the length prefix too, as the server's encoder writes it
                    ctx.write(out);
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
