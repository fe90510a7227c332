//! The verdict screen, readable in two seconds from across a desk: a large VALID / NOT VALID /
//! COULD NOT CHECK banner (words and a symbol, not colour alone), then who, what, from whom, until
//! when and the status "as of", then every check with its outcome and, for failures, the reason.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One check as the screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    /// The check's machine name (`issuer_binding`).
    pub name: String,
    /// Its name for people ("Signed by the issuer's key").
    pub label: String,
    /// `passed`, `failed`, `could_not_check` or `not_applicable`.
    pub outcome: String,
    /// Why it failed or could not run.
    pub reason: Option<String>,
    /// What was looked at.
    pub detail: Option<String>,
    /// Reported but not counted toward the verdict.
    pub advisory: bool,
}

/// What the screen shows about one verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictView {
    /// `valid`, `invalid` or `could_not_check`.
    pub verdict: String,
    /// `credential` or `presentation`.
    pub kind: String,
    /// The securing format.
    pub format: Option<String>,
    /// The credential type, for people ("Medical license").
    pub what: Option<String>,
    /// The issuer: its accredited name when the trust list has it, else its DID.
    pub issuer: Option<String>,
    /// The issuer's DID.
    pub issuer_did: Option<String>,
    /// The disclosed claims, in order, for people.
    pub claims: Vec<(String, String)>,
    /// A disclosed portrait (a `data:image/...` URL), if any.
    pub portrait: Option<String>,
    /// End of validity.
    pub valid_until: Option<String>,
    /// What the status was proven against (checkpoint, witnesses), when it was.
    pub status_as_of: Option<String>,
    /// When the verification ran.
    pub checked_at: String,
    /// Every check.
    pub checks: Vec<CheckView>,
}

fn banner(verdict: &str) -> (&'static str, &'static str, &'static str) {
    match verdict {
        "valid" => ("verdict valid", "✓", "VALID"),
        "invalid" => ("verdict invalid", "✗", "NOT VALID"),
        _ => ("verdict unknown", "?", "COULD NOT CHECK"),
    }
}

fn outcome_words(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "passed" => ("✓", "passed"),
        "failed" => ("✗", "failed"),
        "could_not_check" => ("?", "could not check"),
        _ => ("–", "not applicable"),
    }
}

/// The verdict screen.
#[component]
pub fn Verdict(view: VerdictView) -> impl IntoView {
    let (class, symbol, words) = banner(&view.verdict);
    let summary = match view.verdict.as_str() {
        "valid" => "Every check passed.".to_owned(),
        "invalid" => {
            let why: Vec<String> = view
                .checks
                .iter()
                .filter(|c| c.outcome == "failed" && !c.advisory)
                .map(|c| format!("{}: {}", c.label, c.reason.clone().unwrap_or_default()))
                .collect();
            why.join(" · ")
        }
        _ => {
            let why: Vec<String> = view
                .checks
                .iter()
                .filter(|c| c.outcome == "could_not_check" && !c.advisory)
                .map(|c| format!("{}: {}", c.label, c.reason.clone().unwrap_or_default()))
                .collect();
            format!("Do not rely on this credential yet. {}", why.join(" · "))
        }
    };
    let claims = view.claims.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view();
    let checks = view
        .checks
        .iter()
        .map(|c| {
            let (sym, word) = outcome_words(&c.outcome);
            let row = format!("check {}", c.outcome.replace('_', "-"));
            view! {
                <li class=row data-check=c.name.clone()>
                    <span class="sym" aria-hidden="true">{sym}</span>
                    <span class="label">{c.label.clone()}</span>
                    <span class="word">{word}{c.advisory.then_some(" (advisory)")}</span>
                    {c.reason.clone().map(|r| view! { <p class="reason">{r}</p> })}
                    {c.detail.clone().map(|d| view! { <p class="detail">{d}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="result" aria-live="polite">
            <div class=class role="status" data-verdict=view.verdict.clone()>
                <span class="symbol" aria-hidden="true">{symbol}</span>
                <span class="words">{words}</span>
                <p class="summary">{summary}</p>
            </div>
            <div class="facts">
                {view.portrait.clone().map(|src| view! { <img class="portrait" src=src alt="Portrait disclosed by the holder"/> })}
                <dl>
                    <dt>"What"</dt><dd>{view.what.clone().unwrap_or_else(|| "a credential".into())}</dd>
                    {claims}
                    <dt>"From"</dt><dd>{view.issuer.clone().unwrap_or_else(|| "unknown issuer".into())}</dd>
                    <dt>"Valid until"</dt><dd>{view.valid_until.clone().unwrap_or_else(|| "no end date".into())}</dd>
                    <dt>"Status as of"</dt><dd>{view.status_as_of.clone().unwrap_or_else(|| "not proven".into())}</dd>
                    <dt>"Checked at"</dt><dd>{view.checked_at.clone()}</dd>
                </dl>
            </div>
            <h2>"Every check"</h2>
            <ol class="checks">{checks}</ol>
        </section>
    }
}
