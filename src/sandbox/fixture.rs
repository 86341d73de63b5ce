//! The built-in site: company `sandbox` ("Sandbox MSP") with reference data, three roles, an
//! administrator with a durable key and a technician.
//!
//! | Object | Contents |
//! |---|---|
//! | Structure levels | 1 Corporate (highest), 2 Region, 3 Location |
//! | Locations | 1 Main Office, 2 Remote Office |
//! | Departments | 1 Services (`SVC`), 2 Sales (`SALES`), 3 Administration (`ADMIN`) |
//! | Time zones | 1 Eastern Standard Time (default), 2 Central, 3 Pacific, 4 GMT Standard Time |
//! | Roles | 1 Admin (admin flag, every level All), 2 Technician (Service Desk and Time Entry levels), 3 Finance (Finance inquire) |
//! | Members | 1 `admin1` Sandbox Admin (Admin), 2 `jsmith` John Smith (Technician) |
//!
//! [`FixtureSource`] also selects the large site (see `large`) or a TOML fixture (see
//! `toml_fixture`, whose format the `crate::sandbox` header describes).

mod large;
mod toml_fixture;

use super::catalog::FUNCTIONS;
use super::clock;
use super::state::{
    Audit, Department, Level, LicenseClass, Location, Member, SiteData, StructureLevel,
    TimeZoneSetup,
};
use super::LevelChange;

pub const COMPANY_ID: &str = "sandbox";
pub const COMPANY_NAME: &str = "Sandbox MSP";
pub const ADMIN_IDENTIFIER: &str = "admin1";
/// Identifier shown as `updatedBy` on fixture objects.
const SETUP_USER: &str = "sandbox";
/// 2024-01-02T00:00:00Z, the hire date of the fixture members.
const HIRE_DATE: i64 = 1_704_153_600;

/// The fixture's data and the administrator's durable key pair.
pub struct Fixture {
    pub company_id: String,
    pub company_name: String,
    pub data: SiteData,
    pub admin_public_key: String,
    pub admin_private_key: String,
}

/// Where the site's data comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FixtureSource {
    /// The built-in site described in this module's header.
    #[default]
    Builtin,
    /// The built-in site grown to 10,000 members, 1,000 security roles and 200 locations.
    Large,
    /// A TOML fixture's text, in the format the `crate::sandbox` header describes.
    Toml(String),
}

/// Builds the site for `source`, with a new random key pair for the administrator.
pub fn load(source: &FixtureSource) -> anyhow::Result<Fixture> {
    match source {
        FixtureSource::Builtin => Ok(build()),
        FixtureSource::Large => Ok(large::build()),
        FixtureSource::Toml(text) => toml_fixture::build(text),
    }
}

/// Builds the built-in fixture with a new random key pair for the administrator.
pub fn build() -> Fixture {
    let mut data = builtin_reference_data();
    add_roles(&mut data);

    data.members = vec![
        full_member(1, ADMIN_IDENTIFIER, "Sandbox", "Admin", 1, 1, 1, 1),
        full_member(2, "jsmith", "John", "Smith", 2, 2, 1, 2),
    ];
    data.next_member_id = 2;

    let admin_key = data.add_durable_key(1, "Sandbox administrator");
    Fixture {
        company_id: COMPANY_ID.to_owned(),
        company_name: COMPANY_NAME.to_owned(),
        data,
        admin_public_key: admin_key.public_key,
        admin_private_key: admin_key.private_key,
    }
}

/// Returns the built-in structure levels, time zones, locations and departments, with no roles
/// or members.
pub fn builtin_reference_data() -> SiteData {
    let mut data = SiteData::default();
    let audit = Audit::now(SETUP_USER);

    data.structure_levels = ["Corporate", "Region", "Location"]
        .iter()
        .zip(1..)
        .map(|(name, id)| StructureLevel {
            id,
            name: (*name).to_owned(),
        })
        .collect();

    let zones = [
        (
            "Eastern Standard Time",
            -5.0,
            13,
            "(GMT-05:00) Eastern Time (US & Canada)",
        ),
        (
            "Central Standard Time",
            -6.0,
            11,
            "(GMT-06:00) Central Time (US & Canada)",
        ),
        (
            "Pacific Standard Time",
            -8.0,
            5,
            "(GMT-08:00) Pacific Time (US & Canada)",
        ),
        (
            "GMT Standard Time",
            0.0,
            31,
            "(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London",
        ),
    ];
    data.time_zones = zones
        .iter()
        .zip(1..)
        .map(|((name, offset, cw_id, cw_name), id)| TimeZoneSetup {
            id,
            name: (*name).to_owned(),
            offset: *offset,
            default_flag: id == 1,
            daylight_savings_flag: true,
            cw_time_zone: (*cw_id, (*cw_name).to_owned()),
            audit: audit.clone(),
        })
        .collect();

    data.locations = vec![
        Location {
            id: 1,
            name: "Main Office".to_owned(),
            structure_level: 3,
            time_zone: 1,
            audit: audit.clone(),
        },
        Location {
            id: 2,
            name: "Remote Office".to_owned(),
            structure_level: 3,
            time_zone: 2,
            audit: audit.clone(),
        },
    ];

    data.departments = [
        ("SVC", "Services"),
        ("SALES", "Sales"),
        ("ADMIN", "Administration"),
    ]
    .iter()
    .zip(1..)
    .map(|((identifier, name), id)| Department {
        id,
        identifier: (*identifier).to_owned(),
        name: (*name).to_owned(),
        audit: audit.clone(),
    })
    .collect();
    data
}

