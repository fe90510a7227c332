//! Accounts and the board's pages over HTTP, on a real server with both databases: sign-in that
//! answers an unknown email exactly as a wrong password, lockout after five failures, session
//! cookies with their flags, CSRF (token and origin) on every form post, board admins and issuers,
//! and no look at another organisation's data.

use std::time::Duration;

use medcred_app::auth::{Accounts, NewUser};
use medcred_store::{OrgKind, UserRole};
use medcred_tests::{start, Backend, Server};
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};

const PASSWORD: &str = "correct horse battery staple";

async fn person(server: &Server, kind: OrgKind, org: &str, email: &str, role: UserRole) {
    let accounts = Accounts::new(server.issuer.clone());
    let new = NewUser {
        org_kind: kind,
        org_slug: org.into(),
        email: email.into(),
        name: Some(format!("Name of {email}")),
        role,
        password: Some(PASSWORD.to_owned().into()),
    };
    accounts.add_user(new).await.expect("add user");
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

async fn sign_in(server: &Server, email: &str, password: &str) -> Response {
    client()
        .post(format!("{}/session/signin", server.url))
        .header(ORIGIN, &server.url)
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await
        .expect("sign in")
}

/// Sign in; the `Cookie` header value to send afterwards.
async fn session(server: &Server, email: &str) -> String {
    let r = sign_in(server, email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie").to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "http deployments cannot use Secure cookies: {set}");
    set.split(';').next().expect("name=value").to_owned()
}

async fn get(server: &Server, cookie: &str, path: &str) -> Response {
    client().get(format!("{}{path}", server.url)).header(COOKIE, cookie).send().await.expect("get")
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

fn license(number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("practitionerName", "Mary Seacole".into()),
        ("licenseType", "RN".into()),
        ("licenseNumber", number.into()),
        ("jurisdiction", "US-NJ".into()),
        ("originalIssueDate", "2015-03-01".into()),
        ("validUntil", "2031-01-31".into()),
        ("format", "eddsa-jcs-2022".into()),
    ]
}

async fn issue(server: &Server, cookie: &str, token: &str, number: &str) -> Response {
    let mut form = license(number);
    form.push(("csrf", token.into()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(server, cookie, "/board/actions/issue", &form).await
}

async fn sign_in_answers_alike_and_locks(backend: Backend) {
    let server = start(backend).await.expect("server");
    person(&server, OrgKind::Board, "e2e", "Admin@Board.example", UserRole::BoardAdmin).await;

    // Protected pages send strangers to the sign-in page, and back afterwards.
    let r = client().get(format!("{}/board/issue", server.url)).send().await.expect("get");
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/signin?next=%2Fboard%2Fissue".to_owned()));

    // A wrong password and an unknown email get the same answer.
    let wrong = sign_in(&server, "admin@board.example", "not the password at all").await;
    let unknown = sign_in(&server, "nobody@board.example", "not the password at all").await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    assert_eq!((wrong.status(), location(&wrong)), (unknown.status(), location(&unknown)));
    assert_eq!(location(&wrong), "/signin?failed=1");
    assert!(wrong.headers().get(SET_COOKIE).is_none() && unknown.headers().get(SET_COOKIE).is_none());
    let page = client().get(format!("{}{}", server.url, location(&wrong))).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("id=\"signin-error\"") && html.contains("do not match an account"), "{html}");

    // A sign-in form posted from another site is refused.
    let forged = client()
        .post(format!("{}/session/signin", server.url))
        .header(ORIGIN, "http://evil.example")
        .form(&[("email", "admin@board.example"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Emails are matched without regard to case; the session opens the board's pages.
    let cookie = session(&server, "ADMIN@board.EXAMPLE").await;
    let dash = get(&server, &cookie, "/board").await;
    assert_eq!(dash.status(), StatusCode::OK);
    let html = dash.text().await.expect("html");
    assert!(html.contains("E2E Board of Medicine") && html.contains("Name of Admin@Board.example"), "{html}");
    assert!(html.contains(&server.board_did));

    // Five failures lock the account: then even the right password is refused, in the same words.
    for _ in 0..5 {
        let r = sign_in(&server, "admin@board.example", "wrong password again").await;
        assert_eq!(location(&r), "/signin?failed=1");
    }
    let locked = sign_in(&server, "admin@board.example", PASSWORD).await;
    assert_eq!((locked.status(), location(&locked)), (StatusCode::SEE_OTHER, "/signin?failed=1".to_owned()));
    assert!(locked.headers().get(SET_COOKIE).is_none());
    let user = server.issuer.db().user_by_email("admin@board.example").await.expect("user");
    assert!(user.locked_until.is_some_and(|t| t > chrono::Utc::now().timestamp() + 14 * 60));

    // Signing out ends the session on the server.
    let token = csrf(&html);
    let out = post(&server, &cookie, "/session/signout", &[("csrf", &token)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(out.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("Max-Age=0")));
    let after = get(&server, &cookie, "/board").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the old cookie no longer works");
}

async fn forms_need_csrf_and_the_right_organisation(backend: Backend) {
    let server = start(backend).await.expect("server");
    person(&server, OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin).await;
    person(&server, OrgKind::Board, "e2e", "issuer@board.example", UserRole::BoardIssuer).await;
    let other = server
        .issuer
        .create_board(&medcred_issuer::NewBoard {
            slug: "other".into(),
            name: "Other Board".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .expect("other board");
    person(&server, OrgKind::Board, "other", "admin@other.example", UserRole::BoardAdmin).await;
    medcred_hospital::create_hospital(&server.issuer, "st-x", "St X").await.expect("hospital");
    person(&server, OrgKind::Hospital, "st-x", "desk@hospital.example", UserRole::HospitalVerifier).await;

    let admin = session(&server, "admin@board.example").await;
    let html = get(&server, &admin, "/board/issue").await.text().await.expect("html");
    let token = csrf(&html);

    // CSRF: no token, a wrong token, or no Origin: 403, nothing issued.
    let mut form = license("RN-1");
    let plain: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&server, &admin, "/board/actions/issue", &plain).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(issue(&server, &admin, "x".repeat(43).as_str(), "RN-1").await.status(), StatusCode::FORBIDDEN);
    form.push(("csrf", token.clone()));
    let with_token: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let no_origin = client()
        .post(format!("{}/board/actions/issue", server.url))
        .header(COOKIE, &admin)
        .form(&with_token)
        .send()
        .await
        .expect("post");
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    let board = server.issuer.db().board_by_slug("e2e").await.expect("board");
    assert_eq!(server.issuer.db().count_credentials(&board.id).await.expect("count"), 0);

    // A field the issuer's checks refuse comes back next to its field.
    let mut bad = license("RN 1 !");
    bad.push(("csrf", token.clone()));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post(&server, &admin, "/board/actions/issue", &bad).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/board/issue?f="), "{}", location(&r));
    let again = get(&server, &admin, &location(&r)).await.text().await.expect("html");
    assert!(
        again.contains("id=\"err-licenseNumber\"") && again.contains("licenseNumber must be 1-64 letters"),
        "{again}"
    );
    assert!(again.contains("value=\"Mary Seacole\""), "what was typed is kept");

    // With the token: issued, and its page.
    let r = issue(&server, &admin, &token, "RN-1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    assert!(page.starts_with("/board/credentials/urn:uuid:"), "{page}");
    let id = page.trim_start_matches("/board/credentials/").split('?').next().expect("id").to_owned();
    let shown = get(&server, &admin, &page).await.text().await.expect("html");
    assert!(shown.contains("Issued.") && shown.contains("RN-1") && shown.contains("data-state=\"active\""), "{shown}");

    // A board issuer sees no status buttons, and the server refuses the change anyway.
    let issuer = session(&server, "issuer@board.example").await;
    let seen = get(&server, &issuer, &format!("/board/credentials/{id}")).await.text().await.expect("html");
    assert!(seen.contains("id=\"admin-only\"") && !seen.contains("id=\"submit-revoke\""));
    let issuer_token = csrf(&seen);
    let r = post(
        &server,
        &issuer,
        "/board/actions/status",
        &[("csrf", &issuer_token), ("credential_id", &id), ("action", "revoke"), ("reason", "x"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The admin: no confirmation, nothing changes; with it, revoked and on the ledger.
    let revoke = |confirm: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("credential_id", id.clone()),
            ("action", "revoke".into()),
            ("reason", "Board order 12".into()),
            ("confirm", confirm.into()),
        ]
    };
    let unconfirmed = revoke("");
    let unconfirmed: Vec<(&str, &str)> = unconfirmed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post(&server, &admin, "/board/actions/status", &unconfirmed).await;
    let html = get(&server, &admin, &location(&r)).await.text().await.expect("html");
    assert!(html.contains("Tick the box to confirm") && html.contains("data-state=\"active\""), "{html}");
    let confirmed = revoke("yes");
    let confirmed: Vec<(&str, &str)> = confirmed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post(&server, &admin, "/board/actions/status", &confirmed).await;
    let html = get(&server, &admin, &location(&r)).await.text().await.expect("html");
    assert!(html.contains("Revoked. The change is recorded") && html.contains("data-state=\"revoked\""), "{html}");
    assert!(html.contains("Board order 12"), "the history shows the reason");
    let dash = get(&server, &admin, "/board").await.text().await.expect("html");
    assert!(dash.contains("Board order 12"), "the dashboard lists the change");

    // Another board's admin: 403 on the page and on the post.
    let stranger = session(&server, "admin@other.example").await;
    let r = get(&server, &stranger, &format!("/board/credentials/{id}")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("html").contains("issued by another board"));
    let stranger_token = csrf(&get(&server, &stranger, "/board").await.text().await.expect("html"));
    let r = post(
        &server,
        &stranger,
        "/board/actions/status",
        &[
            ("csrf", &stranger_token),
            ("credential_id", &id),
            ("action", "reinstate"),
            ("reason", "x"),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r =
        post(&server, &stranger, "/board/actions/offer", &[("csrf", &stranger_token), ("credential_id", &id)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let search = get(&server, &stranger, "/board/credentials?q=Seacole").await.text().await.expect("html");
    assert!(search.contains("Nothing matches"), "another board's credentials are not found");
    let _ = other;

    // Hospital staff: the board's pages are forbidden.
    let desk = session(&server, "desk@hospital.example").await;
    let r = get(&server, &desk, "/board").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("html").contains("for licensing board staff"));
}

async fn offers_show_a_qr_code_and_a_pin(backend: Backend) {
    let server = start(backend).await.expect("server");
    person(&server, OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin).await;
    let admin = session(&server, "admin@board.example").await;
    let token = csrf(&get(&server, &admin, "/board").await.text().await.expect("html"));
    let page = location(&issue(&server, &admin, &token, "RN-9").await);
    let id = page.trim_start_matches("/board/credentials/").split('?').next().expect("id").to_owned();
    let r = post(
        &server,
        &admin,
        "/board/actions/offer",
        &[("csrf", &token), ("credential_id", &id), ("format", "dc+sd-jwt")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/board/credentials/{id}/offer?f=")), "{}", location(&r));
    let html = get(&server, &admin, &location(&r)).await.text().await.expect("html");
    assert!(html.contains("<svg") && html.contains("openid-credential-offer://?credential_offer_uri="), "{html}");
    let pin_at = html.find("id=\"offer-pin\"").expect("the PIN");
    let pin: String = html[pin_at..].chars().skip_while(|c| *c != '>').skip(1).take(6).collect();
    assert!(pin.chars().all(|c| c.is_ascii_digit()), "{pin}");
}

async fn batch_from_csv_with_an_error_report(backend: Backend) {
    let server = start(backend).await.expect("server");
    person(&server, OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin).await;
    let admin = session(&server, "admin@board.example").await;
    let token = csrf(&get(&server, &admin, "/board/batch").await.text().await.expect("html"));
    let csv = "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n\
               Ann One,RN,B-1,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n\
               Bob Two,XX,B-2,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n\
               Cy Three,LPN,B-3,US-NJ,2015-01-01,2030-01-01T00:00:00Z\n";
    let r =
        post(&server, &admin, "/board/actions/batch", &[("csrf", &token), ("csv", csv), ("format", "vc+jwt")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    assert!(page.starts_with("/board/batch?job="), "{page}");
    let mut html = String::new();
    for _ in 0..100 {
        let resp = get(&server, &admin, &page).await;
        let refresh = resp.headers().contains_key("refresh");
        html = resp.text().await.expect("html");
        if html.contains("data-done=\"true\"") {
            assert!(!refresh, "a finished batch stops reloading");
            break;
        }
        assert!(refresh, "a running batch reloads itself");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(html.contains("3 of 3 rows: 2 issued, 0 already issued before (skipped), 1 refused."), "{html}");
    assert!(html.contains("unknown license type"), "the refused row says why: {html}");
    let job = page.trim_start_matches("/board/batch?job=");
    let report = get(&server, &admin, &format!("/board/batch/errors.csv?job={job}")).await;
    assert_eq!(report.status(), StatusCode::OK);
    assert!(report.headers()[reqwest::header::CONTENT_DISPOSITION].to_str().expect("ascii").contains("attachment"));
    let report = report.text().await.expect("csv");
    assert!(report.starts_with("line,license_number,field,code,message") && report.contains("B-2"), "{report}");
    let board = server.issuer.db().board_by_slug("e2e").await.expect("board");
    assert_eq!(server.issuer.db().count_credentials(&board.id).await.expect("count"), 2);

    // Another session does not see the job or its report.
    person(&server, OrgKind::Board, "e2e", "other@board.example", UserRole::BoardIssuer).await;
    let other = session(&server, "other@board.example").await;
    let r = get(&server, &other, &format!("/board/batch/errors.csv?job={job}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

macro_rules! both_backends {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test]
            async fn $name() { super::$name(medcred_tests::Backend::Sqlite).await; }
        )* }
        mod postgres { $(
            #[tokio::test]
            async fn $name() { super::$name(medcred_tests::Backend::Postgres).await; }
        )* }
    };
}

both_backends!(
    sign_in_answers_alike_and_locks,
    forms_need_csrf_and_the_right_organisation,
    offers_show_a_qr_code_and_a_pin,
    batch_from_csv_with_an_error_report
);
