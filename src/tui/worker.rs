//! The worker: owns the API client, runs each request concurrently, reports back as `Msg`s.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use crate::api::ApiClient;
use crate::app::{Effect, Msg};

/// Starts the worker; it ends when the effect channel closes.
pub fn spawn(
    client: ApiClient,
    mut effects: UnboundedReceiver<Effect>,
    msgs: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                effect = effects.recv() => {
                    let Some(effect) = effect else { break };
                    let client = client.clone();
                    let msgs = msgs.clone();
                    tasks.spawn(async move {
                        if let Some(msg) = perform(&client, effect).await {
                            // The UI may be gone already; nothing to do then.
                            let _ = msgs.send(msg);
                        }
                    });
                }
                // Reap finished requests so the set does not grow.
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        tasks.abort_all();
    })
}

async fn perform(client: &ApiClient, effect: Effect) -> Option<Msg> {
    Some(match effect {
        Effect::FetchPage {
            req,
            search,
            page,
            limit,
        } => Msg::PageLoaded {
            req,
            result: client.list(search.as_deref(), page, limit).await,
        },
        Effect::FetchById { req, id } => Msg::ProspectLoaded {
            req,
            result: client.get(&id).await,
        },
        Effect::FetchByRef { req, reference } => Msg::ProspectLoaded {
            req,
            result: client.get_by_external_ref(&reference).await,
        },
        Effect::SendPatch { req, id, body } => Msg::PatchSent {
            req,
            result: client.patch(&id, &body).await,
        },
        _ => return None,
    })
}
