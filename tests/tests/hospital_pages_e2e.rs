//! The hospital's pages over HTTP, on a real server with both databases: each hospital sees only
//! its own presentation requests, verifications and receipts (another hospital's are "not
//! found", 404, in the pages, their server functions and the form posts alike); board staff get
//! 403; strangers are sent to sign in; form posts need the session's CSRF token.

use std::time::Duration;

use medcred_app::auth::{Accounts, NewUser};
use medcred_hospital::create_hospital;
use medcred_store::{OrgKind, UserRole};
use medcred_tests::{start_trusted, Backend, Server};
use reqwest::header::{CONTENT_DISPOSITION, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

async fn person(server: &Server, kind: OrgKind, org: &str, email: &str, role: UserRole) {
    let new = NewUser {
        org_kind: kind,
        org_slug: org.into(),
        email: email.into(),
        name: Some(format!("Name of {email}")),
        role,
        password: Some(PASSWORD.to_owned().into()),
    };
    Accounts::new(server.issuer.clone()).add_user(new).await.expect("add user");
}

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn location(r: &Response) -> String {
    r.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Sign in; the `Cookie` header value to send afterwards.
async fn session(server: &Server, email: &str) -> String {
    let r = client()
        .post(format!("{}/session/signin", server.url))
        .header(ORIGIN, &server.url)
        .form(&[("email", email), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie").to_owned();
    set.split(';').next().expect("name=value").to_owned()
}

async fn get(server: &Server, cookie: Option<&str>, path: &str) -> Response {
    let mut req = client().get(format!("{}{path}", server.url));
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    req.send().await.expect("get")
}

async fn post(server: &Server, cookie: &str, path: &str, form: &[(&str, &str)]) -> Response {
    client()
        .post(format!("{}{path}", server.url))
        .header(COOKIE, cookie)
        .header(ORIGIN, &server.url)
        .form(form)
        .send()
        .await
        .expect("post")
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("a form with a CSRF token");
    let rest = &html[at..];
    let v = rest.find("value=\"").expect("value") + 7;
    rest[v..v + rest[v..].find('"').expect("end")].to_owned()
}

/// A request and a verification of St Mary's, made through the hospital API with its token.
async fn st_marys_records(server: &Server, token: &str) -> (String, String) {
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{}/hospitals/st-mary/presentation-requests", server.url))
        .bearer_auth(token)
        .json(&json!({"template": "rn_license"}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let request = created["id"].as_str().expect("request id").to_owned();
    let license = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "Mary Seacole", "licenseType": "RN", "licenseNumber": "RN-1",
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-03-01"}
    });
    let issued: Value = http
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": license, "options": {"format": "eddsa-jcs-2022"}}))
        .send()
        .await
        .expect("issue")
        .json()
        .await
        .expect("json");
    let verified: Value = http
        .post(format!("{}/hospitals/st-mary/verifications", server.url))
        .bearer_auth(token)
        .json(&json!({"verifiableCredential": issued["verifiableCredential"]}))
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(verified["verdict"], "valid", "{verified:#}");
    let verification = verified["id"].as_str().expect("id").trim_start_matches("urn:uuid:").to_owned();
    (request, verification)
}

async fn scoped(backend: Backend) {
    let server = start_trusted(backend).await.expect("server");
    let mary = create_hospital(&server.issuer, "st-mary", "St Mary's Hospital").await.expect("hospital");
    create_hospital(&server.issuer, "other", "Other Hospital").await.expect("other hospital");
    person(&server, OrgKind::Hospital, "st-mary", "desk@st-mary.example", UserRole::HospitalVerifier).await;
    person(&server, OrgKind::Hospital, "other", "desk@other.example", UserRole::HospitalAdmin).await;
    person(&server, OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin).await;
    let (request, verification) = st_marys_records(&server, &mary.admin_token).await;
    let request_page = format!("/hospital/requests/{request}");
    let verification_page = format!("/hospital/verifications/{verification}");
    let receipt = format!("{verification_page}/receipt");

    // Strangers are sent to sign in, and back afterwards.
    for path in ["/hospital", request_page.as_str(), receipt.as_str()] {
        let r = get(&server, None, path).await;
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
        assert!(location(&r).starts_with("/signin?next=%2Fhospital"), "{path}: {}", location(&r));
    }

    // St Mary's own desk sees its request (QR code and link), its verification and its receipt.
    let desk = session(&server, "desk@st-mary.example").await;
    let r = get(&server, Some(&desk), "/hospital").await;
    assert_eq!(r.status(), StatusCode::OK);
    let home = r.text().await.expect("html");
    assert!(home.contains("Verify a clinician") && home.contains("Verify a patient"), "{home}");
    assert!(home.contains(&verification), "the latest verifications list it");
    let r = get(&server, Some(&desk), &request_page).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("html");
    assert!(html.contains("openid4vp://?client_id=") && html.contains("<svg"), "a QR code and its link");
    let r = get(&server, Some(&desk), &verification_page).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("html");
    assert!(html.contains("data-verdict=\"valid\"") && html.contains("RN-1"), "the verdict screen");
    let r = get(&server, Some(&desk), &receipt).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()[CONTENT_DISPOSITION].to_str().unwrap_or_default().starts_with("attachment"));
    let signed: Value = r.json().await.expect("receipt");
    assert_eq!(signed["type"][1], "VerificationReceipt");

    // It asks through the form (CSRF required) and is sent to the new request's page.
    let token = csrf(&home);
    let r = post(&server, &desk, "/hospital/actions/ask", &[("template", "patient_identity")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = post(&server, &desk, "/hospital/actions/ask", &[("csrf", &token), ("template", "no_such")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(&server, &desk, "/hospital/actions/ask", &[("csrf", &token), ("template", "age_over_18")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/hospital/requests/"), "{}", location(&r));
    let r = get(&server, Some(&desk), &location(&r)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("html").contains("Age over 18"));

    // An expired request and a declined one say so in words, with "Ask again".
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for expires_in in [1, 300] {
        let created: Value = http
            .post(format!("{}/hospitals/st-mary/presentation-requests", server.url))
            .bearer_auth(&*mary.admin_token)
            .json(&json!({"template": "rn_license", "expires_in": expires_in}))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        ids.push((created["id"].as_str().expect("id").to_owned(), created["authorization_request"].clone()));
    }
    let wallet = medcred_wallet::Client::new().expect("wallet client");
    let link = ids[1].1.as_str().expect("link");
    wallet.decline(&wallet.fetch_request(link).await.expect("request")).await.expect("declined");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    for ((id, _), words) in ids.iter().zip(["EXPIRED", "NOT ANSWERED"]) {
        let r = get(&server, Some(&desk), &format!("/hospital/requests/{id}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.expect("html");
        assert!(html.contains(words) && html.contains("id=\"ask-again\""), "{words}: {html}");
        assert!(!html.contains("<svg"), "no QR code for a request that cannot be answered");
    }

    // Another hospital's staff: not found, in pages, server functions, receipts and posts.
    let other = session(&server, "desk@other.example").await;
    for path in [request_page.as_str(), verification_page.as_str()] {
        let r = get(&server, Some(&other), path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let html = r.text().await.expect("html");
        assert!(!html.contains("openid4vp://") && !html.contains("RN-1"), "{path} shows nothing of St Mary's");
    }
    let r = get(&server, Some(&other), &receipt).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = client()
        .post(format!("{}/api/hospital-request", server.url))
        .header(COOKIE, &other)
        .form(&[("id", request.as_str()), ("wait", "false")])
        .send()
        .await
        .expect("server fn");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!r.text().await.expect("body").contains("openid4vp://"));
    let other_home = get(&server, Some(&other), "/hospital").await.text().await.expect("html");
    assert!(!other_home.contains(&verification), "not in the other hospital's list");
    let other_token = csrf(&other_home);
    let r =
        post(&server, &other, "/hospital/actions/watch", &[("csrf", &other_token), ("verification", &verification)])
            .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Board staff: 403 on every hospital page and action.
    let board = session(&server, "admin@board.example").await;
    for path in ["/hospital", request_page.as_str(), verification_page.as_str(), "/hospital/alerts"] {
        let r = get(&server, Some(&board), path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = get(&server, Some(&board), &receipt).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let board_page = get(&server, Some(&board), "/board").await.text().await.expect("html");
    let r = post(&server, &board, "/hospital/actions/ask", &[("csrf", &csrf(&board_page)), ("template", "rn_license")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sqlite_hospital_pages_are_scoped() {
    scoped(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_hospital_pages_are_scoped() {
    scoped(Backend::Postgres).await;
}
