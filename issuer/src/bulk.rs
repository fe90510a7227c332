//! Bulk issuance from CSV: one license per row, bad rows reported (the good ones still issue),
//! resumable — a row already issued by an earlier run (same jurisdiction, license number and
//! validUntil) is skipped. Rows are signed in parallel and stored in batches, one transaction
//! per batch, so a crash loses at most the batch in flight and a re-run finishes the job.

use std::collections::BTreeSet;

use medcred_formats::Format;
use medcred_model::context::{CONTEXT_URL, VC_V2};
use medcred_model::{Claims, FieldError, IssueRequest, IssuerRef};
use medcred_store::BoardRow;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::IssuerError;
use crate::issue::{check_issuer, row, sign, Issued, StatusRef};
use crate::service::Issuer;
use crate::status_slots::{ListUrls, Slot};

/// Rows signed and stored per transaction.
pub const BATCH: usize = 512;
/// Most rows one file may hold.
pub const MAX_ROWS: usize = 1_000_000;

/// The CSV columns (header names). Empty optional cells are absent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LicenseRow {
    /// Practitioner's full name.
    pub practitioner_name: String,
    /// License type code (RN, MD, …).
    pub license_type: String,
    /// License number.
    pub license_number: String,
    /// ISO 3166-2 jurisdiction.
    pub jurisdiction: String,
    /// YYYY-MM-DD.
    pub original_issue_date: String,
    /// RFC 3339; empty for now.
    #[serde(default)]
    pub valid_from: String,
    /// RFC 3339.
    pub valid_until: String,
    /// Specialty or scope.
    #[serde(default)]
    pub specialty: String,
    /// Restrictions separated by `|`.
    #[serde(default)]
    pub restrictions: String,
    /// NPI.
    #[serde(default)]
    pub npi: String,
    /// `true`/`false`/empty.
    #[serde(default)]
    pub multistate_privilege: String,
    /// Holder DID.
    #[serde(default)]
    pub holder_did: String,
}

impl LicenseRow {
    /// The VC-API `credential` JSON for this row, so rows go through the same checks as the API.
    pub fn to_credential_json(&self) -> Value {
        let mut s = Map::new();
        let mut put = |k: &str, v: &str| {
            if !v.trim().is_empty() {
                s.insert(k.into(), json!(v));
            }
        };
        put("id", &self.holder_did);
        put("practitionerName", &self.practitioner_name);
        put("licenseType", &self.license_type);
        put("licenseNumber", &self.license_number);
        put("jurisdiction", &self.jurisdiction);
        put("originalIssueDate", &self.original_issue_date);
        put("specialty", &self.specialty);
        put("npi", &self.npi);
        let restrictions: Vec<&str> = self.restrictions.split('|').map(str::trim).filter(|r| !r.is_empty()).collect();
        if !restrictions.is_empty() {
            s.insert("restrictions".into(), json!(restrictions));
        }
        match self.multistate_privilege.trim().to_ascii_lowercase().as_str() {
            "" => {}
            "true" | "yes" | "1" => {
                s.insert("multistatePrivilege".into(), json!(true));
            }
            "false" | "no" | "0" => {
                s.insert("multistatePrivilege".into(), json!(false));
            }
            other => {
                s.insert("multistatePrivilege".into(), json!(other));
            }
        }
        let mut vc = json!({
            "@context": [VC_V2, CONTEXT_URL],
            "type": ["VerifiableCredential", "MedicalLicenseCredential"],
            "credentialSubject": s,
        });
        if !self.valid_from.trim().is_empty() {
            vc["validFrom"] = json!(self.valid_from.trim());
        }
        if !self.valid_until.trim().is_empty() {
            vc["validUntil"] = json!(self.valid_until.trim());
        }
        vc
    }
}

/// One bad row.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// The row's license number, to find it.
    pub license_number: String,
    /// What is wrong, by field.
    pub errors: Vec<FieldError>,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Progress {
    /// Rows in the file.
    pub total: u64,
    /// Rows issued in this run.
    pub issued: u64,
    /// Rows skipped because an earlier run issued them.
    pub skipped: u64,
    /// Rows refused.
    pub failed: u64,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Final counts.
    pub progress: Progress,
    /// Every refused row.
    pub errors: Vec<RowError>,
    /// Ids of the credentials issued in this run, in file order.
    #[serde(skip)]
    pub issued_ids: Vec<String>,
}

