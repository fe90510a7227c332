//! Accounts and sessions on SQLite and PostgreSQL: emails unique without regard to case, failed
//! sign-ins that lock at the limit, sessions found by hash and ended, stale ones swept.

use medcred_store::{Db, OrgKind, SessionRow, StoreError, UserRole, UserRow};

fn person(id: &str, email: &str) -> UserRow {
    UserRow {
        id: id.into(),
        org_kind: OrgKind::Board,
        org_id: "b1".into(),
        email: email.into(),
        display_name: "Pat Admin".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: UserRole::BoardAdmin,
        failed_attempts: 0,
        locked_until: None,
        created_at: 10,
    }
}

fn session(hash: &str, user: &str) -> SessionRow {
    SessionRow {
        token_hash: hash.into(),
        user_id: user.into(),
        csrf_token: "csrf".into(),
        created_at: 100,
        expires_at: 1000,
        last_seen_at: 100,
    }
}

async fn users_and_lockout(db: Db) {
    db.insert_user(&person("u1", "Pat@Example.org")).await.expect("insert");
    assert!(matches!(db.insert_user(&person("u2", " pat@example.ORG ")).await, Err(StoreError::Conflict("user"))));
    let found = db.user_by_email("PAT@example.org").await.expect("by email");
    assert_eq!(found, person("u1", "Pat@Example.org"));
    assert!(matches!(db.user_by_email("nobody@example.org").await, Err(StoreError::NotFound("user"))));
    assert_eq!(db.user("u1").await.expect("by id").role, UserRole::BoardAdmin);
    assert_eq!(db.users().await.expect("list").len(), 1);

    for _ in 0..4 {
        assert!(!db.record_failed_sign_in("u1", 5, 2000).await.expect("fail"));
    }
    assert_eq!(db.user("u1").await.expect("user").failed_attempts, 4);
    assert!(db.record_failed_sign_in("u1", 5, 2000).await.expect("fifth"), "the fifth failure locks");
    let locked = db.user("u1").await.expect("user");
    assert_eq!((locked.failed_attempts, locked.locked_until), (0, Some(2000)));
    db.clear_failed_sign_ins("u1").await.expect("clear");
    assert_eq!(db.user("u1").await.expect("user").locked_until, None);

    db.record_failed_sign_in("u1", 5, 2000).await.expect("fail");
    db.insert_session(&session("h1", "u1")).await.expect("session");
    db.set_user_password("u1", "$argon2id$new").await.expect("password");
    let changed = db.user("u1").await.expect("user");
    assert_eq!((changed.password_hash.as_str(), changed.failed_attempts), ("$argon2id$new", 0));
    assert!(db.session("h1").await.is_err(), "a new password ends the sessions");
    assert!(matches!(db.set_user_password("nobody", "x").await, Err(StoreError::NotFound("user"))));
}

async fn sessions(db: Db) {
    db.insert_user(&person("u1", "a@example.org")).await.expect("insert");
    db.insert_session(&session("h1", "u1")).await.expect("h1");
    db.insert_session(&session("h2", "u1")).await.expect("h2");
    assert!(db.insert_session(&session("h1", "u1")).await.is_err(), "hash is unique");
    assert_eq!(db.session("h1").await.expect("found"), session("h1", "u1"));
    db.touch_session("h1", 500).await.expect("touch");
    assert_eq!(db.session("h1").await.expect("found").last_seen_at, 500);
    db.delete_session("h2").await.expect("sign out");
    db.delete_session("h2").await.expect("twice is fine");
    assert!(matches!(db.session("h2").await, Err(StoreError::NotFound("session"))));
    assert!(format!("{:?}", db.session("h1").await.expect("found")).contains("[redacted]"));
    // Idle since before 400: h3 (last seen 100) goes, h1 (seen at 500) stays.
    db.insert_session(&session("h3", "u1")).await.expect("h3");
    assert_eq!(db.delete_stale_sessions(600, 400).await.expect("sweep"), 1);
    assert!(db.session("h1").await.is_ok());
    assert_eq!(db.delete_stale_sessions(1000, 0).await.expect("sweep"), 1, "absolute end");
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

both_backends!(users_and_lockout, sessions);
