//! Reusing the site a publish put aside as the next build's temporary folder (`serve`): what
//! each site folder holds, by path and content key, so a rebuild writes only the files whose
//! content differs from what the reused folder holds and removes the files the new site lacks,
//! instead of linking every unchanged file into a fresh folder and removing the old site whole.
//!
//! The reused folder is never written through: a file it holds may be a hard link shared with
//! the published site, so a file that must change is unlinked and written anew.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a site folder holds: each file's content key (a page's render key, a held file's content
/// hash; `None` for a file whose content is not keyed, such as a streamed table, which a later
/// build always writes again), and the folder's identity, which follows it through renames and
/// tells it from a folder another build put in its place.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    files: BTreeMap<String, Option<u64>>,
    folder: u64,
}

/// A previous site a tracked commit put aside, with what it holds, for the next tracked build to
/// start from.
#[derive(Debug)]
pub struct Spare {
    pub(super) path: PathBuf,
    pub(super) manifest: Manifest,
}

impl Spare {
    /// Where the spare site is (a leftover the next build removes if this process dies).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A folder's identity: its inode with its creation time where the file system keeps one (an
/// inode number is soon reused once its folder is removed); 0 where there are no inodes, which
/// no folder matches.
pub(super) fn folder_id(path: &Path) -> u64 {
    #[cfg(unix)]
    {
        use std::hash::{Hash, Hasher};
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return 0;
        };
        let mut hasher = std::hash::DefaultHasher::new();
        (meta.dev(), meta.ino(), meta.created().ok()).hash(&mut hasher);
        hasher.finish().max(1)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}

/// The content key of held bytes.
pub(super) fn content_key(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// A tracked staging's bookkeeping: what its folder still holds from the spare it started as that
/// this build has not claimed, and what this build put in it.
#[derive(Default)]
pub(super) struct Tracker {
    left: Mutex<BTreeMap<String, Option<u64>>>,
    written: Mutex<BTreeMap<String, Option<u64>>>,
}

/// What to do with one file of the new site in a tracked staging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    /// The folder already holds this content at this path: nothing to write.
    Held,
    /// The folder holds other content at this path: unlink it, then write.
    Replace,
    /// The folder holds nothing at this path: write (its folder may need creating).
    New,
}

impl Tracker {
    /// A tracker for a folder that starts empty, or as the spare whose manifest is `held`.
    pub(super) fn new(held: Option<Manifest>) -> Tracker {
        Tracker {
            left: Mutex::new(held.map(|m| m.files).unwrap_or_default()),
            written: Mutex::default(),
        }
    }

    /// Records that the new site has `key` at each path, and says for each what writing it takes.
    pub(super) fn claim<'p>(
        &self,
        items: impl Iterator<Item = (&'p str, Option<u64>)>,
    ) -> Result<Vec<Claim>> {
        let poisoned = || anyhow::anyhow!("internal error: a writer thread panicked");
        let mut left = self.left.lock().map_err(|_| poisoned())?;
        let mut written = self.written.lock().map_err(|_| poisoned())?;
        Ok(items
            .map(|(path, key)| {
                written.insert(path.to_string(), key);
                match left.remove(path) {
                    Some(held) if held.is_some() && held == key => Claim::Held,
                    Some(_) => Claim::Replace,
                    None => Claim::New,
                }
            })
            .collect())
    }

    /// Removes from `tmp` the files of the spare that the new site lacks, and then any folder
    /// that removal left empty; returns the new site's manifest.
    pub(super) fn finish(&self, tmp: &Path) -> Result<Manifest> {
        let poisoned = || anyhow::anyhow!("internal error: a writer thread panicked");
        let left = std::mem::take(&mut *self.left.lock().map_err(|_| poisoned())?);
        let mut emptied = std::collections::BTreeSet::new();
        for rel in left.keys() {
            let path = tmp.join(rel);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("removing {}", path.display()));
                }
                _ => {}
            }
            let mut dir = rel.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                emptied.insert(parent.to_string());
                dir = parent;
            }
        }
        // Deepest first, so a folder's emptied subfolders are gone before it is tried; a folder
        // that still holds files stays.
        let mut emptied: Vec<String> = emptied.into_iter().collect();
        emptied.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for dir in emptied {
            let _ = std::fs::remove_dir(tmp.join(dir));
        }
        let files = std::mem::take(&mut *self.written.lock().map_err(|_| poisoned())?);
        Ok(Manifest {
            files,
            folder: folder_id(tmp),
        })
    }
}