impl Report {
    /// The per-row error report as CSV (`line,license_number,field,code,message`).
    pub fn errors_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["line", "license_number", "field", "code", "message"]);
        for r in &self.errors {
            for e in &r.errors {
                let _ = w.write_record([r.line.to_string().as_str(), &r.license_number, &e.field, e.code, &e.message]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// A CSV line number with the row read from it, or why it could not be read.
pub type ParsedRow = (u64, Result<LicenseRow, RowError>);

/// Parse a CSV file into rows; a row that does not parse becomes a [`RowError`].
pub fn parse_csv(data: &[u8]) -> Result<Vec<ParsedRow>, IssuerError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(data);
    let headers = reader
        .headers()
        .map_err(|e| IssuerError::BadRequest { code: "malformed_csv", message: format!("CSV header: {e}") })?
        .clone();
    for required in
        ["practitioner_name", "license_type", "license_number", "jurisdiction", "original_issue_date", "valid_until"]
    {
        if !headers.iter().any(|h| h == required) {
            return Err(IssuerError::BadRequest {
                code: "missing_column",
                message: format!("CSV has no {required} column"),
            });
        }
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if out.len() >= MAX_ROWS {
            return Err(IssuerError::BadRequest {
                code: "too_many_rows",
                message: format!("at most {MAX_ROWS} rows per file"),
            });
        }
        let line = i as u64 + 2;
        let parsed = record.and_then(|r| r.deserialize::<LicenseRow>(Some(&headers))).map_err(|e| RowError {
            line,
            license_number: String::new(),
            errors: vec![FieldError::new("row", "malformed_row", e.to_string())],
        });
        out.push((line, parsed));
    }
    Ok(out)
}

fn dedupe_key(req: &IssueRequest) -> Option<String> {
    match &req.claims {
        Claims::License(l) => Some(format!(
            "{}/{}/{}",
            l.jurisdiction,
            l.license_number,
            req.valid_until.map(|t| t.timestamp()).unwrap_or(0)
        )),
        Claims::Patient(_) => None,
    }
}

impl Issuer {
    /// Issue one credential per row of `csv` for `board` in `format`, calling `on_progress` after
    /// every stored batch.
    pub async fn issue_bulk(
        &self,
        board: &BoardRow,
        csv: &[u8],
        format: Format,
        on_progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Report, IssuerError> {
        let rows = parse_csv(csv)?;
        let now = self.clock().now();
        let mut progress = Progress { total: rows.len() as u64, ..Progress::default() };
        let mut errors = Vec::new();
        let mut valid: Vec<(IssueRequest, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        for (line, row) in rows {
            let checked = row.and_then(|r| {
                IssueRequest::from_vc_json(&r.to_credential_json(), now).map_err(|e| RowError {
                    line,
                    license_number: r.license_number.clone(),
                    errors: e.0,
                })
            });
            match checked {
                Ok(req) => {
                    let key = dedupe_key(&req).unwrap_or_default();
                    if seen.insert(key.clone()) {
                        valid.push((req, key));
                    } else {
                        let number = match &req.claims {
                            Claims::License(l) => l.license_number.clone(),
                            Claims::Patient(_) => String::new(),
                        };
                        errors.push(RowError {
                            line,
                            license_number: number,
                            errors: vec![FieldError::new(
                                "row",
                                "duplicate_row",
                                "the same license and validUntil appear earlier in the file",
                            )],
                        });
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        progress.failed = errors.len() as u64;
        let keys: Vec<String> = valid.iter().map(|(_, k)| k.clone()).collect();
        let done = self.db().existing_dedupe_keys(&board.id, &keys).await?;
        let todo: Vec<(IssueRequest, String)> = valid.into_iter().filter(|(_, k)| !done.contains(k)).collect();
        progress.skipped = done.len() as u64;
        on_progress(progress);

        let key = self.signing_key(board).await?;
        let issuer = IssuerRef { id: board.did.clone(), name: board.name.clone() };
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let mut issued_ids = Vec::new();
        for batch in todo.chunks(BATCH) {
            for (req, _) in batch {
                check_issuer(req, board)?;
            }
            let slots = self.allocate_slots(board, batch.len()).await?;
            let urls = self.list_urls(board);
            let signed = sign_parallel(batch, &slots, &urls, &issuer, &key, format, now, workers).await?;
            let mut tx = self.db().begin().await?;
            for (((req, dedupe), issued), slot) in batch.iter().zip(&signed).zip(&slots) {
                let r = row(board, req, issued, &key, Some(*slot), Some(dedupe.clone()), now.timestamp());
                tx.insert_credential(&r).await?;
            }
            tx.commit().await?;
            issued_ids.extend(signed.into_iter().map(|i| i.id));
            progress.issued = issued_ids.len() as u64;
            on_progress(progress);
        }
        tracing::info!(board = %board.slug, issued = progress.issued, skipped = progress.skipped, failed = progress.failed, "bulk run done");
        Ok(Report { progress, errors, issued_ids })
    }
}

/// Sign a batch on `workers` blocking threads, request `i` with status slot `slots[i]`.
#[allow(clippy::too_many_arguments)]
async fn sign_parallel(
    batch: &[(IssueRequest, String)],
    slots: &[Slot],
    urls: &ListUrls,
    issuer: &IssuerRef,
    key: &medcred_formats::IssuerKey,
    format: Format,
    now: chrono::DateTime<chrono::Utc>,
    workers: usize,
) -> Result<Vec<Issued>, IssuerError> {
    let per = batch.len().div_ceil(workers.max(1)).max(1);
    let mut handles = Vec::new();
    for (part, part_slots) in batch.chunks(per).zip(slots.chunks(per)) {
        let part: Vec<(IssueRequest, Slot)> =
            part.iter().map(|(r, _)| r.clone()).zip(part_slots.iter().copied()).collect();
        let (issuer, key, urls) = (issuer.clone(), key.clone(), urls.clone());
        handles.push(tokio::task::spawn_blocking(move || {
            part.iter()
                .map(|(req, slot)| {
                    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
                    let status = StatusRef { slot: *slot, urls: urls.clone() };
                    let secured =
                        futures::executor::block_on(sign(req, &id, &issuer, &key, format, now, Some(&status)))?;
                    Ok(Issued { id, format, secured })
                })
                .collect::<Result<Vec<_>, IssuerError>>()
        }));
    }
    let mut out = Vec::with_capacity(batch.len());
    for h in handles {
        let part = h.await.map_err(|e| IssuerError::Internal(format!("signing worker failed: {e}")))??;
        out.extend(part);
    }
    Ok(out)
}
