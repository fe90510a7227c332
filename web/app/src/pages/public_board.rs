//! `/public/boards/:slug`: a board's public page, no sign-in — its DID document, its status lists
//! and its ledger (the newest checkpoint, recent checkpoints with their cosignatures and chain
//! anchors), with an inclusion proof lookup (`?list=N&purpose=revocation|suspension`, a GET form)
//! that checks a list's proof bundle on the server and shows each step. Only the board's public
//! material is shown: nothing about the people it licensed.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::pages::not_found::NotFound;

/// One key of the DID document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicKeyView {
    /// Verification method id.
    pub id: String,
    /// active, retired, removed.
    pub status: String,
    /// Created.
    pub created: String,
}

/// One status list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicListView {
    /// The list's number.
    pub number: i64,
    /// Entries per bitstring.
    pub entries: i64,
    /// Last status change.
    pub updated: String,
}

/// One checkpoint of the board's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicCheckpointView {
    /// Tree size.
    pub size: i64,
    /// Root hash, hex.
    pub root: String,
    /// Signed at.
    pub at: String,
    /// The witnesses that cosigned (key names).
    pub witnesses: Vec<String>,
    /// Chain anchor, when anchored.
    pub anchor: Option<String>,
}

/// The board's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicLedgerView {
    /// The checkpoint origin.
    pub origin: String,
    /// The log's note verifier key.
    pub key: String,
    /// The newest checkpoint's note, as served (with its signature lines).
    pub note: Option<String>,
    /// Recent checkpoints, newest first.
    pub checkpoints: Vec<PublicCheckpointView>,
}

/// One step of an inclusion proof check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofStep {
    /// What was checked.
    pub what: String,
    /// Whether it held.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// The result of an inclusion proof lookup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofLookupView {
    /// The list asked for.
    pub list: String,
    /// revocation or suspension.
    pub purpose: String,
    /// Every step held.
    pub verified: bool,
    /// Why nothing was checked (a bad list number, no such list), if so.
    pub refused: Option<String>,
    /// The steps, in order.
    pub steps: Vec<ProofStep>,
}

/// A board's public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicBoardView {
    /// Display name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// DID.
    pub did: String,
    /// The DID document, pretty-printed.
    pub did_document: String,
    /// Its keys.
    pub keys: Vec<PublicKeyView>,
    /// Status lists.
    pub lists: Vec<PublicListView>,
    /// The log, when it has one.
    pub ledger: Option<PublicLedgerView>,
    /// The inclusion proof lookup, when asked.
    pub proof: Option<ProofLookupView>,
}

/// The page's data; `None` for a board that does not exist.
#[server(endpoint = "public-board")]
pub async fn public_board(
    slug: String,
    list: Option<String>,
    purpose: Option<String>,
) -> Result<Option<PublicBoardView>, ServerFnError> {
    crate::portal::public::board(slug, list, purpose).await
}

