/**
 * A throw-away certificate authority and a server certificate it signed, for tests that run a
 * broker with a TLS listener. Made with the `openssl` command line so the test suite needs no
 * crypto dependency; the keys are unencrypted PKCS#8, which Kafka's PEM keystore reads as is.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCertificates {
  /** The CA certificate (PEM) a client must trust: `kafka.ssl.ca`. */
  caFile: string;
  caPem: string;
  /** The server's private key followed by its certificate: a Kafka `ssl.keystore.type=PEM` keystore. */
  keystoreFile: string;
}

/**
 * Writes `ca.pem`, `server.pem` and `keystore.pem` into `dir` (which must exist). The server
 * certificate names 127.0.0.1 and localhost, valid for two days.
 *
 * @example
 * const certs = generateCertificates(workDir);
 * startBroker({ ..., extraConfig: { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.keystoreFile } });
 */
export function generateCertificates(dir: string): TestCertificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-days', '2', '-subj', '/CN=rest2kafka test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-noenc', '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr'));
  // Node checks the IP SAN when kafka.brokers names an address: the CN alone is not enough.
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  writeFileSync(file('keystore.pem'), readFileSync(file('server.key'), 'utf8') + readFileSync(file('server.pem'), 'utf8'));
  return { caFile: file('ca.pem'), caPem: readFileSync(file('ca.pem'), 'utf8'), keystoreFile: file('keystore.pem') };
}
