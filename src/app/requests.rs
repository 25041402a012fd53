//! The one registry of requests in flight: who waits for each answer.
//!
//! A request is registered with its [`Purpose`] when its effect is made, and its answer is
//! routed by that purpose in one place (`update`). An answer whose id is no longer registered
//! (superseded, cancelled) is dropped, so a slow old search can never overwrite a newer one.

use std::collections::BTreeMap;

use super::effect::{ApiCall, ApiRequest, Effect, RequestId};

/// A page of one search (`""` = no search).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub search: String,
    pub page: u64,
}

/// Which of the two questions of a `:` look-up a request answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupBy {
    Id,
    Reference,
    /// The text in another case (an index into [`crate::text::case_variants`]), asked after
    /// both questions found nothing.
    OtherCase(u8),
}

/// Who waits for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// A page of the list: shown when it is the page the list waits for, else cached.
    ListPage(PageKey),
    /// The open detail's reload of this prospect.
    DetailReload { id: String },
    /// One question of the current look-up.
    Lookup(LookupBy),
    /// The form's fetch of the server's version before sending.
    SaveCheck,
    /// The form's PATCH.
    SaveSend,
    /// The form's fetch after a save timed out: did the change land?
    SaveVerify,
    /// A streaming view's scan over every record (answered in parts).
    Scan(super::scan_view::ScanKind),
    /// A members scan of the facet view: marks or stages each record found.
    Members(super::facet::MembersFor),
    /// The facet view's clustering of its values.
    Cluster,
    /// The record of a finding, fetched fresh to open the form on the finding's field.
    ProblemEdit { field: String },
    /// The pending view's plan or batch (a batch answers in parts).
    Changes,
    /// The record of a filter match, fetched to open the form on it.
    FilterEdit,
}

/// Requests in flight, by id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Requests {
    next: u64,
    pending: BTreeMap<RequestId, Purpose>,
}

impl Requests {
    /// Registers a new request for `purpose` and asks the worker to make it.
    pub fn start(
        &mut self,
        purpose: Purpose,
        request: ApiRequest,
        fx: &mut Vec<Effect>,
    ) -> RequestId {
        self.next += 1;
        let req = RequestId(self.next);
        self.pending.insert(req, purpose);
        fx.push(Effect::Api(ApiCall { req, request }));
        req
    }

    /// The answer to `req` arrived: who waited for it (and it is no longer pending), or
    /// `None` when nobody does any more.
    pub fn finish(&mut self, req: RequestId) -> Option<Purpose> {
        self.pending.remove(&req)
    }

    /// Drops every request whose purpose matches, and has the worker abort them.
    pub fn cancel_where(&mut self, pred: impl Fn(&Purpose) -> bool, fx: &mut Vec<Effect>) {
        let gone: Vec<RequestId> = self
            .pending
            .iter()
            .filter(|(_, p)| pred(p))
            .map(|(r, _)| *r)
            .collect();
        for req in gone {
            self.pending.remove(&req);
            fx.push(Effect::Cancel(req));
        }
    }

    /// Drops one request, and has the worker abort it.
    pub fn cancel(&mut self, req: RequestId, fx: &mut Vec<Effect>) {
        if self.pending.remove(&req).is_some() {
            fx.push(Effect::Cancel(req));
        }
    }

    /// The purpose of a pending request.
    pub fn get(&self, req: RequestId) -> Option<&Purpose> {
        self.pending.get(&req)
    }

    /// The first pending request whose purpose matches.
    pub fn find(&self, pred: impl Fn(&Purpose) -> bool) -> Option<RequestId> {
        self.pending.iter().find(|(_, p)| pred(p)).map(|(r, _)| *r)
    }

    /// Whether any pending request matches.
    pub fn any(&self, pred: impl Fn(&Purpose) -> bool) -> bool {
        self.pending.values().any(pred)
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// How many requests are in flight.
    pub fn len(&self) -> usize {
        self.pending.len()
    }
}
