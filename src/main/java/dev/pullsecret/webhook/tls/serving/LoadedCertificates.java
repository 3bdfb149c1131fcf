package dev.pullsecret.webhook.tls.serving;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Certificates checked and put in force on the admission port.
 *
 * @param identity the serving chain and key
 * @param clientCas CAs whose client certificates are accepted; empty when mTLS is off
 * @param loadedAt when they were put in force
 */
record LoadedCertificates(
    ServingIdentity identity, List<X509Certificate> clientCas, Instant loadedAt) {}
