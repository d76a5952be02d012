// The CMS SignedData (RFC 5652, detached) inside a sealed PDF, written as DER by hand: a few
// fixed structures, built once per certificate, and per letter only the signed attributes
// and the signature. The signature is made with node:crypto (RSA PKCS#1 v1.5 or ECDSA), far
// faster than a JavaScript RSA. Signed attributes as PAdES baseline wants them: content
// type, message digest and signing-certificate-v2; no signing-time (the PDF's /M holds it).
import { createHash, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const length = (n: number) => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...content: Buffer[]) => tlv(0x30, ...content);
/** A DER SET OF: its elements sorted by their encoding. */
const setOf = (...content: Buffer[]) => tlv(0x31, ...[...content].sort(Buffer.compare));
const octets = (bytes: Buffer) => tlv(0x04, bytes);
const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const value of rest) {
    const chunk = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

/** One TLV of `der` at `offset`: where its content starts and where it ends. */
function readTlv(der: Buffer, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset]!;
  let lengthByte = der[offset + 1]!;
  let start = offset + 2;
  let size = lengthByte;
  if (lengthByte & 0x80) {
    size = 0;
    for (lengthByte &= 0x7f; lengthByte > 0; lengthByte -= 1) size = size * 256 + der[start++]!;
  }
  return { tag, start, end: start + size };
}

/** The issuer name and serial number of a certificate, as their DER encodings (copied unchanged). */
export function issuerAndSerial(certificate: Buffer): { issuer: Buffer; serial: Buffer } {
  const tbs = readTlv(certificate, readTlv(certificate, 0).start);
  let at = tbs.start;
  if (certificate[at] === 0xa0) at = readTlv(certificate, at).end; // [0] version
  const serial = readTlv(certificate, at);
  const algorithm = readTlv(certificate, serial.end);
  const issuer = readTlv(certificate, algorithm.end);
  return { serial: certificate.subarray(at, serial.end), issuer: certificate.subarray(algorithm.end, issuer.end) };
}

export type CmsSigner = {
  /** The CMS SignedData (DER) over content whose SHA-256 is `digest`. */
  sign(digest: Buffer): Buffer;
  /** An upper bound of the DER size (for the /Contents placeholder). */
  maxSize: number;
};

/** A signer for one key and certificate chain (the signer's certificate first). */
export function createCmsSigner(privateKey: KeyObject, certificates: Buffer[]): CmsSigner {
  const signerCertificate = certificates[0]!;
  const { issuer, serial } = issuerAndSerial(signerCertificate);
  const ec = privateKey.asymmetricKeyType === 'ec';
  if (!ec && privateKey.asymmetricKeyType !== 'rsa') throw new Error(`unsupported key type ${privateKey.asymmetricKeyType}`);
  const sha256 = seq(oid(OID.sha256), NULL);
  const signatureAlgorithm = ec ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.rsaEncryption), NULL);
  // ESSCertIDv2 with the default hash (SHA-256, so omitted) and the issuer as a directoryName [4].
  const certHash = createHash('sha256').update(signerCertificate).digest();
  const signingCertificate = seq(oid(OID.signingCertificateV2), setOf(seq(seq(seq(octets(certHash), seq(seq(tlv(0xa4, issuer)), serial))))));
  const contentType = seq(oid(OID.contentType), setOf(oid(OID.data)));
  const head = { version: Buffer.from([0x02, 0x01, 0x01]), certificates: tlv(0xa0, ...certificates), encapsulated: seq(oid(OID.data)) };

  const build = (digest: Buffer) => {
    const attributes = [contentType, seq(oid(OID.messageDigest), setOf(octets(digest))), signingCertificate].sort(Buffer.compare);
    // Signed as a SET OF (tag 0x31), stored as [0] IMPLICIT (tag 0xa0).
    const signedAttributes = tlv(0x31, ...attributes);
    const signature = sign('sha256', signedAttributes, privateKey);
    const signerInfo = seq(head.version, seq(issuer, serial), sha256, tlv(0xa0, ...attributes), signatureAlgorithm, octets(signature));
    const signedData = seq(head.version, setOf(sha256), head.encapsulated, head.certificates, setOf(signerInfo));
    return seq(oid(OID.signedData), tlv(0xa0, signedData));
  };
  // ECDSA signatures vary by a few bytes; RSA ones never.
  const maxSize = build(Buffer.alloc(32)).length + 64;
  return { sign: build, maxSize };
}

/** The elements of a constructed TLV (a SEQUENCE, SET or context tag) of `der`, as their whole encodings. */
function elements(der: Buffer, at: { start: number; end: number }): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = at.start; offset < at.end; ) {
    const element = readTlv(der, offset);
    out.push(der.subarray(offset, element.end));
    offset = element.end;
  }
  return out;
}

const SIGNATURE_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

/** The path to the (only) SignerInfo of a CMS made by createCmsSigner: ContentInfo, SignedData, its elements and the SignerInfo's. */
function signerInfoOf(cms: Buffer) {
  const contentInfo = elements(cms, readTlv(cms, 0));
  const wrapper = contentInfo[1]!; // [0] EXPLICIT SignedData
  const signedData = wrapper.subarray(readTlv(wrapper, 0).start);
  const signedDataElements = elements(signedData, readTlv(signedData, 0));
  const signerInfos = signedDataElements.at(-1)!;
  const signerInfo = elements(signerInfos, readTlv(signerInfos, 0))[0]!;
  return { contentInfo, signedDataElements, signerInfoElements: elements(signerInfo, readTlv(signerInfo, 0)) };
}

/** The signature value of a CMS made by createCmsSigner (what an RFC 3161 signature timestamp covers). */
export function signatureValueOf(cms: Buffer): Buffer {
  const { signerInfoElements } = signerInfoOf(cms);
  // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs?
  const signature = signerInfoElements.slice(4).find((element) => element[0] === 0x04);
  if (!signature) throw new Error('no signature value in the CMS');
  return signature.subarray(readTlv(signature, 0).start);
}

/**
 * The same CMS with a signature timestamp token (id-aa-signatureTimeStampToken, RFC 3161
 * appendix A) as the SignerInfo's only unsigned attribute. The signed part is unchanged.
 */
export function withSignatureTimestamp(cms: Buffer, token: Buffer): Buffer {
  const { contentInfo, signedDataElements, signerInfoElements } = signerInfoOf(cms);
  const signed = signerInfoElements.filter((element) => element[0] !== 0xa1);
  const unsigned = tlv(0xa1, seq(oid(SIGNATURE_TIMESTAMP_TOKEN), setOf(token)));
  const signerInfo = seq(...signed, unsigned);
  const signedData = seq(...signedDataElements.slice(0, -1), tlv(0x31, signerInfo));
  return seq(contentInfo[0]!, tlv(0xa0, signedData));
}

/** DER helpers for the timestamp request (timestamp.ts): one encoder for the whole seal. */
export const der = { tlv, seq, octets, oid, NULL, readTlv, elements, OID_SHA256: OID.sha256 };
