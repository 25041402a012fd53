//! The command line, as product.md names it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Browse, look up and correct the personal prospects of the Partner API.
#[derive(Debug, Parser)]
#[command(name = "prospect", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Rows per page in the TUI, 1 to 100 [default: 50, or page_size in the config file]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100))]
    pub limit: Option<u64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Run against an embedded sandbox with sample data: no set-up at all
    #[arg(long, global = true)]
    pub demo: bool,
    /// Prospects in the --demo sandbox (for measurements)
    #[arg(
        long,
        global = true,
        hide = true,
        default_value_t = 500,
        value_name = "N"
    )]
    pub demo_count: usize,
    /// With --demo or `sandbox`: plant a known set of every defect `check` finds in the data
    #[arg(long, global = true)]
    pub problems: bool,
    /// Profile from the config file [env: PROSPECT_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// API base URL [env: PROSPECT_BASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Config file [env: PROSPECT_CONFIG] [default: ~/.config/prospect/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Total time for one request, retries and their waits included, in seconds [default: 30]
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Log file [default: ~/.local/state/prospect/prospect.log]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Leave the mouse to the terminal (text selection) instead of clicks and the wheel
    #[arg(long, global = true)]
    pub no_mouse: bool,
    /// More detail in the log file (-vv for even more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The subcommands; with none, `prospect` opens the TUI.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List prospects, a page at a time or all of them
    List(ListArgs),
    /// Show one prospect by id or by external reference
    Get(GetArgs),
    /// Change fields of one prospect with a minimal PATCH
    Patch(PatchArgs),
    /// Data-quality rules and duplicates over every record (exit 6 when something is found)
    Check(CheckArgs),
    /// Run the sandbox API server alone (prints its URL and credentials)
    Sandbox(SandboxArgs),
    /// Plan, review and send many corrections (CSV or NDJSON) as one batch
    Apply(ApplyArgs),
    /// Undo a batch, skipping records changed since
    Revert(RevertArgs),
    /// What was changed, when, by which batch and why (the journal)
    History(HistoryArgs),
    /// Set up, check or inspect the configuration
    Config(ConfigArgs),
    /// Print a shell completion script (e.g. `prospect completions bash > ~/.local/share/bash-completion/completions/prospect`)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), every subcommand included (`prospect man | man -l -`)
    Man,
    /// One signed request to any path of the API, the answer printed as it came (like `gh api`)
    Api(ApiArgs),
    /// Value counts of one field over every (matching) record, most common first
    Facet(FacetArgs),
    /// Groups of different spellings of one value; --fix sets each group to its most common value
    Cluster(ClusterArgs),
    /// New values from an expression for every (matching) record; --fix writes them, --apply sends them
    #[command(long_about = TRANSFORM_ABOUT, after_long_help = TRANSFORM_EXAMPLES)]
    Transform(TransformArgs),
}

const TRANSFORM_ABOUT: &str = "\
Computes a new value for one or more fields of every (matching) record with an expression, \
checks each resulting record with the form's rules, and prints what would change: \
`changed N · unchanged N · skipped N`, then each changed record with `field: before → after`, \
then each skipped record with its reason (the step that could not apply, or the rule the \
result breaks). Records whose value does not change are not listed. Nothing is sent unless \
--apply is given.

