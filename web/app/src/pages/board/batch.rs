//! `/board/batch`: issue a batch of licenses from CSV (pasted, or read from a chosen file), with a
//! progress bar that follows the run (the page reloads itself every second until it is done, so it
//! moves with or without JavaScript) and a downloadable per-row error report.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::model::{BatchJobView, BatchView, Guarded};
use super::{guarded, BoardNav};
use crate::pages::account::whoami;

/// The CSV's columns (as `medcred issue-bulk` and the API read them).
pub const COLUMNS: &str = "practitioner_name, license_type, license_number, jurisdiction, original_issue_date, \
                           valid_from, valid_until, specialty, restrictions, npi, multistate_privilege, holder_did";

/// The batch page's data (`job`: a run; `f`: a refused start).
#[server(endpoint = "board-batch")]
pub async fn board_batch(job: Option<String>, f: Option<String>) -> Result<Guarded<BatchView>, ServerFnError> {
    crate::portal::data::batch(job, f).await
}

/// The batch page.
#[component]
pub fn BatchPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || (query.read().get("job"), query.read().get("f")), |(job, f)| board_batch(job, f));
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let csrf = me.await.ok().flatten().map(|m| m.csrf).unwrap_or_default();
                guarded(data.await, |b| view! { <Batch b csrf/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Job(j: BatchJobView) -> impl IntoView {
    let handled = j.issued + j.skipped + j.failed;
    let state = if !j.done {
        "Issuing…"
    } else if j.error.is_some() {
        "Stopped"
    } else {
        "Done"
    };
    let rows = j
        .rows
        .iter()
        .map(|(line, number, why)| view! { <tr><td>{*line}</td><td>{number.clone()}</td><td>{why.clone()}</td></tr> })
        .collect_view();
    view! {
        <section class="job" aria-live="polite" id="batch-job" data-done=j.done.to_string()>
            <h2>{state}</h2>
            <progress id="batch-progress" max=j.total.max(1) value=handled aria-label="Rows handled"></progress>
            <p id="batch-counts">{format!(
                "{handled} of {} rows: {} issued, {} already issued before (skipped), {} refused.",
                j.total, j.issued, j.skipped, j.failed
            )}</p>
            {j.error.clone().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {j.has_report.then(|| view! {
                <p><a class="button secondary" id="batch-report" href=format!("/board/batch/errors.csv?job={}", j.id)
                    rel="external" download="batch-errors.csv">"Download the error report (CSV)"</a></p>
            })}
            {(!j.rows.is_empty()).then(|| view! {
                <div class="table-wrap"><table id="batch-errors">
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"License number"</th><th scope="col">"What is wrong"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            })}
        </section>
    }
}

#[component]
fn Batch(b: BatchView, csrf: String) -> impl IntoView {
    view! {
        <h1>"Issue a batch from CSV"</h1>
        <BoardNav current="batch"/>
        {b.error.clone().map(|e| view! { <p class="error" role="alert" id="batch-error">{e}</p> })}
        {b.job.clone().map(|j| view! { <Job j/> })}
        <form method="post" action="/board/actions/batch" class="stack" id="batch-form">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="batch-file">"CSV file"</label>
            <input type="file" id="batch-file" accept=".csv,text/csv" on:change=load_file/>
            <label for="batch-csv">"…or paste the CSV"</label>
            <p class="hint" id="batch-hint">{format!("A header line, then one license per line. Columns: {COLUMNS}. Up to about 2 MB here; larger files go through the command line (medcred issue-bulk) or the API. Rows issued by an earlier run are skipped.")}</p>
            <textarea id="batch-csv" name="csv" rows="8" spellcheck="false" aria-describedby="batch-hint"></textarea>
            <label for="batch-format">"Format"</label>
            <select id="batch-format" name="format">
                <option value="eddsa-rdfc-2022">"Data Integrity (eddsa-rdfc-2022)"</option>
                <option value="eddsa-jcs-2022">"Data Integrity (eddsa-jcs-2022)"</option>
                <option value="vc+jwt">"JWT (vc+jwt)"</option>
                <option value="dc+sd-jwt">"SD-JWT VC (dc+sd-jwt)"</option>
            </select>
            <button type="submit" id="batch-submit">"Issue the batch"</button>
        </form>
    }
}

/// Put the chosen file's text into the textarea (in the browser; without JavaScript, paste).
#[allow(unused_variables)]
fn load_file(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use web_sys::{FileReader, HtmlInputElement, HtmlTextAreaElement};
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let Ok(reader) = FileReader::new() else { return };
        let r = reader.clone();
        let done = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let text = r.result().ok().and_then(|v| v.as_string()).unwrap_or_default();
            let area = leptos::prelude::document()
                .get_element_by_id("batch-csv")
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
            if let Some(area) = area {
                area.set_value(&text);
            }
        });
        reader.set_onload(Some(done.as_ref().unchecked_ref()));
        done.forget();
        let _ = reader.read_as_text(&file);
    }
}
