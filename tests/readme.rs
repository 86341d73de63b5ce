//! The README documents every exit code and environment variable the program uses, and names
//! none that the code lacks: scripts and support staff rely on that table.

use std::collections::BTreeSet;
use std::path::Path;

/// Variables read only by unit tests inside src, which users never set.
const TEST_ONLY_VARIABLES: &[&str] = &["V360_HARDEN_CHILD"];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn source_files(folder: &Path, files: &mut Vec<String>) {
    for entry in std::fs::read_dir(folder).expect("source folder readable") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            source_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(read(&path));
        }
    }
}

/// Collects names such as `CWM_SITE` or `V360_TOOL_PUBLIC_KEY` from a text.
fn variable_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for prefix in ["CWM_", "V360_"] {
        for (start, _) in text.match_indices(prefix) {
            let preceded_by_name = text[..start]
                .chars()
                .last()
                .is_some_and(|character| character.is_ascii_alphanumeric() || character == '_');
            if preceded_by_name {
                continue;
            }
            let name: String = text[start..]
                .chars()
                .take_while(|character| {
                    character.is_ascii_uppercase()
                        || character.is_ascii_digit()
                        || *character == '_'
                })
                .collect();
            let name = name.trim_end_matches('_').to_owned();
            if name.len() > prefix.len() {
                names.insert(name);
            }
        }
    }
    names
}

/// Collects names that the code reads from the environment by literal, such as
/// `var_os("NO_COLOR")`, or declares as a `…_VARIABLE` constant, whatever their prefix.
fn read_variable_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for opening in [
        "var(\"",
        "var_os(\"",
        "lookup(\"",
        "present(\"",
        "_VARIABLE: &str = \"",
    ] {
        for (start, _) in text.match_indices(opening) {
            let name: String = text[start + opening.len()..]
                .chars()
                .take_while(|character| {
                    character.is_ascii_uppercase()
                        || character.is_ascii_digit()
                        || *character == '_'
                })
                .collect();
            if name.len() > 2 && text[start + opening.len() + name.len()..].starts_with('"') {
                names.insert(name);
            }
        }
    }
    names
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn readme_lists_every_variable() {
    let readme = read(&root().join("README.md"));
    let mut sources = Vec::new();
    source_files(&root().join("src"), &mut sources);
    let in_code: BTreeSet<String> = sources
        .iter()
        .flat_map(|source| variable_names(source))
        .filter(|name| !TEST_ONLY_VARIABLES.contains(&name.as_str()))
        .collect();
    let in_readme = variable_names(&readme);
    let read_by_literal: BTreeSet<String> = sources
        .iter()
        .flat_map(|source| read_variable_names(source))
        .filter(|name| !TEST_ONLY_VARIABLES.contains(&name.as_str()))
        // Cargo sets these for the build script; users never do.
        .filter(|name| !name.starts_with("CARGO_"))
        .collect();
    assert!(
        read_by_literal.contains("NO_COLOR") && read_by_literal.contains("RUST_LOG"),
        "variables read by literal: {read_by_literal:?}"
    );
    let missing: Vec<&String> = read_by_literal
        .iter()
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "README lacks {missing:?}");

    // A family such as `V360_TOOL_PUBLIC_KEY_<TOOL>` in the README covers every tool's name.
    let in_documented_family = |name: &str| {
        name.match_indices('_')
            .any(|(end, _)| readme.contains(&format!("{}_<", &name[..end])))
    };
    let undocumented: Vec<&String> = in_code
        .difference(&in_readme)
        .filter(|name| !in_documented_family(name))
        .collect();
    assert!(undocumented.is_empty(), "README lacks {undocumented:?}");
    let unknown: Vec<&String> = in_readme
        .iter()
        .filter(|name| !in_code.contains(*name))
        .collect();
    assert!(
        unknown.is_empty(),
        "README names variables the code lacks: {unknown:?}"
    );
}

#[test]
fn readme_lists_every_exit_code() {
    let readme = read(&root().join("README.md"));
    let exit_source = read(&root().join("src/cli/exit.rs"));
    let codes: Vec<String> = exit_source
        .lines()
        .filter_map(|line| {
            let (_, value) = line.trim().trim_end_matches(',').split_once(" = ")?;
            value.parse::<u8>().ok().map(|code| code.to_string())
        })
        .collect();
    assert!(codes.len() >= 8, "exit codes found in exit.rs: {codes:?}");
    for code in &codes {
        assert!(
            readme.contains(&format!("| {code} |")),
            "README's exit code table lacks {code}"
        );
    }
    let table_codes: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|rest| rest.split(" |").next())
        .filter(|cell| cell.parse::<u8>().is_ok())
        .collect();
    for code in table_codes {
        assert!(
            codes.iter().any(|known| known == code),
            "README lists exit code {code}, which exit.rs lacks"
        );
    }
}

/// Returns the quoted messages of the troubleshooting table's second column.
fn troubleshooting_messages(readme: &str) -> Vec<String> {
    let section = readme
        .split("## Troubleshooting")
        .nth(1)
        .expect("README has a Troubleshooting section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| what happened"))
        .filter_map(|line| line.split(" | ").nth(1))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn troubleshooting_quotes_real_messages() {
    let readme = read(&root().join("README.md"));
    let mut sources = Vec::new();
    source_files(&root().join("src"), &mut sources);
    // Messages are split over source lines with `\` continuations, so compare without them.
    let code: String = sources
        .iter()
        .map(|source| {
            source
                .replace("\\\n", "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let messages = troubleshooting_messages(&readme);
    assert!(messages.len() >= 12, "messages found: {messages:?}");
    let mut unknown = Vec::new();
    for message in messages {
        // `…` stands for the user's values, which the code fills in with format arguments.
        for fragment in message.split('…').map(str::trim) {
            let fragment = fragment.trim_matches(|c: char| c == '"' || c == '.' || c == ' ');
            if fragment.len() >= 8 && !code.contains(fragment) {
                unknown.push(fragment.to_owned());
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "the troubleshooting table quotes text that no source file prints: {unknown:#?}"
    );
}
