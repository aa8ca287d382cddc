package io.driftdeploy.testing;

import io.driftdeploy.aws.AwsClients;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on loopback in front of the emulator that makes chosen AWS calls fail the way AWS
 * or the network can, so tests see how the functions behave when a call errs, is throttled, or
 * was applied although its reply never came. Each request is named by its service (the SigV4
 * credential scope) and operation ({@code X-Amz-Target} for the JSON protocol, {@code Action=}
 * for the query and EC2 protocols, method and path for REST services such as Lambda), matched
 * against the rules tests add with {@link #when}, and recorded.
 *
 * <p>Every exchange is one connection on both legs: the proxy answers with
 * {@code Connection: close} and asks the emulator for the same. A reply can then be dropped by
 * closing the socket without leaving the SDK a half-used connection to reuse, and bodies are
 * re-framed with Content-Length, so chunked requests and any framing of the emulator's replies
 * pass through without the proxy having to keep two streams in step.
 *
 * <p>The proxy cannot outlive a test run by much: it closes itself after its lifetime, runs on
 * daemon threads, and refuses connections beyond {@value #MAX_CONNECTIONS} at once.
 */
public final class FaultProxy implements AutoCloseable {

    /** What a rule does to the requests it matches. */
    public enum Fault {
        /** HTTP 500 with the service's internal-error code; not forwarded. */
        INTERNAL_ERROR,
        /** HTTP 503 with the service's unavailable code; not forwarded. */
        SERVICE_UNAVAILABLE,
        /** HTTP 400 with the service's throttling code; not forwarded. */
        THROTTLING,
        /** Forwarded, so the call is applied, then the connection is closed without a reply. */
        LOST_RESPONSE,
        /** The connection is reset without forwarding: the call is not applied. */
        RESET,
        /** Forwarded after a wait; set with {@link Rule#delay}. */
        DELAY,
        /** Held without forwarding until the proxy closes, like a process frozen mid-call. */
        HANG
    }

    /** One request the proxy saw; {@code forwarded} says whether it reached the emulator. */
    public record Exchange(String service, String operation, boolean forwarded, Optional<Fault> fault) {
    }

    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_CONNECTIONS = 64;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** Bounds each read from a caller or the emulator that stopped sending, so no thread waits for ever on a socket. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    private static final Pattern CREDENTIAL_SERVICE = Pattern.compile("Credential=[^/,]+/[^/,]+/[^/,]+/([^/,]+)/aws4_request");
    private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([^&]*)");

    private final URI upstream;
    private final ServerSocket listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Semaphore connectionSlots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final ThreadFactory threads = Thread.ofPlatform().daemon().name("fault-proxy-", 0).factory();

    private FaultProxy(URI upstream, Duration lifetime) {
        this.upstream = upstream;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("the fault proxy could not listen on loopback", e);
        }
        threads.newThread(this::acceptUntilClosed).start();
        threads.newThread(() -> closeAfter(lifetime)).start();
    }

    /** A proxy in front of {@code upstream} (such as {@link Emulator#endpoint()}) that closes itself after 10 minutes. */
    public static FaultProxy start(URI upstream) {
        return start(upstream, DEFAULT_LIFETIME);
    }

    public static FaultProxy start(URI upstream, Duration lifetime) {
        return new FaultProxy(upstream, lifetime);
    }

    public URI endpoint() {
        return URI.create("http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
    }

    /** Clients of every service the functions use, talking to the emulator through this proxy. */
    public AwsClients clients() {
        return new AwsClients(Emulator.REGION, Optional.of(endpoint()));
    }

    /** Starts a rule for calls of {@code service} (as in the credential scope, e.g. "dynamodb", "autoscaling") and operation. */
    public Rule when(String service, String operation) {
        return new Rule(service, operation);
    }

    /** Every request seen so far, in the order they arrived. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    public List<Exchange> exchanges(String service, String operation) {
        return exchanges.stream().filter(e -> e.service().equals(service) && e.operation().equals(operation)).toList();
    }

    /** How many calls of this operation reached the emulator (and so may have been applied). */
    public long forwarded(String service, String operation) {
        return exchanges(service, operation).stream().filter(Exchange::forwarded).count();
    }

    /** Whether the proxy still listens: once not, a connection to its endpoint is refused. */
    public boolean isOpen() {
        return stopped.getCount() > 0;
    }

    /**
     * Stops listening and ends every exchange in progress, releasing callers held by {@link Fault#HANG}.
     * The listener is closed before the proxy says it is closed: the other way round, a caller that
     * saw it closed could still connect, and be served (FaultProxyIT met that once).
     */
    @Override
    public void close() {
        closeQuietly(listener);
        stopped.countDown();
        openSockets.forEach(FaultProxy::closeQuietly);
    }

    /** A rule under construction; it takes effect with {@link #fail} or {@link #delay}. */
    public final class Rule {
        private final String service;
        private final String operation;
        private String bodySubstring = "";
        private int remaining = Integer.MAX_VALUE;
        private int passing;
        private Fault fault;
        private Duration delay = Duration.ZERO;

        private Rule(String service, String operation) {
            this.service = service;
            this.operation = operation;
        }

        /** Only requests whose body contains this text, e.g. one item's key. */
        public Rule withBodyContaining(String text) {
            this.bodySubstring = text;
            return this;
        }

        /** Lets the first {@code count} matching requests through untouched, e.g. a read before the one to fail. */
        public Rule afterFirst(int count) {
            this.passing = count;
            return this;
        }

        /** Only the first {@code count} matching requests; later ones pass through. */
        public Rule times(int count) {
            this.remaining = count;
            return this;
        }

        public void fail(Fault fault) {
            if (fault == Fault.DELAY) {
                throw new IllegalArgumentException("a delay needs its length: use delay(Duration)");
            }
            add(fault);
        }

        public void delay(Duration delay) {
            this.delay = delay;
            add(Fault.DELAY);
        }

        private void add(Fault fault) {
            this.fault = fault;
            synchronized (rules) {
                rules.add(this);
            }
        }

        private boolean matches(Call call, String body) {
            return remaining > 0 && call.service.equals(service) && call.operation.equals(operation) && body.contains(bodySubstring);
        }
    }

    private void acceptUntilClosed() {
        while (isOpen()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            if (!connectionSlots.tryAcquire()) {
                closeQuietly(client);
                continue;
            }
            openSockets.add(client);
            threads.newThread(() -> {
                try {
                    serve(client);
                } finally {
                    closeQuietly(client);
                    openSockets.remove(client);
                    connectionSlots.release();
                }
            }).start();
        }
    }

    private void closeAfter(Duration lifetime) {
        try {
            if (!stopped.await(lifetime.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
            }
        } catch (InterruptedException e) {
            close();
        }
    }

    private void serve(Socket client) {
        try {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            Optional<Head> head = Head.read(in);
            if (head.isEmpty()) {
                return;
            }
            if (head.get().header("Expect").equalsIgnoreCase("100-continue")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            Message request = new Message(head.get(), head.get().readBody(in, true));
            Call call = Call.of(request);
            Optional<Rule> rule = takeRule(call, new String(request.body, StandardCharsets.UTF_8));
            Optional<Fault> fault = rule.map(r -> r.fault);
            switch (fault.orElse(null)) {
                case null -> {
                    record(call, true, fault);
                    out.write(forward(request).encode());
                }
                case INTERNAL_ERROR, SERVICE_UNAVAILABLE, THROTTLING -> {
                    record(call, false, fault);
                    out.write(call.protocol.error(fault.get(), request).encode());
                }
                case LOST_RESPONSE -> {
                    record(call, true, fault);
                    forward(request);
                }
                case RESET -> {
                    record(call, false, fault);
                    // Linger 0 makes close() send RST: the caller sees a reset, not a clean end of stream.
                    client.setSoLinger(true, 0);
                }
                case DELAY -> {
                    if (!stopped.await(rule.get().delay.toMillis(), TimeUnit.MILLISECONDS)) {
                        record(call, true, fault);
                        out.write(forward(request).encode());
                    }
                }
                case HANG -> {
                    record(call, false, fault);
                    stopped.await();
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // The caller, the emulator or close() ended the exchange; the socket closes as the network would.
        }
    }

    private Optional<Rule> takeRule(Call call, String body) {
        synchronized (rules) {
            Optional<Rule> rule = rules.stream().filter(r -> r.matches(call, body)).findFirst();
            if (rule.isPresent() && rule.get().passing > 0) {
                rule.get().passing--;
                return Optional.empty();
            }
            rule.ifPresent(r -> r.remaining--);
            return rule;
        }
    }

    private void record(Call call, boolean forwarded, Optional<Fault> fault) {
        exchanges.add(new Exchange(call.service, call.operation, forwarded, fault));
    }

    private Message forward(Message request) throws IOException {
        int port = upstream.getPort() == -1 ? 80 : upstream.getPort();
        try (Socket emulator = new Socket(upstream.getHost(), port)) {
            openSockets.add(emulator);
            try {
                emulator.setSoTimeout(READ_TIMEOUT_MILLIS);
                // The emulator sees the Host it would see if called directly, so URLs it hands out
                // (SQS queue URLs) point at it rather than at this short-lived proxy.
                emulator.getOutputStream().write(request.withHeader("Host", upstream.getHost() + ":" + port).encode());
                emulator.getOutputStream().flush();
                InputStream in = new BufferedInputStream(emulator.getInputStream());
                Head head = Head.read(in).orElseThrow(() -> new EOFException("the emulator closed without a reply"));
                return new Message(head, head.readBody(in, !request.head.startLine.startsWith("HEAD ")));
            } finally {
                openSockets.remove(emulator);
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Closing is all that was wanted, and it happened or the peer got there first.
        }
    }

    /** A request's service, operation and the protocol its errors are written in. */
    private record Call(String service, String operation, Protocol protocol) {

        static Call of(Message request) {
            Matcher scope = CREDENTIAL_SERVICE.matcher(request.head.header("Authorization"));
            String service = scope.find() ? scope.group(1) : "unsigned";
            String target = request.head.header("X-Amz-Target");
            if (!target.isEmpty()) {
                return new Call(service, target.substring(target.lastIndexOf('.') + 1), Protocol.JSON);
            }
            if (request.head.header("Content-Type").startsWith("application/x-www-form-urlencoded")) {
                Matcher action = ACTION.matcher(new String(request.body, StandardCharsets.UTF_8));
                if (action.find()) {
                    return new Call(service, URLDecoder.decode(action.group(1), StandardCharsets.UTF_8),
                            service.equals("ec2") ? Protocol.EC2 : Protocol.QUERY);
                }
            }
            String[] requestLine = request.head.startLine.split(" ");
            return new Call(service, requestLine[0] + " " + requestLine[1].split("\\?")[0], Protocol.JSON);
        }
    }

    /** How a service writes its errors; each code below is one the SDK retries. */
    private enum Protocol {
        JSON, QUERY, EC2;

        Message error(Fault fault, Message request) {
            String requestId = UUID.randomUUID().toString();
            String message = "injected by FaultProxy: " + fault;
            record Status(int code, String reason, String error) {
            }
            Status status = switch (fault) {
                case INTERNAL_ERROR -> new Status(500, "Internal Server Error", byProtocol("InternalServerError", "InternalFailure", "InternalError"));
                case SERVICE_UNAVAILABLE -> new Status(503, "Service Unavailable", byProtocol("ServiceUnavailable", "ServiceUnavailable", "Unavailable"));
                case THROTTLING -> new Status(400, "Bad Request", byProtocol("ThrottlingException", "Throttling", "RequestLimitExceeded"));
                default -> throw new IllegalArgumentException(fault + " has no error reply");
            };
            String contentType;
            String body;
            switch (this) {
                case JSON -> {
                    String requested = request.head.header("Content-Type");
                    contentType = requested.contains("json") ? requested : "application/json";
                    body = "{\"__type\":\"" + status.error + "\",\"message\":\"" + message + "\"}";
                }
                case QUERY -> {
                    contentType = "text/xml";
                    body = "<ErrorResponse><Error><Type>" + (status.code >= 500 ? "Receiver" : "Sender") + "</Type><Code>"
                            + status.error + "</Code><Message>" + message + "</Message></Error><RequestId>" + requestId
                            + "</RequestId></ErrorResponse>";
                }
                default -> {
                    contentType = "text/xml";
                    body = "<Response><Errors><Error><Code>" + status.error + "</Code><Message>" + message
                            + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>";
                }
            }
            Head head = new Head("HTTP/1.1 " + status.code + " " + status.reason, List.of(
                    new Header("Content-Type", contentType),
                    new Header("x-amzn-RequestId", requestId),
                    new Header("X-Amzn-ErrorType", status.error)));
            return new Message(head, body.getBytes(StandardCharsets.UTF_8));
        }

        private String byProtocol(String json, String query, String ec2) {
            return switch (this) {
                case JSON -> json;
                case QUERY -> query;
                case EC2 -> ec2;
            };
        }
    }

    private record Header(String name, String value) {
    }

    /** A start line and headers, read as ISO-8859-1 the way HTTP/1.1 defines them. */
    private record Head(String startLine, List<Header> headers) {

        /** Empty when the peer closed before sending anything (a connection opened but never used). */
        static Optional<Head> read(InputStream in) throws IOException {
            String startLine = readLine(in, true);
            if (startLine == null) {
                return Optional.empty();
            }
            List<Header> headers = new ArrayList<>();
            for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + line);
                }
                headers.add(new Header(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
            }
            return Optional.of(new Head(startLine, headers));
        }

        String header(String name) {
            return headers.stream().filter(h -> h.name.equalsIgnoreCase(name)).map(Header::value).findFirst().orElse("");
        }

        /**
         * The body as framed by chunked transfer coding or Content-Length; a reply with neither runs
         * to the end of the stream, a request with neither has none. Replies to HEAD, 1xx, 204 and
         * 304 have no body whatever they declare.
         */
        byte[] readBody(InputStream in, boolean mayHaveBody) throws IOException {
            boolean isReply = startLine.startsWith("HTTP/");
            if (!mayHaveBody || isReply && Pattern.matches("HTTP/\\S+ (1\\d\\d|204|304)\\b.*", startLine)) {
                return new byte[0];
            }
            if (header("Transfer-Encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
                return readChunked(in);
            }
            String length = header("Content-Length");
            if (!length.isEmpty()) {
                return readExactly(in, Integer.parseInt(length));
            }
            return isReply ? in.readAllBytes() : new byte[0];
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                body.write(readExactly(in, size));
                readLine(in, false);
            }
            // Trailer fields, if any, end with an empty line; the proxy has no use for them.
            String trailer;
            do {
                trailer = readLine(in, false);
            } while (!trailer.isEmpty());
            return body.toByteArray();
        }

        private static int chunkSize(InputStream in) throws IOException {
            String line = readLine(in, false);
            int extension = line.indexOf(';');
            return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).strip(), 16);
        }

        private static byte[] readExactly(InputStream in, int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("body ended after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        }

        /** A line without its CRLF; null at a clean end of stream when {@code endMayCome}. */
        private static String readLine(InputStream in, boolean endMayCome) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1) {
                    if (endMayCome && line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("stream ended within a line");
                }
                if (line.size() == MAX_HEAD_BYTES) {
                    throw new IOException("line longer than " + MAX_HEAD_BYTES + " bytes");
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }

    /** A whole request or reply, its body already de-framed. */
    private record Message(Head head, byte[] body) {

        /** Headers about the connection or the framing; {@link #encode} writes its own. */
        private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
                "transfer-encoding", "content-length", "expect", "te", "trailer", "upgrade");

        Message withHeader(String name, String value) {
            List<Header> headers = new ArrayList<>(head.headers.stream().filter(h -> !h.name.equalsIgnoreCase(name)).toList());
            headers.add(new Header(name, value));
            return new Message(new Head(head.startLine, headers), body);
        }

        byte[] encode() {
            StringBuilder text = new StringBuilder(head.startLine).append("\r\n");
            head.headers.stream()
                    .filter(h -> !HOP_BY_HOP.contains(h.name.toLowerCase(Locale.ROOT)))
                    .forEach(h -> text.append(h.name).append(": ").append(h.value).append("\r\n"));
            text.append("Content-Length: ").append(body.length).append("\r\n");
            text.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            bytes.writeBytes(body);
            return bytes.toByteArray();
        }
    }
}
