//! Site addresses: region names, web hosts, API hosts and custom on-premise URLs.
//!
//! ConnectWise cloud sites serve the REST API on a host whose first label carries an `api-`
//! prefix (`na.myconnectwise.net` serves the web UI, `api-na.myconnectwise.net` the API), per
//! the cloud URL table that django-connectwise copies from ConnectWise's developer guide. Any
//! other host is taken as an on-premise server and used as typed.

use url::Url;

use super::CwmError;

/// The accepted forms of a site, for error messages.
const SITE_FORMS: &str = "enter a region (na, eu, au, aus, za, staging), a host such as \
                          na.myconnectwise.net, or a URL such as https://cw.example.com";

/// Cloud regions by the short name in the web address.
pub const CLOUD_REGIONS: &[(&str, &str)] = &[
    ("na", "na.myconnectwise.net"),
    ("eu", "eu.myconnectwise.net"),
    ("au", "au.myconnectwise.net"),
    ("aus", "aus.myconnectwise.net"),
    ("za", "za.myconnectwise.net"),
    ("staging", "staging.connectwisedev.com"),
];

const CLOUD_DOMAINS: &[&str] = &["myconnectwise.net", "connectwisedev.com"];

/// Returns the API root URL (scheme, host and port, no path) for what the user typed: a region
/// name, a web or API host, or a full URL.
///
/// Plain HTTP is accepted only for loopback addresses, where the sandbox runs.
pub fn normalize(input: &str) -> Result<Url, CwmError> {
    let trimmed = input.trim().trim_end_matches('/');
    let invalid = |reason: &str| CwmError::InvalidSite {
        site: input.to_owned(),
        reason: reason.to_owned(),
    };
    if trimmed.is_empty() {
        return Err(invalid(
            "the site is empty; enter a region such as na or eu, or your server's address",
        ));
    }

    let lower = trimmed.to_ascii_lowercase();
    if let Some((_, host)) = CLOUD_REGIONS.iter().find(|(name, _)| *name == lower) {
        return Url::parse(&format!("https://api-{host}"))
            .map_err(|error| invalid(&error.to_string()));
    }

    // A bare word that is not a region is almost always a mistyped region, not a server.
    let bare_word = !lower.contains(['.', ':', '/', '[']) && lower != "localhost";
    if bare_word {
        let host_like = lower
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '-');
        let one_word_server = if host_like {
            format!(". For a server with a one-word name, type https://{trimmed}")
        } else {
            String::new()
        };
        return Err(invalid(&format!(
            "{trimmed:?} is not a region; {SITE_FORMS}{one_word_server}"
        )));
    }

    let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
        trimmed.to_owned()
    } else if let Some((scheme, _)) = lower.split_once("://") {
        return Err(invalid(&format!(
            "the scheme {scheme}:// is not supported; {SITE_FORMS}"
        )));
    } else {
        format!("https://{trimmed}")
    };
    let mut url =
        Url::parse(&with_scheme).map_err(|error| invalid(&format!("{error}; {SITE_FORMS}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        // The message must not repeat what was typed, because it contains a password.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        return Err(CwmError::InvalidSite {
            site: url.as_str().trim_end_matches('/').to_owned(),
            reason: "the address contains a user name or password, which ConnectWise does not \
                     use (it signs in with API keys); remove the part before @"
                .to_owned(),
        });
    }
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or_else(|| invalid(&format!("the address has no host name; {SITE_FORMS}")))?
        .to_ascii_lowercase();
    if host == "http" || host == "https" {
        return Err(invalid(&format!(
            "the address has no host name; {SITE_FORMS}"
        )));
    }

    if url.scheme() == "http" && !is_loopback(&host) {
        return Err(invalid(
            "plain HTTP is refused because it would send the API keys unencrypted; use https://",
        ));
    }

    let is_cloud = CLOUD_DOMAINS
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    if is_cloud && !host.starts_with("api-") {
        let api_host = format!("api-{host}");
        url.set_host(Some(&api_host))
            .map_err(|error| invalid(&error.to_string()))?;
    }

    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .map(|address| address.is_loopback())
            .unwrap_or(false)
}

/// Returns the web UI host for an API root, without the `api-` prefix of cloud hosts.
pub fn web_host(api_root: &Url) -> String {
    let host = api_root.host_str().unwrap_or_default();
    host.strip_prefix("api-").unwrap_or(host).to_owned()
}

/// Returns the web host with its port when the port is not the scheme's default, such as
/// `na.myconnectwise.net` or `127.0.0.1:8080`: the site's name in keyring accounts and messages.
pub fn site_label(api_root: &Url) -> String {
    match api_root.port() {
        Some(port) => format!("{}:{port}", web_host(api_root)),
        None => web_host(api_root),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(input: &str) -> String {
        normalize(input).expect("site normalizes").to_string()
    }

    #[test]
    fn password_in_address_is_not_repeated() {
        let message = normalize("https://admin:Hunter2Secret@cw.example.com")
            .expect_err("credentials in the address")
            .to_string();
        assert!(!message.contains("Hunter2Secret"), "{message}");
        assert!(!message.contains("admin"), "{message}");
        assert!(message.contains("https://cw.example.com"), "{message}");
    }

    #[test]
    fn bare_word_is_not_a_region() {
        let message = normalize("nz").expect_err("not a region").to_string();
        assert!(message.contains("\"nz\" is not a region"), "{message}");
        assert!(message.contains("https://nz"), "{message}");
        let url = normalize("https://cw").expect("an explicit URL is taken as typed");
        assert_eq!(url.as_str(), "https://cw/");
    }

    #[test]
    fn region_name_maps_to_api_host() {
        assert_eq!(normalized("na"), "https://api-na.myconnectwise.net/");
        assert_eq!(normalized("EU"), "https://api-eu.myconnectwise.net/");
    }

    #[test]
    fn web_host_gets_api_prefix() {
        assert_eq!(
            normalized("na.myconnectwise.net"),
            "https://api-na.myconnectwise.net/"
        );
        assert_eq!(
            normalized("https://staging.connectwisedev.com/v4_6_release/"),
            "https://api-staging.connectwisedev.com/"
        );
    }

    #[test]
    fn api_host_kept() {
        assert_eq!(
            normalized("api-au.myconnectwise.net/"),
            "https://api-au.myconnectwise.net/"
        );
    }

    #[test]
    fn on_premise_host_kept() {
        assert_eq!(normalized("cw.example.com"), "https://cw.example.com/");
    }

    #[test]
    fn loopback_http_allowed() {
        assert_eq!(
            normalized("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080/"
        );
    }

    #[test]
    fn remote_http_rejected() {
        let error = normalize("http://cw.example.com").expect_err("plain HTTP refused");
        assert!(error.to_string().contains("https://"), "{error}");
    }

    #[test]
    fn site_label_keeps_custom_port() {
        let sandbox = normalize("http://127.0.0.1:8080").expect("loopback");
        assert_eq!(site_label(&sandbox), "127.0.0.1:8080");
        let cloud = normalize("na").expect("region");
        assert_eq!(site_label(&cloud), "na.myconnectwise.net");
    }

    #[test]
    fn other_schemes_rejected() {
        for input in ["ftp://127.0.0.1:1", "https://", "http://", "my site!!"] {
            let error = normalize(input).expect_err("invalid site");
            let text = error.to_string();
            assert!(text.contains("region"), "{input}: {text}");
        }
    }

    #[test]
    fn empty_site_rejected() {
        assert!(normalize("  ").is_err());
    }
}