fn add_roles(data: &mut SiteData) {
    let admin = data.add_role("Admin", true, false, SETUP_USER).id;
    if let Some(role) = data.roles.iter_mut().find(|role| role.id == admin) {
        for setting in &mut role.settings {
            setting.add = Level::All;
            setting.edit = Level::All;
            setting.delete = Level::All;
            setting.inquire = Level::All;
        }
    }

    let technician = data.add_role("Technician", false, false, SETUP_USER).id;
    let technician_levels = [
        (
            "Service Desk",
            "Service Tickets",
            ["All", "All", "My", "All"],
        ),
        (
            "Service Desk",
            "Close Service Tickets",
            ["None", "My", "None", "All"],
        ),
        (
            "Service Desk",
            "Resource Scheduling",
            ["None", "None", "None", "All"],
        ),
        ("Time & Expense", "Time Entry", ["My", "My", "My", "My"]),
        ("Companies", "Contacts", ["None", "None", "None", "All"]),
        (
            "Companies",
            "Company Maintenance",
            ["None", "None", "None", "All"],
        ),
    ];
    set_levels(data, technician, &technician_levels);

    let finance = data.add_role("Finance", false, false, SETUP_USER).id;
    let finance_functions: Vec<(&str, &str, [&str; 4])> = FUNCTIONS
        .iter()
        .filter(|function| function.module().name == "Finance")
        .map(|function| ("Finance", function.name, ["None", "None", "None", "All"]))
        .collect();
    set_levels(data, finance, &finance_functions);
}

/// Applies fixture levels given as [add, edit, delete, inquire] per function.
pub(super) fn set_levels(data: &mut SiteData, role: i64, levels: &[(&str, &str, [&str; 4])]) {
    let changes: Vec<LevelChange> = levels
        .iter()
        .flat_map(|(module, function, verbs)| {
            ["add", "edit", "delete", "inquire"]
                .iter()
                .zip(verbs)
                .map(|(verb, level)| LevelChange {
                    module: (*module).to_owned(),
                    function: (*function).to_owned(),
                    verb: (*verb).to_owned(),
                    level: (*level).to_owned(),
                })
        })
        .collect();
    if let Err(error) = data.set_role_levels(role, &changes) {
        // The fixture names only catalog entries, which the catalog unit tests cover.
        tracing::error!(%error, role, "fixture role levels were rejected");
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn full_member(
    id: i64,
    identifier: &str,
    first_name: &str,
    last_name: &str,
    role: i64,
    location: i64,
    department: i64,
    time_zone: i64,
) -> Member {
    Member {
        id,
        identifier: identifier.to_owned(),
        name: format!("{first_name} {last_name}"),
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        license_class: LicenseClass::Full,
        email: Some(format!("{identifier}@sandbox.example")),
        inactive_flag: false,
        inactive_date: None,
        security_role: role,
        structure_level: 1,
        security_location: location,
        default_location: location,
        default_department: department,
        time_zone: Some(time_zone),
        hire_date: HIRE_DATE,
        audit: Audit {
            last_updated: clock::now(),
            updated_by: SETUP_USER.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_roles_have_expected_levels() {
        let fixture = build();
        let technician = fixture
            .data
            .roles
            .iter()
            .find(|role| role.name == "Technician")
            .expect("Technician");
        let tickets = technician
            .settings
            .iter()
            .find(|setting| FUNCTIONS[setting.function].name == "Service Tickets")
            .expect("Service Tickets setting");
        assert_eq!(tickets.add, Level::All, "Service Tickets add");
        assert_eq!(tickets.delete, Level::My, "Service Tickets delete");

        let finance = fixture
            .data
            .roles
            .iter()
            .find(|role| role.name == "Finance")
            .expect("Finance");
        let inquire_all = finance
            .settings
            .iter()
            .filter(|setting| setting.inquire == Level::All)
            .count();
        assert_eq!(inquire_all, 13, "Finance functions with inquire All");
    }

    #[test]
    fn admin_key_authenticates_admin() {
        let fixture = build();
        let key = fixture
            .data
            .key(&fixture.admin_public_key)
            .expect("admin key");
        assert_eq!(key.member, 1, "key member");
        assert!(
            key.private_key_matches(&fixture.admin_private_key),
            "private key"
        );
    }
}
