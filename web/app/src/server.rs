//! The server half of the app (`ssr`): the state the server functions use, the verification
//! behind `/verify` with its short-lived results, and the axum router that serves the pages, the
//! server functions and the hydration bundle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use medcred_registry_service::Registry;
use medcred_verifier::{CheckName, Outcome, PresentationExpectations, PresentationReport, Report, Verdict};
use medcred_verifier_service::{Policy, Verifier};
use serde_json::Value;

use crate::app::App;
use crate::auth::Accounts;
use crate::pages::verify::MAX_INPUT;
use crate::portal::flash::FlashStore;
use crate::shell::shell;
use crate::verdict::{CheckView, VerdictView};

/// How long a verification result is kept for its page.
const KEEP_FOR: Duration = Duration::from_secs(600);
/// Most results kept at once.
const MAX_KEPT: usize = 10_000;

/// The Content Security Policy nonce the HTTP edge chose for this response (a request
/// extension): the hydration scripts carry it, and the response's policy allows only them.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// Make this request's [`CspNonce`] the page's Leptos nonce (read by the hydration scripts).
pub(crate) fn provide_csp_nonce() {
    let nonce = use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(n) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(n.0));
    }
}

/// An account the app asks the per-account rate limits about.
#[derive(Debug, Clone, Copy)]
pub enum Account<'a> {
    /// A signed-in person, by user id.
    Person(&'a str),
    /// The e-mail address a sign-in attempt names (whether or not an account has it).
    Email(&'a str),
}

/// Per-account rate limits, asked before a signed-in person's request runs and before a
/// sign-in attempt is checked. The HTTP edge implements it (`medcred_web::edge`) with the same
/// classes and buckets as its per-client limits; without one nothing is limited per account.
pub trait AccountLimiter: Send + Sync {
    /// `None` to go ahead; else the answer to send instead (429 `rate_limited`, `Retry-After`).
    fn check(&self, method: &axum::http::Method, path: &str, account: Account<'_>) -> Option<axum::response::Response>;
}

/// What the app's server functions share.
#[derive(Clone)]
pub struct AppState {
    /// The deployment's verifier (its caches, trust list, this deployment's documents in process).
    pub verifier: Verifier,
    results: Arc<Mutex<HashMap<String, (Instant, VerdictView)>>>,
    /// Accounts and sign-in (over the issuer's database), when the boards' pages are served.
    pub accounts: Option<Accounts>,
    /// The registry (status changes from the board's pages).
    pub registry: Option<Registry>,
    /// Results of form posts for the page they redirect to.
    pub flash: FlashStore,
    /// The hospitals (presentation requests, verifications, receipts, monitoring), when the
    /// hospital's pages are served.
    pub hospitals: Option<medcred_hospital::Hospitals>,
    /// Per-account rate limits (people and sign-in e-mail addresses).
    pub account_limits: Option<Arc<dyn AccountLimiter>>,
}

impl AppState {
    /// The app's state over `verifier`.
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier,
            results: Arc::new(Mutex::new(HashMap::new())),
            accounts: None,
            registry: None,
            flash: FlashStore::default(),
            hospitals: None,
            account_limits: None,
        }
    }

    /// With accounts, sign-in and the board's pages, over `registry` (and its issuer).
    pub fn with_boards(mut self, registry: Registry) -> Self {
        self.accounts = Some(Accounts::new(registry.issuer().clone()));
        self.registry = Some(registry);
        self
    }

    /// With the hospital's pages, over `hospitals` (the same service the hospital API uses).
    pub fn with_hospitals(mut self, hospitals: medcred_hospital::Hospitals) -> Self {
        self.hospitals = Some(hospitals);
        self
    }

    /// With per-account rate limits.
    pub fn with_account_limits(mut self, limits: Arc<dyn AccountLimiter>) -> Self {
        self.account_limits = Some(limits);
        self
    }

    /// `None` to go ahead, else the refusal: `account`'s limit for a `method` request to `path`.
    pub(crate) fn account_limited(
        &self,
        method: &axum::http::Method,
        path: &str,
        account: Account<'_>,
    ) -> Option<axum::response::Response> {
        self.account_limits.as_ref().and_then(|l| l.check(method, path, account))
    }

    fn keep(&self, view: VerdictView) -> String {
        let id = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut kept) = self.results.lock() {
            if kept.len() >= MAX_KEPT {
                kept.retain(|_, (at, _)| at.elapsed() < KEEP_FOR);
                if kept.len() >= MAX_KEPT {
                    kept.clear();
                }
            }
            kept.insert(id.clone(), (Instant::now(), view));
        }
        id
    }
}

