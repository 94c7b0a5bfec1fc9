package io.genie4j.cli;

import io.genie4j.genie.play.PlaySession.Out;
import io.genie4j.genie.play.PlaySessions;
import io.javalin.Javalin;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The play page's web server: Javalin wiring only. Serves the page's three files from the class
 * path, and one web socket per tab whose messages go to {@link PlaySessions}. Every request needs
 * the run's random token, in the URL ({@code ?token=}) or in the cookie the page's first request
 * sets, as Jupyter does; nothing a browser sends names a file.
 */
final class PlayServer implements AutoCloseable {

    /** The page's files: the only paths served, each from the class path. */
    private static final Map<String, String> FILES =
            Map.of(
                    "/", "index.html",
                    "/play.js", "play.js",
                    "/play.css", "play.css");

    private static final Map<String, String> TYPES =
            Map.of(
                    "index.html", "text/html; charset=utf-8",
                    "play.js", "text/javascript; charset=utf-8",
                    "play.css", "text/css; charset=utf-8");

    private final Javalin app;
    private final PlaySessions sessions;
    private final ScheduledExecutorService sweeper;
    private final String token;
    private final String host;

    private PlayServer(
            String bind,
            int port,
            PlaySessions sessions,
            Duration idle,
            long firstSeed,
            int maxUploadBytes) {
        this.sessions = sessions;
        byte[] t = new byte[24];
        new SecureRandom().nextBytes(t);
        this.token = HexFormat.of().formatHex(t);
        this.host = bind;
        this.app =
                Javalin.create(
                        c -> {
                            c.showJavalinBanner = false;
                            c.jetty.defaultHost = bind;
                            c.jetty.modifyWebSocketServletFactory(
                                    f -> {
                                        f.setMaxBinaryMessageSize(maxUploadBytes);
                                        f.setMaxTextMessageSize(64 * 1024);
                                    });
                        });
        app.before(ctx -> checkToken(ctx.queryParam("token"), ctx.cookie(cookieName())));
        for (Map.Entry<String, String> f : FILES.entrySet()) {
            app.get(
                    f.getKey(),
                    ctx -> {
                        if (token.equals(ctx.queryParam("token"))) {
                            ctx.header(
                                    "Set-Cookie",
                                    cookieName()
                                            + "="
                                            + token
                                            + "; Path=/; HttpOnly; SameSite=Strict");
                        }
                        ctx.header("Cache-Control", "no-store");
                        ctx.contentType(TYPES.get(f.getValue())).result(resource(f.getValue()));
                    });
        }
        app.wsBeforeUpgrade(
                "/ws", ctx -> checkToken(ctx.queryParam("token"), ctx.cookie(cookieName())));
        app.ws(
                "/ws",
                ws -> {
                    ws.onConnect(
                            ctx -> {
                                // PlaySessions closes idle sessions; Jetty's own timeout is a
                                // backstop.
                                ctx.session.setIdleTimeout(idle.plusMinutes(1));
                                try {
                                    send(
                                            ctx,
                                            sessions.open(
                                                    ctx.sessionId(),
                                                    firstSeed,
                                                    () -> ctx.closeSession(4000, "idle timeout")));
                                } catch (IllegalStateException e) {
                                    send(ctx, List.of(Out.error(e.getMessage())));
                                    ctx.closeSession(4001, "too many sessions");
                                }
                            });
                    ws.onMessage(ctx -> send(ctx, sessions.text(ctx.sessionId(), ctx.message())));
                    ws.onBinaryMessage(
                            ctx -> {
                                byte[] b = new byte[ctx.length()];
                                System.arraycopy(ctx.data(), ctx.offset(), b, 0, ctx.length());
                                send(ctx, sessions.binary(ctx.sessionId(), b));
                            });
                    ws.onClose(ctx -> sessions.close(ctx.sessionId()));
                    ws.onError(ctx -> sessions.close(ctx.sessionId()));
                });
        app.error(404, ctx -> ctx.result("not found"));
        app.start(port);
        this.sweeper =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread th = new Thread(r, "play-idle-sweeper");
                            th.setDaemon(true);
                            return th;
                        });
        sweeper.scheduleWithFixedDelay(sessions::closeIdle, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts a server on {@code bind}:{@code port} (0: any free port). */
    static PlayServer start(
            String bind,
            int port,
            PlaySessions sessions,
            Duration idle,
            long firstSeed,
            int maxUploadBytes) {
        return new PlayServer(bind, port, sessions, idle, firstSeed, maxUploadBytes);
    }

    /** Cookies do not tell ports apart: the name does, so two servers keep their own. */
    private String cookieName() {
        return "genie4j_play_" + app.port();
    }

    private void checkToken(String query, String cookieValue) {
        if (!matches(query) && !matches(cookieValue)) {
            throw new ForbiddenResponse("this page needs the token printed by genie4j play");
        }
    }

    private boolean matches(String given) {
        return given != null
                && MessageDigest.isEqual(given.getBytes(), token.getBytes()); // constant time
    }

    private static InputStream resource(String name) {
        InputStream in = PlayServer.class.getResourceAsStream("/io/genie4j/cli/play/" + name);
        if (in == null) {
            throw new NotFoundResponse(name);
        }
        return in;
    }

    private static void send(WsContext ctx, List<Out> out) {
        for (Out o : out) {
            if (!ctx.session.isOpen()) {
                return; // the tab went away while its step ran
            }
            if (o.text() != null) {
                ctx.send(o.text());
            } else {
                ctx.send(ByteBuffer.wrap(o.binary()));
            }
        }
    }

    /** The page's URL, with the token. */
    String url() {
        String h = host;
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                h = "127.0.0.1";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + app.port() + "/?token=" + token;
    }

    /** The port the server listens on. */
    int port() {
        return app.port();
    }

    /** The run's token. */
    String token() {
        return token;
    }

    /** Stops the server and closes every session. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        app.stop();
        sessions.close();
    }
}
