//! `prospect config init`: asks for a profile, adds it to the config file (`0600`, never over
//! an existing profile, the rest of the file kept) and runs `config check` on it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::config_check;
use super::failure::Failure;
use crate::api::{ApiClient, ClientConfig};
use crate::config::write::{self, NewProfile, SecretFrom};
use crate::config::{self, Overrides};

/// Asks, writes, checks. With a terminal the secret is read without echo; otherwise every
/// answer is a line of standard input, so it can be scripted.
pub fn init(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<(), Failure> {
    let path = config::config_path(flags, env).ok_or_else(|| {
        Failure::usage("There is no home directory to keep the config in: give --config FILE")
    })?;
    let what = path.display().to_string();
    // A file that is not TOML is refused before any question.
    write::has_profile(&read(&path)?, &what, "")?;
    let mut ask = Questions::new();
    eprintln!("Adding a profile to {what} (nothing is written before the last answer).");
    let name = loop {
        let name = ask.line("Profile name (e.g. sandbox, production)", None)?;
        match write::check_profile_name(&name) {
            Err(why) => eprintln!("{why}."),
            Ok(()) if write::has_profile(&read(&path)?, &what, &name)? => {
                eprintln!("Profile {name} already exists in {what}; choose another name.")
            }
            Ok(()) => break name,
        }
    };
    let base_url = loop {
        let url = ask.line("Base URL (e.g. https://api.example.com/partner)", None)?;
        // The client's own rules: https, or plain http to a loopback address.
        match ApiClient::new(ClientConfig::new(&url, "-", "-", &name)) {
            Ok(_) => break url,
            Err(e) => eprintln!("{e}."),
        }
    };
    let token = ask.required("Token")?;
    let secret = loop {
        let how = ask.line(
            "Secret: 1 store it in the file (readable by you only), 2 read it from an environment variable (secret_env), 3 run a command that prints it (secret_command)",
            Some("1"),
        )?;
        match how.as_str() {
            "1" => break SecretFrom::Inline(ask.secret("Secret (not shown)")?),
            "2" => break SecretFrom::Env(ask.required("Environment variable holding the secret")?),
            "3" => {
                break SecretFrom::Command(
                    ask.required("Command printing the secret (e.g. pass show partner/api)")?,
                );
            }
            _ => eprintln!("Answer 1, 2 or 3."),
        }
    };
    let read_only = ask.yes_no("Read-only: refuse patch, apply and revert on this profile?")?;
    let profile = NewProfile {
        name: name.clone(),
        base_url,
        token,
        secret,
        read_only,
    };
    // Read again: the file may have changed while the questions were asked.
    let text = write::add_profile(&read(&path)?, &what, &profile)?;
    write::write_private(&path, &text)?;
    let _ = writeln!(
        super::out::stdout(),
        "Wrote profile {name} to {what} (readable by you only).\n"
    );
    let flags = Overrides {
        profile: Some(name),
        config: Some(path),
        ..flags.clone()
    };
    config_check::check(&flags, env)
}

/// The config file's text, "" when there is none yet.
fn read(path: &Path) -> Result<String, Failure> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Failure::usage(format!(
            "Cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Questions on stderr, answers from standard input.
struct Questions {
    terminal: bool,
    input: std::io::StdinLock<'static>,
}

impl Questions {
    fn new() -> Self {
        Questions {
            terminal: std::io::stdin().is_terminal(),
            input: std::io::stdin().lock(),
        }
    }

    /// One answer, trimmed; `default` when the answer is empty.
    fn line(&mut self, question: &str, default: Option<&str>) -> Result<String, Failure> {
        match default {
            Some(d) => eprint!("{question} [{d}]: "),
            None => eprint!("{question}: "),
        }
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let read = self
            .input
            .read_line(&mut answer)
            .map_err(|e| Failure::usage(format!("Cannot read the answer: {e}")))?;
        if read == 0 {
            eprintln!();
            return Err(stopped());
        }
        if !self.terminal {
            // Piped answers are not echoed by a terminal: end the question's line.
            eprintln!();
        }
        let answer = answer.trim();
        Ok(match (answer.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => answer.to_string(),
        })
    }

    /// An answer that may not be empty: asked again until it is given.
    fn required(&mut self, question: &str) -> Result<String, Failure> {
        loop {
            let answer = self.line(question, None)?;
            if !answer.is_empty() {
                return Ok(answer);
            }
            eprintln!("This one is needed.");
        }
    }

    /// The secret: without echo on a terminal, a plain line otherwise.
    fn secret(&mut self, question: &str) -> Result<String, Failure> {
        if !self.terminal {
            return self.required(question);
        }
        loop {
            let answer = rpassword::prompt_password(format!("{question}: "))
                .map_err(|e| Failure::usage(format!("Cannot read the secret: {e}")))?;
            if !answer.trim().is_empty() {
                return Ok(answer.trim().to_string());
            }
            eprintln!("This one is needed.");
        }
    }

    /// y or n, no by default.
    fn yes_no(&mut self, question: &str) -> Result<bool, Failure> {
        loop {
            match self.line(&format!("{question} [y/N]"), None)?.as_str() {
                "" | "n" | "N" | "no" => return Ok(false),
                "y" | "Y" | "yes" => return Ok(true),
                _ => eprintln!("Answer y or n."),
            }
        }
    }
}

fn stopped() -> Failure {
    Failure::usage("config init stopped before every answer was given: nothing was written")
}
