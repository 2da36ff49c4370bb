//! 5. The legal documents: every document the field case supports now, and every document of
//!    the demo's ordinary, hearing, no-penalty and summary cases, each written as HTML, printed
//!    to PDF and rendered to PNG by headless Chromium, into `文书/` under the output directory.

use std::path::Path;

use zhifa_core::device::Device;
use zhifa_core::documents::DocumentKind;
use zhifa_e2e::print::{chromium, demo_documents, pdf_pages, print_pdf, screenshot};
use zhifa_sync_server::ServerError;

use crate::field::Story;

/// Writes `html` as `name`.html, and with Chromium its PDF and PNG; says what was written.
fn write_all(story: &mut Story, dir: &Path, name: &str, html: &str) -> Result<(), ServerError> {
    let html_path = dir.join(format!("{name}.html"));
    std::fs::write(&html_path, html)?;
    let Some(chromium) = chromium() else {
        story.say(format!(
            "  《{name}》：已生成网页版；本机未安装 Chromium，未打印 PDF 和图片"
        ));
        return Ok(());
    };
    let pdf = dir.join(format!("{name}.pdf"));
    print_pdf(&chromium, &html_path, &pdf)?;
    screenshot(&chromium, &html_path, &dir.join(format!("{name}.png")))?;
    let pages = pdf_pages(&pdf)?;
    story.say(format!(
        "  《{name}》：网页、PDF（A4，{pages}页）和图片均已生成"
    ));
    Ok(())
}

/// The field case's documents as it stands, then the demo cases' full sets.
pub fn run(story: &mut Story, device: &Device, case: &str) -> Result<(), ServerError> {
    story.say("\n## 五、法律文书");
    let dir = story.out.join("文书");
    std::fs::create_dir_all(&dir)?;
    story.say("- 本案当前可制作的文书：");
    for kind in DocumentKind::ALL {
        match device.cases().render_document(case, kind) {
            Ok(html) => {
                // The first three keep their names at the top of the output, as before.
                std::fs::write(story.out.join(format!("{}.html", legacy_name(kind))), &html)?;
                write_all(story, &dir, &format!("本案-{}", kind.title_zh()), &html)?
            }
            Err(error) => {
                if let zhifa_core::Error::Document(refusal) = &error {
                    story.say(format!(
                        "  《{}》：{}",
                        kind.title_zh(),
                        refusal.message_zh()
                    ));
                }
            }
        }
    }
    story.say("- 演示案件（普通程序、听证、不予处罚、简易程序）的全套文书：");
    let documents = demo_documents().map_err(|e| ServerError::BadRequest(e.to_string()))?;
    for document in documents {
        write_all(story, &dir, &document.name, &document.html)?;
    }
    Ok(())
}

/// The file names the demo wrote its documents under before they had their own folder.
fn legacy_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::OnsiteRecord => "现场检查笔录",
        other => other.title_zh(),
    }
}
