package io.genie4j.genie.play;

import io.genie4j.env.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak test of a play server: clients play a fixed script over the web socket (runs, jumps,
 * resets with new seeds, recordings downloaded as GIFs) for a while, and the memory of this process
 * (which hosts the server) is sampled as they play. Flat memory over a long run is the goal.
 */
public final class PlaySoak {

    private PlaySoak() {}

    /** The direction keys the script cycles through, one entry per step. */
    private static final String[][] SCRIPT = {
        {"right"},
        {"right"},
        {"right", "up"},
        {"right"},
        {},
        {"left"},
        {"left", "up"},
        {"up"},
        {"right"},
        {"down"}
    };

    /**
     * Plays for {@code duration} with {@code clients} connections to {@code ws} (the web socket
     * URL, token included) and returns the figures as JSON-ready values.
     */
    public static Map<String, Object> run(URI ws, int clients, Duration duration, Duration sample)
            throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong steps = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong gifs = new AtomicLong();
        List<Thread> players = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    play(ws, id, end, steps, errors, gifs);
                                } catch (Throwable e) {
                                    synchronized (failures) {
                                        failures.add(e);
                                    }
                                }
                            },
                            "soak-player-" + i);
            t.setDaemon(true);
            t.start();
            players.add(t);
        }
        List<Map<String, Object>> memory = new ArrayList<>();
        long t0 = System.nanoTime();
        memory.add(sampleMemory(0, steps.get()));
        while (System.nanoTime() < end) {
            long wait = Math.min(sample.toNanos(), end - System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(Math.max(wait, 0));
            memory.add(sampleMemory((System.nanoTime() - t0) / 1e9, steps.get()));
        }
        for (Thread t : players) {
            t.join(60_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", clients);
        out.put("seconds", Math.round(seconds * 10) / 10.0);
        out.put("steps", steps.get());
        out.put("steps_per_second", Math.round(steps.get() / seconds * 10) / 10.0);
        out.put("gifs", gifs.get());
        out.put("error_replies", errors.get());
        out.put("failures", failures.stream().map(String::valueOf).toList());
        out.put("memory", memory);
        Map<String, Object> first = memory.get(Math.min(1, memory.size() - 1));
        Map<String, Object> last = memory.get(memory.size() - 1);
        out.put(
                "heap_used_after_gc_growth_mb",
                round(
                        (double) last.get("heap_used_after_gc_mb")
                                - (double) first.get("heap_used_after_gc_mb")));
        out.put(
                "rss_growth_mb",
                last.get("rss_mb") == null || first.get("rss_mb") == null
                        ? null
                        : round((double) last.get("rss_mb") - (double) first.get("rss_mb")));
        return out;
    }

    private static void play(
            URI uri, int id, long end, AtomicLong steps, AtomicLong errors, AtomicLong gifs)
            throws Exception {
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws =
                http.newWebSocketBuilder()
                        .buildAsync(uri, new Collector(inbox))
                        .get(60, TimeUnit.SECONDS);
        int panes = -1;
        try {
            Map<String, Object> hello = nextText(inbox);
            panes = ((List<?>) hello.get("panes")).size();
            nextText(inbox); // the first state, then its frames
            skipFrames(inbox, panes);
            long seed = 1000L * id;
            for (long n = 0; System.nanoTime() < end; n++) {
                String msg;
                if (n % 200 == 199) {
                    msg = "{\"op\":\"reset\",\"seed\":" + (++seed) + "}";
                } else if (n % 500 == 100) {
                    msg = "{\"op\":\"record\",\"on\":true}";
                } else if (n % 500 == 160) {
                    msg = "{\"op\":\"record\",\"on\":false}";
                } else if (n % 500 == 161) {
                    ws.sendText("{\"op\":\"gif\"}", true).get(60, TimeUnit.SECONDS);
                    Object g = inbox.poll(120, TimeUnit.SECONDS);
                    if (g instanceof byte[] b && b.length > 0 && b[0] == 'G') {
                        gifs.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    continue;
                } else {
                    msg =
                            "{\"op\":\"step\",\"keys\":"
                                    + Json.write(List.of(SCRIPT[(int) (n % SCRIPT.length)]))
                                    + "}";
                }
                ws.sendText(msg, true).get(60, TimeUnit.SECONDS);
                Map<String, Object> reply = nextText(inbox);
                if ("error".equals(reply.get("type"))) {
                    errors.incrementAndGet();
                    continue;
                }
                skipFrames(inbox, panes);
                if (msg.contains("\"step\"")) {
                    steps.incrementAndGet();
                }
            }
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "soak over").get(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> nextText(LinkedBlockingQueue<Object> inbox)
            throws Exception {
        Object o = inbox.poll(120, TimeUnit.SECONDS);
        if (!(o instanceof String s)) {
            throw new IOException("expected a JSON message from the play server, got " + o);
        }
        return Json.parseObject(s);
    }

    private static void skipFrames(LinkedBlockingQueue<Object> inbox, int panes) throws Exception {
        for (int i = 0; i < panes; i++) {
            Object o = inbox.poll(120, TimeUnit.SECONDS);
            if (!(o instanceof byte[] b) || b[0] != 'F') {
                throw new IOException("expected a frame from the play server, got " + o);
            }
        }
    }

    /** Collects whole messages (text as String, binary as byte[]) into a queue. */
    private static final class Collector implements WebSocket.Listener {
        private final LinkedBlockingQueue<Object> inbox;
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        Collector(LinkedBlockingQueue<Object> inbox) {
            this.inbox = inbox;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                inbox.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bytes.writeBytes(b);
            if (last) {
                inbox.add(bytes.toByteArray());
                bytes = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }

    private static Map<String, Object> sampleMemory(double seconds, long steps) {
        System.gc(); // heap after a collection: what is still held, not garbage not yet collected
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t_s", Math.round(seconds * 10) / 10.0);
        m.put("steps", steps);
        m.put("heap_used_after_gc_mb", round((rt.totalMemory() - rt.freeMemory()) / 1048576.0));
        m.put("rss_mb", rssMb());
        return m;
    }

    /** Resident set size from {@code /proc/self/status} (Linux), or null elsewhere. */
    private static Double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return round(Long.parseLong(kb) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static double round(double x) {
        return Math.round(x * 10) / 10.0;
    }
}
