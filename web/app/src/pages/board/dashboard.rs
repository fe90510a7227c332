//! `/board`: the board at a glance — credentials issued, active, suspended and revoked; the
//! latest status changes; the board's DID, keys, latest ledger checkpoint and its witnesses.

use leptos::prelude::*;

use super::model::{DashboardView, Guarded};
use super::{guarded, BoardNav};

/// The dashboard's data.
#[server(endpoint = "board-dashboard")]
pub async fn board_dashboard() -> Result<Guarded<DashboardView>, ServerFnError> {
    crate::portal::data::dashboard().await
}

/// The dashboard.
#[component]
pub fn Dashboard() -> impl IntoView {
    let data = Resource::new(|| (), |_| board_dashboard());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { guarded(data.await, |d| view! { <DashboardBody d/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn DashboardBody(d: DashboardView) -> impl IntoView {
    let count = |n: i64, label: &'static str, class: &'static str| {
        view! { <div class=format!("count {class}") data-count=label><span class="n">{n}</span><span class="what">{label}</span></div> }
    };
    let recent = if d.recent.is_empty() {
        view! { <p>"No status changes yet."</p> }.into_any()
    } else {
        let rows = d
            .recent
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <td>{c.at.clone()}</td>
                        <td><strong>{c.what.clone()}</strong></td>
                        <td><a href=format!("/board/credentials/{}", c.credential_id)>{c.name.clone()}</a>
                            {c.license_number.clone().map(|n| format!(" ({n})"))}</td>
                        <td>{c.reason.clone()}</td>
                        <td>{c.actor.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap"><table>
                <thead><tr><th scope="col">"When"</th><th scope="col">"Change"</th><th scope="col">"Credential"</th>
                    <th scope="col">"Reason"</th><th scope="col">"By"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
        .into_any()
    };
    let keys = d
        .keys
        .iter()
        .map(|k| view! { <li><code>{k.id.clone()}</code>" — "{k.status.clone()}", since "{k.created.clone()}</li> })
        .collect_view();
    let checkpoint = match d.checkpoint.clone() {
        None => view! { <dd>"No checkpoint yet (the first status change or list makes one)."</dd> }.into_any(),
        Some(c) => {
            let witnesses = if c.cosignatures == 0 {
                "not yet cosigned by a witness".to_owned()
            } else {
                format!("cosigned by {} witness(es)", c.cosignatures)
            };
            view! {
                <dd id="checkpoint">{format!("{} entries, signed {}", c.size, c.at)}</dd>
                <dt>"Witnesses"</dt><dd id="witnesses">{witnesses}</dd>
                <dt>"Chain anchor"</dt><dd>{c.anchor.clone().unwrap_or_else(|| "not anchored".into())}</dd>
            }
            .into_any()
        }
    };
    view! {
        <h1>{d.board_name.clone()}</h1>
        <BoardNav current="dashboard"/>
        <section class="counts" aria-label="Credentials">
            {count(d.issued, "issued", "")}
            {count(d.active, "active", "ok")}
            {count(d.suspended, "suspended", "warn")}
            {count(d.revoked, "revoked", "bad")}
        </section>
        <p><a href="/board/issue" class="button">"Issue a license"</a>" "
           <a href="/board/credentials" class="button secondary">"Find a credential"</a></p>
        <h2>"Recent status changes"</h2>
        {recent}
        <h2>"Identity and ledger"</h2>
        <dl class="facts-list">
            <dt>"DID"</dt><dd><code id="board-did">{d.did.clone()}</code>" "
                <a href=format!("/public/boards/{}", d.slug) id="public-page">"Public page and ledger explorer"</a></dd>
            <dt>"Keys"</dt><dd><ul class="plain">{keys}</ul></dd>
            <dt>"Latest checkpoint"</dt>
            {checkpoint}
        </dl>
    }
}
