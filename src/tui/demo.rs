//! `prospect --demo`: the TUI on an in-process sandbox, no set-up at all.

use ratatui::style::Color;

use super::{TuiOptions, run};
use crate::api::{ApiClient, ClientConfig};
use crate::sandbox::{Sandbox, SandboxOptions};

/// Starts a sandbox with `count` sample prospects on loopback and runs the TUI against it.
pub async fn run_demo(count: usize, page_size: u64) -> color_eyre::Result<()> {
    let sandbox = Sandbox::start(SandboxOptions {
        count,
        ..Default::default()
    })
    .await?;
    let config = ClientConfig::new(
        &sandbox.base_url(),
        sandbox.token(),
        sandbox.secret(),
        "demo",
    );
    let result = match ApiClient::new(config) {
        Ok(client) => {
            let opts = TuiOptions {
                profile: "demo".into(),
                accent: Some(Color::Cyan),
                read_only: false,
                page_size,
                state_dir: crate::config::state_dir(),
                editor: None,
            };
            run(client, opts).await
        }
        Err(e) => Err(e.into()),
    };
    sandbox.shutdown().await;
    result
}
