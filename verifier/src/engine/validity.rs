//! The validity period check: `validFrom`/`validUntil` (VC Data Model 2.0 §4.9) and, for JWT
//! formats, `nbf`/`exp` (RFC 7519 §4.1.4-5), against a clock passed in, with an allowed skew.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use medcred_formats::Format;
use serde_json::{Map, Value};

use crate::report::Outcome;

/// How the reason of a failed validity check begins for a credential past its end.
pub(crate) const EXPIRED: &str = "expired";

/// Whether `now` lies within every bound the credential states, give or take `skew` (its absolute
/// value). A credential that states no bound is not applicable; an unreadable bound fails.
pub(crate) fn check(format: Format, claims: &Map<String, Value>, now: DateTime<Utc>, skew: Duration) -> Outcome {
    let (w3c, jwt) = match format {
        Format::EddsaRdfc2022 | Format::EddsaJcs2022 => (true, false),
        Format::VcJwt => (true, true),
        Format::SdJwtVc => (false, true),
    };
    type Parse = fn(&Value) -> Option<DateTime<Utc>>;
    let mut wanted: Vec<(&str, bool, &str, Parse)> = Vec::new();
    if w3c {
        wanted.push(("validFrom", true, "RFC 3339 date-time", date_time));
        wanted.push(("validUntil", false, "RFC 3339 date-time", date_time));
    }
    if jwt {
        wanted.push(("nbf", true, "NumericDate", numeric_date));
        wanted.push(("exp", false, "NumericDate", numeric_date));
    }
    let mut bounds = Vec::new();
    for (name, is_start, kind, parse) in wanted {
        let Some(v) = claims.get(name) else { continue };
        match parse(v) {
            Some(t) => bounds.push((name, is_start, t)),
            None => return Outcome::failed(format!("{name} is not a valid {kind}")),
        }
    }
    if bounds.is_empty() {
        return Outcome::NotApplicable;
    }
    let skew = skew.abs();
    let latest_start = now.checked_add_signed(skew).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let earliest_end = now.checked_sub_signed(skew).unwrap_or(DateTime::<Utc>::MIN_UTC);
    for (name, is_start, t) in bounds {
        if is_start && t > latest_start {
            return Outcome::failed(format!("not yet valid: {name} is {}", show(t)));
        }
        if !is_start && t <= earliest_end {
            return Outcome::failed(format!("{EXPIRED}: {name} is {}", show(t)));
        }
    }
    Outcome::Passed
}

/// The end of validity a credential in `format` states: the earliest readable `validUntil` (W3C
/// formats) or `exp` (JWT formats), if any.
pub(crate) fn valid_until(format: Format, claims: &Map<String, Value>) -> Option<DateTime<Utc>> {
    let w3c = matches!(format, Format::EddsaRdfc2022 | Format::EddsaJcs2022 | Format::VcJwt);
    let jwt = matches!(format, Format::VcJwt | Format::SdJwtVc);
    let until = w3c.then(|| claims.get("validUntil").and_then(date_time)).flatten();
    let exp = jwt.then(|| claims.get("exp").and_then(numeric_date)).flatten();
    until.into_iter().chain(exp).min()
}

/// An RFC 3339 date-time with a time zone (`dateTimeStamp`, as VC Data Model 2.0 requires).
fn date_time(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?).ok().map(|t| t.with_timezone(&Utc))
}

/// A JWT NumericDate: seconds since the epoch, possibly fractional (truncated).
fn numeric_date(v: &Value) -> Option<DateTime<Utc>> {
    let secs = match v.as_i64() {
        Some(s) => s,
        None => {
            let f = v.as_f64()?;
            if !f.is_finite() || f.abs() > 1e15 {
                return None;
            }
            // In range: checked above; truncation toward zero is intended.
            #[allow(clippy::cast_possible_truncation)]
            let s = f.trunc() as i64;
            s
        }
    };
    DateTime::from_timestamp(secs, 0)
}

