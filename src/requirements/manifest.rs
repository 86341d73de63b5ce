//! Tool manifests: what each Visionary 360 tool needs from its ConnectWise security role.

use serde::Deserialize;

use super::level::{Level, Verb};

const EMAIL_RECONNECTOR: &str = include_str!("manifests/email-reconnector.toml");

/// One tool, as its TOML manifest describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub vendor: Option<String>,
    /// Description of the tool's API key in ConnectWise; defaults to the tool's name.
    #[serde(default)]
    pub key_description: Option<String>,
    /// Suffix of the API member identifier when each tool gets its own member.
    #[serde(default)]
    pub member_suffix: Option<String>,
    /// HTTPS endpoint of the tool's registration, which receives the key by POST.
    #[serde(default)]
    pub registration_url: Option<String>,
    /// Fields the registration endpoint takes, by name: `site`, `company_id`, `public_key`,
    /// `private_key`, `client_id` and `member_identifier`.
    #[serde(default)]
    pub registration_fields: Vec<String>,
    #[serde(default, rename = "permission")]
    pub permissions: Vec<Permission>,
}

/// One module/function row of a manifest with the levels it needs per verb.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    pub module: String,
    pub function: String,
    #[serde(default)]
    pub add: Option<Level>,
    #[serde(default)]
    pub edit: Option<Level>,
    #[serde(default)]
    pub delete: Option<Level>,
    #[serde(default)]
    pub inquire: Option<Level>,
    /// An optional row enables an extra feature; an unmet optional row does not block setup.
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub reason: Option<String>,
    /// "Customize" items of the function that the web UI sets and the API does not report.
    #[serde(default)]
    pub customize: Vec<String>,
}

impl Permission {
    pub fn level(&self, verb: Verb) -> Option<Level> {
        match verb {
            Verb::Add => self.add,
            Verb::Edit => self.edit,
            Verb::Delete => self.delete,
            Verb::Inquire => self.inquire,
        }
    }
}

impl Manifest {
    /// Parses a manifest; `origin` names the file in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest, String> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|error| format!("{origin}: {error}"))?;
        if manifest.id.trim().is_empty() {
            return Err(format!("{origin}: the tool id is empty"));
        }
        Ok(manifest)
    }

    pub fn key_description(&self) -> &str {
        self.key_description.as_deref().unwrap_or(&self.name)
    }
}

/// Returns the manifests built into the binary.
pub fn builtin() -> Vec<Manifest> {
    // The built-in manifest is checked by a unit test, so a parse failure here is a build bug.
    Manifest::parse(EMAIL_RECONNECTOR, "built-in email-reconnector.toml")
        .map(|manifest| vec![manifest])
        .unwrap_or_default()
}

/// Finds a built-in tool by id, ignoring case.
pub fn find_builtin(id: &str) -> Option<Manifest> {
    builtin()
        .into_iter()
        .find(|manifest| manifest.id.eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_email_reconnector_parses() {
        let manifest = Manifest::parse(EMAIL_RECONNECTOR, "email-reconnector.toml")
            .expect("built-in manifest parses");
        assert_eq!(manifest.id, "email-reconnector");
        assert_eq!(manifest.key_description(), "Email reConnector");
        let tickets = manifest
            .permissions
            .iter()
            .find(|permission| permission.function == "Service Tickets")
            .expect("service tickets row");
        assert_eq!(tickets.level(Verb::Add), Some(Level::All));
        assert_eq!(tickets.level(Verb::Delete), None);
    }

    #[test]
    fn unknown_key_rejected_with_origin() {
        let error = Manifest::parse("id = \"x\"\nname = \"X\"\ncolour = 1\n", "x.toml")
            .expect_err("unknown key");
        assert!(error.starts_with("x.toml"), "{error}");
        assert!(error.contains("colour"), "{error}");
    }

    #[test]
    fn find_builtin_ignores_case() {
        assert!(find_builtin("Email-ReConnector").is_some());
        assert!(find_builtin("nope").is_none());
    }
}
