//! Step 3: the tool's API key, verified live, and the tokens route.

use std::fmt;

use serde::Serialize;

use super::{validate_client_id, ProvisionError, Session};
use crate::audit::Action;
use crate::cwm::models::RoleSetting;
use crate::cwm::{Client, ClientOptions, Credentials, CwmError};
use crate::requirements::{compare, Checklist, Requirements};
use crate::secrets::KeyPair;

/// The result of calling ConnectWise as the tool's key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyStatus {
    pub public_key: String,
    pub member_identifier: String,
    /// True when the pair only worked with its halves exchanged.
    pub swapped: bool,
    /// The key's effective permissions (`/system/mySecurity`) against the requirements.
    pub checklist: Checklist,
}

impl KeyStatus {
    pub fn is_accepted(&self) -> bool {
        self.checklist.is_met()
    }
}

/// A key pair minted through the tokens endpoint, verified like a durable key.
pub struct MintedKey {
    pub pair: KeyPair,
    /// When the token stops working, as ConnectWise reported it.
    pub expiration: Option<String>,
    pub status: KeyStatus,
}

impl fmt::Debug for MintedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintedKey")
            .field("pair", &self.pair)
            .field("expiration", &self.expiration)
            .field("status", &self.status)
            .finish()
    }
}

impl Session {
    /// Verifies a key: it authenticates, it belongs to `expected_member`, and its effective
    /// permissions meet the requirements. A pair that fails but works swapped is accepted as
    /// swapped; the returned pair is then the corrected one.
    pub async fn verify_key(
        &self,
        expected_member: &str,
        pair: &KeyPair,
        requirements: &Requirements,
    ) -> Result<(KeyStatus, KeyPair), ProvisionError> {
        let (status, pair) = verify_with(&self.client, expected_member, pair, requirements).await?;
        let detail = if status.is_accepted() {
            "permissions met"
        } else {
            "permissions unmet"
        };
        self.audit(
            Action::Verified,
            "api_key",
            None,
            &format!("{} of {}", status.public_key, status.member_identifier),
            Some(detail.to_owned()),
        );
        Ok((status, pair))
    }

    /// Mints a key pair for the member through the tokens endpoint and verifies it.
    ///
    /// The POST is sent once: a token is not an object the engine could look up afterwards, so
    /// after a transport error the caller decides whether to try again.
    pub async fn mint_token(
        &self,
        member_identifier: &str,
        requirements: &Requirements,
    ) -> Result<MintedKey, ProvisionError> {
        let token = self.client.create_member_token(member_identifier).await?;
        let pair = KeyPair {
            public_key: token.public_key,
            private_key: token.private_key,
        };
        let (status, pair) = self
            .verify_key(member_identifier, &pair, requirements)
            .await?;
        Ok(MintedKey {
            pair,
            expiration: token.expiration,
            status,
        })
    }
}

/// Verifies a stored tool key without the administrator's key, for `check`.
pub async fn check_key(
    site: &str,
    company_id: &str,
    client_id: &str,
    pair: &KeyPair,
    expected_member: &str,
    requirements: &Requirements,
    options: &ClientOptions,
) -> Result<KeyStatus, ProvisionError> {
    validate_client_id(client_id)?;
    let credentials = Credentials {
        company_id: company_id.to_owned(),
        key: pair.clone(),
        client_id: client_id.to_owned(),
    };
    let (client, _) = Client::discover_with(site, credentials, options).await?;
    let (status, _) = verify_with(&client, expected_member, pair, requirements).await?;
    Ok(status)
}

async fn verify_with(
    client: &Client,
    expected_member: &str,
    pair: &KeyPair,
    requirements: &Requirements,
) -> Result<(KeyStatus, KeyPair), ProvisionError> {
    let (security, pair, swapped) = match read_security_as(client, pair).await {
        Ok(security) => (security, pair.clone(), false),
        Err(CwmError::Unauthorized { .. }) => {
            let swapped_pair = pair.swapped();
            match read_security_as(client, &swapped_pair).await {
                Ok(security) => (security, swapped_pair, true),
                Err(CwmError::Unauthorized { .. }) => {
                    return Err(ProvisionError::KeyRejected {
                        public_key: pair.public_key.clone(),
                    })
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(error) => return Err(error.into()),
    };

    let member_identifier = security
        .iter()
        .find_map(|entry| entry.member.as_ref()?.identifier.clone())
        .unwrap_or_default();
    if !member_identifier.eq_ignore_ascii_case(expected_member) {
        return Err(ProvisionError::KeyWrongMember {
            expected: expected_member.to_owned(),
            actual: member_identifier,
        });
    }
    let status = KeyStatus {
        public_key: pair.public_key.clone(),
        member_identifier,
        swapped,
        checklist: compare(requirements, &security),
    };
    Ok((status, pair))
}

/// Reads `/system/mySecurity` as the key. One request proves all three facts: a wrong pair gets
/// 401, and the response names the key's member and lists its effective permissions.
async fn read_security_as(client: &Client, pair: &KeyPair) -> Result<Vec<RoleSetting>, CwmError> {
    client.with_key(pair.clone()).my_security().await
}
