//! ssi 0.16's own verification of the same credentials, as the baseline of the overhead ratio:
//! Data Integrity (`eddsa-rdfc-2022`) through `AnyDataIntegrity`, `vc+jwt` through `JoseVc`,
//! `dc+sd-jwt` through `SdJwt`; each resolves the did:key issuer with ssi's own `DIDKey`.
//! ssi checks the signature and validFrom/validUntil (JWT: exp/nbf) only — no issuer binding,
//! trust, status or schema. `eddsa-jcs-2022` has no ssi implementation.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use medcred_formats::Format;
use medcred_model::context::{CONTEXT_JSON, CONTEXT_URL};
use ssi::claims::data_integrity::{from_json_str, AnySuite};
use ssi::claims::sd_jwt::SdJwt;
use ssi::claims::vc::v2::JsonCredential;
use ssi::claims::vc_jose_cose::JoseVc;
use ssi::claims::{JwsSlice, VerificationParameters};
use ssi::dids::{DIDKey, DIDResolver, VerificationMethodDIDResolver};
use ssi::json_ld::ContextLoader;
use ssi::verification_methods::AnyMethod;

/// ssi's verification parameters, built once (the warm state): did:key resolver, the bundled
/// JSON-LD contexts plus medcred's, and the verifier's clock.
pub(crate) struct Ssi {
    params: VerificationParameters<VerificationMethodDIDResolver<DIDKey, AnyMethod>, ContextLoader>,
}

impl Ssi {
    pub(crate) fn new(now: DateTime<Utc>) -> Ssi {
        let map = HashMap::from([(CONTEXT_URL.to_owned(), CONTEXT_JSON.to_owned())]);
        let loader = ContextLoader::default().with_context_map_from(map).expect("medcred context");
        let params = VerificationParameters::from_resolver(DIDKey.into_vm_resolver::<AnyMethod>())
            .with_json_ld_loader(loader)
            .with_date_time(now);
        Ssi { params }
    }

    /// Whether ssi can verify `format` at all.
    pub(crate) fn supports(format: Format) -> bool {
        matches!(format, Format::EddsaRdfc2022 | Format::VcJwt | Format::SdJwtVc)
    }

    /// Parse and verify `input` in `format`: `Ok(())` when ssi accepts it, otherwise why not
    /// (an unsupported format included).
    pub(crate) async fn verify(&self, format: Format, input: &str) -> Result<(), String> {
        let p = &self.params;
        let outcome = match format {
            Format::EddsaRdfc2022 => {
                let vc = from_json_str::<JsonCredential, AnySuite>(input).map_err(|e| e.to_string())?;
                vc.verify(p).await
            }
            Format::VcJwt => {
                let jws = JwsSlice::new(input.as_bytes()).map_err(|e| e.to_string())?;
                JoseVc::decode_any(jws).map_err(|e| e.to_string())?.verify(p).await
            }
            Format::SdJwtVc => {
                let sd = SdJwt::new(input).map_err(|e| e.to_string())?;
                sd.decode_reveal_verify_any(p).await.map(|(_, v)| v)
            }
            other => return Err(format!("ssi 0.16 has no implementation of {other}")),
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(invalid)) => Err(format!("invalid: {invalid}")),
            Err(e) => Err(format!("error: {e}")),
        }
    }
}

/// `input` with its signed content changed (a JSON credential: the license number) or a
/// signature character replaced (a compact JWS or SD-JWT), which ssi must reject — so the
/// baseline is known to check the signature, not only to parse.
pub(crate) fn tampered(format: Format, input: &str) -> String {
    if format.is_json() {
        return input.replace("RN-123456", "RN-654321");
    }
    let jws_end = input.find('~').unwrap_or(input.len());
    let sig_start = input[..jws_end].rfind('.').map_or(0, |i| i + 1);
    let middle = sig_start + (jws_end - sig_start) / 2;
    let swapped = if input.as_bytes()[middle] == b'A' { "B" } else { "A" };
    format!("{}{swapped}{}", &input[..middle], &input[middle + 1..])
}