/// Takes `spare` as the folder `tmp` of a new site: renamed there when it is still the folder its
/// manifest describes. Returns what it holds, or `None` when it could not be used (then it is
/// removed, and the caller creates `tmp` empty).
pub(super) fn adopt(spare: Spare, tmp: &Path) -> Option<Manifest> {
    let usable = spare.manifest.folder != 0 && folder_id(&spare.path) == spare.manifest.folder;
    if usable && std::fs::rename(&spare.path, tmp).is_ok() {
        return Some(spare.manifest);
    }
    let _ = std::fs::remove_dir_all(&spare.path);
    None
}

/// A spare made from the published site at `out`, which `site` describes (the manifest its
/// tracked commit returned): a folder beside it holding a hard link to each of its files, for a
/// first tracked build that has no earlier site to start from. Takes the output's lock while it
/// links, so no build swaps the site meanwhile; fails where hard links cannot be made.
pub fn spare_of_published(out: &Path, site: &Manifest) -> Result<Spare> {
    let place = super::swap::Place::new(out);
    let _lock = super::lock::OutputLock::acquire(&place.named("lock"), out)?;
    if place.mount || site.folder == 0 || folder_id(out) != site.folder {
        anyhow::bail!("{} is not the site its manifest describes", out.display());
    }
    let path = place.named(&super::swap::unique("trash"));
    let linked = (|| -> Result<()> {
        let dirs: std::collections::BTreeSet<&str> = site
            .files
            .keys()
            .filter_map(|rel| rel.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        for dir in dirs {
            let dir = path.join(dir);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        for rel in site.files.keys() {
            let (from, to) = (out.join(rel), path.join(rel));
            std::fs::hard_link(&from, &to)
                .with_context(|| format!("linking {} to {}", from.display(), to.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = linked {
        let _ = std::fs::remove_dir_all(&path);
        return Err(e);
    }
    let manifest = Manifest {
        files: site.files.clone(),
        folder: folder_id(&path),
    };
    Ok(Spare { path, manifest })
}

/// The previous site a tracked commit put aside at `aside`: a spare when it is the folder
/// `previous` describes (the site this process published last), else `None`.
pub(super) fn spare_of(aside: &Path, previous: Option<Manifest>) -> Option<Spare> {
    let previous = previous.filter(|m| m.folder != 0 && folder_id(aside) == m.folder)?;
    Some(Spare {
        path: aside.to_path_buf(),
        manifest: previous,
    })
}

#[cfg(test)]
mod tests {
    use crate::output::FileBytes;
    use crate::stages::Silent;
    use crate::write::tests::file;
    use crate::write::{OutputFile, Staging};
    use std::path::Path;

    /// Every file and folder under `root` but the marker, with each file's bytes.
    fn tree(root: &Path) -> Vec<(String, Option<Vec<u8>>)> {
        let mut out: Vec<(String, Option<Vec<u8>>)> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() != crate::write::MARKER)
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into();
                let bytes = e
                    .file_type()
                    .is_file()
                    .then(|| std::fs::read(e.path()).unwrap());
                (rel, bytes)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_tracked_build_starts_from_the_spare_and_never_writes_through_the_published_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let publish = |files: &[OutputFile], pages: &[(&str, &[u8], u64)], site, spare| {
            let staging = Staging::begin_tracked(&out, spare).unwrap();
            let pages: Vec<_> = pages
                .iter()
                .map(|(path, bytes, key)| (*path, FileBytes::Plain(bytes), *key))
                .collect();
            staging.write_pages(&pages, false).unwrap();
            staging.write(files, &Silent).unwrap();
            staging.commit_tracked(site).unwrap()
        };
        let page = |key: u64| -> Vec<u8> { format!("page {key}").into_bytes() };
        let (one, two) = (page(1), page(2));
        // Site 1, then site 2 with the same page: the first is kept as the spare.
        let first = publish(
            &[file("a/b/old.txt", b"old")],
            &[("p/index.html", &one, 1)],
            None,
            None,
        );
        assert!(first.spare.is_none(), "no manifest of the site it replaced");
        let second = publish(
            &[file("keep.txt", b"k")],
            &[("p/index.html", &one, 1)],
            Some(first.manifest),
            None,
        );
        let spare = second.spare.expect("the first site is kept");
        assert!(second.remove.is_none());
        assert!(
            spare.path().join("a/b/old.txt").is_file(),
            "the first site, whole"
        );
        // Site 3 from the spare: the page changes, `keep.txt` is the same, `old.txt` goes.
        let spare_path = spare.path().to_path_buf();
        let published_page = std::fs::read(out.join("p/index.html")).unwrap();
        let third = Staging::begin_tracked(&out, Some(spare)).unwrap();
        assert!(!spare_path.exists(), "taken as the new site's folder");
        third
            .write_pages(&[("p/index.html", FileBytes::Plain(&two), 2)], false)
            .unwrap();
        third.write(&[file("keep.txt", b"k")], &Silent).unwrap();
        // Site 2, still published, shares the page's inode with the spare: it is untouched.
        assert_eq!(
            std::fs::read(out.join("p/index.html")).unwrap(),
            published_page
        );
        let third = third.commit_tracked(Some(second.manifest)).unwrap();
        assert_eq!(
            tree(&out),
            [
                ("keep.txt".to_string(), Some(b"k".to_vec())),
                ("p".to_string(), None),
                ("p/index.html".to_string(), Some(two.clone())),
            ],
            "the removed file's emptied folders are gone too"
        );
        // Site 2 is the next spare, whole and as it was published.
        let spare = third.spare.expect("the second site is kept");
        assert_eq!(
            std::fs::read(spare.path().join("p/index.html")).unwrap(),
            one
        );
        assert_eq!(std::fs::read(spare.path().join("keep.txt")).unwrap(), b"k");
    }

    #[test]
    fn a_first_tracked_build_s_site_gives_a_spare_of_links() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let staging = Staging::begin_tracked(&out, None).unwrap();
        staging
            .write(&[file("a/x.txt", b"1"), file("b/y.txt", b"2")], &Silent)
            .unwrap();
        let first = staging.commit_tracked(None).unwrap();
        assert!(first.spare.is_none(), "no earlier site to keep");
        let spare = super::spare_of_published(&out, &first.manifest).unwrap();
        assert_eq!(
            tree(spare.path()),
            tree(&out),
            "a copy of the published site"
        );
        let staging = Staging::begin_tracked(&out, Some(spare)).unwrap();
        staging.write(&[file("a/x.txt", b"3")], &Silent).unwrap();
        // The copy's files are links to the published ones: replaced, never written through.
        assert_eq!(std::fs::read(out.join("a/x.txt")).unwrap(), b"1");
        let second = staging.commit_tracked(Some(first.manifest)).unwrap();
        assert_eq!(
            tree(&out),
            [
                ("a".to_string(), None),
                ("a/x.txt".to_string(), Some(b"3".to_vec())),
            ]
        );
        // A manifest that does not describe the published site gives no spare.
        crate::write::publish(&out, &[file("z.txt", b"z")]).unwrap();
        assert!(super::spare_of_published(&out, &second.manifest).is_err());
    }

    #[test]
    fn a_spare_that_is_not_the_site_its_manifest_describes_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let staging = Staging::begin_tracked(&out, None).unwrap();
        staging.write(&[file("x.txt", b"1")], &Silent).unwrap();
        let first = staging.commit_tracked(None).unwrap();
        let staging = Staging::begin_tracked(&out, None).unwrap();
        staging.write(&[file("x.txt", b"2")], &Silent).unwrap();
        let second = staging.commit_tracked(Some(first.manifest)).unwrap();
        let spare = second.spare.expect("kept");
        // Another folder put in its place (another tool, a user): removed, not trusted.
        // (The old folder is removed only after, so its inode cannot be the new one's.)
        let path = spare.path().to_path_buf();
        let moved = dir.path().join("moved");
        std::fs::rename(&path, &moved).unwrap();
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("stray.txt"), "?").unwrap();
        std::fs::remove_dir_all(&moved).unwrap();
        let staging = Staging::begin_tracked(&out, Some(spare)).unwrap();
        assert!(!path.exists());
        staging.write(&[file("x.txt", b"3")], &Silent).unwrap();
        let third = staging.commit_tracked(Some(second.manifest)).unwrap();
        assert_eq!(tree(&out), [("x.txt".to_string(), Some(b"3".to_vec()))]);
        // A site published by another build in between is not the one the manifest describes.
        crate::write::publish(&out, &[file("y.txt", b"y")]).unwrap();
        let staging = Staging::begin_tracked(&out, third.spare).unwrap();
        staging.write(&[file("x.txt", b"4")], &Silent).unwrap();
        let fourth = staging.commit_tracked(Some(third.manifest)).unwrap();
        assert!(fourth.spare.is_none());
        let removed = fourth.remove.expect("to remove");
        assert!(removed.join("y.txt").is_file());
        assert_eq!(tree(&out), [("x.txt".to_string(), Some(b"4".to_vec()))]);
    }
}
