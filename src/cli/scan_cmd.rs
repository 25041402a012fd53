//! The commands that scan every page: `list --all`, `list --where` and `check`.

use std::io::Write;

use super::args::{CheckArgs, ListArgs, ListOutput};
use super::failure::Failure;
use super::out::{Out, csv_line, progress_bar};
use super::output;
use super::output::json_line;
use crate::api::{ApiClient, Prospect};
use crate::config::Settings;
use crate::scan::check::summary;
use crate::scan::corrections::corrections_csv;
use crate::scan::{
    Checker, Filter, Finding, Progress, Rule, RuleSet, Scan, ScanEvent, ScanOptions, ScanPage,
    ScanSummary,
};
use crate::text::escape_control;

/// Writes records one at a time in any `list` format, so nothing is collected first.
pub struct RecordWriter {
    format: ListOutput,
    /// CSV: control characters written as they came (`--raw`).
    raw: bool,
    first: bool,
    rows: u64,
    /// Table: the columns shown (`--columns`).
    columns: Vec<usize>,
}

impl RecordWriter {
    /// Writes what comes before the first record (a CSV header, `[`, the table header).
    pub fn new(
        format: ListOutput,
        raw: bool,
        columns: Vec<usize>,
        out: &mut Out,
    ) -> Result<Self, Failure> {
        match format {
            ListOutput::Csv => out.write(&csv_line(&output::CSV_HEADER)?)?,
            ListOutput::Json => out.write("[")?,
            ListOutput::Table | ListOutput::Ndjson => {}
        }
        Ok(RecordWriter {
            format,
            raw,
            first: true,
            rows: 0,
            columns,
        })
    }

    /// Writes one record.
    pub fn record(&mut self, p: &Prospect, out: &mut Out) -> Result<(), Failure> {
        let first = std::mem::replace(&mut self.first, false);
        self.rows += 1;
        match self.format {
            ListOutput::Table => {
                if first {
                    out.write(&output::stream_header(&self.columns))?;
                }
                out.write(&output::stream_row(p, &self.columns))
            }
            ListOutput::Ndjson => out.write(&(json_line(p)? + "\n")),
            ListOutput::Json => {
                let sep = if first { "\n  " } else { ",\n  " };
                out.write(&(sep.to_string() + &json_line(p)?))
            }
            ListOutput::Csv => out.write(&csv_line(&output::csv_row(p, self.raw))?),
        }
    }

    /// Writes what comes after the last record.
    pub fn end(&mut self, out: &mut Out) -> Result<(), Failure> {
        if self.format == ListOutput::Json {
            out.write(if self.first { "]\n" } else { "\n]\n" })?;
        }
        Ok(())
    }
}

pub(super) fn scan_options(
    search: Option<&str>,
    limit: u64,
    concurrency: Option<u64>,
    s: &Settings,
) -> ScanOptions {
    ScanOptions {
        search: search.filter(|s| !s.is_empty()).map(str::to_owned),
        limit,
        concurrency: concurrency.map_or(s.concurrency, |n| n as usize),
    }
}

/// Runs a scan to its end, handing every page to `on_page`, with a progress bar on a
/// terminal. Ctrl-c stops it (no task left running) with exit code 130.
pub(super) async fn run_scan(
    client: &ApiClient,
    opts: ScanOptions,
    mut on_page: impl FnMut(ScanPage) -> Result<(), Failure>,
) -> Result<ScanSummary, Failure> {
    let mut scan = Scan::start(client, opts);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut bar = None;
    let mut progress = Progress::default();
    let summary = loop {
        let event = tokio::select! {
            biased;
            _ = &mut ctrl_c => {
                scan.cancel().await;
                if let Some(b) = &bar { indicatif::ProgressBar::finish_and_clear(b) }
                return Err(Failure {
                    code: 130,
                    message: format!(
                        "Interrupted after {} of {} prospects.",
                        progress.scanned, progress.total
                    ),
                });
            }
            e = scan.next() => e,
        };
        match event {
            Some(Ok(ScanEvent::Page(page))) => {
                progress = page.progress;
                let b = bar.get_or_insert_with(|| progress_bar(progress.total));
                b.set_length(progress.total.max(progress.scanned));
                b.set_position(progress.scanned);
                b.set_message(
                    client
                        .slowed_down()
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default(),
                );
                on_page(page)?;
            }
            Some(Ok(ScanEvent::Done(summary))) => break summary,
            Some(Err(e)) => {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                return Err(Failure {
                    code: e.source.exit_code(),
                    message: e.to_string(),
                });
            }
            None => return Err(Failure::other("The scan ended without a result.")),
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(note) = summary.note() {
        eprintln!("prospect: warning: {note}");
    }
    Ok(summary)
}

/// `list --all` and `list --where`: every page, records streamed in order as they arrive.
pub async fn list(a: ListArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    let filter = Filter::parse(&a.filters).map_err(Failure::usage)?;
    let columns = output::columns(a.columns.as_deref())?;
    let opts = scan_options(
        a.search.as_deref(),
        a.limit.unwrap_or(100),
        a.concurrency,
        settings,
    );
    let mut out = Out::new();
    let mut w = RecordWriter::new(a.output, a.raw, columns, &mut out)?;
    let result = run_scan(client, opts, |page| {
        for p in page.items.iter().filter(|p| filter.matches(p)) {
            w.record(p, &mut out)?;
        }
        Ok(())
    })
    .await;
    let summary = match result {
        Ok(s) => s,
        Err(f) => {
            // What was found before the failure is kept.
            let _ = out.finish();
            return Err(f);
        }
    };
    w.end(&mut out)?;
    if a.output == ListOutput::Table {
        let line = match (w.rows, filter.is_empty()) {
            (0, true) => "No prospects.\n".to_string(),
            (0, false) => format!("No prospects match, of {} scanned.\n", summary.records),
            (n, true) => format!("{n} prospects\n"),
            (n, false) => format!("{n} matches · scanned {} prospects\n", summary.records),
        };
        out.write(&line)?;
    }
    out.finish()?;
    // A script must never take a partial export for a whole one (the warning said why).
    if summary.incomplete() {
        return Err(Failure {
            code: 6,
            message: format!(
                "The listing is incomplete: {} prospects were listed, the server reported {}.",
                summary.records, summary.last_total
            ),
        });
    }
    Ok(())
}

/// `check`: every rule over every record; exit 6 when anything is found.
pub async fn check(a: CheckArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    let rules = a
        .rules
        .iter()
        .flat_map(|r| r.split(','))
        .filter(|r| !r.trim().is_empty())
        .map(Rule::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::usage)?;
    let today = chrono::Utc::now().date_naive();
    let mut checker =
        Checker::new(RuleSet::new(&rules, today).with_region(settings.default_region));
    let opts = scan_options(a.search.as_deref(), 100, a.concurrency, settings);
    let summary = run_scan(client, opts, |page| {
        page.items.iter().for_each(|p| checker.add(p));
        Ok(())
    })
    .await?;
    let findings = checker.finish();
    if let Some(path) = &a.fix {
        write_fix_file(path, &findings)?;
    }
    let shown: Vec<Finding> = if a.reveal {
        findings
    } else {
        findings.iter().map(Finding::masked).collect()
    };
    let mut out = Out::new();
    print_findings(&shown, a.output, summary.records, &mut out)?;
    out.finish()?;
    if shown.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: 6,
            message: format!(
                "Found {} problem{} in {} prospects.",
                shown.len(),
                if shown.len() == 1 { "" } else { "s" },
                summary.records
            ),
        })
    }
}

