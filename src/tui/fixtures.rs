//! Models and engine results for the unit tests of `update` and the view, built without a
//! network or a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;

use super::message::Msg;
use super::model::{ConnectionInfo, ErrorReport, Model, RequestId, Step};
use super::update::update;
use crate::cwm::models::NamedItem;
use crate::provision::{
    KeyStatus, MemberChange, MemberChoices, MemberStatus, Outcome, RoleStatus, RoleSummary,
};
use crate::requirements::{manifest, Checklist, ChecklistLine, Level, Verb};
use crate::secrets::KeyPair;

pub const ADMIN_PRIVATE_KEY: &str = "AdminPrivate9876";
pub const TOOL_PUBLIC_KEY: &str = "ToolPublic123456";
pub const TOOL_PRIVATE_KEY: &str = "ToolPrivate65432";
pub const ROLE_ID: i64 = 12;
pub const MEMBER_ID: i64 = 7;

pub fn model() -> Model {
    Model::new(manifest::builtin(), false, false).expect("built-in tools")
}

/// A second tool with its own suffix and one requirement, for runs with several tools.
pub fn ticket_tool() -> manifest::Manifest {
    let text = "id = 'ticket-tool'\nname = 'Ticket Tool'\nmember_suffix = 'TT'\n\
                [[permission]]\nmodule = 'Project'\nfunction = 'Project Contacts'\n\
                inquire = 'All'\n";
    manifest::Manifest::parse(text, "ticket-tool.toml").expect("test manifest")
}

/// Returns a model connected as `model_at(Step::Role)` is, with Email reConnector and
/// [`ticket_tool`] both selected in `layout`.
pub fn two_tool_model(layout: super::model::MemberLayout) -> Model {
    let mut tools = manifest::builtin();
    tools.push(ticket_tool());
    let mut model = Model::new(tools, false, false).expect("two tools");
    fill_connect(&mut model);
    model.selected_tools = vec![true, true];
    model.merge_requirements();
    model.role.layout = layout;
    model.connection = Some(connection(1));
    model.connect.dirty = false;
    model.step = Step::Role;
    model
}

pub fn demo_model() -> Model {
    let mut model = Model::new(manifest::builtin(), false, true).expect("built-in tools");
    fill_connect(&mut model);
    model
}

/// Fills the Connect screen as `--demo` does, with fixed values.
fn fill_connect(model: &mut Model) {
    model.connect.set_site("http://127.0.0.1:9");
    model.connect.company.set("sandbox");
    model.connect.public_key.set("AdminPublic12345");
    model.connect.private_key.set(ADMIN_PRIVATE_KEY);
    model
        .connect
        .client_id
        .set("0f8fad5b-d9cb-469f-a165-70867728950e");
}

/// Builds an error report as an engine reply would carry it.
pub fn report(message: &str) -> ErrorReport {
    ErrorReport::from_message("testing", "Test failure", message)
}

pub fn press(model: &mut Model, code: KeyCode) -> Option<super::command::Command> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(model: &mut Model, character: char) -> Option<super::command::Command> {
    update(
        model,
        Msg::Key(KeyEvent::new(
            KeyCode::Char(character),
            KeyModifiers::CONTROL,
        )),
    )
}

pub fn paste(model: &mut Model, text: &str) -> Option<super::command::Command> {
    update(model, Msg::Paste(SecretString::from(text.to_owned())))
}

pub fn pending_id(model: &Model) -> RequestId {
    model.pending.expect("a request is in flight").id
}

pub fn connection(session_id: RequestId) -> ConnectionInfo {
    ConnectionInfo {
        session_id,
        site_host: "127.0.0.1".into(),
        site_url: "http://127.0.0.1".into(),
        company_id: "sandbox".into(),
        client_id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
        company_name: "Sandbox Demo Company".into(),
        version: "v2026.4".into(),
        admin_identifier: "admin1".into(),
    }
}

pub fn checklist(met: bool) -> Checklist {
    let line = |function: &str, verb, actual| ChecklistLine {
        module: "Companies".into(),
        function: function.into(),
        verb,
        required: Level::All,
        actual,
        optional: false,
    };
    let actual = if met {
        Some(Level::All)
    } else {
        Some(Level::None)
    };
    Checklist {
        lines: vec![
            line("Company Maintenance", Verb::Inquire, Some(Level::All)),
            line("Contacts", Verb::Inquire, actual),
            line(
                "Manage Attachments",
                Verb::Add,
                if met { Some(Level::All) } else { None },
            ),
        ],
        excess: Vec::new(),
    }
}

pub fn role_status(met: bool, outcome: Outcome) -> RoleStatus {
    RoleStatus {
        role: RoleSummary {
            id: ROLE_ID,
            name: "Visionary 360 API".into(),
            admin_flag: false,
        },
        outcome,
        checklist: checklist(met),
    }
}

pub fn member_choices() -> MemberChoices {
    let item = |id, name: &str| NamedItem {
        id,
        name: name.into(),
        identifier: None,
    };
    MemberChoices {
        levels: vec![item(1, "Corporate"), item(2, "Region")],
        locations: vec![item(5, "Main"), item(6, "Remote")],
        departments: vec![item(9, "Services")],
        time_zones: vec![item(3, "Eastern")],
        default_level: None,
        default_location: Some(6),
        default_department: Some(9),
        default_time_zone: Some(3),
    }
}

pub fn member_status(outcome: Outcome, pending: bool) -> MemberStatus {
    let pending_changes = if pending {
        vec![MemberChange {
            field: "security role".into(),
            from: "Admin".into(),
            to: "Visionary 360 API".into(),
        }]
    } else {
        Vec::new()
    };
    MemberStatus {
        id: MEMBER_ID,
        identifier: "V360API".into(),
        outcome,
        pending_changes,
    }
}

pub fn key_status(swapped: bool, met: bool) -> KeyStatus {
    KeyStatus {
        public_key: TOOL_PUBLIC_KEY.into(),
        member_identifier: "V360API".into(),
        swapped,
        checklist: checklist(met),
    }
}

pub fn tool_pair() -> KeyPair {
    KeyPair::new(TOOL_PUBLIC_KEY, TOOL_PRIVATE_KEY)
}

/// Drives a fresh model through the replies of a successful run up to `target`, without
/// commands being performed.
pub fn model_at(target: Step) -> Model {
    let mut model = model();
    fill_connect(&mut model);
    if target == Step::Connect {
        return model;
    }

    model.connection = Some(connection(1));
    model.connect.dirty = false;
    model.step = Step::Role;
    if target == Step::Role {
        return model;
    }

    model.role.status = Some(role_status(true, Outcome::Created));
    model.role.outcome = Some(Outcome::Created);
    model.member.choices = Some(member_choices());
    model.step = Step::Member;
    if target == Step::Member {
        return model;
    }

    model.member.status = Some(member_status(Outcome::Created, false));
    model.member.created.push("V360API".into());
    model.step = Step::Key;
    if target == Step::Key {
        return model;
    }

    model.key.public_key.set(TOOL_PUBLIC_KEY);
    model.key.private_key.set(TOOL_PRIVATE_KEY);
    model.key.result = Some(super::model::VerifiedKey {
        status: key_status(false, true),
        pair: tool_pair(),
        route: super::model::KeyRoute::Durable,
        expiration: None,
    });
    model.step = Step::Registration;
    if target == Step::Registration {
        return model;
    }

    model.step = Step::Summary;
    model
}
