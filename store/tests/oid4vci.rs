//! The OpenID4VCI repository on SQLite and PostgreSQL: each state change happens once — a code is
//! redeemed once and not after five wrong PINs or its expiry, a token is spent once (and can be
//! given back), a nonce is used once and not after its expiry.

use medcred_store::{BoardRow, CredentialRow, Db, Oid4vciOfferRow};

async fn seed(db: &Db) {
    let mut tx = db.begin().await.expect("tx");
    tx.insert_board(&BoardRow {
        id: "b1".into(),
        slug: "nj".into(),
        name: "NJ".into(),
        did: "did:web:example.org:boards:nj".into(),
        created_at: 1,
    })
    .await
    .expect("board");
    tx.insert_credential(&CredentialRow {
        id: "urn:uuid:c1".into(),
        board_id: "b1".into(),
        kind: "license".into(),
        format: "vc+jwt".into(),
        key_id: "key-1".into(),
        subject_label: "x".into(),
        license_number: None,
        jurisdiction: None,
        holder_did: None,
        valid_from: 1,
        valid_until: None,
        status_list: None,
        status_index: None,
        dedupe_key: None,
        secured: "a.b.c".into(),
        created_at: 1,
    })
    .await
    .expect("credential");
    tx.commit().await.expect("commit");
}

fn offer(id: &str) -> Oid4vciOfferRow {
    Oid4vciOfferRow {
        id: id.into(),
        board_id: "b1".into(),
        credential_id: "urn:uuid:c1".into(),
        configuration_id: "MedicalLicenseCredential_dc+sd-jwt".into(),
        ref_hash: format!("ref-{id}"),
        code_hash: format!("code-{id}"),
        tx_code_hash: "tx".into(),
        tx_attempts: 0,
        created_at: 100,
        expires_at: 700,
        redeemed_at: None,
        token_hash: None,
        token_expires_at: None,
        spent_at: None,
        issued_credential_id: None,
    }
}

async fn offers_redeem_once(db: Db) {
    seed(&db).await;
    db.insert_oid4vci_offer(&offer("o1")).await.expect("insert");
    assert!(db.insert_oid4vci_offer(&offer("o1")).await.is_err(), "same id twice");
    assert_eq!(db.oid4vci_offer_by_ref("ref-o1").await.expect("by ref"), offer("o1"));
    assert_eq!(db.oid4vci_offer_by_code("code-o1").await.expect("by code").id, "o1");
    assert!(db.oid4vci_offer_by_code("code-nope").await.is_err());

    assert!(!db.oid4vci_redeem("o1", "tok-1", 1000, 700, 5).await.expect("redeem"), "expired at 700");
    assert!(db.oid4vci_redeem("o1", "tok-1", 1000, 699, 5).await.expect("redeem"));
    assert!(!db.oid4vci_redeem("o1", "tok-2", 1000, 699, 5).await.expect("redeem"), "only once");
    let row = db.oid4vci_offer_by_token("tok-1").await.expect("by token");
    assert_eq!((row.redeemed_at, row.token_expires_at), (Some(699), Some(1000)));
    assert_eq!(db.oid4vci_count_wrong_tx_code("o1", 5).await.expect("count"), 0, "a redeemed offer counts no more");

    assert!(db.oid4vci_spend_token("o1", 800).await.expect("spend"));
    assert!(!db.oid4vci_spend_token("o1", 800).await.expect("spend"), "spent once");
    db.oid4vci_unspend_token("o1").await.expect("give back");
    assert!(!db.oid4vci_spend_token("o1", 1000).await.expect("spend"), "expired at 1000");
    assert!(db.oid4vci_spend_token("o1", 999).await.expect("spend"));
    db.oid4vci_record_issued("o1", "urn:uuid:new").await.expect("record");
    db.oid4vci_unspend_token("o1").await.expect("no-op");
    let row = db.oid4vci_offer_by_token("tok-1").await.expect("by token");
    assert_eq!(
        (row.spent_at, row.issued_credential_id.as_deref()),
        (Some(999), Some("urn:uuid:new")),
        "issued stays spent"
    );

    db.insert_oid4vci_offer(&offer("o2")).await.expect("insert");
    for n in 1..=5 {
        assert_eq!(db.oid4vci_count_wrong_tx_code("o2", 5).await.expect("count"), n);
    }
    assert_eq!(db.oid4vci_count_wrong_tx_code("o2", 5).await.expect("count"), 5, "capped");
    assert!(!db.oid4vci_redeem("o2", "tok-3", 1000, 200, 5).await.expect("redeem"), "dead after five");
}

async fn nonces_are_used_once(db: Db) {
    db.insert_oid4vci_nonce("n1", 400, 100).await.expect("insert");
    db.insert_oid4vci_nonce("n2", 400, 100).await.expect("insert");
    assert!(db.insert_oid4vci_nonce("n1", 400, 100).await.is_err(), "a nonce is unique");
    assert!(db.use_oid4vci_nonce("n1", 399).await.expect("use"));
    assert!(!db.use_oid4vci_nonce("n1", 399).await.expect("use"), "once");
    assert!(!db.use_oid4vci_nonce("n2", 400).await.expect("use"), "expired");
    assert!(!db.use_oid4vci_nonce("nope", 100).await.expect("use"));
    // Making a nonce deletes the expired ones.
    db.insert_oid4vci_nonce("n3", 900, 500).await.expect("insert");
    db.insert_oid4vci_nonce("n2", 900, 500).await.expect("n2 was deleted, its value is free again");
}

macro_rules! both_backends {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test]
            async fn $name() {
                let dir = tempfile::tempdir().expect("tmp");
                super::$name(medcred_store::testing::fresh_sqlite(dir.path()).await.expect("sqlite")).await;
            }
        )* }
        mod postgres { $(
            #[tokio::test]
            async fn $name() {
                super::$name(medcred_store::testing::fresh_postgres().await.expect("postgres on 127.0.0.1:5432")).await;
            }
        )* }
    };
}

both_backends!(offers_redeem_once, nonces_are_used_once);
