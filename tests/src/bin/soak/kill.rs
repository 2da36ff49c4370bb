//! The parent side of the kill rounds: spawn this binary as a writer, kill it with SIGKILL
//! after a seeded delay, reopen the store and check that every commit the writer reported is
//! there and nothing is half-written. A new store (a "generation") every `GENERATION` rounds
//! keeps the disk and each round's work bounded.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use zhifa_core::random::SeededRng;

use crate::checks::{Generation, RoundCheck};
use crate::Writer;

/// Rounds on one store before the next starts afresh.
const GENERATION: u64 = 50;

/// The counts printed for a writer.
#[derive(Debug, Default)]
pub struct WriterTally {
    pub rounds: u64,
    pub committed: u64,
    pub lost: u64,
    pub non_converged: u64,
    /// Rounds killed while the store was still opening.
    pub killed_opening: u64,
    /// Rounds whose writer finished (or failed) before the kill came.
    pub finished_first: u64,
    pub problems: Vec<String>,
}

/// How long after the writer is ready the kill may come, by writer: about one round's work.
fn window_ms(writer: Writer) -> u64 {
    match writer {
        Writer::Edits | Writer::Catalogue => 300,
        Writer::Evidence => 400,
        Writer::Sync => 1500,
    }
}

pub fn soak(writer: Writer, rounds: u64, seed: u64, root: &Path) -> Result<WriterTally, String> {
    let mut rng = SeededRng::new(seed ^ writer as u64);
    let mut tally = WriterTally::default();
    // Spawn-to-ready time, measured, so that kills while opening land inside the opening.
    let mut opening_ms = 100u64;
    let mut generation: Option<Generation> = None;
    for round in 0..rounds {
        if round % GENERATION == 0 {
            if let Some(done) = generation.take() {
                done.finish(&mut tally)?;
                eprintln!(
                    "kill writer={} rounds={round} committed={} lost={} non_converged={}",
                    writer.name(),
                    tally.committed,
                    tally.lost,
                    tally.non_converged
                );
            }
            let dir = root.join(format!("{}-{}", writer.name(), round / GENERATION));
            generation = Some(Generation::start(writer, dir)?);
        }
        let current = generation.as_mut().expect("a generation is running");
        let kill_opening = rng.below(8) == 0;
        let delay = if kill_opening {
            rng.below(opening_ms as usize + 1) as u64
        } else {
            rng.below(window_ms(writer) as usize + 1) as u64
        };
        let outcome = kill_round(writer, current, round, kill_opening, delay)?;
        if let Some(ready) = outcome.ready_after {
            opening_ms = (opening_ms * 7 + ready.as_millis() as u64) / 8;
        }
        tally.rounds += 1;
        tally.killed_opening += u64::from(!outcome.lines.iter().any(|l| l == "READY"));
        if let Some(failure) = outcome.finished_first {
            tally.finished_first += 1;
            if !failure.is_empty() {
                tally
                    .problems
                    .push(format!("round {round}: the writer failed: {failure}"));
            }
        }
        let check: RoundCheck = current.check(&outcome.lines);
        tally.committed += check.committed;
        tally.lost += check.lost;
        tally.non_converged += check.non_converged;
        tally.problems.extend(
            check
                .problems
                .into_iter()
                .map(|p| format!("round {round}: {p}")),
        );
    }
    if let Some(done) = generation.take() {
        done.finish(&mut tally)?;
    }
    Ok(tally)
}

struct KillOutcome {
    lines: Vec<String>,
    ready_after: Option<Duration>,
    /// `Some` when the writer exited before the kill: empty if it succeeded, else its stderr.
    finished_first: Option<String>,
}

fn kill_round(
    writer: Writer,
    generation: &Generation,
    round: u64,
    kill_opening: bool,
    delay_ms: u64,
) -> Result<KillOutcome, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command
        .args([
            "write",
            writer.name(),
            "--round",
            &round.to_string(),
            "--dir",
        ])
        .arg(&generation.dir);
    if let Some(server) = generation.server_base() {
        command.args(["--server", &server]);
    }
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn the writer: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let (lines_tx, lines) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut text);
        text
    });
    let mut collected = Vec::new();
    let mut ready_after = None;
    if !kill_opening {
        // Wait for READY (or the writer's end), then the seeded delay.
        while let Ok(line) = lines.recv_timeout(Duration::from_secs(120)) {
            let is_ready = line == "READY";
            collected.push(line);
            if is_ready {
                ready_after = Some(started.elapsed());
                break;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(delay_ms));
    let exited = child.try_wait().map_err(|e| e.to_string())?;
    if exited.is_none() {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    reader.join().map_err(|_| "the reader panicked")?;
    collected.extend(lines.try_iter());
    let stderr = errors.join().map_err(|_| "the stderr reader panicked")?;
    let finished_first = exited.map(|_| {
        if status.success() {
            String::new()
        } else {
            stderr.trim().to_owned()
        }
    });
    Ok(KillOutcome {
        lines: collected,
        ready_after,
        finished_first,
    })
}

/// Where the soak keeps its stores: `--work-dir`, or a temporary directory removed at the end.
pub fn work_root(given: Option<PathBuf>) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    match given {
        Some(path) => {
            std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
            Ok((path, None))
        }
        None => {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            Ok((dir.path().to_path_buf(), Some(dir)))
        }
    }
}
