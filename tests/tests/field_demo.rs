//! The field demo runs end to end from its binary and leaves its evidence behind.

#[test]
fn the_field_demo_walks_the_whole_story() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_field-demo"))
        .arg("--out")
        .arg(out.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for file in [
        "enterprise-code.png",
        "enforcement-code.png",
        "enforcement-code.svg",
        "现场检查笔录.html",
        "责令改正通知书.html",
        "行政处罚事先告知书.html",
        "reconciliation.json",
    ] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    for line in [
        "核验通过",
        "该码已被使用过",
        "冲突，需人工确认：检查项 YZ-SC-001 的检查结果，两部手机分别记为",
        "同步后两部手机一致：是",
        "两人复核照片后确认为“轻微”",
        "建议责令改正",
        "已核对 1 次检查；有检查无企业扫码 0 次；有扫码无检查记录 0 次",
    ] {
        assert!(report.contains(line), "report lacks {line}:\n{report}");
    }
    // Written as a person writes it: no debug output, no stored identifiers or values.
    for debug in [
        "Some(",
        "None",
        "facts.",
        "checklist.",
        "refused",
        "general",
        "slight",
    ] {
        assert!(!report.contains(debug), "report shows {debug}:\n{report}");
    }
    // Every document also as PDF and PNG, where Chromium is installed (scripts/test installs it).
    if zhifa_e2e::print::chromium().is_some() {
        for file in [
            "文书/本案-行政处罚事先告知书.pdf",
            "文书/本案-行政处罚事先告知书.png",
            "文书/普通程序-行政处罚决定书.pdf",
            "文书/普通程序-行政处罚决定书.png",
            "文书/简易程序-当场行政处罚决定书.pdf",
            "文书/简易程序-当场行政处罚决定书.png",
        ] {
            assert!(out.path().join(file).is_file(), "{file} missing");
        }
    }
    let notice = std::fs::read_to_string(out.path().join("行政处罚事先告知书.html")).unwrap();
    assert!(
        notice.contains("渝中市监罚〔"),
        "the notice carries the case number"
    );
}
