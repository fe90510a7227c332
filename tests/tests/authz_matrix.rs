//! The authorization matrix: every route the all-in-one server answers (issuer, registry,
//! witness, verifier and hospital APIs, the web app's pages, server functions and form posts,
//! health and metrics) × every kind of caller — anonymous; API tokens of each role (board admin
//! and issuer, hospital admin and verifier, and a wallet's OpenID4VCI access token); people
//! signed in as board admin, board issuer, hospital admin and hospital verifier — with two boards
//! (A, B) and two hospitals (A, B). Every path names organisation A's things; B's tokens and
//! people must never read or change them.
//!
//! [`ROUTES`] is the table: for each route, who gets which answer. A cell's expectation is an
//! exact status, or "sent to sign in", or a redirect to a page; `SEES` / `BLIND` also check that
//! the answer does (or does not) show A's marked personal data, and every refusal is checked not
//! to show it. Two more checks keep the table honest: [`the_table_names_every_route`] reads the
//! routers' source and fails on a route the table does not name (or a row naming no route); and
//! after the run, the server's own `/metrics` must have counted each row's requests under the
//! route template the row claims, so a mistyped path cannot pass as a 404.

// A test: a malformed table or router source is a failure with its reason.
#![allow(clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use medcred_app::auth::{Accounts, NewUser};
use medcred_hospital::create_hospital_token;
use medcred_issuer::oid4vci::offer::NewOffer;
use medcred_issuer::NewBoard;
use medcred_store::{HospitalRole, KeyStatus, OrgKind, Role, UserRole};
use medcred_tests::{start_all_in_one, Backend, Server};
use medcred_web::edge::{Edge, Limits};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN};
use reqwest::{Client, Method};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Who calls.

/// A caller: anonymous, an API token, or a person signed in to the web app. `A`/`B` is the
/// organisation (board A or B; hospital A or B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    BoardAdminTokenA,
    BoardIssuerTokenA,
    BoardAdminTokenB,
    BoardIssuerTokenB,
    HospitalAdminTokenA,
    HospitalVerifierTokenA,
    HospitalAdminTokenB,
    HospitalVerifierTokenB,
    /// An OpenID4VCI access token (a wallet redeeming an offer of board A's).
    WalletToken,
    BoardAdminA,
    BoardIssuerA,
    BoardAdminB,
    BoardIssuerB,
    HospitalAdminA,
    HospitalVerifierA,
    HospitalAdminB,
    HospitalVerifierB,
}

use Caller::*;

const CALLERS: [Caller; 18] = [
    Anonymous,
    BoardAdminTokenA,
    BoardIssuerTokenA,
    BoardAdminTokenB,
    BoardIssuerTokenB,
    HospitalAdminTokenA,
    HospitalVerifierTokenA,
    HospitalAdminTokenB,
    HospitalVerifierTokenB,
    WalletToken,
    BoardAdminA,
    BoardIssuerA,
    BoardAdminB,
    BoardIssuerB,
    HospitalAdminA,
    HospitalVerifierA,
    HospitalAdminB,
    HospitalVerifierB,
];

/// The callers a cell is about.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Everyone.
    All,
    /// These.
    Are(&'static [Caller]),
    /// Everyone the route's earlier cells did not name.
    Rest,
}

const ALL: Who = Who::All;
const REST: Who = Who::Rest;
const BOARD_A_ADMIN_TOKEN: Who = Who::Are(&[BoardAdminTokenA]);
const BOARD_A_ISSUER_TOKEN: Who = Who::Are(&[BoardIssuerTokenA]);
const BOARD_A_TOKENS: Who = Who::Are(&[BoardAdminTokenA, BoardIssuerTokenA]);
const BOARD_B_TOKENS: Who = Who::Are(&[BoardAdminTokenB, BoardIssuerTokenB]);
const BOARD_TOKENS: Who = Who::Are(&[BoardAdminTokenA, BoardIssuerTokenA, BoardAdminTokenB, BoardIssuerTokenB]);
const HOSPITAL_A_ADMIN_TOKEN: Who = Who::Are(&[HospitalAdminTokenA]);
const HOSPITAL_A_VERIFIER_TOKEN: Who = Who::Are(&[HospitalVerifierTokenA]);
const HOSPITAL_A_TOKENS: Who = Who::Are(&[HospitalAdminTokenA, HospitalVerifierTokenA]);
const HOSPITAL_B_TOKENS: Who = Who::Are(&[HospitalAdminTokenB, HospitalVerifierTokenB]);
const WALLET_TOKEN: Who = Who::Are(&[WalletToken]);
const BOARD_A_ADMIN: Who = Who::Are(&[BoardAdminA]);
const BOARD_A_ISSUER: Who = Who::Are(&[BoardIssuerA]);
const BOARD_A_PEOPLE: Who = Who::Are(&[BoardAdminA, BoardIssuerA]);
const BOARD_B_PEOPLE: Who = Who::Are(&[BoardAdminB, BoardIssuerB]);
const BOARD_PEOPLE: Who = Who::Are(&[BoardAdminA, BoardIssuerA, BoardAdminB, BoardIssuerB]);
const HOSPITAL_A_PEOPLE: Who = Who::Are(&[HospitalAdminA, HospitalVerifierA]);
const HOSPITAL_B_PEOPLE: Who = Who::Are(&[HospitalAdminB, HospitalVerifierB]);
const HOSPITAL_PEOPLE: Who = Who::Are(&[HospitalAdminA, HospitalVerifierA, HospitalAdminB, HospitalVerifierB]);
const PEOPLE: Who = Who::Are(&[
    BoardAdminA,
    BoardIssuerA,
    BoardAdminB,
    BoardIssuerB,
    HospitalAdminA,
    HospitalVerifierA,
    HospitalAdminB,
    HospitalVerifierB,
]);
/// Every person but board A's admin.
const PEOPLE_BUT_BOARD_A_ADMIN: Who = Who::Are(&[
    BoardIssuerA,
    BoardAdminB,
    BoardIssuerB,
    HospitalAdminA,
    HospitalVerifierA,
    HospitalAdminB,
    HospitalVerifierB,
]);

// ---------------------------------------------------------------------------------------------
// What they get.

