//! The soak (`scripts/soak`, not in CI): kill -9 at random instants of four writers (case
//! edits, evidence capture, catalogue apply, a sync against a live server), the seeded
//! fault-proxy sync suite for N seeds on SQLite and PostgreSQL, and the server killed
//! mid-round N times. It prints the counts and exits non-zero on any loss.

mod checks;
mod corpus;
mod kill;
mod store;
mod writers;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Writer {
    Edits,
    Evidence,
    Catalogue,
    Sync,
}

impl Writer {
    pub fn name(self) -> &'static str {
        match self {
            Writer::Edits => "edits",
            Writer::Evidence => "evidence",
            Writer::Catalogue => "catalogue",
            Writer::Sync => "sync",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
#[command(about = "Kill rounds, seeded fault runs and server kills, with their counts")]
struct Cli {
    #[command(subcommand)]
    command: Option<Mode>,
    /// Kill rounds per writer (for the default run of everything).
    #[arg(long, default_value_t = 1000)]
    rounds: u64,
    /// Fault-proxy seeds per backend (for the default run of everything).
    #[arg(long, default_value_t = 1000)]
    seeds: u64,
    /// Server-kill runs (for the default run of everything).
    #[arg(long, default_value_t = 100)]
    runs: u64,
}

#[derive(Subcommand)]
enum Mode {
    /// Kill rounds: a writer killed with SIGKILL at a random instant, its store checked.
    Kill {
        #[arg(long, value_delimiter = ',', default_values = ["edits", "evidence", "catalogue", "sync"])]
        writers: Vec<Writer>,
        #[arg(long, default_value_t = 1000)]
        rounds: u64,
        /// Seeds the kill instants.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the stores live (default: a temporary directory).
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// The writer side of a kill round (the parent spawns it).
    #[command(hide = true)]
    Write {
        writer: Writer,
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        round: u64,
        #[arg(long)]
        server: Option<String>,
    },
    /// The seeded fault-proxy scenario for seeds first..first+seeds.
    Faults {
        #[arg(long, default_value_t = 1000)]
        seeds: u64,
        #[arg(long, default_value_t = 0)]
        first: u64,
        /// PostgreSQL comes from ZHIFA_TEST_DATABASE_URL (a fresh database per seed).
        #[arg(long, value_delimiter = ',', default_values = ["sqlite", "postgres"])]
        backends: Vec<Backend>,
    },
    /// Seed corpora for the fuzz targets, from real inputs.
    Corpus {
        #[arg(long, default_value = "fuzz/corpus")]
        out: PathBuf,
    },
    /// The server killed mid-sync (four kills a run), repeated.
    KilledServer {
        #[arg(long, default_value_t = 100)]
        runs: u64,
        #[arg(long, default_value_t = 4)]
        kills: u32,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let clean = match cli.command {
        Some(Mode::Write {
            writer,
            dir,
            round,
            server,
        }) => {
            return match writers::run(writer, &dir, round, server.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Mode::Kill {
            writers,
            rounds,
            seed,
            work_dir,
        }) => kill_rounds(&writers, rounds, seed, work_dir),
        Some(Mode::Faults {
            seeds,
            first,
            backends,
        }) => fault_runs(&backends, first..first + seeds),
        Some(Mode::KilledServer { runs, kills }) => killed_server(runs, kills),
        Some(Mode::Corpus { out }) => match corpus::write(&out) {
            Ok(written) => {
                println!("corpus inputs={written} under {}", out.display());
                true
            }
            Err(e) => {
                println!("corpus: {e}");
                false
            }
        },
        None => {
            let writers = [
                Writer::Edits,
                Writer::Evidence,
                Writer::Catalogue,
                Writer::Sync,
            ];
            let kills = kill_rounds(&writers, cli.rounds, 1, None);
            let faults = fault_runs(&[Backend::Sqlite, Backend::Postgres], 0..cli.seeds);
            let server = killed_server(cli.runs, 4);
            kills && faults && server
        }
    };
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn report_problems(problems: &[String]) {
    for problem in problems.iter().take(20) {
        println!("  ! {problem}");
    }
    if problems.len() > 20 {
        println!("  ! … and {} more", problems.len() - 20);
    }
}

fn kill_rounds(writers: &[Writer], rounds: u64, seed: u64, work_dir: Option<PathBuf>) -> bool {
    let (root, _temp) = match kill::work_root(work_dir) {
        Ok(root) => root,
        Err(e) => {
            println!("kill: {e}");
            return false;
        }
    };
    let mut clean = true;
    for &writer in writers {
        let started = Instant::now();
        match kill::soak(writer, rounds, seed, &root) {
            Ok(t) => {
                println!(
                    "kill writer={} rounds={} committed={} lost={} non_converged={} \
                     killed_opening={} finished_first={} problems={} seconds={:.0}",
                    writer.name(),
                    t.rounds,
                    t.committed,
                    t.lost,
                    t.non_converged,
                    t.killed_opening,
                    t.finished_first,
                    t.problems.len(),
                    started.elapsed().as_secs_f64()
                );
                report_problems(&t.problems);
                clean &= t.lost == 0 && t.non_converged == 0 && t.problems.is_empty();
            }
            Err(e) => {
                println!("kill writer={}: {e}", writer.name());
                clean = false;
            }
        }
    }
    clean
}

fn fault_runs(backends: &[Backend], seeds: std::ops::Range<u64>) -> bool {
    let mut clean = true;
    for &backend in backends {
        let started = Instant::now();
        let base = std::env::var("ZHIFA_TEST_DATABASE_URL").unwrap_or_default();
        if backend == Backend::Postgres && base.is_empty() {
            println!("faults backend=postgres SKIPPED: ZHIFA_TEST_DATABASE_URL is not set");
            clean = false;
            continue;
        }
        let mut tally = zhifa_e2e::faults::FaultTally::default();
        for seed in seeds.clone() {
            let database =
                (backend == Backend::Postgres).then(|| zhifa_e2e::ScratchDatabase::create(&base));
            let url = database.as_ref().map(|d| d.url.as_str());
            let one = zhifa_e2e::faults::run_seeds(url, seed..seed + 1, |seed, outcome| {
                // Progress on stderr, so a run stopped early still says how far it got.
                let verdict = match outcome {
                    Ok(_) => "converged".to_string(),
                    Err(failure) => format!("NOT converged: {}", failure.reason),
                };
                eprintln!("faults backend={backend:?} seed={seed} {verdict}");
            });
            tally.runs += one.runs;
            tally.converged += one.converged;
            tally.injected += one.injected;
            tally.edits += one.edits;
            tally.failures.extend(one.failures);
        }
        println!(
            "faults backend={backend:?} runs={} converged={} non_converged={} edits={} \
             faults_injected={} seconds={:.0}",
            tally.runs,
            tally.converged,
            tally.failures.len(),
            tally.edits,
            tally.injected,
            started.elapsed().as_secs_f64()
        );
        let problems: Vec<String> = tally
            .failures
            .iter()
            .map(|f| format!("seed {}: {}", f.seed, f.reason))
            .collect();
        report_problems(&problems);
        clean &= problems.is_empty();
    }
    clean
}

fn killed_server(runs: u64, kills: u32) -> bool {
    let Some(bin) = server_bin() else {
        println!("killed-server: no zhifa-sync-server binary (build it, or set ZHIFA_SERVER_BIN)");
        return false;
    };
    let started = Instant::now();
    let (mut converged, mut interrupted, mut edits) = (0u64, 0u64, 0u64);
    let mut problems = Vec::new();
    for run in 0..runs {
        let outcome = zhifa_e2e::killed_server::run(&bin, kills, run);
        eprintln!(
            "killed-server run={run} {}",
            if outcome.is_ok() {
                "converged"
            } else {
                "NOT converged"
            }
        );
        match outcome {
            Ok(outcome) => {
                converged += 1;
                interrupted += u64::from(outcome.interrupted);
                edits += outcome.edits as u64;
            }
            Err(e) => problems.push(format!("run {run}: {e}")),
        }
    }
    println!(
        "killed-server runs={runs} converged={converged} non_converged={} edits={edits} \
         syncs_cut={interrupted} seconds={:.0}",
        problems.len(),
        started.elapsed().as_secs_f64()
    );
    report_problems(&problems);
    problems.is_empty()
}

/// The server binary next to this one (`target/<profile>/`), or `ZHIFA_SERVER_BIN`.
fn server_bin() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("ZHIFA_SERVER_BIN") {
        return Some(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    Some(dir.join("zhifa-sync-server")).filter(|p| p.is_file())
}
