//! TEMPORARY stub so the CLI compiles until the real sandbox lands from its branch.
#![allow(missing_docs, dead_code)]
use crate::api::Prospect;
use std::net::SocketAddr;

pub struct SandboxOptions {
    pub listen: SocketAddr,
    pub count: usize,
    pub seed: u64,
    pub token: Option<String>,
    pub secret: Option<String>,
    pub latency_ms: u64,
    pub fail_rate: f64,
    pub prefix: String,
}
impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: ([127, 0, 0, 1], 0).into(),
            count: 500,
            seed: 42,
            token: None,
            secret: None,
            latency_ms: 0,
            fail_rate: 0.0,
            prefix: String::new(),
        }
    }
}
pub struct Sandbox;
impl Sandbox {
    pub async fn start(_o: SandboxOptions) -> std::io::Result<Sandbox> {
        Err(std::io::Error::other("stub"))
    }
    pub fn addr(&self) -> SocketAddr {
        ([127, 0, 0, 1], 0).into()
    }
    pub fn base_url(&self) -> String {
        String::new()
    }
    pub fn token(&self) -> &str {
        ""
    }
    pub fn secret(&self) -> &str {
        ""
    }
    pub fn banner(&self) -> String {
        String::new()
    }
    pub fn get_record(&self, _id: &str) -> Option<Prospect> {
        None
    }
    pub async fn shutdown(self) {}
}
