//! The accounts service: add people, sign in (with lockout), find the person behind a session
//! cookie, sign out. Over the issuer's database and clock.

use std::fmt;

use medcred_issuer::Issuer;
use medcred_store::{OrgKind, SessionRow, StoreError, UserRole, UserRow};
use zeroize::Zeroizing;

use super::error::AuthError;
use super::password;
use super::session::{self, ABSOLUTE_SECS, TOUCH_EVERY_SECS};

/// Failed sign-ins that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_SECS: i64 = 15 * 60;

/// The organisation a person works for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// Board or hospital.
    pub kind: OrgKind,
    /// Its id.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its display name.
    pub name: String,
}

/// The person behind a live session.
#[derive(Clone)]
pub struct SignedIn {
    /// The person.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: UserRole,
    /// Where they work.
    pub org: Org,
    /// The session's CSRF token (put in every form).
    pub csrf: String,
    /// The session's hash (keys per-session state).
    pub session_hash: String,
}

impl fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedIn")
            .field("user_id", &self.user_id)
            .field("role", &self.role)
            .field("org", &self.org.slug)
            .field("csrf", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl SignedIn {
    /// Who acted, for audit records (never personal data beyond the account id).
    pub fn actor(&self) -> String {
        format!("user:{}", self.user_id)
    }
}

/// A person to add.
pub struct NewUser {
    /// `board` or `hospital`, and its slug.
    pub org_kind: OrgKind,
    /// The organisation's slug.
    pub org_slug: String,
    /// Email (unique without regard to case).
    pub email: String,
    /// Name shown in the app (default: the email).
    pub name: Option<String>,
    /// Role (must belong to the organisation's kind).
    pub role: UserRole,
    /// The password, or `None` to generate one (returned once).
    pub password: Option<Zeroizing<String>>,
}

/// The accounts service. Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    issuer: Issuer,
}

fn check_email(email: &str) -> Result<(), AuthError> {
    let e = email.trim();
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::Invalid { field: "email", message: "give an email address like name@example.org".into() })
    }
}

impl Accounts {
    /// Accounts over `issuer`'s database and clock.
    pub fn new(issuer: Issuer) -> Self {
        Self { issuer }
    }

    /// The issuer whose database holds the accounts.
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    fn now(&self) -> i64 {
        self.issuer.clock().now().timestamp()
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.issuer.public_url().starts_with("https://")
    }

    async fn org_by_slug(&self, kind: OrgKind, slug: &str) -> Result<Org, AuthError> {
        let db = self.issuer.db();
        let found = match kind {
            OrgKind::Board => db.board_by_slug(slug).await.map(|b| Org { kind, id: b.id, slug: b.slug, name: b.name }),
            OrgKind::Hospital => {
                db.hospital_by_slug(slug).await.map(|h| Org { kind, id: h.id, slug: h.slug, name: h.name })
            }
        };
        found.map_err(|e| match e {
            StoreError::NotFound(what) => AuthError::NotFound(what),
            other => other.into(),
        })
    }

    async fn org_by_id(&self, kind: OrgKind, id: &str) -> Result<Org, AuthError> {
        let db = self.issuer.db();
        Ok(match kind {
            OrgKind::Board => db.board(id).await.map(|b| Org { kind, id: b.id, slug: b.slug, name: b.name })?,
            OrgKind::Hospital => {
                db.hospital_by_id(id).await.map(|h| Org { kind, id: h.id, slug: h.slug, name: h.name })?
            }
        })
    }

