//! A profile's secret: inline, from `secret_env`, or from running its `secret_command`
//! (bounded in time, announced when slow).

use std::time::Duration;

use super::error::ConfigError;
use super::origins::Source;
use super::schema::ProfileFile;

/// The profile's secret and where it came from; `None` when the profile gives none.
pub(super) fn profile_secret(
    name: &str,
    p: &ProfileFile,
    env: &dyn Fn(&str) -> Option<String>,
    limit: Duration,
) -> Result<Option<(String, Source)>, ConfigError> {
    let given = [
        p.secret.is_some(),
        p.secret_env.is_some(),
        p.secret_command.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(ConfigError(format!(
            "Profile {name} gives its secret more than one way: keep one of secret, secret_env and secret_command"
        )));
    }
    let key = |k: &str| format!("profiles.{name}.{k}");
    if let Some(s) = &p.secret {
        return Ok(Some((s.clone(), Source::File(key("secret")))));
    }
    if let Some(var) = &p.secret_env {
        let source = Source::SecretEnv {
            key: key("secret_env"),
            var: var.clone(),
        };
        return env(var).map(|s| Some((s, source))).ok_or_else(|| {
            ConfigError(format!(
                "Profile {name} reads its secret from ${var}, which is not set"
            ))
        });
    }
    if let Some(cmd) = &p.secret_command {
        let out = run_secret_command(name, cmd, limit)?;
        if !out.status.success() {
            return Err(ConfigError(format!(
                "The secret_command of profile {name} failed ({})",
                out.status
            )));
        }
        let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if secret.is_empty() {
            return Err(ConfigError(format!(
                "The secret_command of profile {name} printed nothing"
            )));
        }
        return Ok(Some((secret, Source::SecretCommand(key("secret_command")))));
    }
    Ok(None)
}

/// Runs a `secret_command` for at most `limit`, saying so on stderr when it takes over a
/// second (it may be waiting for a passphrase or a hardware key); a hang is an error.
fn run_secret_command(
    name: &str,
    cmd: &str,
    limit: Duration,
) -> Result<std::process::Output, ConfigError> {
    use std::io::Read;
    use std::sync::mpsc;
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    // Its own process group, so a timeout stops the whole pipeline, not just `sh`.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| {
        ConfigError(format!(
            "Cannot run the secret_command of profile {name}: {e}"
        ))
    })?;
    let started = std::time::Instant::now();
    let (tx, rx) = mpsc::channel();
    if let Some(mut stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    let mut announced = false;
    let mut output = None;
    loop {
        let elapsed = started.elapsed();
        if elapsed >= limit {
            stop(&mut child);
            return Err(ConfigError(format!(
                "The secret_command of profile {name} did not finish within {} s (raise secret_command_timeout if it needs longer)",
                limit.as_secs()
            )));
        }
        if !announced && elapsed >= Duration::from_secs(1) {
            announced = true;
            eprintln!("prospect: Waiting for secret_command of profile {name}…");
        }
        if output.is_none()
            && let Ok(buf) = rx.recv_timeout(Duration::from_millis(20))
        {
            output = Some(buf);
        }
        if let Some(stdout) = &output
            && let Ok(Some(status)) = child.try_wait()
        {
            return Ok(std::process::Output {
                status,
                stdout: stdout.clone(),
                stderr: Vec::new(),
            });
        }
        if output.is_some() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Kills a timed-out `secret_command` and everything it started.
fn stop(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stderr(std::process::Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}
