// Reads the operator's seal certificate (a PKCS#12 file: private key and certificate chain).
// Node cannot read PKCS#12 itself; node-forge (installed with @signpdf/signer-p12) can. It is
// used only here, once per process or worker: signing itself uses node:crypto.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';

type ForgeBag = { cert?: unknown; key?: unknown };
type Forge = {
  asn1: { fromDer(bytes: string): unknown; toDer(asn1: unknown): { getBytes(): string } };
  pkcs12: { pkcs12FromAsn1(asn1: unknown, password: string): { getBags(filter: { bagType: string }): Record<string, ForgeBag[] | undefined> } };
  pki: { oids: Record<string, string>; certificateToAsn1(cert: unknown): unknown; privateKeyToPem(key: unknown): string };
};

const forge = createRequire(import.meta.url)('node-forge') as Forge;

export type SealCertificate = {
  privateKey: KeyObject;
  /** DER, the signer's certificate first. */
  certificates: Buffer[];
  /** Who seals, as the letter prints it: the certificate's common name and organisation. */
  holder: string;
  /** Expiry of the signer's certificate. */
  validTo: Date;
};

/** Thrown with a reason the configuration check turns into a German message. */
export class SealCertificateError extends Error {
  readonly reason: 'password' | 'unreadable' | 'noKey' | 'noCertificate' | 'keyMismatch' | 'unsupportedKey';
  constructor(reason: SealCertificateError['reason'], detail: string) {
    super(detail);
    this.name = 'SealCertificateError';
    this.reason = reason;
  }
}

/** The subject's CN and O (each once), e.g. "Aktionsbündnis Kleve, Aktionsbündnis für Integration e.V.". */
export function holderOf(certificate: X509Certificate): string {
  const fields = new Map<string, string>();
  for (const line of certificate.subject.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !fields.has(line.slice(0, at))) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const names = [fields.get('CN'), fields.get('O')].filter((name): name is string => Boolean(name));
  return [...new Set(names)].join(', ') || certificate.subject.replace(/\n/g, ', ');
}

export function readPkcs12(bytes: Uint8Array, password: string): SealCertificate {
  let bags: (oid: string) => ForgeBag[];
  try {
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(bytes).toString('binary')), password);
    bags = (oid) => p12.getBags({ bagType: oid })[oid] ?? [];
  } catch (error) {
    const message = (error as Error).message;
    throw new SealCertificateError(/MAC could not be verified|Invalid password|decrypt/i.test(message) ? 'password' : 'unreadable', message);
  }
  const keyBag = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)].find((bag) => bag.key);
  if (!keyBag) throw new SealCertificateError('noKey', 'no private key in the PKCS#12 file');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  } catch (error) {
    throw new SealCertificateError('unsupportedKey', (error as Error).message);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' && privateKey.asymmetricKeyType !== 'ec') throw new SealCertificateError('unsupportedKey', `key type ${privateKey.asymmetricKeyType}`);
  const certificates = bags(forge.pki.oids.certBag!)
    .filter((bag) => bag.cert)
    .map((bag) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary'));
  const parsed = certificates.map((der) => new X509Certificate(der));
  // The signer's certificate is the one that belongs to the key; the rest is its chain.
  const signer = parsed.findIndex((certificate) => certificate.checkPrivateKey(privateKey));
  if (certificates.length === 0) throw new SealCertificateError('noCertificate', 'no certificate in the PKCS#12 file');
  if (signer < 0) throw new SealCertificateError('keyMismatch', 'no certificate matches the private key');
  const ordered = [certificates[signer]!, ...certificates.filter((_, index) => index !== signer)];
  return { privateKey, certificates: ordered, holder: holderOf(parsed[signer]!), validTo: new Date(parsed[signer]!.validTo) };
}
