package lottery.server.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;
import lottery.server.round.RoundView;
import lottery.server.store.StoreProbe;

/**
 * One HTTP connection of the ops endpoint: GET or HEAD of {@code /health}, {@code /ready}, {@code /metrics},
 * {@code /status.json} and {@code /} (the status page); any other path is 404, any other method 405. Every answer
 * closes the connection (no keep-alive to manage).
 *
 * <p>Thread context: Netty calls it on the {@code ops} event loop, which it never blocks. The round's state is
 * asked of the lottery thread as a task ({@link DrawCoordinator#view}) that completes a promise of this loop, with
 * a deadline of {@value #VIEW_TIMEOUT_MILLIS} ms (the draw runs on that thread and may keep it busy); the storage
 * probe runs on {@code ops-check} the same way, with {@value #PROBE_TIMEOUT_MILLIS} ms. The answer is written when
 * the promise completes, on this loop.
 */
final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** How long a request waits for the lottery thread's copy of the round. */
    static final long VIEW_TIMEOUT_MILLIS = 1_000;
    /** How long {@code /ready} waits for the storage probe. */
    static final long PROBE_TIMEOUT_MILLIS = 5_000;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String HTML = "text/html; charset=utf-8";

    /** What every connection of the endpoint shares; thread-safe, or confined to the {@code ops} loop (the rate). */
    record Context(DrawCoordinator coordinator, LotteryThread lottery, OpsMetrics metrics, BetRate rate,
                   StoreProbe probe, EventExecutor checkThread, byte[] page) {
    }

    private final Context context;

    OpsHandler(Context context) {
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            text(ctx, false, HttpResponseStatus.BAD_REQUEST, "bad request");
            return;
        }
        HttpMethod method = request.method();
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                    bytes("only GET and HEAD"), false);
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, response);
            return;
        }
        switch (new QueryStringDecoder(request.uri()).path()) {
            case "/health" -> text(ctx, head, HttpResponseStatus.OK, "ok");
            case "/ready" -> ready(ctx, head);
            case "/metrics" -> metrics(ctx, head);
            case "/status.json" -> status(ctx, head);
            case "/" -> page(ctx, head);
            default -> text(ctx, head, HttpResponseStatus.NOT_FOUND, "not found: try /metrics, /health, /ready,"
                    + " /status.json or /");
        }
    }

    /** 200 when the round is open and the storage takes writes; else 503 with the reason. */
    private void ready(ChannelHandlerContext ctx, boolean head) {
        view(ctx.executor()).addListener(viewed -> {
            if (!viewed.isSuccess()) {
                text(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + why(viewed.cause()));
                return;
            }
            RoundView view = (RoundView) viewed.getNow();
            if (!view.open()) {
                text(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: "
                        + (view.closed() ? "the server is stopping" : "the round is not open yet"));
                return;
            }
            probe(ctx.executor()).addListener(probed -> {
                String problem = probed.isSuccess() ? (String) probed.getNow() : why(probed.cause());
                if (problem == null) {
                    text(ctx, head, HttpResponseStatus.OK, "ready");
                } else {
                    text(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + problem);
                }
            });
        });
    }

    /** The metrics, with the round's gauges from a fresh view, or the last one when the lottery thread is busy. */
    private void metrics(ChannelHandlerContext ctx, boolean head) {
        view(ctx.executor()).addListener(viewed -> {
            context.metrics().update(viewed.isSuccess() ? (RoundView) viewed.getNow() : null);
            ByteBuf body = ctx.alloc().buffer();
            try (OutputStream out = new ByteBufOutputStream(body)) {
                context.metrics().write(out);
            } catch (IOException | RuntimeException e) {
                body.release();
                text(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write the metrics: " + e);
                return;
            }
            send(ctx, response(HttpResponseStatus.OK, context.metrics().contentType(), body, head));
        });
    }

    /** The round for the status page; 503 when the lottery thread does not answer in time. */
    private void status(ChannelHandlerContext ctx, boolean head) {
        view(ctx.executor()).addListener(viewed -> {
            if (!viewed.isSuccess()) {
                text(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "no status: " + why(viewed.cause()));
                return;
            }
            ByteBuf body = ctx.alloc().buffer();
            try (OutputStream out = new ByteBufOutputStream(body)) {
                StatusJson.write((RoundView) viewed.getNow(), context.rate().perSecond(), out);
            } catch (IOException | RuntimeException e) {
                body.release();
                text(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write the status: " + e);
                return;
            }
            FullHttpResponse response = response(HttpResponseStatus.OK, JSON, body, head);
            send(ctx, response);
        });
    }

    private void page(ChannelHandlerContext ctx, boolean head) {
        if (context.page() == null) {
            text(ctx, head, HttpResponseStatus.NOT_FOUND, "the status page (" + OpsServer.STATUS_PAGE
                    + ") is not in this build; /status.json has its data");
            return;
        }
        send(ctx, response(HttpResponseStatus.OK, HTML, Unpooled.wrappedBuffer(context.page()), head));
    }

    /**
     * The round as the lottery thread sees it, copied there; completes on {@code loop}, failed after
     * {@value #VIEW_TIMEOUT_MILLIS} ms or when the lottery thread takes no more tasks (the server stops).
     */
    private Future<RoundView> view(EventExecutor loop) {
        Promise<RoundView> promise = loop.newPromise();
        try {
            context.lottery().execute(() -> {
                try {
                    promise.trySuccess(context.coordinator().view());
                } catch (RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(new IllegalStateException("the server is stopping"));
            return promise;
        }
        return withDeadline(loop, promise, VIEW_TIMEOUT_MILLIS, "the lottery thread did not answer within "
                + VIEW_TIMEOUT_MILLIS + " ms (a draw may be running)");
    }

    /** The storage probe, run on {@code ops-check}; completes on {@code loop}. */
    private Future<String> probe(EventExecutor loop) {
        Promise<String> promise = loop.newPromise();
        try {
            context.checkThread().execute(() -> {
                try {
                    promise.trySuccess(context.probe().problem());
                } catch (RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(new IllegalStateException("the server is stopping"));
            return promise;
        }
        return withDeadline(loop, promise, PROBE_TIMEOUT_MILLIS, "the storage check did not answer within "
                + PROBE_TIMEOUT_MILLIS + " ms");
    }

    private static <T> Promise<T> withDeadline(EventExecutor loop, Promise<T> promise, long millis, String why) {
        ScheduledFuture<?> deadline = loop.schedule(() -> promise.tryFailure(new TimeoutException(why)), millis,
                TimeUnit.MILLISECONDS);
        promise.addListener(done -> deadline.cancel(false));
        return promise;
    }

    private static String why(Throwable cause) {
        String message = cause.getMessage();
        return (message == null ? cause.toString() : message).replace('\n', ' ').replace('\r', ' ');
    }

    private static void text(ChannelHandlerContext ctx, boolean head, HttpResponseStatus status, String text) {
        send(ctx, response(status, TEXT, bytes(text + "\n"), head));
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    /** A response with {@code body} (HEAD: its length only, the body released) that closes the connection. */
    private static FullHttpResponse response(HttpResponseStatus status, String type, ByteBuf body, boolean head) {
        int length = body.readableBytes();
        FullHttpResponse response;
        if (head) {
            body.release();
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A peer that resets, or a read timeout: nothing to answer, and nothing worth a stack trace.
        ctx.close();
    }
}
