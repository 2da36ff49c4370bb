//! Every document of a demo ordinary case (with a hearing and a no-penalty case beside it) and
//! a summary case, printed to PDF in headless Chromium: each prints on a sensible number of
//! A4 pages and its text extracts (pdftotext finds the title, the party's name and the case
//! number). `scripts/test` installs Chromium, poppler-utils and fonts-noto-cjk, so CI never
//! skips; run elsewhere without Chromium, the test says loudly that it did not print.

use zhifa_e2e::print::{chromium, demo_documents, pdf_pages, pdf_text, print_pdf};

#[test]
fn every_demo_document_prints_to_pdf_and_its_text_extracts() {
    let documents = demo_documents().expect("the demo cases walk and render");
    let kinds: std::collections::HashSet<&str> = documents.iter().map(|d| d.title).collect();
    assert_eq!(
        kinds.len(),
        15,
        "every kind of document is printed: {kinds:?}"
    );
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("ZHIFA_REQUIRE_CHROMIUM").is_none(),
            "chromium is required here (ZHIFA_REQUIRE_CHROMIUM) and not installed"
        );
        eprintln!(
            "\n\n!!!!! SKIPPED: chromium is not installed, so {} documents were NOT printed to PDF.\n\
             !!!!! Run scripts/setup-test-tools (apt: chromium poppler-utils fonts-noto-cjk).\n",
            documents.len()
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for document in &documents {
        let html = dir.path().join(format!("{}.html", document.name));
        let pdf = dir.path().join(format!("{}.pdf", document.name));
        std::fs::write(&html, &document.html).unwrap();
        print_pdf(&chromium, &html, &pdf).unwrap_or_else(|e| panic!("{}: {e}", document.name));
        let pages = pdf_pages(&pdf).unwrap();
        assert!(
            (1..=4).contains(&pages),
            "{} prints on {pages} pages",
            document.name
        );
        let text = pdf_text(&pdf).unwrap();
        let mut expected = vec![document.title, document.party.as_str()];
        if document.html.contains("class=\"number\"") {
            expected.push(document.number.as_deref().expect("a numbered case"));
        }
        for needle in expected {
            assert!(
                text.contains(needle),
                "{}: the PDF's text lacks {needle}:\n{text}",
                document.name
            );
        }
    }
}
