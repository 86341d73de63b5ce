//! Checks of the `clientId` header and of Basic authentication with
//! `base64("{companyId}+{publicKey}:{privateKey}")`.
//!
//! The client ID is checked first: a missing one is a 400 `InvalidRequest`, an invalid or
//! unregistered one a 401. Sources disagree on the status for a missing client ID:
//! mspvectis.com/docs/connectwise reports a 400 whose message names clientid, and
//! stitchflow.com/user-management/connectwise/api reports a 401. The sandbox follows the 400.
//! Messages never echo the private key.

use axum::http::HeaderMap;
use base64::Engine;

use super::clock;
use super::errors::ApiError;
use super::state::Site;

/// Returns whether `text` is a GUID in the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hexadecimal).
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Checks the client ID and the credentials; returns the id of the calling member.
pub fn authenticate(site: &Site, headers: &HeaderMap) -> Result<i64, ApiError> {
    check_client_id(site, headers)?;
    check_credentials(site, headers)
}

fn check_client_id(site: &Site, headers: &HeaderMap) -> Result<(), ApiError> {
    // Header names are case-insensitive, so `clientId` and `ClientID` both arrive here.
    let Some(value) = headers.get("clientid") else {
        return Err(ApiError::invalid_request(
            "The clientId header is required.",
        ));
    };
    let Ok(client_id) = value.to_str() else {
        return Err(ApiError::unauthorized("clientId is not a valid GUID."));
    };
    let client_id = client_id.trim();
    if !is_guid(client_id) {
        return Err(ApiError::unauthorized(format!(
            "clientId '{client_id}' is not a valid GUID."
        )));
    }
    if !client_id.eq_ignore_ascii_case(&site.client_id) {
        return Err(ApiError::unauthorized(format!(
            "clientId '{client_id}' is not registered."
        )));
    }
    Ok(())
}

/// Splits `Basic base64(company+public:private)` into its three parts.
fn parse_basic(headers: &HeaderMap) -> Result<(String, String, String), ApiError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "The Authorization header is required.",
        ));
    };
    let malformed = || {
        ApiError::unauthorized(
            "The Authorization header is not Basic company+publicKey:privateKey.",
        )
    };

    let text = value.to_str().map_err(|_| malformed())?.trim();
    let (scheme, encoded) = text.split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (user, private_key) = decoded.split_once(':').ok_or_else(malformed)?;
    let (company, public_key) = user.split_once('+').ok_or_else(malformed)?;
    Ok((
        company.to_owned(),
        public_key.to_owned(),
        private_key.to_owned(),
    ))
}

fn check_credentials(site: &Site, headers: &HeaderMap) -> Result<i64, ApiError> {
    let (company, public_key, private_key) = parse_basic(headers)?;
    let rejected = || ApiError::unauthorized("Invalid company, public key or private key.");

    // The company ID is compared case-sensitively, as one vendor guide reports ConnectWise
    // does (mspvectis.com/docs/connectwise); company-info discovery ignores case.
    if company != site.company_id {
        return Err(rejected());
    }

    let data = site.data();
    let Some(key) = data.key(&public_key) else {
        return Err(rejected());
    };
    if !key.private_key_matches(&private_key) {
        return Err(rejected());
    }
    if key.expires_at.is_some_and(|expiry| expiry <= clock::now()) {
        return Err(ApiError::unauthorized("The API token has expired."));
    }
    match data.member(key.member) {
        Some(member) if !member.inactive_flag => Ok(member.id),
        Some(_) => Err(ApiError::unauthorized(
            "The member of this API key is inactive.",
        )),
        None => Err(rejected()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_format() {
        assert!(
            is_guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            "lower case"
        );
        assert!(
            is_guid("0F8FAD5B-D9CB-469F-A165-70867728950E"),
            "upper case"
        );
        assert!(!is_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}"), "braces");
        assert!(!is_guid("0f8fad5bd9cb469fa16570867728950e"), "no hyphens");
        assert!(
            !is_guid("0f8fad5b-d9cb-469f-a165-70867728950g"),
            "non-hex digit"
        );
        assert!(!is_guid(""), "empty");
    }
}
