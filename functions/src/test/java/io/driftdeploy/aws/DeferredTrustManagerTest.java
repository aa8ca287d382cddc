package io.driftdeploy.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The JVM's trust store, read at the first handshake: the same checks, later, and failing closed. */
class DeferredTrustManagerTest {

    @Test
    void buildingTheHttpClientReadsNoTrustStore() {
        AtomicInteger reads = new AtomicInteger();
        DeferredTrustManager deferred = new DeferredTrustManager(() -> {
            reads.incrementAndGet();
            return new Recording();
        });

        try (SdkHttpClient http = UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(() -> new TrustManager[] {deferred}).build()) {
            assertThat(reads).as("trust store reads while the client and its SSLContext are built").hasValue(0);
            assertThat(deferred.loaded()).isFalse();
        }
    }

    @Test
    void theTrustStoreIsReadOnceAtTheFirstCheckAndEveryCheckIsThePlatforms() throws CertificateException {
        AtomicInteger reads = new AtomicInteger();
        Recording platform = new Recording();
        DeferredTrustManager deferred = new DeferredTrustManager(() -> {
            reads.incrementAndGet();
            return platform;
        });

        deferred.checkServerTrusted(new X509Certificate[0], "RSA", (Socket) null);
        deferred.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA", (SSLEngine) null);
        deferred.checkServerTrusted(new X509Certificate[0], "RSA");
        deferred.checkClientTrusted(new X509Certificate[0], "RSA", (Socket) null);
        deferred.checkClientTrusted(new X509Certificate[0], "RSA", (SSLEngine) null);
        deferred.checkClientTrusted(new X509Certificate[0], "RSA");

        assertThat(reads).hasValue(1);
        assertThat(platform.checks).containsExactly("server socket RSA", "server engine ECDHE_ECDSA", "server RSA",
                "client socket RSA", "client engine RSA", "client RSA");
    }

    @Test
    void aTrustStoreThatCannotBeReadTrustsNothingAndIsReadAgainNextTime() throws CertificateException {
        AtomicInteger reads = new AtomicInteger();
        Recording platform = new Recording();
        DeferredTrustManager deferred = new DeferredTrustManager(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new IOException("cacerts: unexpected end of file");
            }
            return platform;
        });

        assertThatThrownBy(() -> deferred.checkServerTrusted(new X509Certificate[0], "RSA", (Socket) null))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("no certificate is trusted")
                .hasMessageContaining("cacerts: unexpected end of file");
        assertThat(deferred.loaded()).isFalse();

        deferred.checkServerTrusted(new X509Certificate[0], "RSA", (Socket) null);
        assertThat(platform.checks).containsExactly("server socket RSA");
        assertThat(reads).hasValue(2);
    }

    @Test
    void theSdkClientsRefuseAServerThePlatformDoesNotTrust(@TempDir Path dir) throws Exception {
        HttpsServer server = selfSigned(dir);
        try (StsClient sts = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("https://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .httpClient(AwsClients.httpClient())
                .build()) {
            assertThatThrownBy(sts::getCallerIdentity)
                    .isInstanceOf(SdkClientException.class)
                    .rootCause().hasMessageContaining("unable to find valid certification path");
            assertThat(DeferredTrustManager.PLATFORM.loaded()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void thePlatformsIssuersAreTheJvmDefaultOnes() throws Exception {
        javax.net.ssl.TrustManagerFactory factory =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509ExtendedTrustManager jvm = (X509ExtendedTrustManager) factory.getTrustManagers()[0];

        assertThat(DeferredTrustManager.PLATFORM.getAcceptedIssuers())
                .isNotEmpty()
                .containsExactlyInAnyOrder(jvm.getAcceptedIssuers());
    }

    /** An HTTPS server on 127.0.0.1 whose certificate no trust store holds: keytool makes it here. */
    private static HttpsServer selfSigned(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=IP:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** A platform that passes every check: for tests about when the trust store is read, not what it trusts. */
    static DeferredTrustManager passingAllTrustStore() {
        return new DeferredTrustManager(Recording::new);
    }

    /** Records each check it is asked for and passes it. */
    private static final class Recording extends X509ExtendedTrustManager {
        final List<String> checks = new ArrayList<>();

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            checks.add("server socket " + authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            checks.add("server engine " + authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            checks.add("server " + authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            checks.add("client socket " + authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            checks.add("client engine " + authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            checks.add("client " + authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
