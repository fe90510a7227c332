//! Issuance: replace each disclosable claim (named by a JSON pointer) with a digest in its
//! parent's `_sd` array or, for an array element, with `{"...": digest}` (RFC 9901 §4.2).

use rand::RngCore;
use serde_json::{json, Map, Value};

use super::disclosure::{sha256_b64, Disclosure};
use super::pointer;
use crate::error::FormatError;
use crate::jwt::jws::b64;

/// Claims an SD-JWT VC must keep in plain form (SD-JWT VC §3.2.2.2) plus the SD-JWT machinery.
const NEVER_DISCLOSABLE: [&str; 8] = ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd_alg"];

/// A fresh 128-bit salt, base64url.
fn salt(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    b64(bytes)
}

/// Insert `digest` into `obj["_sd"]` keeping it sorted; a new `_sd` also gets `decoys` decoys.
fn add_digest(
    obj: &mut Map<String, Value>,
    digest: String,
    decoys: usize,
    rng: &mut impl RngCore,
) -> Result<(), FormatError> {
    let mut new = vec![digest];
    if !obj.contains_key("_sd") {
        new.extend((0..decoys).map(|_| sha256_b64(&salt(rng))));
    }
    let Value::Array(sd) = obj.entry("_sd").or_insert_with(|| json!([])) else {
        return Err(FormatError::malformed("claims", "_sd is not an array"));
    };
    for d in new {
        let d = Value::String(d);
        let at = sd.partition_point(|x| x.as_str() < d.as_str());
        sd.insert(at, d);
    }
    Ok(())
}

/// Conceal every claim of `root` (a JSON object) named in `pointers`, innermost first, and
/// return the disclosures.
pub(crate) fn conceal(
    root: &mut Value,
    pointers: &[String],
    decoys: usize,
    rng: &mut impl RngCore,
) -> Result<Vec<Disclosure>, FormatError> {
    let mut parsed = pointers.iter().map(|p| pointer::parse(p).map(|t| (p, t))).collect::<Result<Vec<_>, _>>()?;
    parsed.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    if let Some(w) = parsed.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(FormatError::malformed("disclosable pointers", format!("{} is listed twice", w[0].0)));
    }
    let mut out = Vec::with_capacity(parsed.len());
    for (p, tokens) in parsed {
        let bad = |why: &str| FormatError::malformed("disclosable pointers", format!("{p}: {why}"));
        let Some((last, parents)) = tokens.split_last() else {
            return Err(bad("the root cannot be disclosable"));
        };
        if parents.is_empty() && NEVER_DISCLOSABLE.contains(&last.as_str()) {
            return Err(bad("this claim must stay in plain form"));
        }
        if tokens.iter().any(|t| t == "_sd" || t == "...") {
            return Err(bad("reserved member name"));
        }
        let mut node = &mut *root;
        for t in parents {
            node = match node {
                Value::Object(o) => o.get_mut(t),
                Value::Array(a) => pointer::index(t).and_then(|i| a.get_mut(i)),
                _ => None,
            }
            .ok_or_else(|| bad("no such claim"))?;
        }
        let disclosure = match node {
            Value::Object(parent) => {
                let value = parent.remove(last).ok_or_else(|| bad("no such claim"))?;
                let d = Disclosure::new(&salt(rng), Some(last), value)?;
                add_digest(parent, d.digest.clone(), decoys, rng)?;
                d
            }
            Value::Array(a) => {
                let slot =
                    pointer::index(last).and_then(|i| a.get_mut(i)).ok_or_else(|| bad("no such array element"))?;
                let d = Disclosure::new(&salt(rng), None, slot.take())?;
                *slot = json!({"...": d.digest});
                d
            }
            _ => return Err(bad("no such claim")),
        };
        out.push(disclosure);
    }
    Ok(out)
}

/// Refuse input claims that already use the SD-JWT reserved names `_sd` or `...`.
pub(crate) fn check_no_reserved(value: &Value, depth: usize) -> Result<(), FormatError> {
    if depth > super::MAX_DEPTH {
        return Err(FormatError::malformed("claims", "nested too deeply"));
    }
    match value {
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| *k == "_sd" || *k == "...") {
                return Err(FormatError::malformed("claims", format!("reserved member name {k:?}")));
            }
            o.values().try_for_each(|v| check_no_reserved(v, depth + 1))
        }
        Value::Array(a) => a.iter().try_for_each(|v| check_no_reserved(v, depth + 1)),
        _ => Ok(()),
    }
}
