package lottery.client.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.Bet;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;

/**
 * A stand-in for the lottery server, built from the protocol module only: a Netty server on 127.0.0.1 (or another
 * loopback address) that decodes frames with the real codec, records every message and the size of every frame, and
 * answers as its {@link Script} says. The default script answers like a well-behaved server: Ack for Hello, Bet,
 * Batch (with its size) and Finish, and the configured winners for a WinnersQuery.
 */
public final class FakeLotteryServer implements AutoCloseable {
    /** What the server answers to one message; runs on the event loop. */
    @FunctionalInterface
    public interface Script {
        void onMessage(ChannelHandlerContext ctx, LotteryMessage message, FakeLotteryServer server);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<LotteryMessage> received = new CopyOnWriteArrayList<>();
    private final List<Integer> frameSizes = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Script script;
    private volatile List<String> winners = List.of();
    private Channel serverChannel;

    private FakeLotteryServer(Script script) {
        this.script = script;
    }

    /** Starts a server on an ephemeral port that answers like a correct server. */
    public static FakeLotteryServer start() throws InterruptedException {
        return start(0, FakeLotteryServer::answer);
    }

    public static FakeLotteryServer start(Script script) throws InterruptedException {
        return start(0, script);
    }

    public static FakeLotteryServer start(int port, Script script) throws InterruptedException {
        return start("127.0.0.1", port, script);
    }

    /**
     * A server on {@code host} (another loopback address such as 127.0.0.2 stands for another replica: Linux routes
     * all of 127.0.0.0/8 to the loopback interface) and {@code port} (0: ephemeral).
     */
    public static FakeLotteryServer start(String host, int port, Script script) throws InterruptedException {
        FakeLotteryServer server = new FakeLotteryServer(script);
        server.bind(host, port);
        return server;
    }

    private void bind(String host, int port) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        LotteryPipeline.addLast(channel.pipeline());
                        channel.pipeline().addAfter(LotteryPipeline.FRAME_DECODER, "frameSizes", new FrameSizes());
                        channel.pipeline().addLast("script", new ScriptHandler());
                    }
                })
                .bind(new InetSocketAddress(host, port)).sync().channel();
    }

    /** The answers of a correct server. Scripts delegate to it for the messages they do not change. */
    public static void answer(ChannelHandlerContext ctx, LotteryMessage message, FakeLotteryServer server) {
        switch (message.type()) {
            case HELLO -> ctx.writeAndFlush(new Ack(MessageType.HELLO, 0, 0));
            case BET -> ctx.writeAndFlush(new Ack(MessageType.BET, 0, 1));
            case BATCH -> {
                Batch batch = (Batch) message;
                ctx.writeAndFlush(new Ack(MessageType.BATCH, batch.seq(), batch.bets().size()));
            }
            case FINISH -> ctx.writeAndFlush(new Ack(MessageType.FINISH, 0, server.bets().size()));
            case WINNERS_QUERY -> Winners.split(server.winners).forEach(ctx::writeAndFlush);
            default -> throw new IllegalStateException("a client does not send " + message.type());
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public void winners(List<String> documents) {
        winners = List.copyOf(documents);
    }

    public List<LotteryMessage> received() {
        return List.copyOf(received);
    }

    /** The types of the messages received, in order. */
    public List<MessageType> receivedTypes() {
        return received.stream().map(LotteryMessage::type).toList();
    }

    /** Every bet received, single or batched, in order. */
    public List<Bet> bets() {
        List<Bet> bets = new ArrayList<>();
        for (LotteryMessage message : received) {
            if (message instanceof Bet bet) {
                bets.add(bet);
            } else if (message instanceof Batch batch) {
                bets.addAll(batch.bets());
            }
        }
        return bets;
    }

    public List<Batch> batches() {
        return received.stream().filter(Batch.class::isInstance).map(Batch.class::cast).toList();
    }

    /** The size of every frame received, its length prefix included. */
    public List<Integer> frameSizes() {
        return List.copyOf(frameSizes);
    }

    /** Decoding or handling failures (a frame over 8192 bytes would be one). */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Records each frame's size as it leaves the frame decoder. */
    private final class FrameSizes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frameSizes.add(((ByteBuf) msg).readableBytes() + 4);
            ctx.fireChannelRead(msg);
        }
    }

    private final class ScriptHandler extends SimpleChannelInboundHandler<LotteryMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, LotteryMessage message) {
            received.add(message);
            script.onMessage(ctx, message, FakeLotteryServer.this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }
    }
}
