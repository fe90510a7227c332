//! What the wallet page shows, as plain data: the browser half fills it from the wallet core
//! ([`super::browser`]); the components only render it.

/// One credential in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialCard {
    /// The wallet's local id.
    pub id: String,
    /// What it is, in words ("Medical license").
    pub title: String,
    /// `dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`.
    pub format: String,
    /// The issuer (the board's DID).
    pub issuer: String,
    /// When it arrived (RFC 3339).
    pub received_at: String,
    /// A few claims about the subject, as (name, value), for recognising it.
    pub facts: Vec<(String, String)>,
    /// Last known status (`active`, `suspended`, `revoked`) and when it was read.
    pub status: Option<(String, String)>,
}

/// A credential offer, before the holder accepts it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferCard {
    /// The Credential Issuer (URL).
    pub issuer: String,
    /// What is offered (configuration ids).
    pub offered: Vec<String>,
    /// The PIN the issuer sent separately, if the offer needs one: its description and length.
    pub pin: Option<PinAsk>,
}

/// How the PIN is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PinAsk {
    /// What the issuer says of it.
    pub description: Option<String>,
    /// Its length, when the issuer says.
    pub length: Option<u32>,
    /// Digits only (`numeric`).
    pub numeric: bool,
}

/// A presentation request, checked, before the holder consents.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestCard {
    /// The name the verifier gives itself (self-asserted).
    pub name: Option<String>,
    /// The verifier's DID (the request is signed by its key).
    pub did: String,
    /// Why it asks.
    pub purpose: Option<String>,
    /// One line per credential asked for.
    pub asks: Vec<AskLine>,
}

impl RequestCard {
    /// Whether the wallet holds a credential for every query.
    pub fn answerable(&self) -> bool {
        self.asks.iter().all(|a| a.answer.is_some())
    }
}

/// One credential asked for, and what would answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct AskLine {
    /// What is asked, in words.
    pub what: String,
    /// The credential that answers it (its title), or `None`.
    pub answer: Option<String>,
    /// The claims that would be disclosed.
    pub disclose: Vec<String>,
}

/// The task in front of the holder.
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    /// Nothing: the list.
    Idle,
    /// Working (what, in words).
    Busy(String),
    /// An offer to accept.
    Offer(OfferCard),
    /// A request to answer.
    Request(RequestCard),
    /// Finished, with what happened.
    Done(String),
    /// Failed, with why.
    Failed(String),
}

/// A credential type in words: the last path segment of a URL or the type name, CamelCase split
/// and `Credential` dropped ("MedicalLicenseCredential" → "Medical license").
pub fn title_of(types: &[String]) -> String {
    let Some(last) = types.iter().rev().find(|t| t.as_str() != "VerifiableCredential") else {
        return "Credential".into();
    };
    let name = last.rsplit(['/', '#', ':']).next().unwrap_or(last);
    let name = name.strip_suffix("Credential").unwrap_or(name);
    let mut words = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch == '_' || ch == '-' {
            words.push(' ');
        } else if i > 0 && ch.is_uppercase() {
            words.push(' ');
            words.extend(ch.to_lowercase());
        } else {
            words.push(ch);
        }
    }
    let words = words.trim();
    if words.is_empty() {
        return "Credential".into();
    }
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_else(|| "Credential".into())
}

#[cfg(test)]
mod tests {
    use super::title_of;

    #[test]
    fn titles_read_as_words() {
        let t = |v: &[&str]| title_of(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(t(&["VerifiableCredential", "MedicalLicenseCredential"]), "Medical license");
        assert_eq!(t(&["https://medcred.example/vct/patient_identity"]), "Patient identity");
        assert_eq!(t(&["VerifiableCredential"]), "Credential");
        assert_eq!(t(&[]), "Credential");
    }
}
