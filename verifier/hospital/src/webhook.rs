//! Webhook delivery of monitoring notifications, signed by the hospital.
//!
//! The body is JSON; the `Medcred-Signature` header is a JWS with detached payload (RFC 7515
//! Appendix F): `<protected header>..<signature>`, EdDSA with the hospital's key, `kid` naming the
//! verification method in its did:web document. A receiver puts the base64url of the exact body
//! bytes between the dots and checks the JWS with that key ([`verify_signature`] does it). The
//! body carries the notification id and time, so a receiver can drop replays.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::VerifyingKey;
use medcred_formats::jwt::{decode, sign_compact, verify_ed25519};
use medcred_formats::IssuerKey;
use medcred_store::{HospitalRow, NotificationRow};
use serde_json::{json, Value};

use crate::error::HospitalError;
use crate::service::Hospitals;

/// The header carrying the detached JWS.
pub const SIGNATURE_HEADER: &str = "medcred-signature";

/// Delivery states.
const DELIVERED: &str = "delivered";
const FAILED: &str = "failed";
const PENDING: &str = crate::monitor::PENDING;

/// Most notifications delivered per round.
const BATCH: i64 = 200;

/// The detached JWS over `body`.
pub(crate) fn sign(body: &[u8], key: &IssuerKey) -> Result<String, HospitalError> {
    let header = json!({"alg": "EdDSA", "kid": key.verification_method(), "typ": "medcred-notification+jws"});
    let compact = sign_compact(&header, body, key)?;
    let mut parts = compact.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(_), Some(s)) => Ok(format!("{h}..{s}")),
        _ => Err(HospitalError::Internal("a compact JWS without three parts".into())),
    }
}

/// Whether `signature` (a `Medcred-Signature` value) is a valid EdDSA detached JWS over `body`
/// by `key`.
pub fn verify_signature(signature: &str, body: &[u8], key: &VerifyingKey) -> bool {
    let Some((header, sig)) = signature.split_once("..") else { return false };
    let compact = format!("{header}.{}.{sig}", URL_SAFE_NO_PAD.encode(body));
    decode(&compact).is_ok_and(|d| d.alg() == Some("EdDSA") && verify_ed25519(&d, key).is_ok())
}

fn time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The notification as posted.
fn body(hospital: &HospitalRow, n: &NotificationRow, watch: Option<&medcred_store::WatchRow>) -> Value {
    json!({
        "type": "medcred.watch.standing_changed",
        "id": n.id,
        "at": time(n.at),
        "hospital": hospital.did,
        "watch": n.watch_id,
        "verification": watch.map(|w| w.verification_id.clone()),
        "credential": watch.map(|w| json!({"label": w.label, "issuer": w.issuer})),
        "standing": n.kind,
        "previous": n.previous,
        "detail": n.detail,
    })
}

impl Hospitals {
    /// Post every pending notification to its hospital's webhook. Counts (delivered, failed).
    pub(crate) async fn deliver_pending(&self) -> Result<(usize, usize), HospitalError> {
        let pending = self.db().pending_notifications(BATCH).await?;
        let mut hospitals: BTreeMap<String, (HospitalRow, Option<IssuerKey>)> = BTreeMap::new();
        let (mut delivered, mut failed) = (0, 0);
        for n in pending {
            if !hospitals.contains_key(&n.hospital_id) {
                let h = self.db().hospital_by_id(&n.hospital_id).await?;
                let key = self.signing_key(&h).await.ok();
                hospitals.insert(h.id.clone(), (h, key));
            }
            let Some((hospital, key)) = hospitals.get(&n.hospital_id) else { continue };
            match self.deliver(hospital, key.as_ref(), &n).await {
                Ok(()) => {
                    self.db().record_delivery(&n.id, DELIVERED, None).await?;
                    delivered += 1;
                }
                Err(why) => {
                    let next = if n.attempts + 1 >= self.settings().max_attempts { FAILED } else { PENDING };
                    self.db().record_delivery(&n.id, next, Some(&why)).await?;
                    tracing::warn!(notification = %n.id, hospital = %hospital.slug, error = %why, "webhook delivery failed");
                    failed += 1;
                }
            }
        }
        Ok((delivered, failed))
    }

    async fn deliver(
        &self,
        hospital: &HospitalRow,
        key: Option<&IssuerKey>,
        n: &NotificationRow,
    ) -> Result<(), String> {
        let url = hospital.webhook_url.as_deref().ok_or("the hospital has no webhook any more")?;
        let key = key.ok_or("the hospital has no usable signing key")?;
        let watch = self.db().watch(&n.hospital_id, &n.watch_id).await.ok();
        let bytes = serde_json::to_vec(&body(hospital, n, watch.as_ref())).map_err(|e| e.to_string())?;
        let signature = sign(&bytes, key).map_err(|e| e.to_string())?;
        let resp = self
            .webhooks()
            .post(url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, signature)
            .body(bytes)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(format!("the webhook answered {}", resp.status()))
        }
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;

    #[test]
    fn detached_signatures_verify_only_over_the_same_body() {
        let key = IssuerKey::new(SigningKey::from_bytes(&[7; 32]), "did:web:h.example:hospitals:x#key-1");
        let sig = sign(b"{\"a\":1}", &key).expect("sign");
        assert_eq!(sig.matches('.').count(), 2);
        assert!(sig.contains(".."));
        assert!(verify_signature(&sig, b"{\"a\":1}", &key.verifying_key()));
        assert!(!verify_signature(&sig, b"{\"a\":2}", &key.verifying_key()));
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(!verify_signature(&sig, b"{\"a\":1}", &other));
        assert!(!verify_signature("garbage", b"{}", &key.verifying_key()));
    }
}
