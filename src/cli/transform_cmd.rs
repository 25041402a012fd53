//! `prospect transform --set FIELD=EXPR …`: new values from an expression for every
//! (matching) record, checked with the form's rules; printed, written as a corrections file
//! (`--fix`) or sent through `apply`'s plan and confirmation (`--apply`). The per-record work
//! is `scan::transform`, which the TUI's `S =expr` shares.

use serde_json::{Value, json};

use super::apply_cmd::{SendOptions, apply_rows, refuse_unless_dry_run};
use super::args::{PlanOutput, TransformArgs, TransformOutput};
use super::failure::Failure;
use super::out::{Out, csv_line};
use super::output::change_line;
use super::scan_cmd::{run_scan, scan_options, write_corrections};
use crate::api::{ApiClient, Prospect};
use crate::batch::corrections::{Correction, RowKey};
use crate::config::Settings;
use crate::patch::FieldPath;
use crate::present::{mask, name_and_reference};
use crate::scan::Filter;
use crate::scan::corrections::changes_csv;
use crate::scan::transform::{
    Assignment, FieldChange, Tally, Verdict, parse_assignments, transform,
};
use crate::text::{escape_cell, escape_control};

/// A record as the listing names it, and what became of it.
struct Row {
    id: String,
    /// "First Middle Last".
    name: String,
    /// `Jane Doe · CRM-0042` ([`name_and_reference`]).
    named: String,
    reference: Option<String>,
    /// Changed: each field's before and after (none when skipped).
    changes: Vec<FieldChange>,
    /// Skipped: why.
    reason: Option<String>,
    /// Skipped: the identification number, masked wherever the reason quotes it.
    id_number: Option<String>,
}

impl Row {
    fn new(p: &Prospect, changes: Vec<FieldChange>, reason: Option<String>) -> Self {
        Row {
            id: p.id.clone(),
            name: p.full_name(),
            named: name_and_reference(p),
            reference: p.external_reference.clone(),
            id_number: reason
                .as_ref()
                .and(p.identification_number.clone())
                .filter(|v| !v.is_empty()),
            changes,
            reason,
        }
    }

    /// `Jane Doe · CRM-0042 (id)`, escaped: how the CLI names a prospect.
    fn label(&self) -> String {
        format!(
            "{} ({})",
            escape_control(&self.named),
            escape_control(&self.id)
        )
    }
}

/// What the scan found: the counts, the changed and the skipped records in scan order.
struct Found {
    /// Records scanned.
    records: u64,
    /// Whether `--where` narrowed them (the tally counts the matching ones).
    filtered: bool,
    tally: Tally,
    changed: Vec<Row>,
    skipped: Vec<Row>,
}

/// `prospect transform`.
pub async fn run(a: TransformArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    // Every mistake in the arguments is found before the first request.
    let assignments = parse_assignments(&a.set).map_err(Failure::usage)?;
    let filter = Filter::parse(&a.scope.filters).map_err(Failure::usage)?;
    if a.apply {
        refuse_unless_dry_run(settings, "transform --apply", a.dry_run)?;
    }
    let found = scan(client, settings, &a, &assignments, &filter).await?;
    if let Some(path) = &a.fix {
        let fields: Vec<FieldPath> = assignments.iter().map(|x| x.field).collect();
        let rows: Vec<(String, Vec<FieldChange>)> = found
            .changed
            .iter()
            .map(|r| (r.id.clone(), r.changes.clone()))
            .collect();
        write_corrections(path, changes_csv(&fields, &rows), rows.len())?;
    }
    let shown = Shown {
        reveal: a.reveal,
        expressions: &a.set,
    };
    let mut out = Out::new();
    if a.apply {
        // The plan lists every change as before → after: here only the counts and the skipped.
        out.write(&shown.header(&found))?;
        out.write(&shown.skipped(&found.skipped))?;
        out.finish()?;
        let rows = corrections(&found.changed);
        let send = SendOptions {
            dry_run: a.dry_run,
            yes: a.yes,
            skip_invalid: false,
            output: PlanOutput::Table,
            report: a.report,
            reason: a.reason,
            concurrency: a.scope.concurrency,
        };
        return apply_rows("transform", &rows, send, client, settings).await;
    }
    match a.output {
        TransformOutput::Table => {
            out.write(&shown.header(&found))?;
            out.write(&shown.changed(&found.changed))?;
            out.write(&shown.skipped(&found.skipped))?;
        }
        TransformOutput::Json => {
            let text = serde_json::to_string_pretty(&shown.json(&found))
                .map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))?;
            out.write(&(text + "\n"))?;
        }
        TransformOutput::Csv => shown.csv(&found, &mut out)?,
    }
    out.finish()
}

/// Every (matching) record through the expressions; holds the changed and skipped only.
async fn scan(
    client: &ApiClient,
    settings: &Settings,
    a: &TransformArgs,
    assignments: &[Assignment],
    filter: &Filter,
) -> Result<Found, Failure> {
    let region = settings.default_region;
    let opts = scan_options(
        a.scope.search.as_deref(),
        100,
        a.scope.concurrency,
        settings,
    );
    let mut tally = Tally::default();
    let (mut changed, mut skipped) = (Vec::new(), Vec::new());
    let summary = run_scan(client, opts, |page| {
        for p in page.items.iter().filter(|p| filter.matches(p)) {
            let verdict = transform(p, assignments, region);
            tally.add(&verdict);
            match verdict {
                Verdict::Unchanged => {}
                Verdict::Changed(changes) => changed.push(Row::new(p, changes, None)),
                Verdict::Skipped(why) => skipped.push(Row::new(p, Vec::new(), Some(why))),
            }
        }
        Ok(())
    })
    .await?;
    Ok(Found {
        records: summary.records,
        filtered: !filter.is_empty(),
        tally,
        changed,
        skipped,
    })
}

