//! Credentials on the wire: which configured ones an operation's security requirement picks, how
//! each scheme sends its credential, and that none of them leaves the origin on a redirect.

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE};
use reqwest::Url;

use super::client::header_value;
use super::error::Error;
use super::profile::{ApiProfile, Credential, KeyPlace, SchemeKind, SecurityScheme};

/// An operation's security requirement: alternatives, each a set of scheme names that must all
/// be configured. `None` (a document that names no requirement) sends every configured credential.
pub(crate) type Requirement = Option<&'static [&'static [&'static str]]>;

/// The credentials configured on a client, with the schemes switched to their alternative header.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    pub(crate) values: Vec<(&'static SecurityScheme, Credential)>,
    pub(crate) alternative: Vec<&'static str>,
    /// What each fixed credential puts on the wire, made once by [`Credentials::render`] so that a
    /// request copies a header instead of formatting and validating it (providers: `None`).
    rendered: Vec<Option<OnWire>>,
}

impl Credentials {
    /// Records `credential` for the scheme named `scheme` (a later one replaces an earlier one).
    pub(crate) fn set(&mut self, profile: &ApiProfile, scheme: &str, credential: Credential) -> Result<(), Error> {
        let scheme = profile
            .scheme(scheme)
            .ok_or_else(|| Error::Config(format!("no security scheme named {scheme:?}")))?;
        self.values.retain(|(s, _)| s.name != scheme.name);
        self.values.push((scheme, credential));
        Ok(())
    }

