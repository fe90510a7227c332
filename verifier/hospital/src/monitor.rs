//! Continuous monitoring: every watched credential is verified again (under the hospital's
//! policy, through the verifier's caches) and its standing compared with the last one seen; a
//! change becomes a notification, written in the same transaction as the new standing, then
//! posted to the hospital's webhook (signed, see [`crate::webhook`]).
//!
//! A round runs every `every`, as soon as this deployment's registry commits a batch of status
//! changes (so a local revocation reaches the hospitals watching within moments), and on demand
//! (`POST /hospitals/{slug}/monitor`).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::SecondsFormat;
use medcred_issuer::sequencer::MONITOR_LEASE;
use medcred_issuer::Sequencer;
use medcred_store::{HospitalRow, NotificationRow, WatchRow};
use medcred_verifier::{Report, Standing};
use serde::Serialize;
use tokio::sync::watch;

use crate::error::HospitalError;
use crate::service::Hospitals;
use crate::verify::hospital_policy;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    /// Watches verified again.
    pub checked: usize,
    /// Watches whose standing changed (one notification each).
    pub changed: usize,
    /// Notifications delivered to webhooks in this round.
    pub delivered: usize,
    /// Deliveries that failed in this round (retried next round until the attempt limit).
    pub delivery_failures: usize,
}

/// Delivery states of a notification.
pub(crate) const NO_WEBHOOK: &str = "none";
pub(crate) const PENDING: &str = "pending";

/// What changed, in words.
fn detail(standing: Standing, report: &Report) -> String {
    let problems = || -> String {
        let p: Vec<String> =
            report.problems().map(|c| format!("{}: {}", c.name, c.outcome.reason().unwrap_or_default())).collect();
        p.join("; ")
    };
    match standing {
        Standing::Good => "in good standing".to_owned(),
        Standing::Expiring => match report.valid_until {
            Some(t) => format!("valid until {}", t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            None => "nearing the end of its validity".to_owned(),
        },
        Standing::Revoked | Standing::Suspended | Standing::Expired | Standing::Invalid | Standing::Unknown => {
            problems()
        }
    }
}

impl Hospitals {
    /// Run one monitoring round over the active watches of `only` (or of every hospital), then
    /// deliver what is pending.
    pub async fn monitor_round(&self, only: Option<&HospitalRow>) -> Result<RoundSummary, HospitalError> {
        let watches = match only {
            Some(h) => self.db().watches(&h.id, true).await?,
            None => self.db().active_watches().await?,
        };
        let mut hospitals: BTreeMap<String, HospitalRow> = BTreeMap::new();
        let mut summary = RoundSummary::default();
        for w in watches {
            if !hospitals.contains_key(&w.hospital_id) {
                let h = self.db().hospital_by_id(&w.hospital_id).await?;
                hospitals.insert(h.id.clone(), h);
            }
            let Some(hospital) = hospitals.get(&w.hospital_id) else { continue };
            summary.checked += 1;
            if self.check_watch(hospital, &w).await? {
                summary.changed += 1;
            }
        }
        let (delivered, failures) = self.deliver_pending().await?;
        summary.delivered = delivered;
        summary.delivery_failures = failures;
        Ok(summary)
    }

    /// Verify `w` again; record its standing and, when it changed, a notification. Whether it
    /// changed.
    async fn check_watch(&self, hospital: &HospitalRow, w: &WatchRow) -> Result<bool, HospitalError> {
        let report = self.verifier().credential(&w.credential, &hospital_policy()).await;
        let now = self.now();
        let standing = Standing::of(&report, now, self.settings().warn_before);
        let changed = standing.as_str() != w.standing;
        let note = changed.then(|| NotificationRow {
            id: uuid::Uuid::new_v4().to_string(),
            hospital_id: hospital.id.clone(),
            watch_id: w.id.clone(),
            kind: standing.as_str().to_owned(),
            previous: w.standing.clone(),
            detail: detail(standing, &report),
            at: now.timestamp(),
            delivery: if hospital.webhook_url.is_some() { PENDING } else { NO_WEBHOOK }.to_owned(),
            attempts: 0,
            last_error: None,
        });
        self.db().record_watch_check(&w.id, standing.as_str(), now.timestamp(), note.as_ref()).await?;
        if changed {
            // Ids only: the label and the credential may hold personal data.
            tracing::info!(watch = %w.id, hospital = %hospital.slug, from = %w.standing, to = %standing, "watched credential changed");
        }
        Ok(changed)
    }

    /// Run rounds forever: every `every`, and whenever `commits` moves (the registry's committed
    /// batches). Errors are logged and the next round tries again.
    pub fn spawn_monitor(&self, every: Duration, commits: Option<watch::Receiver<u64>>) -> tokio::task::JoinHandle<()> {
        self.spawn_monitor_leased(every, commits, None)
    }

    /// [`Hospitals::spawn_monitor`], running rounds only while this process holds the monitoring
    /// lease ([`MONITOR_LEASE`]) when `lease` is given: of several processes over one database,
    /// one re-checks and delivers, so a change makes one notification and one webhook call.
    pub fn spawn_monitor_leased(
        &self,
        every: Duration,
        mut commits: Option<watch::Receiver<u64>>,
        lease: Option<Sequencer>,
    ) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                let committed = async {
                    let moved = match commits.as_mut() {
                        Some(rx) => rx.changed().await.is_ok(),
                        None => false,
                    };
                    if !moved {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = committed => {}
                }
                if let Some(seq) = &lease {
                    if !seq.claim(MONITOR_LEASE).await.unwrap_or(false) {
                        continue;
                    }
                }
                match me.monitor_round(None).await {
                    Ok(s) if s.changed > 0 || s.delivered > 0 || s.delivery_failures > 0 => {
                        tracing::info!(
                            checked = s.checked,
                            changed = s.changed,
                            delivered = s.delivered,
                            failures = s.delivery_failures,
                            "monitoring round"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "monitoring round failed; retrying next round"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use medcred_verifier::{Check, CheckName, Outcome};

    use super::*;

    #[test]
    fn details_say_what_changed() {
        let r = Report::new(vec![Check::new(CheckName::Status, Outcome::failed("revoked (list 0, index 3)"))]);
        assert_eq!(detail(Standing::Revoked, &r), "status: revoked (list 0, index 3)");
        let mut ok = Report::new(vec![Check::new(CheckName::Proof, Outcome::Passed)]);
        assert_eq!(detail(Standing::Good, &ok), "in good standing");
        ok.valid_until = "2026-07-01T00:00:00Z".parse().ok();
        assert_eq!(detail(Standing::Expiring, &ok), "valid until 2026-07-01T00:00:00Z");
    }
}
