//! The server process is killed (SIGKILL) while a phone is syncing, several times; after each
//! restart on the same data the phone resumes and a fresh phone receives every edit. The
//! scenario is the e2e crate's (`tests/src/killed_server.rs`, which the soak repeats N times),
//! included here so this test can run the server binary Cargo built for it.

#[path = "../../tests/src/killed_server.rs"]
mod killed_server;

#[test]
fn a_server_killed_mid_sync_loses_nothing_it_acknowledged() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_zhifa-sync-server"));
    let run = killed_server::run(bin, 4, 0).unwrap_or_else(|e| panic!("{e}"));
    assert!(run.interrupted > 0, "no sync was cut by the kill");
    assert_eq!(run.edits, 60);
}
