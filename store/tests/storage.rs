//! The same storage tests against SQLite and PostgreSQL (a fresh database each).

use medcred_store::testing::{fresh_postgres, fresh_sqlite};
use medcred_store::{BoardRow, CredentialRow, Db, KeyRow, KeyStatus, Role, StoreError, TokenRow};

fn board(slug: &str) -> BoardRow {
    BoardRow {
        id: format!("id-{slug}"),
        slug: slug.into(),
        name: format!("Board {slug}"),
        did: format!("did:web:example.org:boards:{slug}"),
        created_at: 100,
    }
}

fn cred(id: &str, board_id: &str, name: &str, number: &str, dedupe: Option<&str>) -> CredentialRow {
    CredentialRow {
        id: id.into(),
        board_id: board_id.into(),
        kind: "license".into(),
        format: "vc+jwt".into(),
        key_id: "key-1".into(),
        subject_label: name.into(),
        license_number: Some(number.into()),
        jurisdiction: Some("US-NJ".into()),
        holder_did: None,
        valid_from: 1,
        valid_until: Some(2),
        status_list: None,
        status_index: None,
        dedupe_key: dedupe.map(Into::into),
        secured: "eyJ.eyJ.sig".into(),
        created_at: 10,
    }
}

async fn boards_keys_tokens(db: Db) {
    let mut tx = db.begin().await.expect("tx");
    tx.insert_board(&board("nj")).await.expect("insert");
    tx.insert_key(&KeyRow {
        board_id: "id-nj".into(),
        key_id: "key-1".into(),
        public_multibase: "z6Mk".into(),
        secret_sealed: vec![0, 1, 2, 255],
        status: KeyStatus::Active,
        created_at: 100,
        retired_at: None,
    })
    .await
    .expect("key");
    tx.commit().await.expect("commit");

    assert_eq!(db.board_by_slug("nj").await.expect("slug"), board("nj"));
    assert_eq!(db.board_by_did("did:web:example.org:boards:nj").await.expect("did").id, "id-nj");
    assert!(matches!(db.board_by_slug("ny").await, Err(StoreError::NotFound("board"))));

    // A duplicate slug is a conflict, and the failed transaction leaves nothing behind.
    let mut tx = db.begin().await.expect("tx");
    let mut dup = board("nj");
    dup.id = "other".into();
    dup.did = "did:web:other".into();
    assert!(matches!(tx.insert_board(&dup).await, Err(StoreError::Conflict("board"))));
    drop(tx);
    assert_eq!(db.boards().await.expect("list").len(), 1);

    let keys = db.keys("id-nj").await.expect("keys");
    assert_eq!(keys[0].secret_sealed, vec![0, 1, 2, 255]);
    let mut tx = db.begin().await.expect("tx");
    tx.set_key_status("id-nj", "key-1", KeyStatus::Retired, 200).await.expect("retire");
    assert!(matches!(
        tx.set_key_status("id-nj", "nope", KeyStatus::Retired, 200).await,
        Err(StoreError::NotFound("key"))
    ));
    tx.commit().await.expect("commit");
    let keys = db.keys("id-nj").await.expect("keys");
    assert_eq!((keys[0].status, keys[0].retired_at), (KeyStatus::Retired, Some(200)));

    let mut tx = db.begin().await.expect("tx");
    tx.insert_token(&TokenRow {
        id: "t1".into(),
        board_id: "id-nj".into(),
        role: Role::Issuer,
        token_hash: "abc".into(),
        label: "ci".into(),
        created_at: 1,
        revoked_at: None,
    })
    .await
    .expect("token");
    tx.commit().await.expect("commit");
    assert_eq!(db.token_by_hash("abc").await.expect("token").role, Role::Issuer);
    db.revoke_token("id-nj", "t1", 5).await.expect("revoke");
    assert!(matches!(db.token_by_hash("abc").await, Err(StoreError::NotFound(_))));

    let mut tx = db.begin().await.expect("tx");
    tx.put_setting("master_key_id", "aa").await.expect("put");
    tx.put_setting("master_key_id", "bb").await.expect("replace");
    tx.commit().await.expect("commit");
    assert_eq!(db.setting("master_key_id").await.expect("get").as_deref(), Some("bb"));
    assert_eq!(db.setting("missing").await.expect("get"), None);
}

async fn credentials(db: Db) {
    let mut tx = db.begin().await.expect("tx");
    tx.insert_board(&board("nj")).await.expect("board");
    tx.insert_credential(&cred("urn:uuid:1", "id-nj", "Jane O'Doe", "RN-1", Some("US-NJ/RN-1"))).await.expect("c1");
    tx.insert_credential(&cred("urn:uuid:2", "id-nj", "John 100% Smith", "MD_2", None)).await.expect("c2");
    tx.commit().await.expect("commit");

    // Rolled-back issuance stores nothing.
    let mut tx = db.begin().await.expect("tx");
    tx.insert_credential(&cred("urn:uuid:3", "id-nj", "Ghost", "X-3", None)).await.expect("c3");
    drop(tx);
    assert!(matches!(db.credential("urn:uuid:3").await, Err(StoreError::NotFound("credential"))));
    assert_eq!(db.count_credentials("id-nj").await.expect("count"), 2);

    assert_eq!(
        db.credential("urn:uuid:1").await.expect("get"),
        cred("urn:uuid:1", "id-nj", "Jane O'Doe", "RN-1", Some("US-NJ/RN-1"))
    );
    let ids = |v: Vec<CredentialRow>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(db.search_credentials("id-nj", Some("jane")).await.expect("s")), vec!["urn:uuid:1"]);
    assert_eq!(ids(db.search_credentials("id-nj", Some("rn-1")).await.expect("s")), vec!["urn:uuid:1"]);
    // LIKE wildcards in the query are literal characters.
    assert_eq!(ids(db.search_credentials("id-nj", Some("100%")).await.expect("s")), vec!["urn:uuid:2"]);
    assert_eq!(ids(db.search_credentials("id-nj", Some("_")).await.expect("s")), vec!["urn:uuid:2"]);
    assert_eq!(db.search_credentials("id-nj", None).await.expect("all").len(), 2);
    assert!(db.search_credentials("id-other", None).await.expect("none").is_empty());

    // The dedupe key is unique per board.
    let mut tx = db.begin().await.expect("tx");
    let again = cred("urn:uuid:4", "id-nj", "Jane", "RN-1", Some("US-NJ/RN-1"));
    assert!(matches!(tx.insert_credential(&again).await, Err(StoreError::Conflict("credential"))));
    drop(tx);
    let keys: Vec<String> = (0..1200).map(|i| format!("US-NJ/RN-{i}")).collect();
    let found = db.existing_dedupe_keys("id-nj", &keys).await.expect("dedupe");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec!["US-NJ/RN-1".to_string()]);
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

both_backends!(boards_keys_tokens, credentials);

#[tokio::test]
async fn unknown_url_scheme_is_a_clear_error() {
    let e = Db::open("mysql://x").await.expect_err("refused");
    assert!(e.to_string().contains("unsupported database URL scheme"), "{e}");
    let _ = (fresh_sqlite, fresh_postgres);
}
