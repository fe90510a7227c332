#!/usr/bin/env python3
"""Writes the parser targets' seeds (fuzz/seeds/<target>/): signed notes, checkpoints, witness
requests, tile paths, DIDs, DCQL queries, OpenID4VP/VCI links and bulk CSV files. Deterministic:
the keys are fuzz/src/lib.rs's (log secret [2; 32], witness [3; 32]), so rerunning it rewrites
the same bytes. Needs python3 with `cryptography`.

    python3 fuzz/seeds/make_seeds.py
"""
import base64
import hashlib
import json
import os
import struct
import urllib.parse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
LOG = "board.example/log"
WITNESS = "witness.example/w1"
NOW = 1_780_315_200
EM = "\u2014"


def key(secret):
    k = Ed25519PrivateKey.from_private_bytes(bytes([secret]) * 32)
    pub = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return k, pub


def key_id(name, kind, pub):
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + pub).digest()[:4]


def sig_line(name, raw):
    return f"{EM} {name} {base64.b64encode(raw).decode()}\n"


def log_sign(text):
    k, pub = key(2)
    return sig_line(LOG, key_id(LOG, 1, pub) + k.sign(text.encode()))


def cosign(text, ts=NOW):
    k, pub = key(3)
    msg = f"cosignature/v1\ntime {ts}\n{text}".encode()
    return sig_line(WITNESS, key_id(WITNESS, 4, pub) + struct.pack(">Q", ts) + k.sign(msg))


def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def b64(h):
    return base64.b64encode(h).decode()


def body(size, root, origin=LOG, ext=()):
    return f"{origin}\n{size}\n{b64(root)}\n" + "".join(f"{e}\n" for e in ext)


def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


EMPTY = hashlib.sha256(b"").digest()
A, B, C = leaf(b"a"), leaf(b"b"), leaf(b"c")
ROOT1, ROOT2 = A, node(A, B)
ROOT3 = node(node(A, B), C)

# Signed notes, cosignature responses, size bodies.
cp2 = body(2, ROOT2)
write("note", "log_signed", cp2 + "\n" + log_sign(cp2))
write("note", "log_and_witness", cp2 + "\n" + log_sign(cp2) + cosign(cp2))
write("note", "cosignature_response", cosign(cp2))
write("note", "size_body", "20852014\n")
spec_cp = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
spec_sigs = (
    f"{EM} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    f"{EM} example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)
write("note", "spec_example", spec_cp + "\n" + spec_sigs)

# Checkpoints: bodies and signed notes.
write("checkpoint", "body", cp2)
write("checkpoint", "body_extension", body(3, ROOT3, ext=("anchor 0xabc",)))
write("checkpoint", "signed", cp2 + "\n" + log_sign(cp2))
write("checkpoint", "cosigned", cp2 + "\n" + log_sign(cp2) + cosign(cp2))
write("checkpoint", "empty_tree", body(0, EMPTY) + "\n" + log_sign(body(0, EMPTY)))
write("checkpoint", "spec_example", spec_cp + "\n" + spec_sigs)


# Witness requests: the stored root (32 bytes), then the add-checkpoint body.
def request(stored_root, old, proof, size, root):
    text = body(size, root)
    note = text + "\n" + log_sign(text)
    head = f"old {old}\n" + "".join(b64(h) + "\n" for h in proof) + "\n"
    return stored_root + (head + note).encode()