An expression is a pipeline of steps applied to the field's current value, left to right, \
joined with |: trim, collapse (runs of spaces to one), upper, lower, title, strip(\"chars\"), \
replace(/regex/, \"with $1\"), e164 / e164(\"GB\") (a phone number to E.164; national numbers \
are read in the given region or the profile's default_region), country (a country name or \
code to ISO alpha-3), value(\"x\") (a constant) and null (clear). Each --set reads the \
record as the server has it.

--fix FILE writes the changes as a corrections file with expected.* columns holding the \
values seen, so that `prospect apply FILE` reports a record changed since as a conflict. \
--apply goes straight on to apply's plan and confirmation (--yes, --dry-run, --reason, \
--report as for apply).";

const TRANSFORM_EXAMPLES: &str = "\
Examples:
  prospect transform --set phoneNumber=e164
  prospect transform --set 'phoneNumber=strip(\" -.()\") | e164(\"GB\")' --fix phones.csv
  prospect apply phones.csv
  prospect transform --set 'firstName=trim | collapse' --set 'lastName=trim | collapse' --apply
  prospect transform --set address.country=country --where address.country=gb --apply --yes \\
      --reason 'country codes to alpha-3'";

/// Output formats of `transform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransformOutput {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct TransformArgs {
    /// The field (as `patch --set` names it) and the expression that computes its new value,
    /// e.g. phoneNumber=e164 or "firstName=trim | title"; repeat for more fields
    #[arg(long = "set", value_name = "FIELD=EXPR", required = true)]
    pub set: Vec<String>,
    #[command(flatten)]
    pub scope: ScanScope,
    /// Write the changes as a corrections file (with expected.* columns) for `prospect apply`
    #[arg(long, value_name = "FILE")]
    pub fix: Option<PathBuf>,
    /// Go on to apply's plan and confirmation, and send the changes as one batch
    #[arg(long)]
    pub apply: bool,
    /// With --apply: print the plan and send nothing
    #[arg(long, requires = "apply")]
    pub dry_run: bool,
    /// With --apply: send without asking for confirmation
    #[arg(long, short, requires = "apply")]
    pub yes: bool,
    /// With --apply: why, kept with every change in the journal
    #[arg(long, value_name = "TEXT", requires = "apply")]
    pub reason: Option<String>,
    /// With --apply: write one CSV line per change: line, key, id, outcome, fields, message
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub report: Option<PathBuf>,
    /// Output format (with --apply, the plan is printed as a table)
    #[arg(long, short, value_enum, default_value_t = TransformOutput::Table, conflicts_with = "apply")]
    pub output: TransformOutput,
    /// Show identification numbers in full
    #[arg(long)]
    pub reveal: bool,
}

/// Output formats of `facet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetOutput {
    Table,
    Json,
    Csv,
}

/// Output formats of `cluster`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterOutput {
    Table,
    Json,
}

/// What `facet` and `cluster` scan: the records of a search, narrowed by `--where`.
#[derive(Debug, Args)]
pub struct ScanScope {
    /// Keep only records where FIELD=VALUE (equals) or FIELD~TEXT (contains), ignoring case;
    /// repeat for "and"
    #[arg(long = "where", value_name = "EXPR")]
    pub filters: Vec<String>,
    /// Only the records a search over names and emails finds
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Pages in flight at once, 1 to 16 [default: 4, or concurrency in the config file]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16))]
    pub concurrency: Option<u64>,
}

#[derive(Debug, Args)]
pub struct FacetArgs {
    /// The field: any name `--where` takes (address.country, phoneNumber…), or a top-level key
    /// the server sends (partnerId)
    pub field: String,
    #[command(flatten)]
    pub scope: ScanScope,
    /// Group values by a normal form and show the spellings in each group
    #[arg(
        long,
        value_name = "exact|lower|digits|fingerprint",
        default_value = "exact"
    )]
    pub by: String,
    /// Show the N most common values (0: all) and one line for the rest
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = FacetOutput::Table)]
    pub output: FacetOutput,
    /// Show identification numbers in full
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// The field, as for `facet`
    pub field: String,
    #[command(flatten)]
    pub scope: ScanScope,
    /// How values are keyed: fingerprint (case, accents, punctuation, word order) or ngram
    /// (character pairs: also typos)
    #[arg(long, value_name = "fingerprint|ngram", default_value = "fingerprint")]
    pub method: String,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = ClusterOutput::Table)]
    pub output: ClusterOutput,
    /// Write a corrections file that sets every member of each cluster to its most common
    /// value (with expected.* columns), for `prospect apply`
    #[arg(long, value_name = "FILE")]
    pub fix: Option<PathBuf>,
    /// Show identification numbers in full
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The HTTP method: GET, or PATCH of one prospect (journaled, as every write)
    pub method: String,
    /// The path under the base URL with its query, percent-encoded, exactly as it is signed
    /// (e.g. /v1/partner/prospects/personal?page=1&limit=5)
    pub path: String,
    /// The request body from FILE, or - for standard input
    #[arg(long, value_name = "FILE")]
    pub input: Option<String>,
    /// Print the status line and the headers before the body
    #[arg(long, short = 'i')]
    pub include: bool,
    /// Send nothing: print the method, URL, headers and the exact payload that would be
    /// signed, with the token, the nonce and the signature redacted
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run, print the signature too (the token and secret never appear)
    #[arg(long, requires = "dry_run")]
    pub show_signature: bool,
}

