package io.kilowatch.agent.ship;

import io.kilowatch.core.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's TLS settings from PEM files, the format a council's PKI or {@code openssl} hands out:
 * a CA to trust for the collector's certificate (else the platform's trust store), and optionally the
 * agent's own certificate and PKCS#8 key for mutual TLS.
 */
public final class Tls {
    private Tls() {
    }

    public static SSLContext context(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile.isPresent()) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int i = 0;
                for (Certificate ca : certificates(caFile.get())) {
                    trusted.setCertificateEntry("ca-" + i++, ca);
                }
                trust.init(trusted);
            } else {
                trust.init((KeyStore) null);
            }
            KeyManagerFactory keys = null;
            if (certFile.isPresent()) {
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("agent", privateKey(keyFile.orElseThrow()), none, certificates(certFile.get()).toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("collector.tls: cannot use the PEM files given: " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no PEM certificate");
        }
        return certs;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + " holds a key of an algorithm other than RSA, EC or Ed25519");
    }
}
