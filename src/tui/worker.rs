//! The worker: owns the API client, runs each request concurrently, reports back as `Msg`s.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use std::sync::Arc;

use crate::api::{ApiClient, ApiError};
use crate::app::{Effect, Msg, RequestId};

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
                    let client = match request_id(&effect) {
                        // Retries are told to the status line, tagged with the request.
                        Some(req) => {
                            let tell = msgs.clone();
                            client.with_retry_observer(Arc::new(move |e: &ApiError, wait| {
                                let text = e.retrying_sentence(wait);
                                let _ = tell.send(Msg::Retrying { req, text });
                            }))
                        }
                        None => client.clone(),
                    };
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

/// The request id of an effect the worker answers.
fn request_id(effect: &Effect) -> Option<RequestId> {
    match effect {
        Effect::FetchPage { req, .. }
        | Effect::FetchById { req, .. }
        | Effect::FetchByRef { req, .. }
        | Effect::SendPatch { req, .. } => Some(*req),
        _ => None,
    }
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
