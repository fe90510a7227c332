// The crypto and resolution a wallet built on the @openid4vc libraries (OpenWallet Foundation
// Labs, oid4vc-ts) must supply itself: JWT signing and verification with node:crypto (Ed25519 and
// P-256), SHA-2 hashing, randomness, a did:web resolver that reads the DID document over http on
// this machine (loopback only), and ECDH-ES response encryption with the `jose` package. Nothing
// here knows medcred: it is what any wallet author would write against those callback types.
import crypto from 'node:crypto';
import { CompactEncrypt, importJWK } from 'jose';

export const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
export const b64urlJson = (value) => b64url(Buffer.from(JSON.stringify(value)));

/** A fresh holder key: `alg` 'EdDSA' (Ed25519) or 'ES256' (P-256). Returns {alg, publicJwk, privateJwk}. */
export function generateHolderKey(alg) {
  const { privateKey, publicKey } =
    alg === 'EdDSA' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { alg, publicJwk: publicKey.export({ format: 'jwk' }), privateJwk: privateKey.export({ format: 'jwk' }) };
}

/** The did:jwk of a public JWK. */
export const didJwk = (publicJwk) => `did:jwk:${b64urlJson(publicJwk)}`;

/** Raw JWS signature over `input` (a string) with a private JWK. */
export function signWith(privateJwk, alg, input) {
  const key = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' });
  const data = Buffer.from(input);
  return alg === 'EdDSA' ? crypto.sign(null, data, key) : crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
}

/** Verify a raw JWS signature with a public JWK. */
export function verifyWith(publicJwk, alg, input, signature) {
  const key = crypto.createPublicKey({ key: publicJwk, format: 'jwk' });
  const data = Buffer.from(input);
  if (alg === 'EdDSA' || alg === 'Ed25519') return crypto.verify(null, data, key, signature);
  if (alg === 'ES256') return crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return false;
}

/** A compact JWS of {header, payload} signed with `holder`. */
export function signJwt(holder, header, payload) {
  const input = `${b64urlJson(header)}.${b64urlJson(payload)}`;
  return `${input}.${b64url(signWith(holder.privateJwk, holder.alg, input))}`;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Decode(text) {
  let n = 0n;
  for (const c of text) {
    const v = BASE58.indexOf(c);
    if (v < 0) throw new Error('not base58');
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** A verification method's public key as a JWK (publicKeyJwk, or an Ed25519 Multikey). */
function methodJwk(method) {
  if (method.publicKeyJwk) return method.publicKeyJwk;
  const mb = method.publicKeyMultibase;
  if (typeof mb === 'string' && mb.startsWith('z')) {
    const raw = base58Decode(mb.slice(1));
    if (raw[0] === 0xed && raw[1] === 0x01 && raw.length === 34) return { kty: 'OKP', crv: 'Ed25519', x: b64url(raw.slice(2)) };
  }
  throw new Error(`unsupported verification method ${method.id}`);
}

/** did:web → the URL of its DID document (W3C did:web method §3.2), http only for loopback hosts. */
export function didWebUrl(did) {
  const parts = did.split(':');
  if (parts[0] !== 'did' || parts[1] !== 'web') throw new Error(`not did:web: ${did}`);
  const host = decodeURIComponent(parts[2]);
  const path = parts.length > 3 ? parts.slice(3).map(decodeURIComponent).join('/') : '.well-known';
  const loopback = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}/${path}/did.json`;
}

/** Resolve a DID URL (did:web or did:jwk) to the public JWK of the verification method it names. */
export async function resolveDidUrl(didUrl) {
  const [did, fragment] = didUrl.split('#');
  if (did.startsWith('did:jwk:')) return JSON.parse(Buffer.from(did.slice(8), 'base64url').toString());
  const response = await fetch(didWebUrl(did), { redirect: 'error' });
  if (!response.ok) throw new Error(`DID document of ${did}: HTTP ${response.status}`);
  const doc = await response.json();
  if (doc.id !== did) throw new Error(`DID document id ${doc.id} is not ${did}`);
  const method = (doc.verificationMethod ?? []).find((m) => m.id === didUrl || m.id === `#${fragment}`);
  if (!method) throw new Error(`${didUrl} is not in the DID document`);
  const authorized = (doc.assertionMethod ?? []).concat(doc.authentication ?? []);
  if (!authorized.some((r) => (typeof r === 'string' ? r : r.id) === method.id)) {
    throw new Error(`${didUrl} is not an assertion or authentication method`);
  }
  return methodJwk(method);
}

/** The library's CallbackContext for a wallet holding `holder`. */
export function walletCallbacks(holder) {
  return {
    fetch: (input, init) => fetch(input, init),
    hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
    generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
    clientAuthentication: () => {},
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk' && signer.method !== 'did') throw new Error(`cannot sign as ${signer.method}`);
      return { jwt: signJwt(holder, header, payload), signerJwk: holder.publicJwk };
    },
    verifyJwt: async (signer, { header, compact }) => {
      let jwk;
      if (signer.method === 'did') jwk = await resolveDidUrl(signer.didUrl);
      else if (signer.method === 'jwk') jwk = signer.publicJwk;
      else return { verified: false };
      const [h, p, s] = compact.split('.');
      const ok = verifyWith(jwk, header.alg, `${h}.${p}`, Buffer.from(s, 'base64url'));
      return ok ? { verified: true, signerJwk: jwk } : { verified: false, signerJwk: jwk };
    },
    encryptJwe: async (encryptor, data) => {
      const { publicJwk, alg, enc, kid } = encryptor;
      const key = await importJWK(publicJwk, alg);
      const header = { alg, enc, kid: kid ?? publicJwk.kid };
      if (encryptor.apu) header.apu = encryptor.apu;
      if (encryptor.apv) header.apv = encryptor.apv;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header).encrypt(key);
      return { jwe, encryptionJwk: publicJwk };
    },
    decryptJwe: async () => ({ decrypted: false }),
  };
}
