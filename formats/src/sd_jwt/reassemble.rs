//! Verification core of RFC 9901 §7.1 steps 3–5: put disclosed claims back into the
//! issuer-signed payload, checking that every digest is unique and every disclosure is
//! referenced exactly once, and remove `_sd`, `_sd_alg` and undisclosed array elements.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::disclosure::Disclosure;
use super::{pointer, MAX_DEPTH};
use crate::error::FormatError;

/// The payload with disclosures applied.
#[derive(Debug)]
pub(crate) struct Reassembled {
    /// The claims, without SD-JWT machinery.
    pub(crate) claims: Map<String, Value>,
    /// For each disclosure (same order as given), the JSON pointer of its claim in `claims`.
    pub(crate) pointers: Vec<String>,
}

struct Walk<'a> {
    disclosures: &'a [Disclosure],
    by_digest: BTreeMap<&'a str, usize>,
    seen: BTreeSet<&'a str>,
    pointers: Vec<Option<String>>,
}

fn bad(why: impl ToString) -> FormatError {
    FormatError::malformed("SD-JWT", why)
}

/// Apply `disclosures` to the issuer-signed `payload`.
pub(crate) fn reassemble(payload: &Map<String, Value>, disclosures: &[Disclosure]) -> Result<Reassembled, FormatError> {
    let mut by_digest = BTreeMap::new();
    for (i, d) in disclosures.iter().enumerate() {
        if by_digest.insert(d.digest.as_str(), i).is_some() {
            return Err(bad("the same disclosure is presented twice"));
        }
    }
    let mut walk = Walk { disclosures, by_digest, seen: BTreeSet::new(), pointers: vec![None; disclosures.len()] };
    let mut claims = walk.object(payload, "", 0)?;
    claims.remove("_sd_alg");
    let pointers = walk
        .pointers
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("a disclosure is not referenced by the issuer-signed JWT"))?;
    Ok(Reassembled { claims, pointers })
}

impl<'a> Walk<'a> {
    /// Record a digest; any digest may appear only once in the whole payload (§7.1 step 4).
    fn digest(&mut self, digest: &'a Value) -> Result<Option<usize>, FormatError> {
        let digest = digest.as_str().ok_or_else(|| bad("a digest is not a string"))?;
        if !self.seen.insert(digest) {
            return Err(bad("a digest appears more than once"));
        }
        Ok(self.by_digest.get(digest).copied())
    }

    fn value(&mut self, v: &'a Value, path: &str, depth: usize) -> Result<Value, FormatError> {
        match v {
            Value::Object(o) => self.object(o, path, depth + 1).map(Value::Object),
            Value::Array(a) => self.array(a, path, depth + 1).map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn object(
        &mut self,
        o: &'a Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Result<Map<String, Value>, FormatError> {
        if depth > MAX_DEPTH {
            return Err(bad(format!("claims nested deeper than {MAX_DEPTH}")));
        }
        let mut out = Map::new();
        for (k, v) in o.iter().filter(|(k, _)| *k != "_sd") {
            let value = self.value(v, &pointer::push(path, k), depth)?;
            out.insert(k.clone(), value);
        }
        let Some(sd) = o.get("_sd") else {
            return Ok(out);
        };
        let sd = sd.as_array().ok_or_else(|| bad("_sd is not an array"))?;
        for digest in sd {
            let Some(i) = self.digest(digest)? else {
                continue;
            };
            let disclosures: &'a [Disclosure] = self.disclosures;
            let d = &disclosures[i];
            let name = d.name.as_deref().ok_or_else(|| bad("an array-element disclosure is referenced from _sd"))?;
            if out.contains_key(name) {
                return Err(bad(format!("disclosed claim {name:?} already exists")));
            }
            let p = pointer::push(path, name);
            let value = self.value(&d.value, &p, depth)?;
            out.insert(name.to_owned(), value);
            self.pointers[i] = Some(p);
        }
        Ok(out)
    }

    fn array(&mut self, a: &'a [Value], path: &str, depth: usize) -> Result<Vec<Value>, FormatError> {
        if depth > MAX_DEPTH {
            return Err(bad(format!("claims nested deeper than {MAX_DEPTH}")));
        }
        let mut out = Vec::with_capacity(a.len());
        for element in a {
            let p = pointer::push(path, &out.len().to_string());
            match element.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("...")) {
                Some(digest) => {
                    let Some(i) = self.digest(digest)? else {
                        continue;
                    };
                    let disclosures: &'a [Disclosure] = self.disclosures;
                    let d = &disclosures[i];
                    if d.name.is_some() {
                        return Err(bad("an object-member disclosure is referenced as an array element"));
                    }
                    out.push(self.value(&d.value, &p, depth)?);
                    self.pointers[i] = Some(p);
                }
                None => out.push(self.value(element, &p, depth)?),
            }
        }
        Ok(out)
    }
}