/// A cell's expected answer.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exactly this status.
    Status(u16),
    /// This status, showing organisation A's marked personal data ([`MARK`]).
    Sees(u16),
    /// This status, showing none of it.
    Blind(u16),
    /// Sent to sign in: a 303 to `/signin…` (a server function answers 200 `{"SignIn": …}`).
    SignIn,
    /// A 303 to a page whose path and query start so.
    To(&'static str),
}

const OK: Expect = Expect::Status(200);
const CREATED: Expect = Expect::Status(201);
const NO_CONTENT: Expect = Expect::Status(204);
const BAD_REQUEST: Expect = Expect::Status(400);
const UNAUTHENTICATED: Expect = Expect::Status(401);
const FORBIDDEN: Expect = Expect::Status(403);
const NOT_FOUND: Expect = Expect::Status(404);
const CONFLICT: Expect = Expect::Status(409);
const SEES: Expect = Expect::Sees(200);
const BLIND: Expect = Expect::Blind(200);
const SIGN_IN: Expect = Expect::SignIn;

/// In every record of organisation A's that names a person (case-insensitive): its
/// practitioner's name and license numbers. Nothing of B's or the matrix's own posts carries it.
const MARK: &str = "aardvark";

// ---------------------------------------------------------------------------------------------
// The table.

