//! `/board/credentials/{id}`: one of the board's credentials — details, status history, an offer
//! to the holder's wallet, and (board admins only) revoke, suspend or reinstate with a reason and
//! an explicit confirmation. Each action is a plain form post.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::model::{CredentialView, Guarded, Me};
use super::{guarded, BoardNav, StateBadge};
use crate::pages::account::whoami;

/// A credential's page data (`f`: what a post just did).
#[server(endpoint = "board-credential")]
pub async fn board_credential(id: String, f: Option<String>) -> Result<Guarded<CredentialView>, ServerFnError> {
    crate::portal::data::credential(id, f).await
}

/// The credential's page.
#[component]
pub fn CredentialPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), query.read().get("f")),
        |(id, f)| board_credential(id, f),
    );
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                guarded(data.await, |c| view! { <Credential c me/> }.into_any())
            })}
        </Suspense>
    }
}

/// One status action: a disclosure with the reason, the confirmation and the button.
fn action(id: &str, csrf: &str, act: &'static str, title: &'static str, confirm: &'static str) -> impl IntoView {
    view! {
        <details class="action" id=format!("action-{act}")>
            <summary>{title}"…"</summary>
            <form method="post" action="/board/actions/status" class="stack">
                <input type="hidden" name="csrf" value=csrf.to_owned()/>
                <input type="hidden" name="credential_id" value=id.to_owned()/>
                <input type="hidden" name="action" value=act/>
                <label for=format!("reason-{act}")>"Reason (kept with the change)"</label>
                <textarea id=format!("reason-{act}") name="reason" rows="2" required=true maxlength="1000"></textarea>
                <div class="check">
                    <input type="checkbox" id=format!("confirm-{act}") name="confirm" value="yes" required=true/>
                    <label for=format!("confirm-{act}")>{confirm}</label>
                </div>
                <button type="submit" class=if act == "revoke" { "danger" } else { "" } id=format!("submit-{act}")>{title}</button>
            </form>
        </details>
    }
}

#[component]
fn Credential(c: CredentialView, me: Option<Me>) -> impl IntoView {
    let s = c.summary.clone();
    let csrf = me.as_ref().map(|m| m.csrf.clone()).unwrap_or_default();
    let admin = me.as_ref().is_some_and(Me::is_board_admin);
    let history = if c.history.is_empty() {
        view! { <p>"No status changes: it is as issued."</p> }.into_any()
    } else {
        let rows = c
            .history
            .iter()
            .map(|h| {
                view! {
                    <tr><td>{h.at.clone()}</td><td><strong>{h.what.clone()}</strong></td><td>{h.reason.clone()}</td>
                        <td>{h.actor.clone()}</td><td>{h.leaf_index}</td></tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap"><table id="history">
                <thead><tr><th scope="col">"When"</th><th scope="col">"Change"</th><th scope="col">"Reason"</th>
                    <th scope="col">"By"</th><th scope="col">"Ledger entry"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    let actions = if s.state == "no status" {
        view! { <p>"This credential was issued without a status entry: it cannot be revoked or suspended."</p> }
            .into_any()
    } else if s.state == "revoked" {
        view! { <p>"Revoked for good: no further status change is possible."</p> }.into_any()
    } else if !admin {
        view! { <p class="hint" id="admin-only">"Only a board administrator can revoke, suspend or reinstate."</p> }
            .into_any()
    } else {
        let id = s.id.clone();
        view! {
            <div class="actions">
                {(s.state == "suspended").then(|| action(&id, &csrf, "reinstate", "Reinstate", "I confirm: lift the suspension."))}
                {(s.state != "suspended").then(|| action(&id, &csrf, "suspend", "Suspend", "I confirm: suspend this credential until it is reinstated."))}
                {action(&id, &csrf, "revoke", "Revoke", "I confirm: revoke this credential for good. This cannot be undone.")}
            </div>
        }
        .into_any()
    };
    let offerable = matches!(s.state.as_str(), "active" | "no status");
    view! {
        <h1>{s.name.clone()}</h1>
        <BoardNav current=""/>
        {c.notice.clone().map(|n| view! { <p class="notice" role="status" id="notice">{n}</p> })}
        {c.error.clone().map(|e| view! { <p class="error" role="alert" id="action-error">{e}</p> })}
        <dl class="facts-list" id="credential">
            <dt>"Status"</dt><dd><StateBadge state=s.state.clone()/></dd>
            <dt>"Kind"</dt><dd>{if s.kind == "license" { "Medical license".to_owned() } else { s.kind.clone() }}</dd>
            <dt>"License number"</dt><dd>{s.license_number.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Jurisdiction"</dt><dd>{s.jurisdiction.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Issued"</dt><dd>{s.issued.clone()}</dd>
            <dt>"Valid until"</dt><dd>{s.valid_until.clone().unwrap_or_else(|| "no end date".into())}</dd>
            <dt>"Format"</dt><dd>{s.format.clone()}</dd>
            <dt>"Id"</dt><dd><code>{s.id.clone()}</code></dd>
            <dt>"Status entry"</dt><dd>{c.slot.clone().unwrap_or_else(|| "none".into())}</dd>
        </dl>
        <h2>"Offer to the holder's wallet"</h2>
        {if offerable {
            view! {
                <form method="post" action="/board/actions/offer" class="row-form" id="offer-form">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="credential_id" value=s.id.clone()/>
                    <label for="offer-format">"Format for the wallet"</label>
                    <select id="offer-format" name="format">
                        <option value="dc+sd-jwt">"SD-JWT VC (selective disclosure)"</option>
                        <option value="ldp_vc">"Data Integrity (eddsa-rdfc-2022)"</option>
                        <option value="jwt_vc_json">"JWT (vc+jwt)"</option>
                    </select>
                    <button type="submit" id="offer-submit">"Make an offer (QR code and PIN)"</button>
                </form>
            }.into_any()
        } else {
            view! { <p>"Only an active credential can be offered."</p> }.into_any()
        }}
        <h2>"Status"</h2>
        {actions}
        <h2>"Status history"</h2>
        {history}
    }
}
