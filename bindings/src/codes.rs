//! Codes for the shells: the officer's duty credential and rotating enforcement code, the
//! enterprise's offline check of a scanned officer code, the visit opened by scanning the
//! enterprise code; and the stateless helpers (QR rendering and decoding, credit codes).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use zhifa_core::codes::{
    qr, CodeRefusal, DutyCredential, GpsFix, VerifiedEnterprise, VerifiedOfficer,
};
use zhifa_core::device::Device;
use zhifa_core::ids::{CreditCode, CreditCodeCheck};
use zhifa_core::texts;

use crate::error::{lift, ZhifaError};
use crate::runtime::{off_thread, spawn, TaskHandle};

/// Told of the officer's enforcement code at once and at every 30-second step, to redraw the
/// QR; `on_error` ends the subscription (no duty credential, or it expired).
#[uniffi::export(with_foreign)]
pub trait EnforcementCodeListener: Send + Sync {
    fn on_code(&self, code: ShownCode);
    fn on_error(&self, message: String);
}

/// The officer's duty credential as installed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DutyCredentialInfo {
    pub credential_no: String,
    pub name: String,
    pub items: Vec<String>,
    pub jurisdiction: Vec<String>,
    pub expires_at: std::time::SystemTime,
}

impl From<DutyCredential> for DutyCredentialInfo {
    fn from(credential: DutyCredential) -> Self {
        DutyCredentialInfo {
            credential_no: credential.subject,
            name: credential.name,
            items: credential.items,
            jurisdiction: credential.jurisdiction,
            expires_at: credential.expires_at.into(),
        }
    }
}

/// An enforcement code to show for the current 30-second step.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShownCode {
    pub payload: String,
    pub step: i64,
    /// Render it with `qr_svg` / `qr_png`; refresh when the step changes.
    pub qr_version: i16,
}

/// What an enterprise sees after scanning an officer's code. Refusals are verdicts, not
/// errors: the person at the door reads `message` either way.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EnforcementCodeVerdict {
    pub officer: Option<VerifiedOfficer>,
    pub refusal: Option<CodeRefusal>,
    /// zh-CN: the verdict, then each warning.
    pub message: String,
    pub warnings: Vec<String>,
}

/// A visit opened by scanning the enterprise code.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VisitOpened {
    pub visit_id: String,
    pub enterprise: VerifiedEnterprise,
    /// zh-CN texts of the enterprise code's warnings.
    pub warnings: Vec<String>,
    /// The enforcement code bound to this enterprise, to show now.
    pub enforcement_code: ShownCode,
}

#[derive(uniffi::Object)]
pub struct CodeService {
    device: Arc<Device>,
}

impl CodeService {
    pub(crate) fn new(device: Arc<Device>) -> Self {
        CodeService { device }
    }
}

#[uniffi::export]
impl CodeService {
    /// The rotating enforcement code as a subscription: `listener` gets the code now and the
    /// next one as each step begins, by the device's trusted time, until the handle is
    /// cancelled or dropped (the Kotlin layer's `enforcementCodes()` Flow).
    pub fn subscribe_enforcement_code(
        &self,
        audience: Option<String>,
        listener: Arc<dyn EnforcementCodeListener>,
    ) -> Arc<TaskHandle> {
        let device = self.device.clone();
        let ended = Arc::new(AtomicBool::new(false));
        let ended_by_itself = ended.clone();
        let task = spawn(async move {
            loop {
                let (for_code, audience) = (device.clone(), audience.clone());
                let code = off_thread(move || {
                    // A panic here must end the stream in words, not leave it hanging.
                    catch_unwind(AssertUnwindSafe(|| {
                        shown(for_code.codes().enforcement_code(audience.as_deref())?)
                    }))
                    .unwrap_or_else(|_| {
                        Err(ZhifaError::Validation {
                            user_message: texts::codes::CODE_UNAVAILABLE.into(),
                        })
                    })
                })
                .await;
                let code = match code {
                    Ok(code) => code,
                    Err(error) => {
                        ended_by_itself.store(true, Ordering::SeqCst);
                        return listener.on_error(error.to_string());
                    }
                };
                let step = code.step;
                listener.on_code(code);
                // Trusted time is read every second rather than slept through: the timer
                // stops while the phone sleeps, and a sync may correct the clock.
                while current_step(&device) == step {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        });
        TaskHandle::ending(move || task.abort(), ended)
    }

    /// Checks and keeps the duty credential the server issued for this shift.
    pub async fn install_credential(
        &self,
        credential: Vec<u8>,
    ) -> Result<DutyCredentialInfo, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || Ok(device.codes().install_credential(&credential)?.into())).await
    }

