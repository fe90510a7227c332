//! The CSV file of bulk issuance (`medcred issue-bulk`, `POST /boards/{slug}/credentials/bulk`),
//! up to the point where a row becomes an issue request: the file parses or is refused as a
//! whole with a machine code; rows are numbered from line 2 upwards; a row that reads becomes
//! the VC-API credential object, which the issue request parser then accepts or refuses field by
//! field (never silently changing the license number it was given).
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::now;
use medcred_issuer::bulk::parse_csv;
use medcred_issuer::IssuerError;
use medcred_model::{Claims, IssueRequest};

fuzz_target!(|data: &[u8]| {
    let rows = match parse_csv(data) {
        Ok(rows) => rows,
        Err(IssuerError::BadRequest { code, .. }) => {
            assert!(matches!(code, "malformed_csv" | "missing_column" | "too_many_rows"), "{code}");
            return;
        }
        Err(e) => panic!("not a client error: {e}"),
    };
    let mut previous = 1;
    for (line, row) in rows {
        assert!(line > previous, "row numbers out of order");
        previous = line;
        let Ok(row) = row else { continue };
        let credential = row.to_credential_json();
        assert!(credential["credentialSubject"].is_object());
        if let Ok(request) = IssueRequest::from_vc_json(&credential, now()) {
            if let Claims::License(license) = &request.claims {
                assert_eq!(license.license_number, row.license_number.trim());
            }
        }
    }
});