/// Writes the corrections file, readable by its owner only (it may hold identification
/// numbers): every suggestion, or just the `id` header when nothing can be fixed mechanically.
fn write_fix_file(path: &std::path::Path, findings: &[Finding]) -> Result<(), Failure> {
    let text = corrections_csv(findings)
        .map_err(|e| Failure::other(format!("Cannot write the corrections: {e}")))?
        .unwrap_or_else(|| "id\n".into());
    write_private(path, &text)
}

/// Writes `text` to `path`, readable by its owner only (corrections may hold identification
/// numbers).
pub(super) fn write_private(path: &std::path::Path, text: &str) -> Result<(), Failure> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let written = opts
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.flush()));
    written.map_err(|e| Failure::other(format!("Cannot write {}: {e}", path.display())))
}

/// Writes a corrections file (`cluster --fix`, `transform --fix`) of `rows` rows, private,
/// and says on stderr what `apply` does with it.
pub(super) fn write_corrections(
    path: &std::path::Path,
    text: Result<String, csv::Error>,
    rows: usize,
) -> Result<(), Failure> {
    let text = text.map_err(|e| Failure::other(format!("Cannot write the corrections: {e}")))?;
    write_private(path, &text)?;
    eprintln!(
        "Wrote {rows} correction{} to {}: `prospect apply {}` plans and sends them.",
        if rows == 1 { "" } else { "s" },
        path.display(),
        path.display()
    );
    Ok(())
}

const FINDING_CSV_HEADER: [&str; 7] = [
    "id",
    "externalReference",
    "rule",
    "field",
    "value",
    "message",
    "suggestion",
];

fn print_findings(
    findings: &[Finding],
    format: ListOutput,
    records: u64,
    out: &mut Out,
) -> Result<(), Failure> {
    let json = |f: &Finding| {
        serde_json::to_string(f).map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match format {
        ListOutput::Json => {
            let items = findings.iter().map(json).collect::<Result<Vec<_>, _>>()?;
            if items.is_empty() {
                out.write("[]\n")
            } else {
                out.write(&format!("[\n  {}\n]\n", items.join(",\n  ")))
            }
        }
        ListOutput::Ndjson => findings
            .iter()
            .try_for_each(|f| out.write(&(json(f)? + "\n"))),
        ListOutput::Csv => {
            out.write(&csv_line(&FINDING_CSV_HEADER)?)?;
            findings.iter().try_for_each(|f| {
                out.write(&csv_line(&[
                    f.id.clone(),
                    opt(&f.external_reference),
                    f.rule.name().to_string(),
                    f.field.clone(),
                    opt(&f.value),
                    f.message.clone(),
                    opt(&f.suggestion),
                ])?)
            })
        }
        ListOutput::Table => out.write(&findings_table(findings, records)),
    }
}

/// The summary (rule → count), then every finding.
fn findings_table(findings: &[Finding], records: u64) -> String {
    if findings.is_empty() {
        return format!("No problems in {records} prospects.\n");
    }
    let mut s = format!("{} problems in {records} prospects\n\n", findings.len());
    for (rule, n) in summary(findings) {
        s.push_str(&format!("  {:<34}{n:>7}\n", rule.name()));
    }
    let cell = |v: Option<&str>| escape_control(v.unwrap_or("—")).into_owned();
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.rule.name().to_string(),
                cell(Some(&f.id)),
                f.field.clone(),
                cell(f.value.as_deref()),
                cell(f.suggestion.as_deref()),
                cell(Some(&f.message)),
            ]
        })
        .collect();
    let headers = ["RULE", "ID", "FIELD", "VALUE", "SUGGESTION", "MESSAGE"];
    s.push('\n');
    s.push_str(&super::table::render(
        &headers,
        &rows,
        super::table::width(),
    ));
    s
}
