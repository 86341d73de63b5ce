//! The known security-role modules and functions, for tolerant name matching in manifests.
//!
//! A manifest may write "Time and Expense" or "service ticket"; both resolve to the names the web
//! UI shows. An unknown name is rejected with the nearest known one, because a typo would
//! otherwise produce a checklist line that no role can ever meet.

use std::sync::OnceLock;

use serde::Deserialize;

use super::normalize_name;

const CATALOG: &str = include_str!("catalog.toml");

#[derive(Debug, Deserialize)]
struct CatalogFile {
    module: Vec<CatalogEntry>,
    function: Vec<CatalogEntry>,
}

#[derive(Debug, Deserialize)]
struct CatalogEntry {
    #[serde(default)]
    module: Option<String>,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// A name that did not resolve, with the nearest known name when one is close enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub nearest: Option<String>,
}

fn catalog() -> &'static CatalogFile {
    static PARSED: OnceLock<CatalogFile> = OnceLock::new();
    PARSED.get_or_init(|| {
        // The embedded catalog is checked by a unit test, so an empty fallback is never used.
        toml::from_str(CATALOG).unwrap_or(CatalogFile {
            module: Vec::new(),
            function: Vec::new(),
        })
    })
}

fn entry_matches(entry: &CatalogEntry, expected: &str) -> bool {
    normalize_name(&entry.name) == expected
        || entry
            .aliases
            .iter()
            .any(|alias| normalize_name(alias) == expected)
}

/// Returns the web UI name of a module, accepting case, `&`/`and` and known variants.
pub fn resolve_module(name: &str) -> Result<&'static str, UnknownName> {
    let expected = normalize_name(name);
    let modules = &catalog().module;
    modules
        .iter()
        .find(|entry| entry_matches(entry, &expected))
        .map(|entry| entry.name.as_str())
        .ok_or_else(|| UnknownName {
            nearest: nearest(&expected, modules.iter().map(|entry| entry.name.as_str())),
        })
}

/// Returns the web UI name of a function of a module (given by its web UI name).
pub fn resolve_function(module: &str, name: &str) -> Result<&'static str, UnknownName> {
    let expected = normalize_name(name);
    let in_module = || {
        catalog()
            .function
            .iter()
            .filter(move |entry| entry.module.as_deref() == Some(module))
    };
    in_module()
        .find(|entry| entry_matches(entry, &expected))
        .map(|entry| entry.name.as_str())
        .ok_or_else(|| UnknownName {
            nearest: nearest(&expected, in_module().map(|entry| entry.name.as_str())),
        })
}

/// Picks the known name with the smallest edit distance, if it is within a third of the length.
fn nearest<'a>(expected: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let (distance, name) = names
        .map(|name| (strsim::levenshtein(expected, &normalize_name(name)), name))
        .min_by_key(|(distance, _)| *distance)?;
    let limit = (expected.chars().count() / 3).max(2);
    (distance <= limit).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_with_every_module() {
        assert_eq!(catalog().module.len(), 9);
        assert!(catalog().function.len() >= 80);
    }

    #[test]
    fn module_variants_resolve() {
        assert_eq!(resolve_module("time and expense"), Ok("Time & Expense"));
        assert_eq!(resolve_module("Projects"), Ok("Project"));
        assert_eq!(resolve_module("SERVICE DESK"), Ok("Service Desk"));
    }

    #[test]
    fn function_variants_resolve() {
        assert_eq!(
            resolve_function("Service Desk", "service ticket"),
            Ok("Service Tickets")
        );
        assert_eq!(
            resolve_function("System", "Setup Tables"),
            Ok("Table Setup")
        );
        assert_eq!(
            resolve_function("Companies", "CRM / Sales Activities"),
            Ok("CRM/Sales Activities")
        );
    }

    #[test]
    fn misspelled_function_suggests_nearest() {
        let error = resolve_function("Service Desk", "Servce Tikets").expect_err("unknown");
        assert_eq!(error.nearest.as_deref(), Some("Service Tickets"));
    }

    #[test]
    fn unrelated_name_has_no_suggestion() {
        let error = resolve_module("Warehouse Robotics").expect_err("unknown");
        assert_eq!(error.nearest, None);
    }
}
