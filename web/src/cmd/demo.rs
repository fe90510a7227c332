//! `medcred demo`: the all-in-one server on SQLite with a seeded demo board and sample
//! credentials in every format; prints the URLs and a fresh API token.

use anyhow::Context;
use medcred_formats::Format;
use medcred_hospital::{create_hospital, create_hospital_token};
use medcred_issuer::{Issuer, NewBoard};
use medcred_model::IssueRequest;
use medcred_store::{BoardRow, HospitalRole, HospitalRow, Role, StoreError};
use serde_json::json;

use crate::cli::{Global, ServeArgs};
use crate::cmd::serve::{app_for, bind};
use crate::config;
use crate::server::{self, Tls};

/// The demo board's slug.
pub(crate) const DEMO_BOARD: &str = "nj-bon";

fn sample_license(n: u32, license_type: &str, name: &str) -> serde_json::Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2028-06-30T23:59:59Z",
        "credentialSubject": {
            "practitionerName": name,
            "licenseType": license_type,
            "licenseNumber": format!("26NR{n:08}"),
            "jurisdiction": "US-NJ",
            "originalIssueDate": "2016-07-01",
            "specialty": "Emergency nursing",
            "restrictions": [],
            "npi": "1234567893",
            "multistatePrivilege": license_type == "RN"
        }
    })
}

async fn seed(issuer: &Issuer) -> anyhow::Result<BoardRow> {
    match issuer.db().board_by_slug(DEMO_BOARD).await {
        Ok(b) => return Ok(b),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let created = issuer
        .create_board(&NewBoard {
            slug: DEMO_BOARD.into(),
            name: "New Jersey Board of Nursing (demo)".into(),
            did_key: false,
            host_did: false,
        })
        .await?;
    let board = created.board;
    let now = issuer.clock().now();
    let names = ["Jane Q. Doe", "Ravi Patel", "Maria Gonzalez", "Chen Wei"];
    for (i, format) in Format::ALL.into_iter().enumerate() {
        let req = IssueRequest::from_vc_json(&sample_license(i as u32 + 1, "RN", names[i]), now)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        issuer.issue(&board, &req, format).await?;
    }
    let patient = json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10", "patientIdentifier": "MRN-000042"}
    });
    let req = IssueRequest::from_vc_json(&patient, now).map_err(|e| anyhow::anyhow!("{e}"))?;
    issuer.issue(&board, &req, Format::SdJwtVc).await?;
    Ok(board)
}

/// The demo hospital's slug.
pub(crate) const DEMO_HOSPITAL: &str = "st-mary";

async fn seed_hospital(issuer: &Issuer) -> anyhow::Result<HospitalRow> {
    match issuer.db().hospital_by_slug(DEMO_HOSPITAL).await {
        Ok(h) => Ok(h),
        Err(StoreError::NotFound(_)) => {
            Ok(create_hospital(issuer, DEMO_HOSPITAL, "St Mary's Hospital (demo)").await?.hospital)
        }
        Err(e) => Err(e.into()),
    }
}

fn self_signed(dir: &std::path::Path) -> anyhow::Result<Tls> {
    let cert = dir.join("demo-cert.pem");
    let key = dir.join("demo-key.pem");
    if !cert.exists() || !key.exists() {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])?;
        std::fs::write(&cert, ck.cert.pem())?;
        let _ = std::fs::remove_file(&key);
        medcred_issuer::keystore::write_private(&key, ck.key_pair.serialize_pem().as_bytes())?;
    }
    Ok(Tls { cert, key })
}

pub(crate) async fn run(g: &Global, mut args: ServeArgs) -> anyhow::Result<()> {
    if args.read_only {
        anyhow::bail!("the demo seeds its database: run `medcred serve --read-only` against a replica instead");
    }
    let tls = if args.self_signed {
        std::fs::create_dir_all(&g.data_dir)?;
        Some(self_signed(&g.data_dir)?)
    } else {
        super::serve::tls_of(&args)?
    };
    let (listener, public_url) = bind(g, &args, tls.is_some())?;
    let issuer = config::issuer(g, public_url.clone()).await?;
    let board = seed(&issuer).await.context("seeding the demo board")?;
    let (_, token) = issuer.create_token(&board, Role::Admin, "demo session").await?;
    if !board.did.contains(&medcred_issuer::did_web::did_web_host(&public_url)?) {
        eprintln!(
            "warning: the demo board's DID {} was created for another address; run the demo on that address or delete {}",
            board.did,
            g.data_dir.display()
        );
    }
    let hospital = seed_hospital(&issuer).await.context("seeding the demo hospital")?;
    let (_, hospital_token) = create_hospital_token(&issuer, &hospital, HospitalRole::Admin, "demo session").await?;
    let people = super::demo_people::seed(&issuer).await.context("seeding the demo's people")?;
    let count = issuer.db().count_credentials(&board.id).await?;
    println!();
    println!("medcred demo is running at {public_url}");
    println!("  sign in at {public_url}/signin (passwords are new at every demo start):");
    for (email, role, password) in &people {
        println!("    {email:<24} {:<18} password: {}", role.as_str(), **password);
    }
    println!("  pages:         board staff at {public_url}/board, hospital staff at {public_url}/hospital");
    println!("  demo board:    {} — {}", board.name, board.did);
    println!("  DID document:  {public_url}/boards/{}/did.json", board.slug);
    println!("  context:       {public_url}{}", medcred_model::context::CONTEXT_PATH);
    println!("  credentials:   {count} issued (list: GET {public_url}/boards/{}/credentials)", board.slug);
    println!("  admin token:   {}", *token);
    println!("  demo hospital: {} — {}", hospital.name, hospital.did);
    println!("  hospital token: {}", *hospital_token);
    println!();
    println!("Issue a license:");
    println!("  curl -s -X POST {public_url}/credentials/issue -H 'authorization: Bearer {}' -H 'content-type: application/json' \\", *token);
    println!(
        "    -d '{}'",
        json!({"credential": sample_license(99, "RN", "Sam Example"), "options": {"format": "vc+jwt"}})
    );
    println!();
    if args.trust_list.is_none() {
        let (file, key) = crate::trust::demo_list(&issuer, &g.data_dir, &board)?;
        println!("Trust list:     {} (signed by the demo's own key {key})", file.display());
        args.trust_list = Some(file);
        args.trust_list_keys = vec![key];
    }
    println!("Verify:         POST {public_url}/credentials/verify with {{\"verifiableCredential\": …}}");
    println!(
        "As the hospital: POST {public_url}/hospitals/{DEMO_HOSPITAL}/verifications with {{\"verifiableCredential\": …, \"watch\": true}}"
    );
    println!("                 (bearer: the hospital token; then …/verifications/{{id}}/receipt, …/watches, …/notifications)");
    println!();
    let (app, sequencer) = app_for(&issuer, g, &args).await?;
    let db = issuer.db().clone();
    server::serve(listener, app, tls).await?;
    if let Some(s) = sequencer {
        s.release_all().await;
    }
    db.close().await;
    Ok(())
}