impl Command {
    /// Whether the command sends changes to the API (not as a dry run).
    pub fn writes(&self) -> bool {
        match self {
            Command::Patch(a) => !a.dry_run,
            Command::Apply(a) => !a.dry_run,
            Command::Revert(a) => !a.dry_run,
            Command::Transform(a) => a.apply && !a.dry_run,
            _ => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

/// What `prospect config` does.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective key table as TOML to paste into the config file and edit
    Keys,
    /// Guided set-up: ask for a profile, add it to the config file (mode 600), then check it
    Init,
    /// Where each setting comes from, and one signed test request (with the clock skew);
    /// `--profile NAME` checks another profile
    Check,
}

/// Output formats of `apply` and `revert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanOutput {
    Table,
    Json,
}

/// Output formats of `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryOutput {
    Table,
    Json,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The corrections file: CSV, or NDJSON when it ends in .ndjson or .jsonl
    pub file: PathBuf,
    /// Print the plan and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking for confirmation
    #[arg(long, short)]
    pub yes: bool,
    /// Requests at a time, 1 to 16 [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16))]
    pub concurrency: Option<u64>,
    /// Write one CSV line per input row: line, key, id, outcome, fields, message
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Why: kept with every change in the journal
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Send the valid rows even when some are invalid (those are reported)
    #[arg(long)]
    pub skip_invalid: bool,
    /// How the plan is printed
    #[arg(long, short, value_enum, default_value_t = PlanOutput::Table)]
    pub output: PlanOutput,
}

#[derive(Debug, Args)]
pub struct RevertArgs {
    /// The batch id (printed by `apply` as `batch: ID`, listed by `history`)
    pub batch: String,
    /// Print the plan and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking for confirmation
    #[arg(long, short)]
    pub yes: bool,
    /// Requests at a time, 1 to 16 [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16))]
    pub concurrency: Option<u64>,
    /// Write one CSV line per journaled change: line, key, id, outcome, fields, message
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Revert the valid rows even when some are invalid (those are reported)
    #[arg(long)]
    pub skip_invalid: bool,
    /// How the plan is printed
    #[arg(long, short, value_enum, default_value_t = PlanOutput::Table)]
    pub output: PlanOutput,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only changes of this prospect
    #[arg(long, value_name = "ID", conflicts_with = "external_ref")]
    pub id: Option<String>,
    /// Only changes of the prospect with this external reference (looked up)
    #[arg(long, value_name = "REF")]
    pub external_ref: Option<String>,
    /// Only changes of this batch
    #[arg(long, value_name = "BATCH")]
    pub batch: Option<String>,
    /// Only changes on or after this date (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = HistoryOutput::Table)]
    pub output: HistoryOutput,
    /// Show identification numbers in full
    #[arg(long)]
    pub reveal: bool,
}

/// Output formats of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListOutput {
    Table,
    Json,
    Ndjson,
    Csv,
}