write("witness_request", "first", request(EMPTY, 0, [], 2, ROOT2))
write("witness_request", "grow_1_to_2", request(ROOT1, 1, [B], 2, ROOT2))
write("witness_request", "grow_2_to_3", request(ROOT2, 2, [C], 3, ROOT3))
write("witness_request", "grow_1_to_3", request(ROOT1, 1, [B, C], 3, ROOT3))
write("witness_request", "same_size", request(ROOT2, 2, [], 2, ROOT2))
write("witness_request", "spec_example", EMPTY + (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n" + spec_cp + "\n" + spec_sigs).encode())

# Tile paths, with tile contents after the first line.
write("tile_path", "level0_partial", b"tile/0/000.p/2\n" + A + B)
write("tile_path", "level1_full", b"tile/1/x001/x234/067\n" + bytes(32 * 256))
write("tile_path", "entries_partial", b"tile/entries/000.p/2\n\x00\x01a\x00\x01b")
write("tile_path", "entries_full", "tile/entries/x123/456\n")

# DIDs, DID URLs and DID documents.
BOARD = "did:web:board.example"
MB = "z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
doc = {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"], "id": BOARD,
       "verificationMethod": [{"id": f"{BOARD}#key-1", "type": "Multikey", "controller": BOARD,
                               "publicKeyMultibase": MB}],
       "assertionMethod": [f"{BOARD}#key-1"], "authentication": ["#key-1"]}
write("did", "board_key", f"{BOARD}#key-1\n" + json.dumps(doc))
write("did", "relative_ref", "#key-1\n" + json.dumps(doc))
embedded = dict(doc, verificationMethod=[], assertionMethod=doc["verificationMethod"])
write("did", "embedded", f"{BOARD}#key-1\n" + json.dumps(embedded))
jwk_doc = dict(doc, verificationMethod=[{"id": f"{BOARD}#key-2", "type": "JsonWebKey", "controller": BOARD,
               "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}],
               assertionMethod=[f"{BOARD}#key-2"])
write("did", "jwk_method", f"{BOARD}#key-2\n" + json.dumps(jwk_doc))
write("did", "did_key", f"did:key:{MB}#{MB}\n")
jwk = base64.urlsafe_b64encode(json.dumps(
    {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}).encode()).decode().rstrip("=")
write("did", "did_jwk", f"did:jwk:{jwk}#0\n")
write("did", "did_web_port_path", "did:web:localhost%3A8443:boards:nj-bon#key-1\n")

# DCQL queries, with a credential's claims after the first line.
sd = {"credentials": [{"id": "license", "format": "dc+sd-jwt",
                       "meta": {"vct_values": ["https://medcred.example/vct/MedicalLicense"]},
                       "claims": [{"id": "name", "path": ["practitionerName"]},
                                  {"id": "number", "path": ["licenseNumber"]},
                                  {"id": "type", "path": ["licenseType"], "values": ["RN", "MD"]}],
                       "claim_sets": [["name", "number", "type"], ["number"]]}]}
sd_claims = {"vct": "https://medcred.example/vct/MedicalLicense", "practitionerName": "Ada", "licenseNumber": "RN1",
             "licenseType": "RN", "npi": "123"}
write("dcql", "sd_jwt", json.dumps(sd) + "\n" + json.dumps(sd_claims))
ldp = {"credentials": [{"id": "c", "format": "ldp_vc",
                        "meta": {"type_values": [["VerifiableCredential", "MedicalLicenseCredential"]]},
                        "claims": [{"path": ["credentialSubject", "restrictions", None]},
                                   {"path": ["credentialSubject", "licenseNumber"]}]}],
       "credential_sets": [{"options": [["c"]]}]}
ldp_claims = {"type": ["VerifiableCredential", "MedicalLicenseCredential"],
              "credentialSubject": {"licenseNumber": "MD7", "restrictions": ["none", "x"]}}
write("dcql", "ldp_vc", json.dumps(ldp) + "\n" + json.dumps(ldp_claims))
write("dcql", "jwt_vc_index", json.dumps({"credentials": [{"id": "j", "format": "jwt_vc_json",
      "meta": {"type_values": [["MedicalLicenseCredential"]]}, "claims": [{"path": ["credentialSubject", "a", 0]}]}]})
      + "\n" + json.dumps({"type": ["MedicalLicenseCredential"], "credentialSubject": {"a": [1, 2]}}))

write("dcql", "vp_token", json.dumps({"credentials": [{"id": "age", "format": "dc+sd-jwt",
      "meta": {"vct_values": ["x"]}}]}) + "\n" + json.dumps({"age": ["eyJ.a.b~"]}))

# OpenID4VP: a link, then request object claims (the target signs them) or a compact JWT.
client = "decentralized_identifier:did:web:hospital.example"
link = "openid4vp://?" + urllib.parse.urlencode({"client_id": client,
                                                "request_uri": "https://hospital.example/oid4vp/requests/1"})
claims = {"client_id": client, "response_type": "vp_token", "response_mode": "direct_post",
          "response_uri": "https://hospital.example/oid4vp/responses/1", "nonce": "n-1", "state": "s-1",
          "dcql_query": sd, "client_metadata": {"client_name": "General Hospital"}, "purpose": "Credentialing",
          "exp": NOW + 600}
write("oid4vp_request", "direct_post", link + "\n" + json.dumps(claims))
jwt_claims = dict(claims, response_mode="direct_post.jwt", client_metadata={"jwks": {"keys": [
    {"kty": "EC", "crv": "P-256", "alg": "ECDH-ES", "kid": "e1",
     "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]},
    "encrypted_response_enc_values_supported": ["A256GCM"]})
write("oid4vp_request", "direct_post_jwt", link + "\n" + json.dumps(jwt_claims))
write("oid4vp_request", "bare_uri", "https://hospital.example/oid4vp/requests/2\n"
      "eyJhbGciOiJFZERTQSIsInR5cCI6Im9hdXRoLWF1dGh6LXJlcStqd3QifQ.e30.AAAA")

# OpenID4VCI: offer links, then an offer object or issuer metadata.
offer = {"credential_issuer": "https://medcred.example/boards/nj-bon",
         "credential_configuration_ids": ["MedicalLicenseCredential_dc+sd-jwt"],
         "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {
             "pre-authorized_code": "abc", "tx_code": {"input_mode": "numeric", "length": 6}}}}
write("oid4vci_offer", "by_value", "openid-credential-offer://?" + urllib.parse.urlencode(
    {"credential_offer": json.dumps(offer)}) + "\n" + json.dumps(offer))
meta = {"credential_issuer": "https://medcred.example/boards/nj-bon",
        "credential_endpoint": "https://medcred.example/boards/nj-bon/oid4vci/credential",
        "nonce_endpoint": "https://medcred.example/boards/nj-bon/oid4vci/nonce",
        "authorization_servers": ["https://medcred.example/boards/nj-bon"],
        "credential_configurations_supported": {"MedicalLicenseCredential_dc+sd-jwt": {
            "format": "dc+sd-jwt", "vct": "https://medcred.example/vct/MedicalLicense",
            "cryptographic_binding_methods_supported": ["jwk"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}}}}}
write("oid4vci_offer", "by_reference", "openid-credential-offer://?" + urllib.parse.urlencode(
    {"credential_offer_uri": "https://medcred.example/offers/1"}) + "\n" + json.dumps(meta))

# Bulk issuance CSV.
header = ("practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_from,"
          "valid_until,specialty,restrictions,npi,multistate_privilege,holder_did\n")
write("csv_rows", "two_rows", header
      + "Ada Lovelace,RN,RN123456,US-NJ,2019-05-01,,2027-05-31,Pediatrics,No controlled substances|Supervised,"
        "1234567893,true,did:key:" + MB + "\n"
      + "\"Grace, Hopper\",MD,MD-77,US-NY,2001-01-01,2026-01-01T00:00:00Z,2028-01-01T00:00:00Z,,,,no,\n")
write("csv_rows", "bad_rows", header + "Bad,XX,,US-ZZ,not a date,,yesterday,,,,maybe,did:nope\nshort,row\n")
write("csv_rows", "minimal_columns", "license_number,practitioner_name,license_type,jurisdiction,"
      "original_issue_date,valid_until\n 42 , Ann ,LPN,US-CA,2020-02-02,2030-02-02\n")
