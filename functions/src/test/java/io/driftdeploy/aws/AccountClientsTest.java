package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A member account's clients, against a stand-in endpoint on 127.0.0.1 that answers STS and EC2:
 * the member role is assumed once for the account, by its ARN and the function's session name,
 * and each call in the member carries the decision that made it.
 */
class AccountClientsTest {

    private static final String OWN = "123456789012";
    private static final String MEMBER = "111111111111";

    /** Each request the stand-in got: its form body and its User-Agent. */
    private record Seen(String body, String userAgent) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server = start();

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(new Seen(URLDecoder.decode(body, StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("User-Agent")));
                byte[] answer = (body.contains("Action=AssumeRole") ? assumed() : "<DescribeInstancesResponse/>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/xml");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String assumed() {
        return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId>"
                + "<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>"
                + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aMembersCallsAssumeItsRoleOnceAndEachCarriesItsDecision() {
        AwsClients own = new AwsClients(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAOWN", "own")), UrlConnectionHttpClient.create());
        AccountClients accounts = new AccountClients(own, OWN, "drift-deploy-member", "drift");

        try (DecisionAttribution.Scope first = DecisionAttribution.of("event-1")) {
            accounts.in(MEMBER).ec2().describeInstances(r -> r.instanceIds("i-0123456789abcdef0"));
        }
        try (DecisionAttribution.Scope second = DecisionAttribution.of("event-2")) {
            accounts.in(MEMBER).ec2().describeInstances(r -> r.instanceIds("i-0123456789abcdef0"));
        }
        own.ec2().describeInstances(r -> r.instanceIds("i-0123456789abcdef0"));

        List<Seen> assumes = seen.stream().filter(request -> request.body().contains("Action=AssumeRole")).toList();
        assertThat(assumes).as("one AssumeRole for the account, not one per decision").singleElement()
                .satisfies(request -> assertThat(request.body()).contains("RoleArn=arn:aws:iam::" + MEMBER + ":role/drift-deploy-member",
                        "RoleSessionName=drift-deploy-drift"));
        List<String> ec2Agents = seen.stream().filter(request -> request.body().contains("Action=DescribeInstances"))
                .map(Seen::userAgent).toList();
        assertThat(ec2Agents).hasSize(3);
        assertThat(ec2Agents.get(0)).endsWith(" " + DecisionAttribution.PRODUCT + "event-1");
        assertThat(ec2Agents.get(1)).endsWith(" " + DecisionAttribution.PRODUCT + "event-2");
        assertThat(ec2Agents.get(2)).as("the function's own account's calls are not marked").doesNotContain(DecisionAttribution.PRODUCT);
        assertThat(accounts.in(OWN)).isSameAs(own);
    }
}
