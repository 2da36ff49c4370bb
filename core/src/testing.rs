//! Fixtures every test, bench, fuzz target and example builds (feature `testing`, never in an
//! app): the demo catalogue, a signed bundle of it, a phone holding it, and the officers and
//! parties of the demo district's cases.

use chrono::{Duration, Utc};

use crate::cases::{CaseEdit, CaseOfficer, Party, PartyKind};
use crate::codes::{issue_duty_credential, issue_enterprise_code};
use crate::crypto::{Algorithm, KdfParams, PassphraseWrapper, Signer, SigningKey};
use crate::device::Device;
use crate::registry::{
    sign_bundle, AgencyKey, BundleBody, CatalogueData, KeyPurpose, Officer, Removals, BUNDLE_FORMAT,
};

/// The key wrapper fixtures open stores with: a passphrase under Argon2id's lightest
/// parameters, since tests open hundreds of stores. An app never uses these parameters.
pub fn test_key() -> PassphraseWrapper {
    PassphraseWrapper::with_params("zhifa-test", KdfParams::LIGHT_FOR_TESTS)
}

/// Today in Beijing by the wall clock: the date a phone counts periods from. Tests write
/// their dates from this, never from UTC or the machine's zone, which differ after 16:00 UTC.
pub fn today() -> chrono::NaiveDate {
    crate::calendar::beijing_date(Utc::now())
}

/// The demo district's division (Chongqing, Yuzhong).
pub const YUZHONG: &str = "500103";

/// The demo catalogue (`data/demo/catalogue.json`), built in.
pub fn demo_catalogue() -> CatalogueData {
    serde_json::from_str(include_str!("../../data/demo/catalogue.json"))
        .expect("the demo catalogue is valid")
}

/// The part of the demo catalogue a Yuzhong device holds (the zone's officers and
/// enterprises are outside its scope).
pub fn yuzhong_catalogue() -> CatalogueData {
    demo_catalogue().within(&[YUZHONG.to_owned()])
}

/// A full bundle of `data` for `scope`, signed by `authority`.
pub fn signed_bundle(
    authority: &SigningKey,
    version: u64,
    scope: &[&str],
    data: CatalogueData,
) -> Vec<u8> {
    let body = BundleBody {
        format: BUNDLE_FORMAT,
        version,
        base_version: None,
        scope: scope.iter().map(|s| s.to_string()).collect(),
        issued_at: Utc::now(),
        upserts: data,
        removals: Removals::default(),
    };
    sign_bundle(&body, authority).expect("signing a bundle in memory")
}

/// A phone with its own store in a temporary directory, holding a catalogue signed by its
/// own authority key.
pub struct Phone {
    pub device: Device,
    pub authority: SigningKey,
    /// The city-management body's (`CITY_MANAGEMENT`) duty-credential key, in the trust list.
    pub agency: SigningKey,
    /// The catalogue the phone holds.
    pub catalogue: CatalogueData,
    pub dir: tempfile::TempDir,
}

/// The demo body whose officers work the demo cases (重庆市渝中区城市管理局).
pub const CITY_MANAGEMENT: &str = "B500103003";

impl Phone {
    /// A phone for `jurisdiction` holding the part of `data` within it (version 1), with the city-management
    /// body's credential key added to its trust list.
    pub fn with_catalogue(jurisdiction: &[&str], mut data: CatalogueData) -> Phone {
        let agency = SigningKey::generate(Algorithm::EdDSA);
        let public = agency.public_key();
        data.agency_keys.push(AgencyKey {
            key_id: public.key_id().to_string(),
            agency_id: CITY_MANAGEMENT.into(),
            public_key: hex::encode(public.to_spki_der()),
            purpose: KeyPurpose::DutyCredential,
            valid_from: Utc::now() - Duration::days(30),
            valid_until: Utc::now() + Duration::days(300),
            divisions: vec!["50".into()],
        });
        let authority = SigningKey::generate(Algorithm::EdDSA);
        let dir = tempfile::tempdir().expect("temp dir");
        let scope: Vec<String> = jurisdiction.iter().map(|s| s.to_string()).collect();
        let device = Device::open(
            dir.path(),
            &test_key(),
            scope.clone(),
            vec![authority.public_key()],
        )
        .expect("open the device");
        device
            .catalogue()
            .apply_bundle(&signed_bundle(
                &authority,
                1,
                jurisdiction,
                data.clone().within(&scope),
            ))
            .expect("apply the bundle");
        Phone {
            device,
            authority,
            agency,
            catalogue: data,
            dir,
        }
    }