/// The pages, the server functions (under `/api/`) and the files of `site_root` (the hydration
/// bundle in `site_root/pkg`, built by `scripts/build-app.sh`; without it the pages still work,
/// unhydrated).
pub fn router(state: AppState, site_root: impl Into<String>) -> Router {
    let options =
        LeptosOptions::builder().output_name("medcred_app").site_root(site_root.into()).site_pkg_dir("pkg").build();
    let routes = generate_route_list(App);
    let context = state.clone();
    let forms = state.accounts.is_some().then(|| crate::portal::routes(state.clone()));
    let mut router = Router::new()
        .leptos_routes_with_context(&options, routes, move || provide_context(context.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options);
    if let Some(forms) = forms {
        router = router.merge(forms);
    }
    router.layer(axum::middleware::from_fn_with_state(state, crate::portal::gate))
}

/// Verify `input` (a credential, else a presentation) under the deployment's policy (issuer
/// trust required) and keep the result for its page; the result's id. Input that is neither is
/// an error for the form.
pub(crate) async fn verify_and_keep(input: &str) -> Result<String, String> {
    let state = use_context::<AppState>().ok_or("the verifier is not available")?;
    if input.len() > MAX_INPUT {
        return Err(format!(
            "That is {} KiB; the most this page accepts is {} KiB.",
            input.len() / 1024,
            MAX_INPUT / 1024
        ));
    }
    if input.trim().is_empty() {
        return Err("Paste a credential or presentation first.".into());
    }
    let policy = Policy { require_trust: true, advisory: Vec::new() };
    let credential = state.verifier.credential(input, &policy).await;
    let now = state.verifier.now().format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let view = if syntax_failed(&credential.checks).is_none() {
        from_credential(&credential, &now)
    } else {
        let presentation = state.verifier.presentation(input, &PresentationExpectations::default(), &policy).await;
        match syntax_failed(&presentation.checks) {
            None => from_presentation(&presentation, &now),
            Some(_) => {
                let why = syntax_failed(&credential.checks).unwrap_or_default();
                return Err(format!("This is not a credential or presentation medcred can read: {why}"));
            }
        }
    };
    Ok(state.keep(view))
}

/// A kept result, if it is still kept.
pub(crate) fn kept(id: &str) -> Option<VerdictView> {
    let state = use_context::<AppState>()?;
    let kept = state.results.lock().ok()?;
    kept.get(id).filter(|(at, _)| at.elapsed() < KEEP_FOR).map(|(_, v)| v.clone())
}

fn syntax_failed(checks: &[medcred_verifier::Check]) -> Option<String> {
    checks.iter().find(|c| c.name == CheckName::Syntax).and_then(|c| match &c.outcome {
        Outcome::Failed { reason } => Some(reason.clone()),
        _ => None,
    })
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::CouldNotCheck => "could_not_check",
    }
}

fn label(name: CheckName, in_presentation: bool) -> String {
    let l = match name {
        CheckName::Syntax => "Readable",
        CheckName::Proof if in_presentation => "Holder's signature",
        CheckName::Proof => "Signature",
        CheckName::IssuerBinding => "Signed with the issuer's own key",
        CheckName::IssuerTrust => "Issuer accredited",
        CheckName::ValidityPeriod => "Within its dates",
        CheckName::Status => "Not revoked or suspended",
        CheckName::Schema => "Required fields",
        CheckName::HolderBinding => "Presented by its holder, for this request",
        CheckName::Credentials => "Credentials inside",
        CheckName::Dcql => "Answers what was asked",
        _ => "Other check",
    };
    l.to_owned()
}

