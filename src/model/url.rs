//! The one policy for every address that reaches the published site (base address, licence,
//! front-matter links, notice and document links): a web address (`http`, `https`) with a host,
//! or for a link also `mailto:`; nothing else, and no spaces or control characters.

/// What an address is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// A web page or file (the site's base address, a licence, a notice): `http` or `https`.
    Web,
    /// A link a reader follows: `http`, `https` or `mailto`.
    Link,
}

/// Why an address is refused, as a diagnostic's message.
pub fn check_url(url: &str, usage: UrlUse) -> Result<(), &'static str> {
    let refused = match usage {
        UrlUse::Web => "not an http(s) address",
        UrlUse::Link => "not an http, https or mailto address",
    };
    // A URL parser drops tabs and newlines silently; a published address must not hold them.
    if url.is_empty()
        || url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>' | '`'))
    {
        return Err(refused);
    }
    let Ok(parsed) = ::url::Url::parse(url) else {
        return Err(refused);
    };
    match parsed.scheme() {
        // The host as written, not as a parser repairs it (`http:///x` reads as host `x`).
        "http" | "https"
            if parsed.host_str().is_some_and(|h| !h.is_empty())
                && url
                    .split_once("://")
                    .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/')) =>
        {
            Ok(())
        }
        "mailto" if usage == UrlUse::Link && parsed.path().contains('@') => Ok(()),
        _ => Err(refused),
    }
}

/// The hint every refused address gets.
pub fn url_hint(usage: UrlUse) -> &'static str {
    match usage {
        UrlUse::Web => "use a web address such as https://example.gov.uk/page",
        UrlUse::Link => {
            "use a web address such as https://example.gov.uk/page, or mailto:name@example.gov.uk"
        }
    }
}

/// An email address fit for a `mailto:` link: one `@` with text either side, nothing a link or
/// a page could be broken by.
pub fn check_email(address: &str) -> Result<(), &'static str> {
    let ok = address.split('@').count() == 2
        && !address.starts_with('@')
        && !address.ends_with('@')
        && !address.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(c, '"' | '<' | '>' | '`' | '?' | '&' | '#' | '/' | ':')
        });
    if ok {
        Ok(())
    } else {
        Err("not an email address")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_and_mail_links_pass() {
        for ok in [
            "https://example.gov.uk/commissioning/",
            "http://localhost:8000/",
            "HTTPS://EXAMPLE.ORG/x?y=1#z",
        ] {
            assert_eq!(check_url(ok, UrlUse::Web), Ok(()), "{ok}");
            assert_eq!(check_url(ok, UrlUse::Link), Ok(()), "{ok}");
        }
        assert_eq!(check_url("mailto:a@b.org", UrlUse::Link), Ok(()));
        assert_eq!(
            check_url("mailto:a@b.org", UrlUse::Web),
            Err("not an http(s) address")
        );
        for bad in [
            "javascript:alert(1)",
            "javascript:alert(1)//",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "https://",
            "http:///path",
            "https://exa\tmple.org/",
            "https://example.org/\n",
            " https://example.org/",
            "https://example.org/\"onmouseover=\"x",
            "//example.org/",
            "example.org",
            "",
            "mailto:",
        ] {
            assert!(check_url(bad, UrlUse::Link).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn email_addresses_for_mail_links() {
        assert_eq!(check_email("access@northbridge.gov.uk"), Ok(()));
        for bad in [
            "a@b@c",
            "a@b.example\" onload=\"alert(1)",
            "@b",
            "a@",
            "a b@c",
            "a@c?subject=x",
            "a\"@c",
            "plain",
        ] {
            assert_eq!(check_email(bad), Err("not an email address"), "{bad}");
        }
    }
}