    /// The duty credential this device holds, `None` when there is none or it has expired.
    pub async fn credential(&self) -> Result<Option<DutyCredentialInfo>, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let held = device.codes().credential()?;
            Ok(held.map(|(_, credential)| credential.into()))
        })
        .await
    }

    /// The officer's enforcement code for now, bound to an enterprise's credit code if given.
    pub async fn enforcement_code(
        &self,
        audience: Option<String>,
    ) -> Result<ShownCode, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || shown(device.codes().enforcement_code(audience.as_deref())?)).await
    }

    /// The same code as a URL under the server's `base_url` (e.g. `https://zfjd.cq.gov.cn`),
    /// for enterprises without the app: any phone camera opens it on the server's page, and
    /// the app's verifier accepts it as it does the bare code.
    pub async fn enforcement_code_url(
        &self,
        audience: Option<String>,
        base_url: String,
    ) -> Result<ShownCode, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let mut code = device.codes().enforcement_code(audience.as_deref())?;
            code.payload = zhifa_core::codes::enforcement::url_form(&base_url, &code.payload);
            shown(code)
        })
        .await
    }

    /// The enterprise side: checks a scanned enforcement code offline. The verdict is logged
    /// as a signed event for the server.
    pub async fn verify_enforcement_code(
        &self,
        scanned: String,
        own_credit_code: Option<String>,
        own_division: String,
    ) -> Result<EnforcementCodeVerdict, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let result = device.codes().verify_enforcement_code(
                &scanned,
                own_credit_code.as_deref(),
                &own_division,
            );
            match result {
                Ok(officer) => Ok(EnforcementCodeVerdict {
                    message: texts::codes::OFFICER_VERIFIED.to_owned(),
                    warnings: officer
                        .warnings
                        .iter()
                        .map(|w| w.message_zh().to_owned())
                        .collect(),
                    officer: Some(officer),
                    refusal: None,
                }),
                Err(zhifa_core::Error::Code(refusal)) => Ok(EnforcementCodeVerdict {
                    message: refusal.message_zh().to_owned(),
                    warnings: Vec::new(),
                    officer: None,
                    refusal: Some(refusal),
                }),
                Err(other) => Err(other.into()),
            }
        })
        .await
    }

    /// The officer side: scans the enterprise code at the door, opens the visit (signed and
    /// queued) and returns the enforcement code to show that enterprise.
    pub async fn open_visit(
        &self,
        scanned_enterprise_code: String,
        gps: Option<GpsFix>,
        officers_present: Vec<String>,
        planned_credit_code: Option<String>,
    ) -> Result<VisitOpened, ZhifaError> {
        let device = self.device.clone();
        off_thread(move || {
            let opened = device.codes().open_visit(
                &scanned_enterprise_code,
                gps,
                officers_present,
                planned_credit_code.as_deref(),
            )?;
            Ok(VisitOpened {
                visit_id: opened.visit.id,
                warnings: opened
                    .enterprise
                    .warnings
                    .iter()
                    .map(|w| w.message_zh().to_owned())
                    .collect(),
                enterprise: opened.enterprise,
                enforcement_code: shown(opened.enforcement_code)?,
            })
        })
        .await
    }
}

/// The code step of the device's trusted time now.
fn current_step(device: &Device) -> i64 {
    zhifa_core::codes::time_step(device.now().trusted) as i64
}

fn shown(code: zhifa_core::device::ShownCode) -> Result<ShownCode, ZhifaError> {
    let qr_version = qr::version(&code.payload).map_err(lift)?;
    Ok(ShownCode {
        payload: code.payload,
        step: code.step as i64,
        qr_version,
    })
}

/// An SVG image of the QR code for `payload` (level M).
#[uniffi::export]
pub fn qr_svg(payload: String) -> Result<String, ZhifaError> {
    qr::render_svg(&payload).map_err(lift)
}

/// A PNG of the QR code, `module_pixels` pixels a module.
#[uniffi::export]
pub fn qr_png(payload: String, module_pixels: i32) -> Result<Vec<u8>, ZhifaError> {
    qr::render_png(&payload, module_pixels.clamp(1, 64) as u32).map_err(lift)
}

/// Every QR code found in a photo (PNG or JPEG), as scanned text. Not in the phone build
/// (feature `qr-photos`): the camera library decodes.
#[cfg(feature = "qr-photos")]
#[uniffi::export]
pub fn decode_qr_image(image: Vec<u8>) -> Result<Vec<String>, ZhifaError> {
    qr::decode_image(&image).map_err(lift)
}

/// A typed or scanned unified social credit code, checked.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CreditCodeInfo {
    /// Canonical (upper-case) form.
    pub code: String,
    /// GB/T 2260 division of the registering authority.
    pub division: String,
    /// False when well formed but the check character disagrees: flag it, don't reject.
    pub check_character_valid: bool,
    pub expected_check_character: Option<String>,
}

#[uniffi::export]
pub fn check_credit_code(text: String) -> Result<CreditCodeInfo, ZhifaError> {
    let (code, check) = CreditCode::parse(&text).map_err(lift)?;
    let expected = match check {
        CreditCodeCheck::Valid => None,
        CreditCodeCheck::CheckCharacterMismatch { expected } => Some(expected.to_string()),
    };
    Ok(CreditCodeInfo {
        division: code.division().to_owned(),
        code: code.to_string(),
        check_character_valid: expected.is_none(),
        expected_check_character: expected,
    })
}
