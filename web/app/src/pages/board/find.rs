//! `/board/credentials?q=`: find one of the board's credentials by the holder's name or the
//! license number (a GET form: the search is a link one can share with a colleague).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::model::{Guarded, SearchView};
use super::{guarded, BoardNav, StateBadge};

/// Search results.
#[server(endpoint = "board-search")]
pub async fn board_search(q: String) -> Result<Guarded<SearchView>, ServerFnError> {
    crate::portal::data::search(q).await
}

/// The search page.
#[component]
pub fn FindPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("q").unwrap_or_default(), board_search);
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { guarded(data.await, |s| view! { <Results s/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn Results(s: SearchView) -> impl IntoView {
    let rows = s
        .results
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td><a href=format!("/board/credentials/{}", c.id)>{c.name.clone()}</a></td>
                    <td>{c.license_number.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{c.jurisdiction.clone().unwrap_or_else(|| "—".into())}</td>
                    <td><StateBadge state=c.state.clone()/></td>
                    <td>{c.issued.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let summary = match (s.q.is_empty(), s.results.len()) {
        (true, n) => format!("The {n} most recent credentials."),
        (false, 0) => format!("Nothing matches “{}”.", s.q),
        (false, n) => format!("{n} match(es) for “{}”.", s.q),
    };
    view! {
        <h1>"Find a credential"</h1>
        <BoardNav current="find"/>
        <form method="get" action="/board/credentials" class="search" role="search">
            <label for="find-q">"Holder's name or license number"</label>
            <div class="row">
                <input type="search" id="find-q" name="q" value=s.q.clone() maxlength="200"/>
                <button type="submit" id="find-submit">"Search"</button>
            </div>
        </form>
        <p role="status" id="find-summary">{summary}</p>
        {(!s.results.is_empty()).then(|| view! {
            <div class="table-wrap"><table id="find-results">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"License number"</th><th scope="col">"Jurisdiction"</th>
                    <th scope="col">"Status"</th><th scope="col">"Issued"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        })}
    }
}
