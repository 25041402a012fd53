//! Asking the person at the terminal before anything is sent.

use std::io::{BufRead, IsTerminal};

use super::failure::Failure;

/// Asks `question` (`[y/N]` is added) on stderr and reads the answer; refuses with exit 2 when
/// standard input is no terminal (pass `--yes` then).
pub async fn confirm(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "Not sending without confirmation: standard input is not a terminal, so pass --yes",
        ));
    }
    eprint!("{question} [y/N] ");
    // Reading the terminal blocks: off the async runtime's threads.
    let answer = tokio::task::spawn_blocking(|| {
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map(|_| answer)
    })
    .await
    .map_err(|e| Failure::other(format!("Cannot read the answer: {e}")))??;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