/// The page.
#[component]
pub fn PublicBoardPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (params.read().get("slug").unwrap_or_default(), q.get("list"), q.get("purpose"))
        },
        |(slug, list, purpose)| public_board(slug, list, purpose),
    );
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(b)) => view! { <Body b/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{crate::pages::board::plain_error(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Body(b: PublicBoardView) -> impl IntoView {
    let base = format!("/boards/{}", b.slug);
    let keys = b
        .keys
        .iter()
        .map(|k| view! { <li><code>{k.id.clone()}</code>" — "{k.status.clone()}", since "{k.created.clone()}</li> })
        .collect_view();
    let lists = if b.lists.is_empty() {
        view! { <p>"No status lists yet."</p> }.into_any()
    } else {
        let rows = b
            .lists
            .iter()
            .map(|l| {
                let at = format!("{base}/status/{}", l.number);
                view! {
                    <tr>
                        <th scope="row">{l.number}</th>
                        <td>{l.entries}</td>
                        <td>{l.updated.clone()}</td>
                        <td>
                            <a href=format!("{at}/revocation")>"revocation"</a>", "
                            <a href=format!("{at}/suspension")>"suspension"</a>", "
                            <a href=format!("{at}/token")>"token list"</a>
                        </td>
                        <td>
                            <a href=format!("{at}/revocation/bundle")>"revocation"</a>", "
                            <a href=format!("{at}/suspension/bundle")>"suspension"</a>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap"><table id="status-lists">
                <thead><tr><th scope="col">"List"</th><th scope="col">"Entries"</th><th scope="col">"Last change"</th>
                    <th scope="col">"Lists"</th><th scope="col">"Proof bundles"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    let ledger = match b.ledger.clone() {
        None => view! { <p>"This board has no ledger yet."</p> }.into_any(),
        Some(l) => view! { <Ledger l base=base.clone()/> }.into_any(),
    };
    let first_list = b.lists.first().map(|l| l.number.to_string()).unwrap_or_else(|| "0".into());
    let (list_value, purpose_value) = match &b.proof {
        Some(p) => (p.list.clone(), p.purpose.clone()),
        None => (first_list, "revocation".to_owned()),
    };
    let option = |v: &'static str, current: &str| {
        let selected = current == v;
        view! { <option value=v selected=selected>{v}</option> }
    };
    view! {
        <h1>{b.name.clone()}</h1>
        <p class="lead">"This board's public material: its identity, its status lists and its ledger. Anyone can check them; nothing here is about the people it licensed."</p>
        <h2>"Identity"</h2>
        <dl class="facts-list">
            <dt>"DID"</dt><dd><code id="public-did">{b.did.clone()}</code></dd>
            <dt>"Keys"</dt><dd><ul class="plain">{keys}</ul></dd>
            <dt>"Raw"</dt><dd><a href=format!("{base}/did.json")>"did.json"</a></dd>
        </dl>
        <details>
            <summary>"The DID document"</summary>
            <pre class="json" id="did-document" tabindex="0">{b.did_document.clone()}</pre>
        </details>
        <h2>"Status lists"</h2>
        {lists}
        <h2>"Ledger"</h2>
        {ledger}
        <h2 id="proof">"Check a list against the ledger"</h2>
        <p>"The server fetches the list's proof bundle and checks it here: the list's bits, the snapshot that records them, the inclusion proof to the checkpoint and the board's signature on the checkpoint."</p>
        <form method="get" action=format!("/public/boards/{}#proof", b.slug) class="row-form">
            <label for="proof-list">"List number"</label>
            <input type="text" id="proof-list" name="list" inputmode="numeric" value=list_value maxlength="19" required/>
            <label for="proof-purpose">"Purpose"</label>
            <select id="proof-purpose" name="purpose">
                {option("revocation", &purpose_value)}
                {option("suspension", &purpose_value)}
            </select>
            <button type="submit" id="proof-submit">"Check"</button>
        </form>
        {b.proof.clone().map(|p| view! { <ProofResult p/> })}
    }
}

#[component]
fn Ledger(l: PublicLedgerView, base: String) -> impl IntoView {
    let newest = l.checkpoints.first().cloned();
    let witness_text = |w: &[String]| {
        if w.is_empty() {
            "none yet".to_owned()
        } else {
            format!("{} ({})", w.len(), w.join(", "))
        }
    };
    let rows = l
        .checkpoints
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.size}</th>
                    <td>{c.at.clone()}</td>
                    <td><code>{c.root.chars().take(16).collect::<String>()}"…"</code></td>
                    <td>{witness_text(&c.witnesses)}</td>
                    <td>{c.anchor.clone().unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="facts-list">
            <dt>"Origin"</dt><dd><code>{l.origin.clone()}</code></dd>
            <dt>"Log key"</dt><dd><code id="log-key">{l.key.clone()}</code></dd>
            <dt>"Size"</dt><dd id="ledger-size">{newest.as_ref().map(|c| format!("{} {}", c.size, if c.size == 1 { "entry" } else { "entries" })).unwrap_or_else(|| "no checkpoint yet".into())}</dd>
            <dt>"Signed"</dt><dd>{newest.as_ref().map(|c| c.at.clone())}</dd>
            <dt>"Witnesses"</dt><dd id="ledger-witnesses">{newest.as_ref().map(|c| witness_text(&c.witnesses))}</dd>
            <dt>"Chain anchor"</dt><dd>{newest.as_ref().map(|c| c.anchor.clone().unwrap_or_else(|| "not anchored".into()))}</dd>
            <dt>"Raw"</dt><dd><a href=format!("{base}/log/checkpoint")>"checkpoint"</a>", "<a href=format!("{base}/log/checkpoints")>"recent checkpoints"</a></dd>
        </dl>
        {l.note.clone().map(|n| view! {
            <p>"The newest checkpoint, signed by the log key:"</p>
            <pre class="note" id="checkpoint-note" tabindex="0">{n}</pre>
        })}
        <h3>"Recent checkpoints"</h3>
        <div class="table-wrap"><table id="checkpoints">
            <thead><tr><th scope="col">"Size"</th><th scope="col">"Signed"</th><th scope="col">"Root"</th>
                <th scope="col">"Witnesses"</th><th scope="col">"Chain anchor"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
}

#[component]
fn ProofResult(p: ProofLookupView) -> impl IntoView {
    if let Some(why) = p.refused.clone() {
        return view! { <p class="error" role="alert" id="proof-result" data-result="refused">{why}</p> }.into_any();
    }
    let steps = p
        .steps
        .iter()
        .map(|s| {
            let (mark, word) = if s.ok { ("✓", "holds") } else { ("✗", "fails") };
            view! {
                <li data-ok=s.ok.to_string()>
                    <span aria-hidden="true">{mark}" "</span><strong>{s.what.clone()}</strong>
                    <span class="visually-hidden">{format!(" ({word})")}</span>": "{s.detail.clone()}
                </li>
            }
        })
        .collect_view();
    let (class, text) = if p.verified {
        ("badge ok", format!("Verified: list {} ({}) is in the board's ledger, as served.", p.list, p.purpose))
    } else {
        (
            "badge bad",
            format!("Not verified: list {} ({}) could not be shown in the board's ledger.", p.list, p.purpose),
        )
    };
    view! {
        <section aria-labelledby="proof-result" class="proof-result">
            <p id="proof-result" role="status" data-result=if p.verified { "verified" } else { "failed" }>
                <span class=class>{text}</span>
            </p>
            <ol class="steps">{steps}</ol>
        </section>
    }
    .into_any()
}
