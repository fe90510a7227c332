//! `/board/issue`: issue one license. A plain form post to `/board/actions/issue`; when the
//! issuer's checks refuse it, the form comes back with what was typed and each message next to
//! its field (the same messages the VC-API answers with).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::model::{Guarded, IssueFormView};
use super::{guarded, BoardNav};
use crate::pages::account::whoami;

/// The form's data (`f`: the id of a refused post's values and errors).
#[server(endpoint = "board-issue-form")]
pub async fn board_issue_form(f: Option<String>) -> Result<Guarded<IssueFormView>, ServerFnError> {
    crate::portal::data::issue_form(f).await
}

/// The issue page.
#[component]
pub fn IssuePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("f"), board_issue_form);
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let csrf = me.await.ok().flatten().map(|m| m.csrf).unwrap_or_default();
                guarded(data.await, |form| view! { <IssueForm form csrf/> }.into_any())
            })}
        </Suspense>
    }
}

/// One labelled field with its message.
fn field(
    form: &IssueFormView,
    name: &'static str,
    label: &'static str,
    input: AnyView,
    hint: Option<&'static str>,
) -> impl IntoView {
    let error = form.error(name);
    let invalid = error.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=format!("f-{name}")>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("hint-{name}")>{h}</p> })}
            {input}
            {error.map(|e| view! { <p class="field-error" id=format!("err-{name}")>{e}</p> })}
        </div>
    }
}

fn described(form: &IssueFormView, name: &str, hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("hint-{name}"));
    }
    if form.error(name).is_some() {
        ids.push(format!("err-{name}"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn text(form: &IssueFormView, name: &'static str, kind: &'static str, required: bool, hint: bool) -> AnyView {
    view! {
        <input type=kind id=format!("f-{name}") name=name value=form.value(name) required=required
            aria-invalid=form.error(name).map(|_| "true") aria-describedby=described(form, name, hint)/>
    }
    .into_any()
}

#[component]
fn IssueForm(form: IssueFormView, csrf: String) -> impl IntoView {
    let chosen = form.value("licenseType");
    let types = form
        .license_types
        .iter()
        .map(|(code, label)| {
            let selected = *code == chosen;
            view! { <option value=code.clone() selected=selected>{format!("{code} — {label}")}</option> }
        })
        .collect_view();
    let license_type = view! {
        <select id="f-licenseType" name="licenseType" required=true
            aria-invalid=form.error("licenseType").map(|_| "true") aria-describedby=described(&form, "licenseType", false)>
            <option value="" selected=chosen.is_empty()>"Choose…"</option>
            {types}
        </select>
    }
    .into_any();
    let restrictions = view! {
        <textarea id="f-restrictions" name="restrictions" rows="3" aria-describedby=described(&form, "restrictions", true)>
            {form.value("restrictions")}
        </textarea>
    }
    .into_any();
    let multistate = form.value("multistatePrivilege") == "yes";
    let chosen_format = form.value("format");
    let formats = [
        ("eddsa-rdfc-2022", "Data Integrity (eddsa-rdfc-2022)"),
        ("eddsa-jcs-2022", "Data Integrity (eddsa-jcs-2022)"),
        ("vc+jwt", "JWT (vc+jwt)"),
        ("dc+sd-jwt", "SD-JWT VC (dc+sd-jwt)"),
    ]
    .into_iter()
    .map(|(v, l)| view! { <option value=v selected=chosen_format == v>{l}</option> })
    .collect_view();
    let format = view! { <select id="f-format" name="format">{formats}</select> }.into_any();
    let general = form.error("general");
    view! {
        <h1>"Issue a license"</h1>
        <BoardNav current="issue"/>
        {general.map(|g| view! { <p class="error" role="alert" id="issue-error">{g}</p> })}
        {(!form.errors.is_empty()).then(|| view! {
            <p class="error" role="alert" id="issue-errors">"Some fields need attention: see the messages below each one."</p>
        })}
        <form method="post" action="/board/actions/issue" class="stack" id="issue-form" novalidate=true>
            <input type="hidden" name="csrf" value=csrf/>
            {field(&form, "practitionerName", "Practitioner's full name", text(&form, "practitionerName", "text", true, false), None)}
            {field(&form, "licenseType", "License type", license_type, None)}
            {field(&form, "licenseNumber", "License number", text(&form, "licenseNumber", "text", true, true),
                Some("Letters, digits, '-', '.' or '/', as on the license."))}
            {field(&form, "jurisdiction", "Jurisdiction", text(&form, "jurisdiction", "text", true, true),
                Some("ISO 3166-2 code of the state, e.g. US-NJ."))}
            {field(&form, "originalIssueDate", "First licensed on", text(&form, "originalIssueDate", "date", true, false), None)}
            {field(&form, "validUntil", "Valid until", text(&form, "validUntil", "date", true, true),
                Some("The license expires at the end of this day (UTC)."))}
            {field(&form, "specialty", "Specialty (optional)", text(&form, "specialty", "text", false, false), None)}
            {field(&form, "restrictions", "Restrictions (optional)", restrictions, Some("One per line; leave empty when unrestricted."))}
            {field(&form, "npi", "NPI (optional)", text(&form, "npi", "text", false, true), Some("10-digit National Provider Identifier."))}
            <div class="field check" class:invalid=form.error("multistatePrivilege").is_some()>
                <input type="checkbox" id="f-multistatePrivilege" name="multistatePrivilege" value="yes" checked=multistate
                    aria-describedby=described(&form, "multistatePrivilege", false)/>
                <label for="f-multistatePrivilege">"Multistate privilege (Nurse Licensure Compact)"</label>
                {form.error("multistatePrivilege").map(|e| view! { <p class="field-error" id="err-multistatePrivilege">{e}</p> })}
            </div>
            {field(&form, "format", "Format", format, None)}
            <button type="submit" id="issue-submit">"Issue license"</button>
        </form>
    }
}
