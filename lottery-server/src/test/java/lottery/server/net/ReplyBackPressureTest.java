package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import lottery.protocol.message.Finish;
import lottery.protocol.message.Hello;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;
import lottery.protocol.message.WinnersQuery;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.store.csv.CsvBetStore;
import lottery.server.support.Bets;
import lottery.server.support.ClientLoops;
import lottery.server.support.Frames;
import lottery.server.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that keeps asking for its winners but never reads the answers: once the replies cannot be written, the
 * connection is not read any more, even with the lottery thread (the "worker") idle, so the replies cannot pile up
 * in memory; it is read again when the peer catches up.
 */
class ReplyBackPressureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Queries sent without reading: their answers (about 8 kB each) far exceed the socket buffers. */
    private static final int QUERIES = 3_000;

    @TempDir
    Path dir;

    @Test
    void aPeerThatDoesNotReadStopsBeingReadUntilItCatchesUp() throws Exception {
        EventExecutor single = new DefaultEventExecutor();
        LotteryThread thread = new NettyLotteryThread(single);
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        LotteryThread worker = new LotteryThread() {
            @Override
            public void execute(Runnable task) {
                submitted.incrementAndGet();
                thread.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        done.incrementAndGet();
                    }
                });
            }

            @Override
            public boolean inThread() {
                return thread.inThread();
            }
        };
        try (CsvBetStore store = CsvBetStore.open(dir.resolve("bets.csv"), false);
             ClientLoops clients = new ClientLoops();
             // Built on the worker: it owns the coordinator from the start.
             HandlerServer server = new HandlerServer(single.submit(() -> new DrawCoordinator(store, 1, worker))
                     .get(), worker)) {
            InetSocketAddress address = server.address();
            int winners = Winners.MAX_PER_FRAME; // every seventh bet wins: one full Winners frame per answer
            try (TestClient agency = TestClient.agency(clients.group(), address, 1)) {
                LotteryProtocolTest.sendAll(agency, 1, Bets.range(1, 0, winners * 7));
                agency.send(Finish.INSTANCE);
                agency.expectAck(MessageType.FINISH, 0, winners * 7L);
            }

            try (Socket peer = new Socket(address.getAddress(), address.getPort())) {
                peer.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = peer.getOutputStream();
                ByteArrayOutputStream requests = new ByteArrayOutputStream();
                requests.write(Frames.of(Hello.of(1)));
                byte[] query = Frames.of(WinnersQuery.INSTANCE);
                for (int i = 0; i < QUERIES; i++) {
                    requests.write(query);
                }
                // Written from another thread: once the server stops reading, this write blocks.
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(requests.toByteArray());
                        out.flush();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                server.nextAccepted(WAIT); // the agency's own connection, closed by now
                Channel connection = server.nextAccepted(WAIT);

                // Before the fix reading resumed as soon as the worker was idle, and the replies piled up.
                awaitTrue(() -> !connection.isWritable() && submitted.get() > 0 && done.get() == submitted.get()
                        && !connection.config().isAutoRead(),
                        () -> "the replies back up, the worker is idle, and the connection is not read: writable "
                                + connection.isWritable() + " submitted " + submitted + " done " + done + " autoRead "
                                + connection.config().isAutoRead());

                // The peer catches up: every query is answered, in order, and reading resumed for the rest.
                DataInputStream in = new DataInputStream(peer.getInputStream());
                readFrame(in); // the Ack of the Hello
                for (int i = 0; i < QUERIES; i++) {
                    assertThat(readFrame(in)).as("answer %d", i).hasSizeGreaterThan(winners * 9);
                }
                writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(connection.config().isAutoRead()).isTrue();
            }
        } finally {
            single.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    private static byte[] readFrame(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    private static void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what.get());
            }
            LockSupport.parkNanos(200_000); // polls a condition until a deadline
        }
    }
}