fn checks(list: &[medcred_verifier::Check], in_presentation: bool, prefix: &str) -> Vec<CheckView> {
    list.iter()
        .map(|c| {
            let outcome = match &c.outcome {
                Outcome::Passed => "passed",
                Outcome::Failed { .. } => "failed",
                Outcome::CouldNotCheck { .. } => "could_not_check",
                Outcome::NotApplicable => "not_applicable",
            };
            CheckView {
                name: c.name.as_str().to_owned(),
                label: format!("{prefix}{}", label(c.name, in_presentation)),
                outcome: outcome.to_owned(),
                reason: c.outcome.reason().map(str::to_owned),
                detail: c.detail.clone(),
                advisory: c.advisory,
            }
        })
        .collect()
}

/// Claim names for people, W3C and SD-JWT VC spellings.
const CLAIMS: &[(&str, &str, &str)] = &[
    ("practitionerName", "name", "Name"),
    ("givenName", "given_name", "Given name"),
    ("familyName", "family_name", "Family name"),
    ("birthDate", "birthdate", "Date of birth"),
    ("ageOver18", "age_over_18", "Over 18"),
    ("licenseType", "license_type", "License type"),
    ("licenseNumber", "license_number", "License number"),
    ("jurisdiction", "jurisdiction", "Jurisdiction"),
    ("specialty", "specialty", "Specialty"),
    ("restrictions", "restrictions", "Restrictions"),
    ("originalIssueDate", "original_issue_date", "Licensed since"),
    ("npi", "npi", "NPI"),
    ("multistatePrivilege", "multistate_privilege", "Multistate privilege"),
    ("patientIdentifier", "patient_identifier", "Patient identifier"),
];

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(a) if a.is_empty() => "none".into(),
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn facts(r: &Report) -> (Vec<(String, String)>, Option<String>) {
    let mut out = Vec::new();
    for (w3c, sd, name) in CLAIMS {
        if let Some(v) = r.subject.get(*w3c).or_else(|| r.subject.get(*sd)) {
            out.push(((*name).to_owned(), show(v)));
        }
    }
    let portrait = ["portrait", "picture"]
        .iter()
        .find_map(|k| r.subject.get(*k).and_then(Value::as_str))
        .filter(|s| s.starts_with("data:image/"))
        .map(str::to_owned);
    (out, portrait)
}

fn what(r: &Report) -> Option<String> {
    let t = r.types.iter().rev().find(|t| t.as_str() != "VerifiableCredential")?;
    Some(
        match t.rsplit(['/', ':']).next().unwrap_or(t) {
            "MedicalLicenseCredential" | "MedicalLicense" => "Medical license",
            "PatientIdentityCredential" | "PatientIdentity" => "Patient identity",
            other => other,
        }
        .to_owned(),
    )
}

fn issuer_name(r: &Report) -> Option<String> {
    let trust = r.checks.iter().find(|c| c.name == CheckName::IssuerTrust)?;
    match (&trust.outcome, &trust.detail) {
        (Outcome::Passed, Some(d)) => Some(format!("{} — accredited", d.split(" (").next().unwrap_or(d))),
        _ => r.issuer.clone(),
    }
}

pub(crate) fn from_credential(r: &Report, now: &str) -> VerdictView {
    let (claims, portrait) = facts(r);
    VerdictView {
        verdict: verdict_name(r.verdict).to_owned(),
        kind: "credential".into(),
        format: r.format.map(|f| f.as_str().to_owned()),
        what: what(r),
        issuer: issuer_name(r),
        issuer_did: r.issuer.clone(),
        claims,
        portrait,
        valid_until: r.valid_until.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        status_as_of: r
            .checks
            .iter()
            .find(|c| c.name == CheckName::Status && c.outcome == Outcome::Passed)
            .and_then(|c| c.detail.clone()),
        checked_at: now.to_owned(),
        checks: checks(&r.checks, false, ""),
    }
}

pub(crate) fn from_presentation(p: &PresentationReport, now: &str) -> VerdictView {
    let empty = Report::new(Vec::new());
    let mut view = from_credential(p.credentials.first().unwrap_or(&empty), now);
    view.verdict = verdict_name(p.verdict).to_owned();
    view.kind = "presentation".into();
    view.format = p.format.map(|f| f.as_str().to_owned());
    let mut all = checks(&p.checks, true, "");
    for (i, c) in p.credentials.iter().enumerate() {
        all.extend(checks(&c.checks, false, &format!("Credential {}: ", i + 1)));
    }
    view.checks = all;
    view
}