    /// Puts `credential_no`'s duty credential (a shift begun an hour ago) on this phone: the
    /// officer every step and edit is then made by.
    pub fn on_duty(&self, credential_no: &str) -> &Phone {
        let officer = self
            .catalogue
            .officers
            .iter()
            .find(|o| o.credential_no == credential_no)
            .expect("the officer is in the catalogue");
        self.install_duty_credential(&self.agency, officer);
        self
    }

    /// A duty credential for every item `officer` is authorised for, signed by `agency`.
    fn install_duty_credential(&self, agency: &SigningKey, officer: &Officer) {
        let credential = issue_duty_credential(
            agency,
            officer,
            &self.device.device_key(),
            &[],
            Utc::now() - Duration::hours(1),
            Duration::hours(8),
        )
        .expect("issue a credential");
        self.device
            .codes()
            .install_credential(&credential)
            .expect("install the credential");
    }

    /// A Yuzhong phone holding the demo catalogue.
    pub fn demo() -> Phone {
        Phone::with_catalogue(&[YUZHONG], demo_catalogue())
    }
}

/// An officer's phone on duty in `jurisdiction`: the officer's body and an enterprise-code
/// issuer are on the trust list, the officer's duty credential (all items of the catalogue
/// entry, an eight-hour shift that began an hour ago) is installed, the clock is anchored.
pub struct OnDuty {
    pub phone: Phone,
    /// The body's duty-credential key and the enterprise-code issuer's key.
    pub agency: SigningKey,
    pub issuer: SigningKey,
    pub data: CatalogueData,
}

impl OnDuty {
    pub fn new(jurisdiction: &[&str], mut data: CatalogueData, credential_no: &str) -> OnDuty {
        let officer = data
            .officers
            .iter()
            .find(|o| o.credential_no == credential_no)
            .expect("the officer is in the catalogue")
            .clone();
        let agency = SigningKey::generate(Algorithm::EdDSA);
        let issuer = SigningKey::generate(Algorithm::EdDSA);
        let trusted = |key: &SigningKey, agency_id: &str, purpose| AgencyKey {
            key_id: key.public_key().key_id().to_string(),
            agency_id: agency_id.into(),
            public_key: hex::encode(key.public_key().to_spki_der()),
            purpose,
            valid_from: Utc::now() - Duration::days(30),
            valid_until: Utc::now() + Duration::days(300),
            divisions: jurisdiction.iter().map(|d| d.to_string()).collect(),
        };
        data.agency_keys.push(trusted(
            &agency,
            &officer.body_id,
            KeyPurpose::DutyCredential,
        ));
        data.agency_keys.push(trusted(
            &issuer,
            &officer.body_id,
            KeyPurpose::EnterpriseCode,
        ));
        let phone = Phone::with_catalogue(jurisdiction, data.clone());
        phone
            .device
            .observe_server_time(Utc::now())
            .expect("anchor the clock");
        phone.install_duty_credential(&agency, &officer);
        OnDuty {
            phone,
            agency,
            issuer,
            data,
        }
    }

    /// The printed enterprise code of `credit_code`, as the officer scans it at the door.
    pub fn enterprise_code(&self, credit_code: &str) -> String {
        let enterprise = self
            .data
            .enterprises
            .iter()
            .find(|e| e.credit_code == credit_code)
            .expect("the enterprise is in the catalogue");
        issue_enterprise_code(
            &self.issuer,
            enterprise,
            1,
            Utc::now() - Duration::days(10),
            Duration::days(365),
        )
        .expect("issue the enterprise code")
    }
}

/// The two demo officers of the city-management body who work the cases.
pub fn officers() -> Vec<CaseEdit> {
    [("渝50010320021", "周强"), ("渝50010320022", "吴敏")]
        .into_iter()
        .map(|(credential_no, name)| {
            CaseEdit::AddOfficer(CaseOfficer {
                credential_no: credential_no.into(),
                name: name.into(),
                verified: true,
                withdrawn: false,
            })
        })
        .collect()
}

/// A citizen as party.
pub fn person() -> Party {
    Party {
        kind: PartyKind::Person,
        name: "张某".into(),
        credit_code: None,
        id_number: Some("500103199001011234".into()),
        address: "重庆市渝中区解放碑街道".into(),
        representative: None,
    }
}
