package io.driftdeploy.aws;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.urlconnection.UrlConnectionFactory;

/**
 * Connections that answer every request in memory. The URLConnection HTTP client runs its whole
 * request path on them (headers, body, status, response stream); only the socket, and so DNS and
 * TLS, is left out. Nothing leaves the process, so a call on them has no effect anywhere, whatever
 * it asks for.
 *
 * <p>{@link #empty()} answers as the service answers a call that found nothing: {@code {}} in the
 * JSON protocols (DynamoDB, Config, Image Builder's REST-JSON), an empty {@code <ActionResponse/>}
 * in the query protocols (EC2's, and that of Auto Scaling, SNS and CloudWatch). {@link #samples()}
 * answers an operation with a sample of what the service returns, where prime/SERVICE/OPERATION
 * beside this class holds one (responses of the local emulator, an Image Builder GetImage as its
 * API reference shows it), so that unmarshalling builds the response models a real decision reads
 * (the EC2 models of a drift decision's DescribeInstances reply are over 400 classes), and as
 * {@link #empty()} otherwise.
 */
final class CannedConnections implements UrlConnectionFactory {

    private static final String JSON_1 = "application/x-amz-json-1";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    /** The service of a request, from its SigV4 credential scope (Credential=KEY/DATE/REGION/SERVICE/aws4_request). */
    private static final Pattern SERVICE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");

    private final boolean samples;

    private CannedConnections(boolean samples) {
        this.samples = samples;
    }

    static CannedConnections empty() {
        return new CannedConnections(false);
    }

    static CannedConnections samples() {
        return new CannedConnections(true);
    }

    @Override
    public HttpURLConnection createConnection(URI uri) {
        try {
            return new Canned(uri);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + uri, e);
        }
    }

    /** One request's connection; the response is made when the client first reads it, after it wrote the body. */
    private final class Canned extends HttpURLConnection {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Answer answer;

        Canned(URI uri) throws MalformedURLException {
            super(uri.toURL());
        }

        @Override
        public void connect() {
            // Nothing to connect to.
        }

        @Override
        public void disconnect() {
            // Nothing was connected.
        }

        @Override
        public boolean usingProxy() {
            return false;
        }

        @Override
        public OutputStream getOutputStream() {
            return body;
        }

        @Override
        public int getResponseCode() {
            return HTTP_OK;
        }

        @Override
        public String getResponseMessage() {
            return "OK";
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(answer().body());
        }

        @Override
        public InputStream getErrorStream() {
            return null;
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.put("Content-Type", List.of(answer().contentType()));
            headers.put("Content-Length", List.of(String.valueOf(answer().body().length)));
            headers.put("x-amzn-RequestId", List.of("snapstart-prime"));
            return headers;
        }

        @Override
        public String getHeaderField(String name) {
            return Optional.ofNullable(getHeaderFields().get(name)).map(List::getFirst).orElse(null);
        }

        private Answer answer() {
            if (answer == null) {
                answer = answerTo(getRequestProperty("Content-Type"), getRequestProperty("X-Amz-Target"),
                        getRequestProperty("Authorization"), getURL().getPath(), body.toString(StandardCharsets.UTF_8));
            }
            return answer;
        }
    }

    private record Answer(String contentType, byte[] body) {
    }

    /** The request's answer, in its protocol, told by its content type as the SDK sets it. */
    private Answer answerTo(String contentType, String target, String authorization, String path, String requestBody) {
        if (contentType != null && contentType.startsWith(JSON_1)) {
            // The operation is the target's last part: DynamoDB_20120810.UpdateItem
            return new Answer(contentType, sample(authorization, target.substring(target.lastIndexOf('.') + 1), ".json")
                    .orElse(EMPTY_JSON));
        }
        if (contentType != null && contentType.startsWith(FORM)) {
            String action = Arrays.stream(requestBody.split("&"))
                    .filter(parameter -> parameter.startsWith("Action="))
                    .map(parameter -> URLDecoder.decode(parameter.substring("Action=".length()), StandardCharsets.UTF_8))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a query-protocol request without an Action"));
            return new Answer("text/xml", sample(authorization, action, ".xml")
                    .orElse(("<" + action + "Response/>").getBytes(StandardCharsets.UTF_8)));
        }
        // REST-JSON (Image Builder): the operation is the path (GET /GetImage), and a GET has no body.
        return new Answer("application/json", sample(authorization, path.substring(path.lastIndexOf('/') + 1), ".json")
                .orElse(EMPTY_JSON));
    }

    /** The sample answer to the operation of the request's service, when asked for samples and one is here. */
    private Optional<byte[]> sample(String authorization, String operation, String extension) {
        if (!samples) {
            return Optional.empty();
        }
        Matcher service = SERVICE.matcher(authorization == null ? "" : authorization);
        if (!service.find()) {
            throw new IllegalArgumentException("an unsigned request: the prime's clients sign every call");
        }
        try (InputStream in = CannedConnections.class.getResourceAsStream(
                "prime/" + service.group(1) + "/" + operation + extension)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the sample answer to " + operation, e);
        }
    }
}
