//! Shell completions and man pages, generated from the clap definition so that they never
//! disagree with `--help`.

use clap::CommandFactory;

use super::{Cli, Exit};

/// Prints the completion script for `shell` on standard output.
pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "v360-setup", &mut script);
    if shell == clap_complete::Shell::Bash {
        script = fix_bash_state_names(&script);
    }
    write_stdout(&script)
}

/// Spells the bash script's subcommand case labels the way its dispatch loop does.
///
/// NOTE: clap_complete 4.6 escapes the hyphen of a binary name differently in the two places
/// (`v360__setup__subcmd__apply` against `v360__subcmd__setup__subcmd__apply`), so no option
/// after a subcommand completes (clap-rs/clap issue 6421). Remove this once clap_complete
/// ships the fix.
fn fix_bash_state_names(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("v360__subcmd__setup", "v360__setup")
        .into_bytes()
}

/// Prints the man page of the program, or of one subcommand, in roff on standard output.
pub fn man(subcommand: Option<&str>) -> Exit {
    let mut command = Cli::command();
    // Building propagates the global flags into each subcommand, so their pages list them.
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let Some(found) = command.find_subcommand(name) else {
                let known: Vec<&str> = command
                    .get_subcommands()
                    .map(|sub| sub.get_name())
                    .filter(|name| *name != "help")
                    .collect();
                eprintln!(
                    "error: subcommand {name:?} not found. Man pages exist for: {}",
                    known.join(", ")
                );
                return Exit::InvalidInput;
            };
            let title = format!("{}-{}", command.get_name(), found.get_name());
            found.clone().name(title)
        }
    };
    let mut roff = Vec::new();
    if let Err(error) = clap_mangen::Man::new(page).render(&mut roff) {
        eprintln!("error: cannot render the man page: {error}");
        return Exit::Failure;
    }
    write_stdout(&roff)
}

fn write_stdout(bytes: &[u8]) -> Exit {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Exit::Done,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Exit::Done,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            Exit::Failure
        }
    }
}
