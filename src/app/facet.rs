//! `%` — the facet view: the value counts of one field over every record (or every match of
//! the filter it was opened from), most common first, while the scan streams in; `c` shows the
//! field's clusters (different spellings of one value). It holds counts, never the records:
//! the worker counts and sends what it has counted so far.

use super::effect::RequestId;
use super::scan_view::Coverage;
use crate::present::thousands;
use crate::scan::Filter;
use crate::scan::facet::{Cluster, FacetField, FacetReport, FacetRow, Method};

/// What a part of a facet scan brings: every value counted so far, sorted.
pub type FacetCounts = FacetReport;

/// A record holding one of the values a members scan asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    /// How the views name it (name and external reference).
    pub label: String,
    /// Its value of the field (`None`: blank or missing).
    pub value: Option<String>,
}

/// What a members scan is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembersFor {
    /// `V`: mark them.
    Mark,
    /// `A` / `S` on a value or a cluster: stage `field` on each record, its new value by its
    /// current one (`changes`: value → new value); `what` says it in the status line
    /// (`= "GBR"`, `(e164)`).
    Stage {
        field: crate::patch::FieldPath,
        changes: Vec<(Option<String>, Option<String>)>,
        what: String,
    },
    /// `S =EXPR` on marked records whose value the screen did not hold: fetched, the
    /// expression (`text`, `=` first) computed on each and the changes staged.
    Expr {
        field: crate::patch::FieldPath,
        text: String,
    },
}

/// What a members scan or fetch has done so far: records marked or staged, and for an
/// expression those it left as they were and those it skipped (the first one's reason).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub done: usize,
    pub same: usize,
    pub skipped: usize,
    pub first_skip: Option<String>,
}

impl MembersFor {
    /// The values whose records the scan looks for.
    pub fn values(&self) -> Option<Vec<Option<String>>> {
        match self {
            MembersFor::Mark | MembersFor::Expr { .. } => None,
            MembersFor::Stage { changes, .. } => {
                Some(changes.iter().map(|(from, _)| from.clone()).collect())
            }
        }
    }
}

/// The clusters of the facet's field, once `c` asked for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    pub method: Method,
    /// The clustering in flight (it runs off the UI thread), while it runs.
    pub req: Option<RequestId>,
    /// The clusters, largest first, once computed.
    pub list: Option<Vec<Cluster>>,
    pub selected: usize,
}

/// The facet view.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetView {
    /// The field counted.
    pub field: FacetField,
    /// The search the list had when the view opened (the scan covers its records).
    pub search: Option<String>,
    /// The filter of the filter view it was opened from, as typed and parsed.
    pub scope: Option<(String, Filter)>,
    pub scan: Coverage,
    /// The counts so far (`None` before the first part).
    pub counts: Option<FacetCounts>,
    /// The selected value.
    pub selected: usize,
    /// Shown instead of the values when `c` was pressed.
    pub clusters: Option<Clusters>,
    /// Records saved since they were counted whose value of the field changed: the counts
    /// are as they were (the title says so; `r` counts again).
    pub changed_since: u64,
}

impl FacetView {
    /// A facet of `field` counted by the scan `req`.
    pub fn new(field: FacetField, search: Option<String>, scope: Option<(String, Filter)>) -> Self {
        FacetView {
            field,
            search,
            scope,
            scan: Coverage::default(),
            counts: None,
            selected: 0,
            clusters: None,
            changed_since: 0,
        }
    }

    /// A record was saved (from the form or a batch): when its value of the field changed,
    /// the counts are out of date.
    pub fn record_saved(&mut self, before: &crate::api::Prospect, after: &crate::api::Prospect) {
        if self.field.value(before) != self.field.value(after) {
            self.changed_since += 1;
        }
    }

    /// The values counted so far, most common first.
    pub fn rows(&self) -> &[FacetRow] {
        self.counts.as_ref().map_or(&[], |c| c.rows.as_slice())
    }

    /// The selected value's row.
    pub fn selected_row(&self) -> Option<&FacetRow> {
        self.rows().get(self.selected)
    }

    /// The selected cluster, when clusters are shown.
    pub fn selected_cluster(&self) -> Option<&Cluster> {
        let c = self.clusters.as_ref()?;
        c.list.as_ref()?.get(c.selected)
    }

    /// How many rows the view lists now (values, or clusters).
    pub fn len(&self) -> usize {
        match &self.clusters {
            Some(c) => c.list.as_ref().map_or(0, Vec::len),
            None => self.rows().len(),
        }
    }

    /// Whether it lists nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The selected row's index, of the values or of the clusters.
    pub fn row_mut(&mut self) -> &mut usize {
        match &mut self.clusters {
            Some(c) => &mut c.selected,
            None => &mut self.selected,
        }
    }

    /// Records counted so far.
    pub fn records(&self) -> u64 {
        self.counts.as_ref().map_or(0, |c| c.records)
    }

    /// The title: the field, what it covers, the values and the coverage
    /// (`Facet phoneNumber · 9,870 values · scanning 3,400 of 10,000…`).
    pub fn title(&self) -> String {
        let scope = match &self.scope {
            Some((text, _)) => format!(" of the matches of {text}"),
            None => String::new(),
        };
        let what = match &self.clusters {
            Some(c) => match (&c.list, c.req) {
                (Some(list), _) => format!(
                    "{} cluster{} ({})",
                    thousands(list.len() as u64),
                    if list.len() == 1 { "" } else { "s" },
                    c.method.name()
                ),
                (None, _) => format!("clustering ({})…", c.method.name()),
            },
            None => {
                let n = self.counts.as_ref().map_or(0, |c| c.distinct);
                format!("{} value{}", thousands(n), if n == 1 { "" } else { "s" })
            }
        };
        let changed = match self.changed_since {
            0 => String::new(),
            1 => " · 1 record changed since (r counts again)".to_string(),
            n => format!(" · {} records changed since (r counts again)", thousands(n)),
        };
        format!(
            "Facet {}{scope} · {what} · {}{changed}",
            self.field.name(),
            self.scan.text()
        )
    }

    /// The share of the records counted that `count` is, in per cent.
    pub fn share(&self, count: u64) -> f64 {
        let n = self.records();
        if n == 0 {
            0.0
        } else {
            count as f64 * 100.0 / n as f64
        }
    }
}
