//! Time to render every wizard screen at 120x40, and a filter keystroke in a member picker that
//! lists the large site's 200 locations.
//!
//! Each case draws the wizard's pure `view` into ratatui's `TestBackend`, so it measures layout,
//! widgets and the buffer diff, without a terminal. The screen states are the ones the snapshot
//! tests use. The picker case reads its lists from the sandbox's large site, then times one
//! typed character: `update` filters the list and `view` draws the result.
//!
//! Run with `cargo bench --bench render`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use v360_setup::provision::{Outcome, Session};
use v360_setup::sandbox::{FixtureSource, Sandbox, SandboxOptions};
use v360_setup::tui::fixtures::{model_at, report, role_status};
use v360_setup::tui::message::Msg;
use v360_setup::tui::model::{MemberRow, Model, Overlay, Picker, PickerTarget, Step};
use v360_setup::tui::update::update;
use v360_setup::tui::view::view;

#[path = "../tests/in_process/mod.rs"]
mod in_process;

use in_process::admin_credentials;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn picker_over(mut model: Model, row: MemberRow, title: &str) -> Model {
    model.overlay = Some(Overlay::Picker(Picker {
        target: PickerTarget::Member(row),
        title: title.to_owned(),
        items: model.member.picker_items(row),
        filter: String::new(),
        highlighted: 0,
    }));
    model
}

/// Returns every screen of the wizard, its overlays and an error state.
fn screens() -> Vec<(&'static str, Model)> {
    let mut role_missing = model_at(Step::Role);
    role_missing.role.status = Some(role_status(false, Outcome::Created));
    let mut help = model_at(Step::Role);
    help.overlay = Some(Overlay::Help);
    let mut error = model_at(Step::Connect);
    error.error = Some(report("ConnectWise returned HTTP 401 for /system/info"));
    let mut error_details = error.clone();
    error_details.overlay = Some(Overlay::ErrorDetails);

    vec![
        ("connect", model_at(Step::Connect)),
        ("connect with error", error),
        ("error details", error_details),
        ("role before lookup", model_at(Step::Role)),
        ("role with missing levels", role_missing),
        ("member", model_at(Step::Member)),
        (
            "member location picker",
            picker_over(model_at(Step::Member), MemberRow::Location, "Location"),
        ),
        ("key", model_at(Step::Key)),
        ("registration", model_at(Step::Registration)),
        ("summary", model_at(Step::Summary)),
        ("help", help),
    ]
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal")
}

fn render_screens(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("render 120x40");
    for (name, model) in screens() {
        let mut terminal = terminal();
        group.bench_function(name, |bench| {
            bench.iter(|| {
                terminal
                    .draw(|frame| {
                        view(&model, frame);
                    })
                    .expect("frame drawn");
            });
        });
    }
    group.finish();
}

/// Builds the member step with the pickers filled from the large site, as the wizard reads them.
fn large_site_member_model() -> Model {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions {
            fixture: FixtureSource::Large,
            ..SandboxOptions::default()
        })
        .await
        .expect("large sandbox starts");
        let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
            .await
            .expect("connected to the large site");
        let choices = session.member_choices().await.expect("member choices");
        sandbox.shutdown().await;

        let mut model = model_at(Step::Member);
        model.member.choices = Some(choices);
        model
    })
}

fn filter_keystroke(criterion: &mut Criterion) {
    let model = picker_over(large_site_member_model(), MemberRow::Location, "Location");
    let Some(Overlay::Picker(picker)) = &model.overlay else {
        unreachable!("the picker was just opened");
    };
    println!("large-site location picker: {} entries", picker.items.len());

    let mut terminal = terminal();
    criterion.bench_function("large-site location picker: filter keystroke", |bench| {
        bench.iter_batched(
            || model.clone(),
            |mut model| {
                let key = KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE);
                update(&mut model, Msg::Key(key));
                terminal
                    .draw(|frame| {
                        view(&model, frame);
                    })
                    .expect("frame drawn");
            },
            BatchSize::SmallInput,
        );
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = render_screens, filter_keystroke
}
criterion_main!(benches);
