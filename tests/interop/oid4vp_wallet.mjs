// A wallet built on @openid4vc/openid4vp (OpenWallet Foundation Labs, oid4vc-ts) and @sd-jwt/core
// (OpenWallet Foundation Labs, sd-jwt-js), independent of medcred, answering an OpenID4VP 1.0
// request with an SD-JWT VC and a key binding JWT.
//
// stdin: {authorization_request, credential, holder: {alg, publicJwk, privateJwk}, nonce?, aud?}
// — the verifier's link (openid4vp://?client_id=…&request_uri=…), a dc+sd-jwt credential bound
// to `holder`, and, for negative tests, a nonce or audience to put in the KB-JWT instead of the
// request's. The library fetches the request object, verifies its signature with the key its
// `kid` names in the did:web document (our resolver callback), checks the client id prefix
// `decentralized_identifier` against the signer, validates the request; the wallet discloses what
// the DCQL query asks, the library builds the response (encrypting it for direct_post.jwt) and
// posts it. stdout: {ok, version, client, response_mode, disclosed, status, body} or {ok: false,
// stage, error}.
import crypto from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { SDJwtInstance } from '@sd-jwt/core';
import { signWith, walletCallbacks } from './wallet_callbacks.mjs';

setGlobalConfig({ allowInsecureUrls: true });

/** The SD-JWT presentation frame for a DCQL credential query: the first claim set, or all claims. */
function presentationFrame(credentialQuery) {
  const byId = new Map((credentialQuery.claims ?? []).map((c, i) => [c.id ?? String(i), c]));
  const chosen = credentialQuery.claim_sets?.[0]?.map((id) => byId.get(id)) ?? [...byId.values()];
  const frame = {};
  for (const { path } of chosen) {
    let node = frame;
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = true;
      else node = node[segment] ??= {};
    });
  }
  return frame;
}

async function present(input) {
  const { authorization_request, credential, holder } = input;
  const callbacks = walletCallbacks(holder);
  const client = new Openid4vpClient({ callbacks });
  let stage = 'parse';
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: authorization_request });
    stage = 'resolve';
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const request = resolved.authorizationRequestPayload;
    const query = resolved.dcql?.query;
    if (!query) throw new Error('the request has no DCQL query');
    const credentialQuery = query.credentials[0];
    const clientId = resolved.client.effective;

    stage = 'present';
    const sdjwt = new SDJwtInstance({
      hasher: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
      kbSigner: (data) => signWith(holder.privateJwk, holder.alg, data).toString('base64url'),
      kbSignAlg: holder.alg,
    });
    const frame = presentationFrame(credentialQuery);
    const presentation = await sdjwt.present(credential, frame, {
      kb: {
        payload: {
          iat: Math.floor(Date.now() / 1000),
          aud: input.aud ?? clientId,
          nonce: input.nonce ?? request.nonce,
        },
      },
    });

    stage = 'respond';
    const encrypted = request.response_mode === 'direct_post.jwt';
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: { vp_token: { [credentialQuery.id]: [presentation] } },
      jarm: encrypted
        ? {
            encryption: { nonce: crypto.randomBytes(16).toString('base64url') },
            serverMetadata: {
              authorization_signing_alg_values_supported: [],
              authorization_encryption_alg_values_supported: ['ECDH-ES'],
              authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
            },
          }
        : undefined,
    });
    stage = 'submit';
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
      jarm: response.jarm ? { responseJwt: response.jarm.responseJwt } : undefined,
    });
    const body = await submitted.response.text();
    return {
      ok: submitted.response.ok,
      version: resolved.version,
      client: { prefix: resolved.client.prefix, identifier: resolved.client.identifier, did_url: resolved.client.didUrl },
      response_mode: submitted.responseMode,
      encrypted: Boolean(response.jarm),
      disclosed: frame,
      status: submitted.response.status,
      body,
    };
  } catch (e) {
    return { ok: false, stage, error: String(e.message ?? e), detail: e.errorResponse ?? e.internalMessage };
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(await present(JSON.parse(input))));
