//! The worker's batch requests: planning corrections or a revert, and sending a batch with
//! progress, through the same `batch::run` code as `prospect apply` and `prospect revert`.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

use crate::api::ApiClient;
use crate::app::effect::BatchRows;
use crate::app::{Msg, Reply, RequestId};
use crate::batch::run::{self, BatchInfo};
use crate::batch::{Correction, Outcome};
use crate::edit::journal::JournalEntry;

/// Plans corrections: every record fetched and classified.
pub async fn plan(client: &ApiClient, rows: Vec<Correction>, concurrency: usize) -> Reply {
    Reply::Planned(run::plan(client, &rows, concurrency).await)
}

/// Plans the inverse of journaled changes.
pub async fn plan_revert(
    client: &ApiClient,
    entries: Vec<JournalEntry>,
    concurrency: usize,
) -> Reply {
    Reply::Planned(run::plan_revert(client, &entries, concurrency).await)
}

/// What a batch needs besides its rows.
pub struct SendJob {
    pub req: RequestId,
    pub profile: String,
    pub reason: Option<String>,
    pub concurrency: usize,
    /// Where applied changes are journaled (`None`: no state directory).
    pub journal: Option<PathBuf>,
}

/// Sends a batch (planning staged corrections first), telling `update` how many rows are
/// done as they finish. Aborting the task stops it; changes already applied are journaled
/// before their outcome is known here.
pub async fn send(
    client: &ApiClient,
    rows: BatchRows,
    job: SendJob,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let planned = match rows {
        BatchRows::Planned(p) => p,
        BatchRows::Corrections(c) => run::plan(client, &c, job.concurrency).await,
    };
    let total = planned
        .iter()
        .filter(|r| r.outcome == Outcome::Change)
        .count();
    let req = job.req;
    let _ = msgs.send(Msg::Api {
        req,
        reply: Reply::Sending { done: 0, total },
    });
    let info = BatchInfo::new(job.profile, job.reason, job.journal);
    // A batch that cannot be journaled is not sent: every row stays staged.
    if let Err(e) = info.open(total).await {
        return Reply::Sent {
            batch: info.batch,
            rows: planned,
            error: Some(format!("Nothing was sent: {e}")),
        };
    }
    let (_stop, stop_rx) = watch::channel(false);
    let tell = msgs.clone();
    let progress = move |done: usize| {
        let _ = tell.send(Msg::Api {
            req,
            reply: Reply::Sending { done, total },
        });
    };
    let rows =
        run::send_observed(client, planned, job.concurrency, &info, stop_rx, &progress).await;
    let error = info
        .journal_failure()
        .map(|e| format!("Stopped: {e}; nothing more was sent"));
    Reply::Sent {
        batch: info.batch,
        rows,
        error,
    }
}
