//! Validation errors that name the offending field, so a form or an API client can point at it.

use serde::Serialize;

/// One problem with one field of an issuance request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// JSON path of the field, e.g. `credentialSubject.licenseType`.
    pub field: String,
    /// Stable machine code, e.g. `unknown_license_type`.
    pub code: &'static str,
    /// Human message.
    pub message: String,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }
}

/// Every problem found in one request (validation does not stop at the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} invalid field(s): {}", .0.len(), summary(.0))]
pub struct ValidationErrors(pub Vec<FieldError>);

fn summary(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

/// Collects field errors while a request is checked.
#[derive(Debug, Default)]
pub(crate) struct Collector(Vec<FieldError>);

impl Collector {
    pub(crate) fn push(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Record `result`'s error under `field` and return its value if any.
    pub(crate) fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}

/// Checks a free-text field: present when required, trimmed non-empty, at most `max` characters,
/// no control characters.
pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "required", format!("{field} must not be empty")));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, "too_long", format!("{field} is longer than {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(field, "control_characters", format!("{field} contains control characters")));
    }
    Ok(v.to_owned())
}
