//! `lint-baseline` gates a baseline: it exits 0 on findings to look at and non-zero on an
//! error (here a row imposing a kind of penalty its law does not provide), so CI can refuse it.

use std::process::Command;

fn lint(catalogue: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zhifa-sync-server"))
        .args(["lint-baseline", "--catalogue", catalogue])
        .output()
        .expect("the server binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_baseline_with_an_error_fails_the_lint_and_one_with_warnings_passes() {
    let (passed, report) = lint("demo");
    assert!(passed, "{report}");
    assert!(
        report.contains("Gap") && report.ends_with("0 errors\n"),
        "{report}"
    );

    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
    let mut catalogue: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo).unwrap()).unwrap();
    let row = catalogue["baseline_documents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|d| d["rows"].as_array_mut().unwrap().iter_mut())
        .find(|r| r["id"] == "CG22-DQ1183-2")
        .unwrap();
    row["output"]["warning"] = true.into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalogue.json");
    std::fs::write(&path, serde_json::to_vec(&catalogue).unwrap()).unwrap();
    let (passed, report) = lint(path.to_str().unwrap());
    assert!(!passed, "{report}");
    assert!(report.contains("KindOutsideStatute\t"), "{report}");
    assert!(report.ends_with("1 errors\n"), "{report}");
}
