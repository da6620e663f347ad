//! Request path → file under the served folder. The one place that decides what a request may
//! read: `..` segments, encoded slashes, backslashes and NUL are refused, and the final file is
//! canonicalised and must lie inside the (canonicalised) output folder, so symlinks cannot escape.

use std::path::{Component, Path, PathBuf};

/// What a request path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A file inside the served folder (canonical path).
    File(PathBuf),
    /// A folder requested without its trailing slash: redirect so relative links work.
    Redirect(String),
}

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Malformed or an attempt to leave the folder (400).
    BadRequest,
    /// Nothing there, or outside the folder after resolving links (404).
    NotFound,
}

/// Percent-decodes a path; `None` for a malformed escape or bytes that are not UTF-8 (the
/// percent-encoding crate passes a `%` without two hex digits through unchanged).
fn percent_decode(s: &str) -> Option<String> {
    let malformed = s.match_indices('%').any(|(i, _)| {
        s.as_bytes()
            .get(i + 1..i + 3)
            .is_none_or(|h| !h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// Characters escaped in a path segment of a redirect's `Location` (RFC 3986 `pchar` keeps the
/// rest): controls, space, and `"#%<>?\^`{|}` — and `/`, which is not part of a segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Resolves the path part of a request URL (no query string) against `root`.
pub(crate) fn resolve_request_path(root: &Path, url_path: &str) -> Result<Resolved, Rejected> {
    if !url_path.starts_with('/') {
        return Err(Rejected::BadRequest);
    }
    let lower = url_path.to_ascii_lowercase();
    if url_path.contains(['\\', '\0']) || ["%2f", "%5c", "%00"].iter().any(|e| lower.contains(e)) {
        return Err(Rejected::BadRequest);
    }
    let decoded = percent_decode(url_path).ok_or(Rejected::BadRequest)?;
    if decoded.contains(['\\', '\0']) {
        return Err(Rejected::BadRequest);
    }
    let mut relative = PathBuf::new();
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(Rejected::BadRequest),
            s => {
                // Exactly one normal component: no drive prefixes or roots on any platform.
                let mut components = Path::new(s).components();
                match (components.next(), components.next()) {
                    (Some(Component::Normal(_)), None) => {
                        relative.push(s);
                        segments.push(s);
                    }
                    _ => return Err(Rejected::BadRequest),
                }
            }
        }
    }
    let root = root.canonicalize().map_err(|_| Rejected::NotFound)?;
    let mut candidate = root.join(&relative);
    if candidate.is_dir() {
        if !decoded.ends_with('/') {
            // Rebuilt from the segments, so it always starts with one `/`: `//host` would be a
            // protocol-relative URL, and the browser would follow it to another site.
            let path: String = segments
                .iter()
                .map(|s| format!("/{}", percent_encoding::utf8_percent_encode(s, SEGMENT)))
                .collect();
            return Ok(Resolved::Redirect(format!("{path}/")));
        }
        candidate.push("index.html");
    }
    let real = candidate.canonicalize().map_err(|_| Rejected::NotFound)?;
    if !real.starts_with(&root) || !real.is_file() {
        return Err(Rejected::NotFound);
    }
    Ok(Resolved::File(real))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("needs")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("needs/index.html"), "needs").unwrap();
        std::fs::write(site.join("a b.txt"), "space").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn serves_files_and_folder_indexes() {
        let dir = site();
        let root = dir.path().join("site");
        let real = root.canonicalize().unwrap();
        assert_eq!(
            resolve_request_path(&root, "/"),
            Ok(Resolved::File(real.join("index.html")))
        );
        assert_eq!(
            resolve_request_path(&root, "/needs/"),
            Ok(Resolved::File(real.join("needs/index.html")))
        );
        assert_eq!(
            resolve_request_path(&root, "/needs"),
            Ok(Resolved::Redirect("/needs/".into()))
        );
        assert_eq!(
            resolve_request_path(&root, "/a%20b.txt"),
            Ok(Resolved::File(real.join("a b.txt")))
        );
        assert_eq!(
            resolve_request_path(&root, "/missing/"),
            Err(Rejected::NotFound)
        );
    }

    #[test]
    fn a_redirect_never_leaves_the_site() {
        let dir = site();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("evil.example").join("a b")).unwrap();
        // `//evil.example/` in a Location header is a protocol-relative URL to another host.
        for (request, location) in [
            ("//evil.example", "/evil.example/"),
            ("///evil.example", "/evil.example/"),
            ("/./evil.example", "/evil.example/"),
            ("//evil.example//a%20b", "/evil.example/a%20b/"),
            ("//needs", "/needs/"),
        ] {
            assert_eq!(
                resolve_request_path(&root, request),
                Ok(Resolved::Redirect(location.into())),
                "{request}"
            );
        }
    }

    #[test]
    fn refuses_to_leave_the_folder() {
        let dir = site();
        let root = dir.path().join("site");
        for bad in [
            "/../secret.txt",
            "/../../etc/passwd",
            "/needs/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/",
            "/.%2e/secret.txt",
            "/needs%2f..%2f..%2fsecret.txt",
            "/needs%2F",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/index.html%00",
            "/%zz",
            "/%c0%ae%c0%ae/secret.txt",
            "relative",
            "",
        ] {
            assert_eq!(
                resolve_request_path(&root, bad),
                Err(Rejected::BadRequest),
                "{bad}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_not_followed() {
        let dir = site();
        let root = dir.path().join("site");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("inside.html")).unwrap();
        assert_eq!(
            resolve_request_path(&root, "/link.txt"),
            Err(Rejected::NotFound)
        );
        assert_eq!(
            resolve_request_path(&root, "/up/secret.txt"),
            Err(Rejected::NotFound)
        );
        assert!(matches!(
            resolve_request_path(&root, "/inside.html"),
            Ok(Resolved::File(_))
        ));
    }
}