    /// Renders the fixed credentials once, when the client is built; an invalid value is a
    /// configuration error then.
    pub(crate) fn render(&mut self) -> Result<(), Error> {
        self.rendered = self
            .values
            .iter()
            .map(|(scheme, credential)| match credential {
                Credential::Provider(_) => Ok(None),
                fixed => on_wire(scheme, fixed, None, &self.alternative).map(Some),
            })
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    /// Indexes of the configured credentials that `requirement` asks for: the first alternative
    /// whose schemes are all configured. None satisfied, or none asked for: nothing (the
    /// server's 401 then says what is missing; ARCHITECTURE.md has why).
    pub(crate) fn pick(&self, requirement: Requirement) -> Vec<usize> {
        let Some(alternatives) = requirement else {
            return (0..self.values.len()).collect();
        };
        for alternative in alternatives {
            let found: Option<Vec<usize>> =
                alternative.iter().map(|name| self.values.iter().position(|(s, _)| s.name == *name)).collect();
            if let Some(found) = found {
                return found;
            }
        }
        Vec::new()
    }

    /// What the picked credentials put on the wire, asking token providers for their token now
    /// (once per attempt).
    pub(crate) async fn resolve(&self, picked: &[usize]) -> Result<Vec<OnWire>, Error> {
        let mut out = Vec::with_capacity(picked.len());
        for &i in picked {
            let (scheme, credential) = &self.values[i];
            match (self.rendered.get(i).and_then(Option::as_ref), credential) {
                (Some(ready), _) => out.push(ready.clone()),
                (None, Credential::Provider(p)) => {
                    let token = p.token().await?;
                    out.push(on_wire(scheme, credential, Some(&token), &self.alternative)?);
                }
                (None, fixed) => out.push(on_wire(scheme, fixed, None, &self.alternative)?),
            }
        }
        Ok(out)
    }
}

/// Headers that carry a credential by name: the usual ones and every header a security scheme
/// of the API sends, whoever sets them (a credential method, or a default header the user wrote
/// by hand). They are marked sensitive and dropped on a redirect to another origin.
pub(crate) fn is_credential_header(profile: &ApiProfile, name: &str) -> bool {
    ["authorization", "cookie", "proxy-authorization", "api-key"]
        .into_iter()
        .chain(profile.schemes.iter().flat_map(|s| s.header_name().into_iter().chain(s.alternative_header)))
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// What one credential adds to a request.
#[derive(Clone)]
pub(crate) enum OnWire {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// What one credential puts on the wire; `token` is a provider's answer.
fn on_wire(scheme: &SecurityScheme, credential: &Credential, token: Option<&str>, alternative: &[&str]) -> Result<OnWire, Error> {
    let value = match (credential, token) {
        (_, Some(token)) => token.to_owned(),
        (Credential::Value(v), None) => v.clone(),
        (Credential::Basic(user, password), None) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            return Ok(OnWire::Header(AUTHORIZATION, secret(&format!("Basic {encoded}"))?));
        }
        (Credential::Provider(_), None) => return Err(Error::Config("a token provider gave no token".into())),
    };
    if let Some(alt) = scheme.alternative_header.filter(|_| alternative.contains(&scheme.name)) {
        return Ok(OnWire::Header(super::client::header_name(alt)?, secret(&value)?));
    }
    Ok(match scheme.kind {
        SchemeKind::ApiKey { place: KeyPlace::Header, name } => OnWire::Header(super::client::header_name(name)?, secret(&value)?),
        SchemeKind::ApiKey { place: KeyPlace::Query, name } => OnWire::Query(name, value),
        SchemeKind::ApiKey { place: KeyPlace::Cookie, name } => OnWire::Cookie(name, value),
        SchemeKind::Basic | SchemeKind::Bearer => OnWire::Header(AUTHORIZATION, secret(&format!("Bearer {value}"))?),
    })
}

/// Adds resolved credentials to one hop's URL and headers.
pub(crate) fn apply(on_wire: &[OnWire], url: &mut Url, headers: &mut HeaderMap) -> Result<(), Error> {
    let mut cookies = Vec::new();
    for item in on_wire {
        match item {
            OnWire::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            OnWire::Query(name, value) => {
                url.query_pairs_mut().append_pair(name, value);
            }
            OnWire::Cookie(name, value) => cookies.push(format!("{name}={value}")),
        }
    }
    if !cookies.is_empty() {
        if let Some(existing) = headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
            cookies.insert(0, existing.to_owned());
        }
        headers.insert(COOKIE, secret(&cookies.join("; "))?);
    }
    Ok(())
}

/// Drops the headers that must not follow a redirect to another origin ([`is_credential_header`]).
pub(crate) fn strip_for_other_origin(headers: &mut HeaderMap, profile: &ApiProfile) {
    let names: Vec<HeaderName> = headers.keys().filter(|n| is_credential_header(profile, n.as_str())).cloned().collect();
    for name in names {
        headers.remove(name);
    }
}

/// Scheme, host and port agree.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

fn secret(value: &str) -> Result<HeaderValue, Error> {
    let mut v = header_value(value)?;
    v.set_sensitive(true);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    static SCHEMES: [SecurityScheme; 3] = [
        SecurityScheme::new("key", SchemeKind::ApiKey { place: KeyPlace::Header, name: "x-key" }, None),
        SecurityScheme::new("basic", SchemeKind::Basic, None),
        SecurityScheme::new("bearer", SchemeKind::Bearer, Some("api-key")),
    ];

    fn profile() -> ApiProfile {
        let mut p = ApiProfile::new("t");
        p.schemes = &SCHEMES;
        p
    }

    #[test]
    fn the_first_satisfied_alternative_is_sent() {
        let mut c = Credentials::default();
        c.set(&profile(), "basic", Credential::Basic("u".into(), String::new())).unwrap();
        let pick = |r: Requirement| c.pick(r).iter().map(|&i| c.values[i].0.name).collect::<Vec<_>>();
        assert_eq!(pick(Some(&[&["key"], &["basic"]])), ["basic"]);
        assert_eq!(pick(Some(&[&["key", "basic"]])), Vec::<&str>::new());
        assert_eq!(pick(Some(&[&[], &["basic"]])), Vec::<&str>::new());
        assert_eq!(pick(Some(&[])), Vec::<&str>::new());
        assert_eq!(pick(None), ["basic"]);
        assert!(c.set(&profile(), "nope", Credential::Value("v".into())).is_err());
    }

    #[test]
    fn each_kind_goes_where_its_scheme_says() {
        use futures_util::FutureExt;
        let mut c = Credentials::default();
        let p = profile();
        c.set(&p, "key", Credential::Value("k1".into())).unwrap();
        c.set(&p, "basic", Credential::Basic("user".into(), String::new())).unwrap();
        c.render().unwrap();
        let wire = c.resolve(&c.pick(Some(&[&["key", "basic"]]))).now_or_never().unwrap().unwrap();
        let mut url = Url::parse("https://a.test/x").unwrap();
        let mut headers = HeaderMap::new();
        apply(&wire, &mut url, &mut headers).unwrap();
        assert_eq!(headers["x-key"], "k1");
        assert_eq!(headers["authorization"], "Basic dXNlcjo=");
        assert!(headers["authorization"].is_sensitive());
        c.set(&p, "bearer", Credential::Value("tok".into())).unwrap();
        c.alternative.push("bearer");
        c.render().unwrap();
        let wire = c.resolve(&c.pick(Some(&[&["bearer"]]))).now_or_never().unwrap().unwrap();
        let mut headers = HeaderMap::new();
        apply(&wire, &mut url, &mut headers).unwrap();
        assert_eq!(headers["api-key"], "tok");
        assert!(headers.get("authorization").is_none());
    }
}
