//! Error responses in ConnectWise's `ErrorResponseMessage` shape:
//! `{"code", "message", "errors": [{"code", "message", "resource", "field"}]}`.
//!
//! The module header of `crate::sandbox` lists the codes the sandbox uses.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Item code for a required field that is missing, null or blank.
pub const REQUIRED: &str = "Required";
/// Item code for a text longer than the field allows.
pub const MAX_LENGTH: &str = "MaxLength";
/// Item code for a value that must be unique and is already taken.
pub const OBJECT_EXISTS: &str = "ObjectExists";
/// Item code for a reference (`{"id": n}`) to an object that does not exist.
pub const INVALID_REFERENCE: &str = "InvalidReference";
/// Item code for a value of the wrong type or outside the allowed values.
pub const INVALID_VALUE: &str = "InvalidValue";
/// Item code for an object that cannot be deleted while others use it.
pub const OBJECT_IN_USE: &str = "ObjectInUse";

/// One problem with a field of a request, a `ValidationError` in the ConnectWise schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub code: String,
    pub message: String,
    pub resource: String,
    pub field: String,
}

impl FieldError {
    pub fn new(code: &str, resource: &str, field: &str, message: impl Into<String>) -> Self {
        FieldError {
            code: code.to_owned(),
            message: message.into(),
            resource: resource.to_owned(),
            field: field.to_owned(),
        }
    }
}

/// An error response: HTTP status plus the ConnectWise error body.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{status} {code}: {message}{}", describe_items(.errors))]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub errors: Vec<FieldError>,
    allow: Option<&'static str>,
}

fn describe_items(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|item| {
            format!(
                " [{} {}.{}: {}]",
                item.code, item.resource, item.field, item.message
            )
        })
        .collect()
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            allow: None,
        }
    }

    /// An error with any status and top-level code, such as 403 `Forbidden`.
    pub fn with_status(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(status, code, message)
    }

    /// 400 `InvalidRequest`: the request itself is malformed (missing header, body not JSON).
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidRequest", message)
    }

    /// 400 `InvalidObject` with one item per problem.
    pub fn invalid_object(message: impl Into<String>, errors: Vec<FieldError>) -> Self {
        ApiError {
            errors,
            ..Self::new(StatusCode::BAD_REQUEST, "InvalidObject", message)
        }
    }

    /// 400 `InvalidObject` with a single item.
    pub fn invalid_field(
        code: &str,
        resource: &str,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        let item = FieldError::new(code, resource, field, message.clone());
        Self::invalid_object(message, vec![item])
    }

    /// 401 `Unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
    }

    /// 404 `NotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    /// 405 `MethodNotAllowed` with an `Allow` header, for a method the real API lacks on a
    /// path it has.
    pub fn method_not_allowed(method: &str, allow: &'static str) -> Self {
        let message = format!("The requested resource does not support http method '{method}'.");
        ApiError {
            allow: Some(allow),
            ..Self::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", message)
        }
    }

    /// 501 `NotImplemented`, for an operation the real API has but the sandbox does not build.
    pub fn not_implemented(method: &str, path: &str) -> Self {
        let message = format!("The sandbox does not implement {method} {path}.");
        Self::new(StatusCode::NOT_IMPLEMENTED, "NotImplemented", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
            errors: &self.errors,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}
