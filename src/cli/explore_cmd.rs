//! `prospect facet` and `prospect cluster`: the value counts of one field over every
//! (matching) record, and the groups of different spellings of one value — OpenRefine's
//! facets and clusters on the live API. Both scan with the scan engine (progress, ctrl-c,
//! the server's limits) and hold counts, never the records.

use super::args::{ClusterArgs, ClusterOutput, FacetArgs, FacetOutput, ScanScope};
use super::failure::Failure;
use super::out::{Out, csv_line};
use super::scan_cmd::{run_scan, scan_options, write_corrections};
use crate::api::ApiClient;
use crate::config::Settings;
use crate::present::mask;
use crate::scan::facet::{Cluster, Facet, FacetField, FacetReport, Method, clusters};
use crate::scan::keys::By;
use crate::scan::{Filter, ScanSummary};
use crate::text::escape_control;

/// Scans the records `scope` names into `facet`.
async fn count(
    client: &ApiClient,
    settings: &Settings,
    scope: &ScanScope,
    facet: &mut Facet,
) -> Result<ScanSummary, Failure> {
    let filter = Filter::parse(&scope.filters).map_err(Failure::usage)?;
    let opts = scan_options(scope.search.as_deref(), 100, scope.concurrency, settings);
    let summary = run_scan(client, opts, |page| {
        page.items
            .iter()
            .filter(|p| filter.matches(p))
            .for_each(|p| facet.add(p));
        Ok(())
    })
    .await?;
    if let Some(unknown) = facet.unknown_field() {
        return Err(Failure::usage(unknown));
    }
    Ok(summary)
}

/// A value as a person reads it: control characters escaped, an identification number masked.
fn shown(value: &str, secret: bool) -> String {
    if secret {
        mask(value)
    } else {
        escape_control(value).into_owned()
    }
}

fn thousands(n: u64) -> String {
    crate::app::problems::thousands(n)
}

fn share(count: u64, records: u64) -> f64 {
    if records == 0 {
        0.0
    } else {
        count as f64 * 100.0 / records as f64
    }
}

/// `prospect facet FIELD`.
pub async fn facet(a: FacetArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    let field = FacetField::parse(&a.field).map_err(Failure::usage)?;
    let by = By::parse(&a.by).map_err(Failure::usage)?;
    let secret = field.is_secret() && !a.reveal;
    let mut facet = Facet::new(field, by, false);
    count(client, settings, &a.scope, &mut facet).await?;
    let mut report = facet.report(a.top);
    if secret {
        mask_report(&mut report);
    }
    let mut out = Out::new();
    match a.output {
        FacetOutput::Json => {
            let text = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))?;
            out.write(&(text + "\n"))?;
        }
        FacetOutput::Csv => {
            out.write(&csv_line(&["value", "count", "share"])?)?;
            for row in &report.rows {
                out.write(&csv_line(&[
                    row.value.clone().unwrap_or_default(),
                    row.count.to_string(),
                    format!("{:.2}", share(row.count, report.records)),
                ])?)?;
            }
        }
        FacetOutput::Table => out.write(&facet_table(&report))?,
    }
    out.finish()
}

fn mask_report(report: &mut FacetReport) {
    for row in &mut report.rows {
        if let Some(v) = &mut row.value {
            *v = mask(v);
        }
        for s in &mut row.spellings {
            s.value = mask(&s.value);
        }
    }
}

