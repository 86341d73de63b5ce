//! Permission levels and verbs of a ConnectWise security role.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A permission level, ordered from least to most access.
///
/// The REST API reports `None`, `My` and `All`; the web UI also offers `Mine` (only the user's
/// own records), which ranks between `None` and `My`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    None,
    Mine,
    My,
    All,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Mine => "Mine",
            Level::My => "My",
            Level::All => "All",
        }
    }

    /// Parses a level as the API reports it; a missing or null level counts as `None`, the
    /// default of a new role.
    pub fn from_api(value: Option<&str>) -> Option<Level> {
        match value {
            None => Some(Level::None),
            Some(text) => text.parse().ok(),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "" => Ok(Level::None),
            "mine" => Ok(Level::Mine),
            "my" => Ok(Level::My),
            "all" => Ok(Level::All),
            _ => Err(format!("invalid level {text:?}: use None, Mine, My or All")),
        }
    }
}

/// The four columns of the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Add,
    Edit,
    Delete,
    Inquire,
}

impl Verb {
    pub const ALL: [Verb; 4] = [Verb::Add, Verb::Edit, Verb::Delete, Verb::Inquire];

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Add => "add",
            Verb::Edit => "edit",
            Verb::Delete => "delete",
            Verb::Inquire => "inquire",
        }
    }

    /// Returns the column title in the web UI, such as "Add Level".
    pub fn column_title(self) -> &'static str {
        match self {
            Verb::Add => "Add Level",
            Verb::Edit => "Edit Level",
            Verb::Delete => "Delete Level",
            Verb::Inquire => "Inquire Level",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(Level::None < Level::Mine);
        assert!(Level::Mine < Level::My);
        assert!(Level::My < Level::All);
    }

    #[test]
    fn level_parse_ignores_case() {
        assert_eq!("ALL".parse::<Level>(), Ok(Level::All));
        assert_eq!(" my ".parse::<Level>(), Ok(Level::My));
        assert!("everything".parse::<Level>().is_err());
    }

    #[test]
    fn null_level_is_none() {
        assert_eq!(Level::from_api(None), Some(Level::None));
    }
}
