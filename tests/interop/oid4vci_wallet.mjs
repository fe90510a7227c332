// A wallet built on @openid4vc/openid4vci (OpenWallet Foundation Labs, oid4vc-ts), independent of
// medcred, receiving credentials over OpenID4VCI 1.0 with the pre-authorized code and PIN.
//
// stdin: [{offer_url, tx_code, alg}] — an offer URL (by reference or by value) with the PIN to
// send and the holder key to make ('EdDSA' or 'ES256'). stdout: one result per offer:
// {ok, version, configuration_id, format, credential_issuer, credentials, binding ('jwk' or
// 'did'), holder: {alg, publicJwk, privateJwk, did}} or {ok: false, stage, error, status?,
// body?}. Every document the library reads (offer, issuer and authorization server metadata,
// token, nonce and credential responses) is parsed by its own schemas, so `ok` also means they
// conform to what it expects of 1.0. `issuer_verified` holds, for compact credentials, the claims
// after checking the issuer's signature with its did:web key (the SD-JWT VC's disclosed).
import crypto from 'node:crypto';
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci';
import { SDJwtInstance } from '@sd-jwt/core';
import { didJwk, generateHolderKey, resolveDidUrl, verifyWith, walletCallbacks } from './wallet_callbacks.mjs';

// The server under test runs on loopback over http.
setGlobalConfig({ allowInsecureUrls: true });

/**
 * Verify a compact credential's issuer signature with the key its `kid` names (resolved from the
 * issuer's DID document): an SD-JWT VC with @sd-jwt/core (signature and every disclosure's
 * digest), a JWT with node:crypto. Returns the claims a verifier would see, or null (ldp_vc).
 */
async function issuerVerified(credential) {
  if (typeof credential !== 'string') return null;
  const header = JSON.parse(Buffer.from(credential.split('.')[0], 'base64url').toString());
  const jwk = await resolveDidUrl(header.kid);
  if (credential.includes('~')) {
    const sdjwt = new SDJwtInstance({
      hasher: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
      verifier: (data, signature) => verifyWith(jwk, header.alg, data, Buffer.from(signature, 'base64url')),
    });
    const { payload } = await sdjwt.verify(credential);
    return payload;
  }
  const [h, p, sig] = credential.split('.');
  if (!verifyWith(jwk, header.alg, `${h}.${p}`, Buffer.from(sig, 'base64url'))) throw new Error('bad JWT signature');
  return JSON.parse(Buffer.from(p, 'base64url').toString());
}

async function receive({ offer_url, tx_code, alg }) {
  const holder = generateHolderKey(alg);
  const client = new Openid4vciClient({ callbacks: walletCallbacks(holder) });
  let stage = 'offer';
  try {
    const credentialOffer = await client.resolveCredentialOffer(offer_url);
    stage = 'metadata';
    const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
    const [configurationId] = credentialOffer.credential_configuration_ids;
    const configuration = issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId];
    stage = 'token';
    const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer,
      issuerMetadata,
      txCode: tx_code,
    });
    stage = 'nonce';
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    stage = 'proof';
    // The key as the configuration says it binds: a `jwk` header, else a did:jwk `kid`.
    const methods = configuration.cryptographic_binding_methods_supported ?? ['jwk'];
    const signer = methods.includes('jwk')
      ? { method: 'jwk', alg, publicJwk: holder.publicJwk }
      : methods.includes('did:jwk')
        ? { method: 'did', alg, didUrl: `${didJwk(holder.publicJwk)}#0` }
        : null;
    if (!signer) throw new Error(`no binding method this wallet has: ${methods}`);
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: configurationId,
      signer,
      nonce: c_nonce,
    });
    stage = 'credential';
    const { credentialResponse } = await client.retrieveCredentials({
      issuerMetadata,
      accessToken: accessTokenResponse.access_token,
      credentialConfigurationId: configurationId,
      proofs: { jwt: [jwt] },
    });
    stage = 'verify';
    const credentials = credentialResponse.credentials.map((c) => c.credential);
    const verified = [];
    for (const c of credentials) verified.push(await issuerVerified(c));
    return {
      ok: true,
      version: issuerMetadata.originalDraftVersion,
      configuration_id: configurationId,
      format: configuration.format,
      credential_issuer: credentialOffer.credential_issuer,
      credentials,
      issuer_verified: verified,
      binding: signer.method,
      holder: { ...holder, did: didJwk(holder.publicJwk) },
    };
  } catch (e) {
    const response = e.response;
    return {
      ok: false,
      stage,
      error: String(e.message ?? e),
      status: response?.status,
      body: e.responseText ?? (e.errorResponse ? JSON.stringify(e.errorResponse) : undefined),
    };
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const offer of JSON.parse(input)) results.push(await receive(offer));
process.stdout.write(JSON.stringify(results));