/// The facet as a table: count, share and value, the spellings of a group after it.
fn facet_table(r: &FacetReport) -> String {
    let grouped = if r.by == "exact" {
        String::new()
    } else {
        format!(" by {}", r.by)
    };
    let mut out = format!(
        "{}{grouped} · {} records · {} distinct value{}\n",
        r.field,
        thousands(r.records),
        thousands(r.distinct),
        if r.distinct == 1 { "" } else { "s" }
    );
    if r.rows.is_empty() {
        out.push_str("No records.\n");
        return out;
    }
    let width = r
        .rows
        .iter()
        .map(|row| thousands(row.count).len())
        .max()
        .unwrap_or(5)
        .max(5);
    out.push_str(&format!("{:>width$}   SHARE  VALUE\n", "COUNT"));
    for row in &r.rows {
        let value = row
            .value
            .as_deref()
            .map_or_else(|| "(empty)".to_string(), |v| shown(v, false));
        out.push_str(&format!(
            "{:>width$}  {:>5.1}%  {value}",
            thousands(row.count),
            share(row.count, r.records)
        ));
        if !row.spellings.is_empty() {
            let spellings: Vec<String> = row
                .spellings
                .iter()
                .map(|s| format!("{} {}", shown(&s.value, false), thousands(s.count)))
                .collect();
            out.push_str(&format!("   ({})", spellings.join(" · ")));
        }
        out.push('\n');
    }
    if let Some(rest) = r.rest {
        out.push_str(&format!(
            "{:>width$}  {:>5.1}%  … {} more value{} (--top 0 lists all)\n",
            thousands(rest.records),
            share(rest.records, r.records),
            thousands(rest.values),
            if rest.values == 1 { "" } else { "s" }
        ));
    }
    out
}

/// `prospect cluster FIELD`.
pub async fn cluster(
    a: ClusterArgs,
    client: &ApiClient,
    settings: &Settings,
) -> Result<(), Failure> {
    let field = FacetField::parse(&a.field).map_err(Failure::usage)?;
    let method = Method::parse(&a.method).map_err(Failure::usage)?;
    if a.fix.is_some() && crate::patch::FieldPath::parse(&field.name()).is_none() {
        return Err(Failure::usage(format!(
            "--fix writes changes, and {} is not a field prospect can change",
            field.name()
        )));
    }
    let secret = field.is_secret() && !a.reveal;
    let name = field.name();
    let mut facet = Facet::new(field, By::Exact, a.fix.is_some());
    let summary = count(client, settings, &a.scope, &mut facet).await?;
    let found = clusters(&facet.exact_counts(), method);
    if let Some(path) = &a.fix {
        let mut rows = Vec::new();
        for c in &found {
            for v in c.values.iter().skip(1) {
                for id in facet.ids_of(&v.value) {
                    rows.push((id.to_string(), c.winner().to_string(), v.value.clone()));
                }
            }
        }
        let text = crate::scan::corrections::set_values_csv(&name, &rows);
        write_corrections(path, text, rows.len())?;
    }
    let shown_clusters: Vec<Cluster> = found
        .into_iter()
        .map(|mut c| {
            for v in &mut c.values {
                v.value = if secret {
                    mask(&v.value)
                } else {
                    v.value.clone()
                };
            }
            if secret {
                c.key = mask(&c.key);
            }
            c
        })
        .collect();
    let mut out = Out::new();
    match a.output {
        ClusterOutput::Json => {
            let text = serde_json::to_string_pretty(&serde_json::json!({
                "field": name,
                "method": method.name(),
                "records": summary.records,
                "clusters": shown_clusters,
            }))
            .map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))?;
            out.write(&(text + "\n"))?;
        }
        ClusterOutput::Table => {
            out.write(&cluster_table(
                &name,
                method,
                summary.records,
                &shown_clusters,
            ))?;
        }
    }
    out.finish()
}

fn cluster_table(field: &str, method: Method, records: u64, found: &[Cluster]) -> String {
    let mut out = format!(
        "{field} · {} records · {} cluster{} ({})\n",
        thousands(records),
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        method.name()
    );
    if found.is_empty() {
        out.push_str("No different spellings of one value.\n");
        return out;
    }
    for (i, c) in found.iter().enumerate() {
        out.push_str(&format!(
            "\n#{} · {} values · {} records → {}\n",
            i + 1,
            c.values.len(),
            thousands(c.records),
            shown(c.winner(), false)
        ));
        for v in &c.values {
            out.push_str(&format!(
                "  {:>7}  {}\n",
                thousands(v.count),
                shown(&v.value, false)
            ));
        }
    }
    out
}