    /// Add a person; the generated password, when none was given (shown once).
    pub async fn add_user(&self, new: NewUser) -> Result<(UserRow, Option<Zeroizing<String>>), AuthError> {
        check_email(&new.email)?;
        if new.role.org_kind() != new.org_kind {
            return Err(AuthError::Invalid {
                field: "role",
                message: format!("{} is not a role of a {}", new.role.as_str(), new.org_kind.as_str()),
            });
        }
        let name = new.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(new.email.trim()).to_owned();
        if name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AuthError::Invalid {
                field: "name",
                message: "a name has at most 100 printable characters".into(),
            });
        }
        let org = self.org_by_slug(new.org_kind, &new.org_slug).await?;
        let (password, generated) = match new.password {
            Some(p) => (p, None),
            None => {
                let p = password::generate();
                (p.clone(), Some(p))
            }
        };
        password::check_policy(&password)?;
        let hash = tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| AuthError::Internal(e.to_string()))??;
        let row = UserRow {
            id: uuid::Uuid::new_v4().to_string(),
            org_kind: org.kind,
            org_id: org.id,
            email: new.email.trim().to_owned(),
            display_name: name,
            password_hash: hash,
            role: new.role,
            failed_attempts: 0,
            locked_until: None,
            created_at: self.now(),
        };
        self.issuer.db().insert_user(&row).await.map_err(|e| match e {
            StoreError::Conflict(_) => AuthError::EmailTaken,
            other => other.into(),
        })?;
        Ok((row, generated))
    }

    /// Give the person with `email` a new password (generated when `None`; returned once). Lifts
    /// any lock and ends their sessions.
    pub async fn reset_password(
        &self,
        email: &str,
        password: Option<Zeroizing<String>>,
    ) -> Result<Option<Zeroizing<String>>, AuthError> {
        let user = self.issuer.db().user_by_email(email).await.map_err(|e| match e {
            StoreError::NotFound(what) => AuthError::NotFound(what),
            other => other.into(),
        })?;
        let (password, generated) = match password {
            Some(p) => (p, None),
            None => {
                let p = password::generate();
                (p.clone(), Some(p))
            }
        };
        password::check_policy(&password)?;
        let hash = tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| AuthError::Internal(e.to_string()))??;
        self.issuer.db().set_user_password(&user.id, &hash).await?;
        Ok(generated)
    }

    /// Sign in: a new session's cookie value (shown once) and who it is. Every failure — unknown
    /// email, wrong password, locked account — is [`AuthError::InvalidCredentials`], after one
    /// argon2id verification in each case.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<(Zeroizing<String>, SignedIn), AuthError> {
        let db = self.issuer.db();
        let user = if email.len() > 254 {
            None
        } else {
            match db.user_by_email(email).await {
                Ok(u) => Some(u),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            }
        };
        let phc = user.as_ref().map_or_else(|| password::dummy_hash().to_owned(), |u| u.password_hash.clone());
        let attempt = Zeroizing::new(password.to_owned());
        let matches = tokio::task::spawn_blocking(move || password::verify(&attempt, &phc))
            .await
            .map_err(|e| AuthError::Internal(e.to_string()))?;
        let now = self.now();
        let Some(user) = user else { return Err(AuthError::InvalidCredentials) };
        if user.locked_until.is_some_and(|until| until > now) {
            tracing::info!(user = %user.id, "sign-in refused: account locked");
            return Err(AuthError::InvalidCredentials);
        }
        if !matches {
            if db.record_failed_sign_in(&user.id, MAX_FAILURES, now + LOCK_SECS).await? {
                tracing::warn!(user = %user.id, "account locked after repeated failed sign-ins");
            }
            return Err(AuthError::InvalidCredentials);
        }
        if user.failed_attempts > 0 || user.locked_until.is_some() {
            db.clear_failed_sign_ins(&user.id).await?;
        }
        let org = self.org_by_id(user.org_kind, &user.org_id).await?;
        let token = session::random_token();
        let csrf = session::random_token();
        let row = SessionRow {
            token_hash: session::hash_token(&token),
            user_id: user.id.clone(),
            csrf_token: csrf.to_string(),
            created_at: now,
            expires_at: now + ABSOLUTE_SECS,
            last_seen_at: now,
        };
        db.insert_session(&row).await?;
        // A sign-in is a good moment to sweep sessions nobody will use again.
        let _ = db.delete_stale_sessions(now, now - session::IDLE_SECS).await;
        tracing::info!(user = %user.id, org = %org.slug, "signed in");
        let who = SignedIn {
            user_id: user.id,
            email: user.email,
            name: user.display_name,
            role: user.role,
            org,
            csrf: row.csrf_token,
            session_hash: row.token_hash,
        };
        Ok((token, who))
    }

    /// The person behind a session cookie value, if the session is live (a timed-out session is
    /// deleted).
    pub async fn current(&self, token: &str) -> Result<Option<SignedIn>, AuthError> {
        let db = self.issuer.db();
        let hash = session::hash_token(token);
        let s = match db.session(&hash).await {
            Ok(s) => s,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let now = self.now();
        if !session::is_live(s.created_at, s.last_seen_at, s.expires_at, now) {
            // A read-only process (a replica) leaves the row to the primary's next look.
            if !db.read_only() {
                db.delete_session(&hash).await?;
            }
            return Ok(None);
        }
        let user = match db.user(&s.user_id).await {
            Ok(u) => u,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if now - s.last_seen_at >= TOUCH_EVERY_SECS && !db.read_only() {
            db.touch_session(&hash, now).await?;
        }
        let org = self.org_by_id(user.org_kind, &user.org_id).await?;
        Ok(Some(SignedIn {
            user_id: user.id,
            email: user.email,
            name: user.display_name,
            role: user.role,
            org,
            csrf: s.csrf_token,
            session_hash: hash,
        }))
    }

    /// End the session behind a cookie value.
    pub async fn sign_out(&self, token: &str) -> Result<(), AuthError> {
        Ok(self.issuer.db().delete_session(&session::hash_token(token)).await?)
    }
}