/// A request's body. `{name}` placeholders are filled in (see [`Fixture::value`]).
#[derive(Debug, Clone, Copy)]
enum Body {
    Empty,
    Json(&'static str),
    Form(&'static [(&'static str, &'static str)]),
    Csv(&'static str),
}

/// One route: method, path (with `{name}` placeholders for A's things), body, and who gets what.
struct Route {
    method: &'static str,
    path: &'static str,
    body: Body,
    cells: &'static [(Who, Expect)],
}

const fn get(path: &'static str, cells: &'static [(Who, Expect)]) -> Route {
    Route { method: "GET", path, body: Body::Empty, cells }
}
const fn post(path: &'static str, body: Body, cells: &'static [(Who, Expect)]) -> Route {
    Route { method: "POST", path, body, cells }
}
const fn put(path: &'static str, body: Body, cells: &'static [(Who, Expect)]) -> Route {
    Route { method: "PUT", path, body, cells }
}
const fn delete(path: &'static str, cells: &'static [(Who, Expect)]) -> Route {
    Route { method: "DELETE", path, body: Body::Empty, cells }
}

const LICENSE: &str = r#"{"credential": {"type": ["VerifiableCredential", "MedicalLicenseCredential"],
  "validUntil": "2031-01-01T00:00:00Z", "credentialSubject": {"practitionerName": "Api Person", "licenseType": "RN",
  "licenseNumber": "RN-API-1", "jurisdiction": "US-NJ", "originalIssueDate": "2015-03-01"}},
  "options": {"format": "vc+jwt"}}"#;
const CSV: &str = "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n\
                   Csv Person,RN,RN-CSV-1,US-NJ,2015-01-01,2031-01-01T00:00:00Z\n";
const ISSUE_FORM: &[(&str, &str)] = &[
    ("csrf", "{csrf}"),
    ("practitionerName", "Form Person"),
    ("licenseType", "RN"),
    ("licenseNumber", "RN-FORM-1"),
    ("jurisdiction", "US-NJ"),
    ("originalIssueDate", "2015-03-01"),
    ("validUntil", "2031-01-31"),
    ("format", "vc+jwt"),
];

/// Every route × every caller. Paths name organisation A's board (`{board}`), hospital
/// (`{hospital}`) and records; B's tokens and people must get nothing of them.
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    // --- Issuer API (issuer/src/api): board tokens; another board's token is told "not found".
    post("/credentials/issue", Body::Json(LICENSE), &[(BOARD_TOKENS, CREATED), (REST, UNAUTHENTICATED)]),
    get("/credentials/{cred}", &[(BOARD_A_TOKENS, SEES), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}", &[(BOARD_A_TOKENS, OK), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/boards/{board}/keys/rotate", Body::Empty,
        &[(BOARD_A_ADMIN_TOKEN, CREATED), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    delete("/boards/{board}/keys/{retired_key}",
        &[(BOARD_A_ADMIN_TOKEN, NO_CONTENT), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/boards/{board}/tokens", Body::Json(r#"{"role": "issuer", "label": "matrix"}"#),
        &[(BOARD_A_ADMIN_TOKEN, CREATED), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    delete("/boards/{board}/tokens/{fresh_token_id}",
        &[(BOARD_A_ADMIN_TOKEN, NO_CONTENT), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/credentials", &[(BOARD_A_TOKENS, SEES), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/boards/{board}/credentials/bulk?format=vc%2Bjwt", Body::Csv(CSV),
        &[(BOARD_A_TOKENS, OK), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/did.json", &[(ALL, BLIND)]),
    get("/.well-known/did.json", &[(ALL, BLIND)]),
    get("/.well-known/did-configuration.json", &[(ALL, BLIND)]),
    get("/ns/credentials/v1", &[(ALL, OK)]),

    // --- OpenID4VCI (issuer/src/oid4vci): offers by board tokens; the wallet's side is public or
    // needs the offer's own secrets. No API token is an access token, and no access token an API token.
    get("/.well-known/openid-credential-issuer", &[(ALL, OK)]),
    get("/.well-known/oauth-authorization-server", &[(ALL, OK)]),
    post("/boards/{board}/credentials/{cred}/offer", Body::Json("{}"),
        &[(BOARD_A_TOKENS, CREATED), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/oid4vci/offers/{offer}", &[(ALL, BLIND)]),
    post("/oid4vci/token", Body::Form(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"),
        ("pre-authorized_code", "{fresh_code}"), ("tx_code", "{fresh_pin}")]), &[(ALL, OK)]),
    post("/oid4vci/nonce", Body::Empty, &[(ALL, OK)]),
    post("/oid4vci/credential", Body::Json(r#"{"credential_configuration_id": "MedicalLicenseCredential_dc+sd-jwt"}"#),
        &[(WALLET_TOKEN, BAD_REQUEST), (REST, UNAUTHENTICATED)]),

    // --- Registry (registry/service/src): status changes need board A's admin; reads are public.
    post("/boards/{board}/credentials/{cred2}/status", Body::Json(r#"{"action": "suspend", "reason": "matrix"}"#),
        &[(BOARD_A_ADMIN_TOKEN, OK), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/credentials/{cred2}/status", &[(BOARD_A_TOKENS, OK), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/status/{list}/revocation", &[(ALL, BLIND)]),
    get("/boards/{board}/status/{list}/token", &[(ALL, OK)]),
    get("/boards/{board}/status/{list}/suspension/proof", &[(ALL, BLIND)]),
    get("/boards/{board}/status/{list}/revocation/bundle", &[(ALL, BLIND)]),
    get("/boards/{board}/log/checkpoint", &[(ALL, OK)]),
    get("/boards/{board}/log/checkpoints", &[(ALL, OK)]),
    post("/boards/{board}/log/anchor", Body::Empty,
        &[(BOARD_A_ADMIN_TOKEN, CONFLICT), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    // Key compromise: a freshly retired key is reported (what it signed is queued), the queue
    // is read and worked off (replacements issued, the old ones revoked through the ledger).
    post("/boards/{board}/keys/{retired_key}/compromised", Body::Empty,
        &[(BOARD_A_ADMIN_TOKEN, OK), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/reissue", &[(BOARD_A_TOKENS, OK), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/boards/{board}/reissue?limit=10", Body::Empty,
        &[(BOARD_A_ADMIN_TOKEN, OK), (BOARD_A_ISSUER_TOKEN, FORBIDDEN), (BOARD_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/boards/{board}/log/tile/{tile}", &[(ALL, OK)]),
    get("/boards/{board}/log/proof/inclusion?index=0&size=2", &[(ALL, OK)]),
    get("/boards/{board}/log/proof/consistency?old=1&new=2", &[(ALL, OK)]),
    // The witness role (registry/service/src/witness.rs): public by protocol.
    get("/witness", &[(ALL, OK)]),
    post("/witness/add-checkpoint", Body::Csv("old 0\n"), &[(ALL, BAD_REQUEST)]),

    // --- Verifier (verifier/service): public.
    post("/credentials/verify", Body::Json(r#"{"verifiableCredential": {vc}}"#), &[(ALL, OK)]),
    post("/presentations/verify", Body::Json(r#"{"verifiablePresentation": {}}"#), &[(ALL, BAD_REQUEST)]),
    get("/1.0/identifiers/{did}", &[(ALL, OK)]),
    get("/trust-list", &[(ALL, OK)]),

    // --- Hospitals (verifier/hospital): hospital tokens; another hospital's is told "not found".
    get("/hospitals/{hospital}/did.json", &[(ALL, BLIND)]),
    get("/hospitals/{hospital}", &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/hospitals/{hospital}/tokens", Body::Json(r#"{"role": "verifier", "label": "matrix"}"#),
        &[(HOSPITAL_A_ADMIN_TOKEN, CREATED), (HOSPITAL_A_VERIFIER_TOKEN, FORBIDDEN), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    put("/hospitals/{hospital}/webhook", Body::Json(r#"{"url": null}"#),
        &[(HOSPITAL_A_ADMIN_TOKEN, OK), (HOSPITAL_A_VERIFIER_TOKEN, FORBIDDEN), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/hospitals/{hospital}/verifications", Body::Json(r#"{"verifiableCredential": {vc}}"#),
        &[(HOSPITAL_A_TOKENS, CREATED), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/verifications", &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/verifications/{verification}",
        &[(HOSPITAL_A_TOKENS, SEES), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/verifications/{verification}/receipt",
        &[(HOSPITAL_A_TOKENS, SEES), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/hospitals/{hospital}/watches", Body::Json(r#"{"verification": "{verification}"}"#),
        &[(HOSPITAL_A_TOKENS, CREATED), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/watches", &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    delete("/hospitals/{hospital}/watches/{watch}",
        &[(HOSPITAL_A_TOKENS, NO_CONTENT), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/hospitals/{hospital}/monitor", Body::Empty, &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/notifications", &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    post("/hospitals/{hospital}/presentation-requests", Body::Json(r#"{"template": "rn_license"}"#),
        &[(HOSPITAL_A_TOKENS, CREATED), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/presentation-requests/{request}",
        &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    get("/hospitals/{hospital}/presentation-requests/{request}/events",
        &[(HOSPITAL_A_TOKENS, OK), (HOSPITAL_B_TOKENS, NOT_FOUND), (REST, UNAUTHENTICATED)]),
    // The wallet's side of OpenID4VP: the request id is the capability.
    get("/oid4vp/requests/{request}", &[(ALL, BLIND)]),
    post("/oid4vp/responses/{request}", Body::Form(&[("vp_token", "x"), ("state", "not-the-state")]), &[(ALL, BAD_REQUEST)]),

    // --- The web app's pages (web/app/src/app.rs): sessions only; tokens count for nothing here.
    get("/", &[(ALL, OK)]),
    get("/verify", &[(ALL, OK)]),
    get("/verify/{result}", &[(ALL, OK)]),
    get("/signin", &[(ALL, OK)]),
    get("/wallet", &[(ALL, BLIND)]),
    get("/board", &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/board/issue", &[(BOARD_PEOPLE, OK), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/board/batch?job={job}",
        &[(BOARD_A_ADMIN, SEES), (BOARD_A_ISSUER, BLIND), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/board/credentials?q=Ada", &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/board/credentials/{cred}", &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, FORBIDDEN), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/board/credentials/{cred}/offer?f={offer_flash}",
        &[(BOARD_A_ADMIN, SEES), (BOARD_A_ISSUER, NOT_FOUND), (BOARD_B_PEOPLE, FORBIDDEN), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/public/boards/{board}", &[(ALL, BLIND)]),
    get("/hospital", &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/hospital/ask/clinician", &[(HOSPITAL_PEOPLE, OK), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/hospital/requests/{request}",
        &[(HOSPITAL_A_PEOPLE, OK), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/hospital/verifications",
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/hospital/verifications/{verification_short}",
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    get("/hospital/alerts", &[(HOSPITAL_A_PEOPLE, OK), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),

    // --- Downloads behind the session (web/app/src/portal).
    get("/board/batch/errors.csv?job={job}", &[(BOARD_A_ADMIN, SEES), (PEOPLE_BUT_BOARD_A_ADMIN, NOT_FOUND), (REST, SIGN_IN)]),
    get("/hospital/verifications/{verification_short}/receipt",
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),

    // --- The pages' server functions (POST /api/…): the same answers as their pages.
    post("/api/whoami", Body::Empty, &[(ALL, BLIND)]),
    post("/api/public-boards", Body::Empty, &[(ALL, BLIND)]),
    post("/api/public-board", Body::Form(&[("slug", "{board}")]), &[(ALL, BLIND)]),
    post("/api/verify", Body::Form(&[("input", "{vc}")]), &[(ALL, OK)]),
    post("/api/verify-result", Body::Form(&[("id", "{result}")]), &[(ALL, SEES)]),
    post("/api/board-dashboard", Body::Empty,
        &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/board-issue-form", Body::Empty, &[(BOARD_PEOPLE, OK), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/board-batch", Body::Form(&[("job", "{job}")]),
        &[(BOARD_A_ADMIN, SEES), (BOARD_A_ISSUER, BLIND), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/board-search", Body::Form(&[("q", "Ada")]),
        &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, BLIND), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/board-credential", Body::Form(&[("id", "{cred}")]),
        &[(BOARD_A_PEOPLE, SEES), (BOARD_B_PEOPLE, FORBIDDEN), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/board-offer", Body::Form(&[("id", "{cred}"), ("f", "{offer_flash}")]),
        &[(BOARD_A_ADMIN, SEES), (BOARD_A_ISSUER, NOT_FOUND), (BOARD_B_PEOPLE, FORBIDDEN), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-home", Body::Empty,
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-history", Body::Empty,
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-alerts", Body::Empty,
        &[(HOSPITAL_A_PEOPLE, OK), (HOSPITAL_B_PEOPLE, BLIND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-ask", Body::Form(&[("kind", "clinician")]),
        &[(HOSPITAL_PEOPLE, OK), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-request", Body::Form(&[("id", "{request}"), ("wait", "false")]),
        &[(HOSPITAL_A_PEOPLE, OK), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/api/hospital-verification", Body::Form(&[("id", "{verification_short}")]),
        &[(HOSPITAL_A_PEOPLE, SEES), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),

    // --- Form posts (web/app/src/portal): the session's CSRF token, the role, the organisation.
    post("/board/actions/issue", Body::Form(ISSUE_FORM),
        &[(BOARD_PEOPLE, Expect::To("/board/credentials/urn:uuid:")), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/board/actions/status", Body::Form(&[("csrf", "{csrf}"), ("credential_id", "{cred2}"), ("action", "suspend"),
        ("reason", "matrix"), ("confirm", "yes")]),
        &[(BOARD_A_ADMIN, Expect::To("/board/credentials/urn:uuid:")), (BOARD_A_ISSUER, FORBIDDEN), (BOARD_B_PEOPLE, FORBIDDEN),
          (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/board/actions/offer", Body::Form(&[("csrf", "{csrf}"), ("credential_id", "{cred}")]),
        &[(BOARD_A_PEOPLE, Expect::To("/board/credentials/urn:uuid:")), (BOARD_B_PEOPLE, FORBIDDEN), (HOSPITAL_PEOPLE, FORBIDDEN),
          (REST, SIGN_IN)]),
    post("/board/actions/batch", Body::Form(&[("csrf", "{csrf}"), ("csv", CSV), ("format", "vc+jwt")]),
        &[(BOARD_PEOPLE, Expect::To("/board/batch?job=")), (HOSPITAL_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/hospital/actions/ask", Body::Form(&[("csrf", "{csrf}"), ("template", "rn_license")]),
        &[(HOSPITAL_PEOPLE, Expect::To("/hospital/requests/")), (BOARD_PEOPLE, FORBIDDEN), (REST, SIGN_IN)]),
    post("/hospital/actions/watch", Body::Form(&[("csrf", "{csrf}"), ("verification", "{verification_short}")]),
        &[(HOSPITAL_A_PEOPLE, Expect::To("/hospital/verifications/")), (HOSPITAL_B_PEOPLE, NOT_FOUND), (BOARD_PEOPLE, FORBIDDEN),
          (REST, SIGN_IN)]),
    // Last: signing in and out ends the caller's session (it is renewed after each).
    post("/session/signin", Body::Form(&[("email", PROBE_EMAIL), ("password", PASSWORD), ("next", "")]),
        &[(ALL, Expect::To("/board"))]),
    post("/session/signout", Body::Form(&[("csrf", "{csrf}")]),
        &[(PEOPLE, Expect::To("/signin?signed_out=1")), (REST, Expect::To("/signin"))]),

    // --- Operations (web/src/server.rs).
    get("/health", &[(ALL, OK)]),
    get("/ready", &[(ALL, OK)]),
    get("/metrics", &[(ALL, BLIND)]),
];

/// The expectation of each caller for `route`, in [`CALLERS`] order; an error if the route names
/// a caller twice, names nobody for some caller, or puts `Rest` anywhere but last.
fn cells(route: &Route) -> Result<Vec<(Caller, Expect)>, String> {
    let mut out: BTreeMap<Caller, Expect> = BTreeMap::new();
    for (i, (who, expect)) in route.cells.iter().enumerate() {
        let callers: Vec<Caller> = match who {
            Who::All => CALLERS.to_vec(),
            Who::Are(list) => list.to_vec(),
            Who::Rest if i + 1 == route.cells.len() => {
                CALLERS.iter().copied().filter(|c| !out.contains_key(c)).collect()
            }
            Who::Rest => return Err(format!("{} {}: Rest must come last", route.method, route.path)),
        };
        for c in callers {
            if out.insert(c, *expect).is_some() {
                return Err(format!("{} {}: {c:?} named twice", route.method, route.path));
            }
        }
    }
    CALLERS
        .iter()
        .map(|c| {
            out.get(c)
                .map(|e| (*c, *e))
                .ok_or_else(|| format!("{} {}: nothing said for {c:?}", route.method, route.path))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Every route is in the table.

/// A route as its router declares it: method and template (`{param}` segments, `{*rest}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Declared {
    method: String,
    template: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf()
}

/// The crates whose routers the all-in-one server composes (`web/src/server.rs`).
const ROUTER_SOURCES: &[&str] =
    &["issuer/src", "registry/service/src", "verifier/service/src", "verifier/hospital/src", "web/src", "web/app/src"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A source file without its unit tests (their routers are not served).
fn source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file");
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The text between `open` (an opening bracket at `start`) and its closing bracket, skipping
/// string literals.
fn balanced(text: &str, start: usize) -> &str {
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut in_string) = (0usize, start, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return &text[start + 1..i];
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    panic!("unbalanced brackets after byte {start}")
}

/// The first string literal in `text`.
fn literal(text: &str) -> Option<&str> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(&text[start..end])
}

/// `&str` constants declared in `files`: `NAME: &str = "value"`.
fn constants(files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in files {
        let text = source(f);
        for (at, _) in text.match_indices(": &str = \"") {
            let name = text[..at].rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
            if let Some(value) = literal(&text[at..]) {
                out.insert(name.to_owned(), value.to_owned());
            }
        }
    }
    out
}

/// The path a `.route(…)` first argument names: a literal, a constant, or `&format!(…)` of them.
fn path_of(arg: &str, consts: &BTreeMap<String, String>) -> String {
    let arg = arg.trim();
    if arg.contains("format!") {
        let mut s = literal(arg).expect("a format string").to_owned();
        for (name, value) in consts {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s.replace("{{", "{").replace("}}", "}")
    } else if arg.starts_with('"') {
        literal(arg).expect("a literal").to_owned()
    } else {
        let name = arg.rsplit("::").next().unwrap_or(arg);
        consts.get(name).unwrap_or_else(|| panic!("unknown route constant {arg}")).clone()
    }
}

/// The methods of a `.route(…)` second argument: `get(…)`, `.post(…)`, `axum::routing::put(…)`.
fn methods_of(handlers: &str) -> Vec<String> {
    let bytes = handlers.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if depth == 0 && starts_word {
            for m in ["get", "post", "put", "delete", "patch"] {
                if handlers[i..].starts_with(&format!("{m}(")) {
                    out.push(m.to_uppercase());
                }
            }
        }
    }
    out
}

/// Every route the server's routers declare: axum `.route(…)` calls, the app's pages
/// (`path!(…)`, GET) and its server functions (`#[server(endpoint = …)]`, `POST /api/…`).
fn declared_routes() -> BTreeSet<Declared> {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ROUTER_SOURCES {
        rust_files(&root.join(dir), &mut files);
    }
    let mut const_files = files.clone();
    rust_files(&root.join("model/src"), &mut const_files);
    let consts = constants(&const_files);
    let mut out = BTreeSet::new();
    for f in &files {
        let text = source(f);
        for (at, _) in text.match_indices(".route(") {
            let args = balanced(&text, at + ".route".len());
            let mut depth = 0usize;
            let comma = args
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' | '[' | '{' => depth += 1,
                        ')' | ']' | '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    *c == ',' && depth == 0
                })
                .map(|(i, _)| i)
                .unwrap_or_else(|| panic!("{}: a .route( without a handler", f.display()));
            let template = path_of(&args[..comma], &consts);
            let methods = methods_of(args[comma + 1..].trim());
            assert!(!methods.is_empty(), "{}: no method for {template}", f.display());
            for method in methods {
                out.insert(Declared { method, template: template.clone() });
            }
        }
        for (at, _) in text.match_indices("path!(") {
            let page = literal(&text[at..]).expect("a page path");
            let template = page
                .split('/')
                .map(|s| s.strip_prefix(':').map_or_else(|| s.to_owned(), |p| format!("{{{p}}}")))
                .collect::<Vec<_>>()
                .join("/");
            out.insert(Declared { method: "GET".into(), template });
        }
        for (at, _) in text.match_indices("#[server(endpoint = ") {
            let name = literal(&text[at..]).expect("an endpoint name");
            out.insert(Declared { method: "POST".into(), template: format!("/api/{name}") });
        }
    }
    out
}

/// The declared route a table path would reach, as the router picks it: segment by segment, a
/// literal segment before a parameter, a `{*rest}` parameter taking what is left.
fn route_of<'a>(method: &str, path: &str, declared: &'a BTreeSet<Declared>) -> Option<&'a Declared> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    declared
        .iter()
        .filter(|d| d.method == method)
        .filter_map(|d| {
            let template: Vec<&str> = d.template.split('/').collect();
            let mut literal_segments = 0;
            for (i, t) in template.iter().enumerate() {
                if t.starts_with("{*") {
                    return (segments.len() > i).then_some((literal_segments, i, d));
                }
                let s = segments.get(i)?;
                if t.starts_with('{') {
                    continue;
                }
                if t != s {
                    return None;
                }
                literal_segments += 1;
            }
            (segments.len() == template.len()).then_some((literal_segments, template.len(), d))
        })
        .max_by_key(|(literals, len, _)| (*literals, *len))
        .map(|(_, _, d)| d)
}

#[test]
fn the_table_names_every_route() {
    let declared = declared_routes();
    assert!(declared.len() > 80, "the routers' source was not read: {declared:#?}");
    for r in ROUTES {
        if let Err(e) = cells(r) {
            panic!("{e}");
        }
    }
    let mut named = BTreeSet::new();
    let mut strays = Vec::new();
    for r in ROUTES {
        match route_of(r.method, r.path, &declared) {
            Some(d) => {
                named.insert(d.clone());
            }
            None => strays.push(format!("{} {}", r.method, r.path)),
        }
    }
    assert!(strays.is_empty(), "rows that no router declares: {strays:#?}");
    let missing: Vec<String> = declared.difference(&named).map(|d| format!("{} {}", d.method, d.template)).collect();
    assert!(missing.is_empty(), "routes the authorization matrix does not name (add rows to ROUTES): {missing:#?}");
}

// ---------------------------------------------------------------------------------------------
// The world the matrix runs in.

const PASSWORD: &str = "correct horse battery staple";
/// The person every caller signs in as on `/session/signin`.
const PROBE_EMAIL: &str = "probe@board-a.example";

/// Organisation A's records and every caller's credentials.
struct Fixture {
    server: Server,
    board_a: medcred_store::BoardRow,
    tokens: BTreeMap<Caller, String>,
    /// Cookie header value and CSRF token of each person.
    sessions: BTreeMap<Caller, (String, String)>,
    emails: BTreeMap<Caller, String>,
    /// `{name}` → value.
    values: BTreeMap<&'static str, String>,
}

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn json_of(r: reqwest::RequestBuilder) -> Value {
    let r = r.send().await.expect("request");
    let status = r.status();
    let body: Value = r.json().await.expect("json");
    assert!(status.is_success(), "{status}: {body:#}");
    body
}

async fn sign_in(accounts: &Accounts, email: &str) -> (String, String) {
    let (token, who) = accounts.sign_in(email, PASSWORD).await.expect("sign in");
    (format!("medcred_session={}", *token), who.csrf)
}

fn license(name: &str, number: &str) -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": name, "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-03-01"}
    })
}

impl Fixture {
    async fn new(backend: Backend) -> Fixture {
        let edge = Edge::new(Limits::off(), medcred_web::edge::DEFAULT_MAX_IN_FLIGHT, false);
        let server = start_all_in_one(backend, edge).await.expect("server");
        let issuer = server.issuer.clone();
        let db = issuer.db().clone();
        let board_a = db.board_by_slug("e2e").await.expect("board A");
        // Board B is this host's own did:web, so that `/.well-known/did.json` has a document.
        let b = issuer
            .create_board(&NewBoard { slug: "other".into(), name: "Board B".into(), did_key: false, host_did: true })
            .await
            .expect("board B");
        let mut tokens = BTreeMap::new();
        tokens.insert(BoardAdminTokenA, server.admin_token.clone());
        let (_, t) = issuer.create_token(&board_a, Role::Issuer, "a-issuer").await.expect("token");
        tokens.insert(BoardIssuerTokenA, t.to_string());
        tokens.insert(BoardAdminTokenB, b.admin_token.to_string());
        let (_, t) = issuer.create_token(&b.board, Role::Issuer, "b-issuer").await.expect("token");
        tokens.insert(BoardIssuerTokenB, t.to_string());
        for (slug, admin, verifier) in [
            ("st-a", HospitalAdminTokenA, HospitalVerifierTokenA),
            ("st-b", HospitalAdminTokenB, HospitalVerifierTokenB),
        ] {
            let h =
                medcred_hospital::create_hospital(&issuer, slug, &format!("Hospital {slug}")).await.expect("hospital");
            tokens.insert(admin, h.admin_token.to_string());
            let (_, t) =
                create_hospital_token(&issuer, &h.hospital, HospitalRole::Verifier, "desk").await.expect("token");
            tokens.insert(verifier, t.to_string());
        }

        let accounts = Accounts::new(issuer.clone());
        let people = [
            (BoardAdminA, OrgKind::Board, "e2e", UserRole::BoardAdmin),
            (BoardIssuerA, OrgKind::Board, "e2e", UserRole::BoardIssuer),
            (BoardAdminB, OrgKind::Board, "other", UserRole::BoardAdmin),
            (BoardIssuerB, OrgKind::Board, "other", UserRole::BoardIssuer),
            (HospitalAdminA, OrgKind::Hospital, "st-a", UserRole::HospitalAdmin),
            (HospitalVerifierA, OrgKind::Hospital, "st-a", UserRole::HospitalVerifier),
            (HospitalAdminB, OrgKind::Hospital, "st-b", UserRole::HospitalAdmin),
            (HospitalVerifierB, OrgKind::Hospital, "st-b", UserRole::HospitalVerifier),
        ];
        let mut emails = BTreeMap::new();
        let mut sessions = BTreeMap::new();
        for (caller, kind, org, role) in people {
            let email = format!("{caller:?}@{org}.example").to_lowercase();
            let new = NewUser {
                org_kind: kind,
                org_slug: org.into(),
                email: email.clone(),
                name: Some(format!("{caller:?}")),
                role,
                password: Some(PASSWORD.to_owned().into()),
            };
            accounts.add_user(new).await.expect("add user");
            sessions.insert(caller, sign_in(&accounts, &email).await);
            emails.insert(caller, email);
        }
        let probe = NewUser {
            org_kind: OrgKind::Board,
            org_slug: "e2e".into(),
            email: PROBE_EMAIL.into(),
            name: None,
            role: UserRole::BoardIssuer,
            password: Some(PASSWORD.to_owned().into()),
        };
        accounts.add_user(probe).await.expect("probe");

        let mut f = Fixture { server, board_a, tokens, sessions, emails, values: BTreeMap::new() };
        f.records().await;
        f
    }

    /// Board A's and hospital A's records the table's paths name (made over HTTP as their
    /// owners would), and board B's, which carry no mark.
    async fn records(&mut self) {
        let url = self.server.url.clone();
        let http = client();
        let a = self.tokens[&BoardAdminTokenA].clone();
        let issue = |token: &str, name: &str, number: &str| {
            http.post(format!("{url}/credentials/issue"))
                .bearer_auth(token)
                .json(&json!({"credential": license(name, number), "options": {"format": "eddsa-jcs-2022"}}))
        };
        let vc = json_of(issue(&a, "Ada Aardvark", "RN-AARDVARK-1")).await["verifiableCredential"].clone();
        let cred = vc["id"].as_str().expect("id").to_owned();
        let cred2 = json_of(issue(&a, "Ada Aardvark", "RN-AARDVARK-2")).await["verifiableCredential"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        json_of(issue(&self.tokens[&BoardAdminTokenB], "Bob Bobson", "RN-B-1")).await;
        // A status change, so that the log has checkpoints of sizes 1 and 2 at least.
        json_of(
            http.post(format!("{url}/boards/e2e/credentials/{cred2}/status"))
                .bearer_auth(&a)
                .json(&json!({"action": "suspend", "reason": "set-up"})),
        )
        .await;
        let status = json_of(http.get(format!("{url}/boards/e2e/credentials/{cred}/status")).bearer_auth(&a)).await;
        let list = status["statusList"].as_i64().expect("a status list").to_string();

        // Hospital A: a verification of A's license, a watch of it, a presentation request.
        let h = self.tokens[&HospitalAdminTokenA].clone();
        let verified = json_of(
            http.post(format!("{url}/hospitals/st-a/verifications"))
                .bearer_auth(&h)
                .json(&json!({"verifiableCredential": vc})),
        )
        .await;
        assert_eq!(verified["verdict"], "valid", "{verified:#}");
        let verification = verified["id"].as_str().expect("id").to_owned();
        let watched = json_of(
            http.post(format!("{url}/hospitals/st-a/watches"))
                .bearer_auth(&h)
                .json(&json!({"verification": verification})),
        )
        .await;
        let watch = watched["watches"][0]["id"].as_str().expect("a watch").to_owned();
        let request = json_of(
            http.post(format!("{url}/hospitals/st-a/presentation-requests"))
                .bearer_auth(&h)
                .json(&json!({"template": "rn_license"})),
        )
        .await["id"]
            .as_str()
            .expect("id")
            .to_owned();

        // An offer by reference, and a wallet that redeemed another one (its access token).
        let offer = self.fresh_offer(&cred).await;
        let spare = self.fresh_offer(&cred).await;
        let redeemed = json_of(http.post(format!("{url}/oid4vci/token")).form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:pre-authorized_code"),
            ("pre-authorized_code", spare.1.as_str()),
            ("tx_code", spare.2.as_str()),
        ]))
        .await;
        self.tokens.insert(WalletToken, redeemed["access_token"].as_str().expect("access token").to_owned());

        // A verification on the public page, kept for its result page.
        let r = http.post(format!("{url}/api/verify")).form(&[("input", vc.to_string())]).send().await.expect("verify");
        let result = location(&r).trim_start_matches("/verify/").to_owned();
        assert!(!result.is_empty(), "{}: {:?}", r.status(), r.headers());

        // Board A's admin, in the browser: an offer shown once, and a batch with a refused row.
        let (cookie, csrf) = self.sessions[&BoardAdminA].clone();
        let post = |path: &str, form: Vec<(&str, String)>| {
            http.post(format!("{url}{path}")).header(COOKIE, &cookie).header(ORIGIN, &url).form(&form).send()
        };
        let r = post("/board/actions/offer", vec![("csrf", csrf.clone()), ("credential_id", cred.clone())])
            .await
            .expect("offer");
        let offer_flash = location(&r).split("?f=").nth(1).expect("an offer page").to_owned();
        let csv = "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n\
                   Ada Aardvark,XX,XX-AARDVARK-9,US-NJ,2015-01-01,2031-01-01T00:00:00Z\n";
        let r = post("/board/actions/batch", vec![("csrf", csrf), ("csv", csv.into()), ("format", "vc+jwt".into())])
            .await
            .expect("batch");
        let job = location(&r).split("job=").nth(1).expect("a batch page").to_owned();
        for _ in 0..200 {
            let page = http
                .get(format!("{url}/board/batch?job={job}"))
                .header(COOKIE, &cookie)
                .send()
                .await
                .expect("batch page");
            if page.text().await.expect("html").contains("data-done=\"true\"") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let v = &mut self.values;
        v.insert("board", "e2e".into());
        v.insert("hospital", "st-a".into());
        v.insert("did", self.board_a.did.clone());
        v.insert("vc", vc.to_string());
        v.insert("cred", cred);
        v.insert("cred2", cred2);
        v.insert("list", list);
        v.insert("tile", "0/000.p/1".into());
        v.insert("offer", offer.0);
        v.insert("verification_short", verification.trim_start_matches("urn:uuid:").to_owned());
        v.insert("verification", verification);
        v.insert("watch", watch);
        v.insert("request", request);
        v.insert("result", result);
        v.insert("offer_flash", offer_flash);
        v.insert("job", job);
    }

    /// A new offer of board A's credential `cred`: (reference, pre-authorized code, PIN).
    async fn fresh_offer(&self, cred: &str) -> (String, String, String) {
        let made = self.server.issuer.create_offer(&self.board_a, cred, &NewOffer::default()).await.expect("an offer");
        (made.reference.to_string(), made.code.to_string(), made.tx_code.to_string())
    }

    /// The `{name}` values of one cell of `route` for `caller`: A's records, the caller's CSRF
    /// token, and what the cell uses up (a retired key to remove, a token to revoke, an offer to
    /// redeem), made afresh for it.
    async fn values_for(&self, route: &Route, caller: Caller) -> BTreeMap<String, String> {
        let mut texts = vec![route.path];
        match route.body {
            Body::Json(t) | Body::Csv(t) => texts.push(t),
            Body::Form(pairs) => texts.extend(pairs.iter().map(|(_, v)| *v)),
            Body::Empty => {}
        }
        let wants = |name: &str| texts.iter().any(|t| t.contains(&format!("{{{name}}}")));
        let mut v: BTreeMap<String, String> = self.values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let issuer = &self.server.issuer;
        if wants("retired_key") {
            let keys = issuer.db().keys(&self.board_a.id).await.expect("keys");
            let active = keys.iter().rev().find(|k| k.status == KeyStatus::Active).expect("an active key");
            v.insert("retired_key".into(), active.key_id.clone());
            issuer.rotate_key(&self.board_a).await.expect("rotate");
        }
        if wants("fresh_token_id") {
            let (row, _) = issuer.create_token(&self.board_a, Role::Issuer, "to revoke").await.expect("token");
            v.insert("fresh_token_id".into(), row.id);
        }
        if wants("fresh_code") {
            let (_, code, pin) = self.fresh_offer(&self.values["cred"]).await;
            v.insert("fresh_code".into(), code);
            v.insert("fresh_pin".into(), pin);
        }
        let csrf = self.sessions.get(&caller).map(|(_, csrf)| csrf.clone()).unwrap_or_default();
        v.insert("csrf".into(), csrf);
        v
    }

    /// A new session for a person whose session a sign-in or sign-out cell ended.
    async fn renew(&mut self, caller: Caller) {
        if let Some(email) = self.emails.get(&caller) {
            let fresh = sign_in(&Accounts::new(self.server.issuer.clone()), email).await;
            self.sessions.insert(caller, fresh);
        }
    }

    /// One cell: `caller` asks `route`. The status, the redirect and the body.
    async fn call(&self, route: &Route, caller: Caller) -> (u16, String, String) {
        let values = self.values_for(route, caller).await;
        let path = fill(route.path, &values);
        let method = Method::from_bytes(route.method.as_bytes()).expect("method");
        let mut req = client().request(method, format!("{}{path}", self.server.url)).header(ORIGIN, &self.server.url);
        if let Some(token) = self.tokens.get(&caller) {
            req = req.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some((cookie, _)) = self.sessions.get(&caller) {
            req = req.header(COOKIE, cookie);
        }
        req = match route.body {
            Body::Empty => req,
            Body::Json(t) => req.header(CONTENT_TYPE, "application/json").body(fill(t, &values)),
            Body::Csv(t) => req.header(CONTENT_TYPE, "text/csv").body(t),
            Body::Form(pairs) => req.form(&pairs.iter().map(|(k, v)| (*k, fill(v, &values))).collect::<Vec<_>>()),
        };
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let to = location(&r);
        let streaming = r.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let body = if streaming { String::new() } else { r.text().await.unwrap_or_default() };
        (status, to, body)
    }
}

/// `text` with its `{name}` placeholders filled in from `values`.
fn fill(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Whether the answer `(status, location, body)` to `path` is what `expect` says; why not.
fn judge(path: &str, expect: Expect, status: u16, to: &str, body: &str) -> Result<(), String> {
    let server_fn = path.starts_with("/api/");
    let marked = body.to_lowercase().contains(MARK);
    let signin_fn = body.starts_with("{\"SignIn\"");
    let fail = |what: String| Err(format!("{what} (got {status}, location {to:?}, body {:.300})", body));
    match expect {
        Expect::SignIn if server_fn => {
            if status != 200 || !signin_fn {
                return fail("expected {\"SignIn\": …}".into());
            }
        }
        Expect::SignIn => {
            if status != 303 || !to.starts_with("/signin") {
                return fail("expected a 303 to /signin".into());
            }
        }
        Expect::To(prefix) => {
            if status != 303 || !to.starts_with(prefix) {
                return fail(format!("expected a 303 to {prefix}…"));
            }
        }
        Expect::Status(s) | Expect::Sees(s) | Expect::Blind(s) => {
            if status != s {
                return fail(format!("expected {s}"));
            }
            if server_fn && signin_fn {
                return fail("a server function asked to sign in".into());
            }
        }
    }
    match expect {
        Expect::Sees(_) if !marked => fail(format!("expected organisation A's data ({MARK})")),
        Expect::Blind(_) if marked => fail(format!("shows organisation A's data ({MARK})")),
        _ if status >= 400 && marked => fail(format!("a refusal shows organisation A's data ({MARK})")),
        Expect::SignIn if marked => fail(format!("a sign-in answer shows organisation A's data ({MARK})")),
        _ => Ok(()),
    }
}

/// Requests counted by `/metrics`, by (method, route template).
async fn counted(server: &Server) -> BTreeMap<(String, String), u64> {
    let text =
        client().get(format!("{}/metrics", server.url)).send().await.expect("metrics").text().await.expect("text");
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("medcred_http_requests_total{")) {
        let label = |name: &str| {
            let start = line.find(&format!("{name}=\"")).expect("label") + name.len() + 2;
            line[start..start + line[start..].find('"').expect("end")].to_owned()
        };
        let n: u64 = line.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("count");
        *out.entry((label("method"), label("route"))).or_default() += n;
    }
    out
}

async fn matrix(backend: Backend) {
    let mut f = Fixture::new(backend).await;
    let declared = declared_routes();
    let before = counted(&f.server).await;
    let mut expected_counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    // The snapshot just taken is counted by the next one.
    expected_counts.insert(("GET".into(), "/metrics".into()), 1);
    let mut failures = Vec::new();
    let mut cells_run = 0;
    for route in ROUTES {
        let template = route_of(route.method, route.path, &declared)
            .unwrap_or_else(|| panic!("{} {} is not a route", route.method, route.path));
        for (caller, expect) in cells(route).expect("a well-formed row") {
            let (status, to, body) = f.call(route, caller).await;
            if let Err(why) = judge(route.path, expect, status, &to, &body) {
                failures.push(format!("{} {} as {caller:?}: {why}", route.method, route.path));
            }
            if route.path.starts_with("/session/") {
                f.renew(caller).await;
            }
            *expected_counts.entry((template.method.clone(), template.template.clone())).or_default() += 1;
            cells_run += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells_run} cells differ from the table:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Each row reached the route it names (not a fallback 404, not a neighbouring route).
    let after = counted(&f.server).await;
    let mut diff: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (k, n) in &after {
        let d = n - before.get(k).copied().unwrap_or(0);
        if d > 0 {
            diff.insert(k.clone(), d);
        }
    }
    assert_eq!(diff, expected_counts, "requests by route template, as the server counted them");

    // Nobody but board A's admins changed A's status history, and nobody but hospital A made or
    // watched hospital A's verifications.
    let db = f.server.issuer.db();
    let admin_token_id = f.server.issuer.authenticate(&f.tokens[&BoardAdminTokenA]).await.expect("token").id;
    let admin_user = db.user_by_email(&f.emails[&BoardAdminA]).await.expect("user").id;
    for change in db.status_changes(&f.values["cred2"]).await.expect("history") {
        assert!(
            change.actor.starts_with(&format!("token:{admin_token_id} "))
                || change.actor == format!("user:{admin_user}"),
            "a status change by {}",
            change.actor
        );
    }
    let hospital_a = db.hospital_by_slug("st-a").await.expect("hospital A");
    let hospital_b = db.hospital_by_slug("st-b").await.expect("hospital B");
    assert!(db.verifications(&hospital_b.id, 500).await.expect("B's").is_empty(), "B verified nothing");
    assert!(db.watches(&hospital_b.id, false).await.expect("B's").is_empty(), "B watches nothing");
    assert!(db.watches(&hospital_a.id, false).await.expect("A's").len() > 1, "A's own watches were made");
}

#[tokio::test]
async fn sqlite_every_route_by_every_caller() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_every_route_by_every_caller() {
    matrix(Backend::Postgres).await;
}
