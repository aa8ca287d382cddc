package io.driftdeploy.aws;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JVM's own trust manager, the one an {@code SSLContext} initialised without trust managers
 * would choose (the default algorithm's, on the default trust store), read from the trust store at
 * the first TLS handshake instead of when the HTTP client is built.
 *
 * <p>Why: URLConnection's SDK client builds its {@code SSLContext} in its constructor, and reading
 * the JDK's trust store there took about 70 ms of every cold start on this project's machines
 * (docs/performance.md), also for runs that never speak TLS (the local emulator, the demo). botocore
 * does the same: urllib3 loads its CA bundle when it first opens an HTTPS connection. On AWS the
 * read moves from the client's construction to the first call, so a cold start there pays it as
 * before; a SnapStart function loads it before its snapshot ({@link SnapStartPrime}).
 *
 * <p>Every check is the platform's own, so what is trusted does not change, and a trust store that
 * cannot be read fails the handshake (fails closed) instead of trusting anything.
 */
final class DeferredTrustManager extends X509ExtendedTrustManager {

    /** The JVM's trust store is one per process, and so is this. */
    static final DeferredTrustManager PLATFORM = new DeferredTrustManager(DeferredTrustManager::platformDefault);

    private final Callable<X509ExtendedTrustManager> loader;
    private volatile X509ExtendedTrustManager platform;

    DeferredTrustManager(Callable<X509ExtendedTrustManager> loader) {
        this.loader = loader;
    }

    /** What to give the SDK's {@code tlsTrustManagersProvider}. */
    static TrustManager[] asTrustManagers() {
        return new TrustManager[] {PLATFORM};
    }

    /** Reads the trust store now, if it has not been read: for a snapshot that should hold it. */
    void load() throws CertificateException {
        platform();
    }

    boolean loaded() {
        return platform != null;
    }

    private X509ExtendedTrustManager platform() throws CertificateException {
        X509ExtendedTrustManager loaded = platform;
        if (loaded == null) {
            synchronized (this) {
                loaded = platform;
                if (loaded == null) {
                    try {
                        loaded = loader.call();
                    } catch (Exception e) {
                        throw new CertificateException("the JVM's trust store could not be read, so no certificate is trusted: " + e, e);
                    }
                    platform = loaded;
                }
            }
        }
        return loaded;
    }

    private static X509ExtendedTrustManager platformDefault() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return Arrays.stream(factory.getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast)
                .findFirst()
                .orElseThrow(() -> new GeneralSecurityException("the default TrustManagerFactory ("
                        + factory.getAlgorithm() + ") gave no X509ExtendedTrustManager"));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        platform().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        platform().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        platform().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        platform().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        platform().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        platform().checkClientTrusted(chain, authType);
    }

    /** The platform's issuers; none while its trust store cannot be read. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return platform().getAcceptedIssuers();
        } catch (CertificateException unreadable) {
            return new X509Certificate[0];
        }
    }
}
