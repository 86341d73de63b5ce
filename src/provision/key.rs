//! Step 3: verifying a tool's API key live.

use serde::Serialize;

use super::{ProvisionError, Session};
use crate::cwm::CwmError;
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

impl Session {
    /// Verifies a key: it authenticates, it belongs to `expected_member`, and its effective
    /// permissions meet the requirements. A pair that fails but works swapped is accepted as
    /// swapped; the returned `KeyStatus` then names the real public key.
    pub async fn verify_key(
        &self,
        expected_member: &str,
        pair: &KeyPair,
        requirements: &Requirements,
    ) -> Result<(KeyStatus, KeyPair), ProvisionError> {
        let (security, pair, swapped) = match self.read_security_as(pair).await {
            Ok(security) => (security, pair.clone(), false),
            Err(CwmError::Unauthorized { .. }) => {
                let swapped_pair = pair.swapped();
                match self.read_security_as(&swapped_pair).await {
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

    async fn read_security_as(
        &self,
        pair: &KeyPair,
    ) -> Result<Vec<crate::cwm::models::RoleSetting>, CwmError> {
        let client = self.client.with_key(pair.clone());
        client.system_info().await?;
        client.my_security().await
    }
}