fn show(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn valid_until_is_the_earliest_stated_end() {
        let c = claims(json!({"validUntil": "2027-01-01T00:00:00Z", "exp": 1_790_000_000}));
        assert_eq!(valid_until(Format::EddsaJcs2022, &c), Some(at("2027-01-01T00:00:00Z")));
        assert_eq!(valid_until(Format::SdJwtVc, &c), DateTime::from_timestamp(1_790_000_000, 0));
        assert_eq!(valid_until(Format::VcJwt, &c), DateTime::from_timestamp(1_790_000_000, 0));
        assert_eq!(valid_until(Format::EddsaRdfc2022, &claims(json!({"validUntil": "soon"}))), None);
        assert_eq!(valid_until(Format::SdJwtVc, &claims(json!({}))), None);
    }

    #[test]
    fn w3c_dates_with_skew() {
        let c = claims(json!({"validFrom": "2026-03-01T00:00:00Z", "validUntil": "2027-03-01T00:00:00+01:00"}));
        let skew = Duration::minutes(5);
        let check_at = |t| check(Format::EddsaJcs2022, &c, at(t), skew);
        assert_eq!(check_at("2026-06-01T00:00:00Z"), Outcome::Passed);
        assert_eq!(check_at("2026-02-28T23:56:00Z"), Outcome::Passed, "within skew before validFrom");
        assert!(
            matches!(check_at("2026-02-28T23:54:00Z"), Outcome::Failed { reason } if reason.starts_with("not yet valid"))
        );
        assert_eq!(check_at("2027-02-28T23:04:00Z"), Outcome::Passed, "within skew after validUntil");
        assert!(
            matches!(check_at("2027-02-28T23:05:00Z"), Outcome::Failed { reason } if reason.starts_with("expired"))
        );
    }

    #[test]
    fn jwt_dates_and_mirrors() {
        let now = at("2026-06-01T00:00:00Z");
        let nbf = now.timestamp() + 3600;
        let sd = claims(json!({"nbf": nbf, "validFrom": "garbage is just a claim here"}));
        assert!(matches!(check(Format::SdJwtVc, &sd, now, Duration::zero()), Outcome::Failed { .. }));
        let exp = claims(json!({"exp": now.timestamp() as f64 - 0.5}));
        assert!(
            matches!(check(Format::SdJwtVc, &exp, now, Duration::zero()), Outcome::Failed { reason } if reason.starts_with("expired"))
        );
        // vc+jwt: both the credential dates and the mirrored claims count.
        let disagree = claims(json!({"validUntil": "2030-01-01T00:00:00Z", "exp": now.timestamp() - 10}));
        assert!(matches!(check(Format::VcJwt, &disagree, now, Duration::zero()), Outcome::Failed { .. }));
        assert_eq!(check(Format::VcJwt, &claims(json!({})), now, Duration::zero()), Outcome::NotApplicable);
    }

    #[test]
    fn unreadable_bounds_fail() {
        let now = at("2026-06-01T00:00:00Z");
        for (format, c) in [
            (Format::EddsaRdfc2022, json!({"validFrom": "2026-03-01"})),
            (Format::EddsaRdfc2022, json!({"validUntil": 1})),
            (Format::SdJwtVc, json!({"exp": "tomorrow"})),
            (Format::SdJwtVc, json!({"nbf": 1e300})),
            (Format::VcJwt, json!({"exp": i64::MAX})),
        ] {
            assert!(matches!(check(format, &claims(c.clone()), now, Duration::zero()), Outcome::Failed { .. }), "{c}");
        }
        let huge_skew = Duration::MAX;
        assert_eq!(
            check(Format::EddsaJcs2022, &claims(json!({"validFrom": "2026-03-01T00:00:00Z"})), now, huge_skew),
            Outcome::Passed
        );
    }
}
