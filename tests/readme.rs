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
                .take_while(|character| character.is_ascii_uppercase() || *character == '_')
                .collect();
            let name = name.trim_end_matches('_').to_owned();
            if name.len() > prefix.len() {
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

    let undocumented: Vec<&String> = in_code.difference(&in_readme).collect();
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