/// Output formats of `get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GetOutput {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Search names and emails
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Page number, from 1
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: u64,
    /// Prospects per page, 1 to 100 [default: 10, or 100 with --all]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub limit: Option<u64>,
    /// Walk every page
    #[arg(long, conflicts_with = "page")]
    pub all: bool,
    /// Keep only records where FIELD=VALUE (equals) or FIELD~TEXT (contains), ignoring case;
    /// repeat for "and". Scans every page.
    #[arg(long = "where", value_name = "EXPR", conflicts_with = "page")]
    pub filters: Vec<String>,
    /// Pages in flight at once when scanning, 1 to 16 [default: 4, or concurrency in the config file]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16))]
    pub concurrency: Option<u64>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = ListOutput::Table)]
    pub output: ListOutput,
    /// CSV: write control characters in values raw instead of escaped (unsafe on a terminal)
    #[arg(long)]
    pub raw: bool,
    /// Table: the columns to show, comma-separated, from id, name, email, externalReference,
    /// phone, created [default: all]
    #[arg(long, value_name = "LIST")]
    pub columns: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only the records a search over names and emails finds
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Run only this rule (repeatable): email-invalid, phone-format, phone-invalid, dob-invalid,
    /// country-invalid, whitespace, control-chars, missing-name, duplicate-email,
    /// duplicate-phone, duplicate-external-reference, duplicate-identification-number
    #[arg(long = "rule", value_name = "NAME")]
    pub rules: Vec<String>,
    /// Pages in flight at once, 1 to 16 [default: 4, or concurrency in the config file]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16))]
    pub concurrency: Option<u64>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = ListOutput::Table)]
    pub output: ListOutput,
    /// Also write every suggested fix as a corrections file for `prospect apply`
    #[arg(long, value_name = "FILE")]
    pub fix: Option<PathBuf>,
    /// Show identification numbers in full
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The prospect's id (a UUID)
    #[arg(
        required_unless_present = "external_ref",
        conflicts_with = "external_ref"
    )]
    pub id: Option<String>,
    /// Look up by the partner's external reference instead
    #[arg(long, value_name = "REF")]
    pub external_ref: Option<String>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = GetOutput::Text)]
    pub output: GetOutput,
    /// Show the identification number in full in text output
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct PatchArgs {
    /// The prospect's id (a UUID)
    pub id: String,
    /// Set a field: firstName, middleName, lastName, email, phoneNumber, dateOfBirth,
    /// identificationNumber, or address.type/line1/line2/line3/postcode/country
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Clear a field (or the whole address)
    #[arg(long = "clear", value_name = "FIELD")]
    pub clear: Vec<String>,
    /// Print the body that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking for confirmation
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Number of prospects to generate
    #[arg(long, default_value_t = 500)]
    pub count: usize,
    /// Seed for the generated data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// API token to accept [default: random]
    #[arg(long, value_name = "T")]
    pub token: Option<String>,
    /// HMAC secret to accept [default: random]
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
    /// Delay before every answer, in milliseconds
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub latency_ms: u64,
    /// Fraction of requests answered 500, 503 or 429
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = parse_rate)]
    pub fail_rate: f64,
    /// Serve at most N requests at once; answer any beyond with 429 and `Retry-After: 1`, as
    /// a rate-limited server does [default: no limit]
    #[arg(long, default_value_t = 0, value_name = "N", hide_default_value = true)]
    pub max_inflight: usize,
    /// Answer every Nth request with 500 before doing anything [default: never]
    #[arg(long, default_value_t = 0, value_name = "N", hide_default_value = true)]
    pub fail_every: u64,
    /// Run the sandbox's clock N seconds ahead (negative: behind) of this machine's, to try
    /// `prospect config check`'s clock-skew report (a request over 300 s off gets a 401)
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub clock_skew_secs: i64,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let f: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err("the fail rate must be between 0 and 1".into())
    }
}
