//! Injected faults: added latency, a request-rate limit, error statuses, dropped connections
//! and slow responses, chosen per method and path.
//!
//! Faults come from the `--latency-ms` and `--rate-limit` flags, from
//! [`crate::sandbox::Sandbox::set_faults`], and from `POST /__sandbox/faults` with the JSON
//! below. `GET /__sandbox/faults` returns the current settings with each rule's remaining
//! count, and `DELETE /__sandbox/faults` clears everything, the flag values included.
//!
//! ```json
//! {
//!   "latencyMs": 20,
//!   "rateLimit": 5,
//!   "rules": [
//!     {"method": "POST", "path": "/system/apiMembers", "fault": "resetAfter", "times": 1},
//!     {"path": "/system/securityroles*", "fault": "status", "status": 503, "times": 2},
//!     {"path": "*", "fault": "status", "status": 429, "retryAfterSeconds": 3},
//!     {"method": "GET", "path": "/system/info", "fault": "latency", "delayMs": 30000}
//!   ]
//! }
//! ```
//!
//! - `latencyMs`: delay added to every request, in milliseconds (0 turns it off).
//! - `rateLimit`: requests per second; past it a request gets 429 with `Retry-After` until the
//!   current one-second window ends (0 turns it off).
//! - `rules` are appended to the existing ones. Each has `method` (default `*`, any), `path`,
//!   `fault` and `times` (how often it fires, or always when left out). The `path` is a pattern
//!   in which `*` matches any run of characters. It is compared, ignoring case, with the path
//!   after `/apis/3.0`, or with the whole path outside the REST API.
//! - `fault` is one of these:
//!   - `latency`: wait `delayMs`, then respond normally. A delay longer than the client's
//!     timeout makes the client time out.
//!   - `status`: respond with `status` without running the request. A 429 adds
//!     `Retry-After: retryAfterSeconds` (default 1).
//!   - `resetBefore`: drop the connection without running the request or responding.
//!   - `resetAfter`: run the request, so a POST creates its object, then drop the connection
//!     without responding.
//!
//! Only the first matching rule with fires left applies to a request. Control paths under
//! `/__sandbox/` are never faulted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::errors::{ApiError, FieldError, INVALID_VALUE, REQUIRED};
use super::query::wildcard_matches;

const RESOURCE: &str = "fault";

/// Effect of a fault rule on a matching request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    Latency,
    Status,
    ResetBefore,
    ResetAfter,
}

/// One rule as `POST /__sandbox/faults` receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method, or `*` for any.
    #[serde(default = "any_method")]
    pub method: String,
    /// Path pattern; `*` matches any run of characters.
    pub path: String,
    pub fault: FaultKind,
    /// Status of a `status` fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Delay of a `latency` fault, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// `Retry-After` of a 429 `status` fault, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
    /// Fires left; `None` fires on every matching request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

fn any_method() -> String {
    "*".to_owned()
}

/// Fault settings: the body of `POST /__sandbox/faults` and of the `GET` response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// Handling of one request, decided before it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Time to wait before anything else.
    pub delay: Duration,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run the request and respond normally.
    Serve,
    /// Respond with this status without running the request.
    Status {
        status: u16,
        retry_after_seconds: Option<u64>,
    },
    /// Past the rate limit: respond 429 with `Retry-After`.
    RateLimited {
        retry_after_seconds: u64,
    },
    ResetBefore,
    ResetAfter,
}

/// Fixed one-second window of the rate limit.
#[derive(Debug)]
struct Window {
    started: Instant,
    requests: u32,
}

#[derive(Debug)]
struct State {
    settings: FaultSettings,
    window: Window,
}

/// Fault settings of a running site, shared by all requests.
#[derive(Debug)]
pub struct Faults {
    state: Mutex<State>,
}