/// The changed records as corrections rows: each field set to its new value and expected
/// to still hold the value seen (a record changed since is a conflict).
fn corrections(changed: &[Row]) -> Vec<Correction> {
    changed
        .iter()
        .map(|r| Correction {
            line: 0,
            key: RowKey::Id(r.id.clone()),
            set: r
                .changes
                .iter()
                .map(|c| (c.field, c.after.clone()))
                .collect(),
            expect: r
                .changes
                .iter()
                .map(|c| (c.field, c.before.clone()))
                .collect(),
            reference: None,
        })
        .collect()
}

/// How values are shown: identification numbers masked unless `--reveal`.
struct Shown<'a> {
    reveal: bool,
    expressions: &'a [String],
}

impl Shown<'_> {
    fn secret(&self, field: FieldPath) -> bool {
        !self.reveal && field.key().is_secret()
    }

    /// A value as stored (`None`: empty), masked when secret; not yet escaped.
    fn value(&self, field: FieldPath, v: Option<&str>) -> Option<String> {
        v.map(|v| {
            if self.secret(field) {
                mask(v)
            } else {
                v.to_string()
            }
        })
    }

    /// A skip reason with the identification number masked (a step may quote the value).
    fn reason(&self, row: &Row) -> String {
        let why = row.reason.clone().unwrap_or_default();
        match &row.id_number {
            Some(v) if !self.reveal => why.replace(v.as_str(), &mask(v)),
            _ => why,
        }
    }

    fn header(&self, f: &Found) -> String {
        let exprs: Vec<String> = self
            .expressions
            .iter()
            .map(|e| escape_control(e).into_owned())
            .collect();
        let t = f.tally;
        let records = if f.filtered {
            format!(
                "{} of {} records match",
                t.changed + t.unchanged + t.skipped,
                f.records
            )
        } else {
            format!("{} records", f.records)
        };
        format!("{} · {records} · {}\n", exprs.join(" · "), f.tally)
    }

    fn changed(&self, rows: &[Row]) -> String {
        let mut out = String::new();
        if !rows.is_empty() {
            out.push_str("\nChanged:\n");
        }
        for r in rows {
            out.push_str(&r.label());
            out.push('\n');
            for c in &r.changes {
                let shown = |v: &Option<String>| {
                    self.value(c.field, v.as_deref())
                        .unwrap_or_else(|| "—".into())
                };
                out.push_str(&change_line(
                    &c.field.to_string(),
                    &shown(&c.before),
                    &shown(&c.after),
                ));
                out.push('\n');
            }
        }
        out
    }

    fn skipped(&self, rows: &[Row]) -> String {
        let mut out = String::new();
        if !rows.is_empty() {
            out.push_str("\nSkipped:\n");
        }
        for r in rows {
            out.push_str(&format!(
                "{}\n  {}\n",
                r.label(),
                escape_control(&self.reason(r))
            ));
        }
        out
    }

    fn json(&self, f: &Found) -> Value {
        let change = |c: &FieldChange| {
            json!({
                "field": c.field.to_string(),
                "before": self.value(c.field, c.before.as_deref()),
                "after": self.value(c.field, c.after.as_deref()),
            })
        };
        json!({
            "expressions": self.expressions,
            "records": f.records,
            "matched": f.tally.changed + f.tally.unchanged + f.tally.skipped,
            "changed": f.tally.changed,
            "unchanged": f.tally.unchanged,
            "skipped": f.tally.skipped,
            "changes": f.changed.iter().map(|r| json!({
                "id": r.id,
                "externalReference": r.reference,
                "name": r.name,
                "fields": r.changes.iter().map(change).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "skippedRecords": f.skipped.iter().map(|r| json!({
                "id": r.id,
                "externalReference": r.reference,
                "name": r.name,
                "reason": self.reason(r),
            })).collect::<Vec<_>>(),
        })
    }

    /// One line per changed field and per skipped record; cells escaped as `list -o csv`.
    fn csv(&self, f: &Found, out: &mut Out) -> Result<(), Failure> {
        let cell = |v: Option<&str>| escape_cell(v.unwrap_or_default()).into_owned();
        out.write(&csv_line(&[
            "id",
            "externalReference",
            "name",
            "outcome",
            "field",
            "before",
            "after",
            "reason",
        ])?)?;
        for r in &f.changed {
            for c in &r.changes {
                let before = self.value(c.field, c.before.as_deref());
                let after = self.value(c.field, c.after.as_deref());
                out.write(&csv_line(&[
                    cell(Some(&r.id)),
                    cell(r.reference.as_deref()),
                    cell(Some(&r.name)),
                    "changed".into(),
                    c.field.to_string(),
                    cell(before.as_deref()),
                    cell(after.as_deref()),
                    String::new(),
                ])?)?;
            }
        }
        for r in &f.skipped {
            out.write(&csv_line(&[
                cell(Some(&r.id)),
                cell(r.reference.as_deref()),
                cell(Some(&r.name)),
                "skipped".into(),
                String::new(),
                String::new(),
                String::new(),
                cell(Some(&self.reason(r))),
            ])?)?;
        }
        Ok(())
    }
}
