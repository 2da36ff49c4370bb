//! 1. The phones enrol, and their first sync brings the catalogue, the duty credentials and
//!    case numbers.

use zhifa_e2e::TestServer;
use zhifa_sync_server::ServerError;

use crate::field::{Field, Story};

pub fn run<'a>(story: &mut Story, server: &'a TestServer) -> Result<Field<'a>, ServerError> {
    story.say("## 一、设备登记与执法证件");
    let field = Field::enrol(server, &story.out)?;
    for (name, device) in [
        ("执法人员甲 李建华", &field.a),
        ("执法人员乙 王芳", &field.b),
        ("企业 老码头火锅", &field.shop),
    ] {
        let report = field.sync(device)?;
        story.say(format!(
            "- {name}：已同步第 {} 版执法目录，{}，领取案号 {} 个，与服务器往返 {} 次",
            report
                .catalogue_version
                .map_or_else(|| "（无）".to_owned(), |v| v.to_string()),
            if report.credential_renewed {
                "执法证件已签发"
            } else {
                "无需执法证件"
            },
            report.case_numbers_added,
            report.round_trips
        ));
    }
    Ok(field)
}