impl Faults {
    pub fn new(settings: FaultSettings) -> Faults {
        Faults {
            state: Mutex::new(State {
                settings,
                window: Window {
                    started: Instant::now(),
                    requests: 0,
                },
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Returns the current settings; each rule's `times` is the number of fires left.
    pub fn settings(&self) -> FaultSettings {
        self.lock().settings.clone()
    }

    /// Validates `update`, then appends its rules and sets the limits it names.
    pub fn update(&self, update: FaultSettings) -> Result<(), ApiError> {
        let problems: Vec<FieldError> = update
            .rules
            .iter()
            .enumerate()
            .flat_map(|(index, rule)| validate(index + 1, rule))
            .collect();
        if !problems.is_empty() {
            return Err(ApiError::invalid_object(
                "The fault rules are not valid.",
                problems,
            ));
        }

        let mut state = self.lock();
        if let Some(latency) = update.latency_ms {
            state.settings.latency_ms = (latency > 0).then_some(latency);
        }
        if let Some(limit) = update.rate_limit {
            state.settings.rate_limit = (limit > 0).then_some(limit);
        }
        state.settings.rules.extend(update.rules);
        Ok(())
    }

    /// Removes every rule and limit.
    pub fn clear(&self) {
        self.lock().settings = FaultSettings::default();
    }

    /// Decides what happens to a request and uses up one fire of the rule that applies.
    pub fn plan(&self, method: &str, path: &str) -> Plan {
        let mut state = self.lock();
        let mut delay = Duration::from_millis(state.settings.latency_ms.unwrap_or(0));

        if let Some(limit) = state.settings.rate_limit {
            let now = Instant::now();
            let elapsed = now.duration_since(state.window.started);
            if elapsed >= Duration::from_secs(1) {
                state.window = Window {
                    started: now,
                    requests: 0,
                };
            }
            state.window.requests += 1;
            if state.window.requests > limit {
                return Plan {
                    delay,
                    // The window ends within a second, so the whole second is the honest wait.
                    action: Action::RateLimited {
                        retry_after_seconds: 1,
                    },
                };
            }
        }

        let Some(rule) = state.settings.rules.iter_mut().find(|rule| {
            rule.times != Some(0)
                && (rule.method == "*" || rule.method.eq_ignore_ascii_case(method))
                && glob_matches(&rule.path.to_lowercase(), &path.to_lowercase())
        }) else {
            return Plan {
                delay,
                action: Action::Serve,
            };
        };
        if let Some(times) = rule.times.as_mut() {
            *times -= 1;
        }
        let action = match rule.fault {
            FaultKind::Latency => {
                delay += Duration::from_millis(rule.delay_ms.unwrap_or(0));
                Action::Serve
            }
            FaultKind::Status => Action::Status {
                status: rule.status.unwrap_or(500),
                retry_after_seconds: rule.retry_after_seconds,
            },
            FaultKind::ResetBefore => Action::ResetBefore,
            FaultKind::ResetAfter => Action::ResetAfter,
        };
        Plan { delay, action }
    }
}

fn validate(number: usize, rule: &FaultRule) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut problem = |code: &str, field: &str, message: String| {
        problems.push(FieldError::new(
            code,
            RESOURCE,
            field,
            format!("rule {number}: {message}"),
        ));
    };
    if rule.path.trim().is_empty() {
        problem(REQUIRED, "path", "path is required.".to_owned());
    }
    match (rule.fault, rule.status) {
        (FaultKind::Status, None) => problem(
            REQUIRED,
            "status",
            "a status fault needs status.".to_owned(),
        ),
        (FaultKind::Status, Some(status)) if !(400..=599).contains(&status) => problem(
            INVALID_VALUE,
            "status",
            format!("status {status} is not between 400 and 599."),
        ),
        _ => {}
    }
    if rule.fault == FaultKind::Latency && rule.delay_ms.is_none() {
        problem(
            REQUIRED,
            "delayMs",
            "a latency fault needs delayMs.".to_owned(),
        );
    }
    if rule.times == Some(0) {
        problem(
            INVALID_VALUE,
            "times",
            "times must be at least 1; leave it out to fire always.".to_owned(),
        );
    }
    problems
}

/// Matches lower-cased `text` against a lower-cased pattern in which `*` stands for any run of
/// characters.
fn glob_matches(pattern: &str, text: &str) -> bool {
    wildcard_matches(text, pattern, '*')
}

/// The error a service returns to make hyper close the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected {0} fault")]
pub struct ConnectionDropped(pub &'static str);

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(method: &str, path: &str, fault: FaultKind, times: Option<u32>) -> FaultRule {
        FaultRule {
            method: method.to_owned(),
            path: path.to_owned(),
            fault,
            status: (fault == FaultKind::Status).then_some(503),
            delay_ms: (fault == FaultKind::Latency).then_some(5),
            retry_after_seconds: None,
            times,
        }
    }

    #[test]
    fn glob_patterns() {
        let cases = [
            ("/system/info", "/system/info", true),
            ("/system/*", "/system/apimembers/3", true),
            ("*", "/anything", true),
            ("/system/apimembers", "/system/apimembers/3", false),
            (
                "/system/*/settings",
                "/system/securityroles/3/settings",
                true,
            ),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(glob_matches(pattern, text), expected, "{pattern} vs {text}");
        }
    }

    #[test]
    fn rule_fires_given_times_then_stops() {
        let faults = Faults::new(FaultSettings::default());
        let update = FaultSettings {
            rules: vec![rule(
                "post",
                "/system/apiMembers",
                FaultKind::Status,
                Some(2),
            )],
            ..FaultSettings::default()
        };
        faults.update(update).expect("valid rule");
        let statuses: Vec<Action> = (0..3)
            .map(|_| faults.plan("POST", "/system/apimembers").action)
            .collect();
        let fired = Action::Status {
            status: 503,
            retry_after_seconds: None,
        };
        assert_eq!(
            statuses,
            [fired.clone(), fired, Action::Serve],
            "two fires, then served"
        );
        assert_eq!(
            faults.plan("GET", "/system/apiMembers").action,
            Action::Serve,
            "other method"
        );
    }

    #[test]
    fn rate_limit_rejects_past_the_limit() {
        let faults = Faults::new(FaultSettings {
            rate_limit: Some(2),
            ..FaultSettings::default()
        });
        let actions: Vec<Action> = (0..3)
            .map(|_| faults.plan("GET", "/system/info").action)
            .collect();
        assert_eq!(actions[0], Action::Serve, "first request");
        assert_eq!(actions[1], Action::Serve, "second request");
        assert_eq!(
            actions[2],
            Action::RateLimited {
                retry_after_seconds: 1
            },
            "third request"
        );
    }

    #[test]
    fn invalid_rules_are_rejected_whole() {
        let faults = Faults::new(FaultSettings::default());
        let mut bad = rule("*", "", FaultKind::Status, Some(0));
        bad.status = Some(200);
        let error = faults
            .update(FaultSettings {
                rules: vec![rule("*", "*", FaultKind::ResetBefore, None), bad],
                ..FaultSettings::default()
            })
            .expect_err("invalid rule");
        let fields: Vec<&str> = error
            .errors
            .iter()
            .map(|item| item.field.as_str())
            .collect();
        assert_eq!(fields, ["path", "status", "times"], "fields named");
        assert!(faults.settings().rules.is_empty(), "nothing was added");
    }
}
