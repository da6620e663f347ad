//! The memo of loading that `serve` keeps between builds: what each input file gave (its tables,
//! or what its reader made of it) and the diagnostics reading it produced, keyed by the file's
//! size, modification time and content hash, so an unchanged file is not read again and a
//! cached file's warnings still appear in every build. Loading stays the only stage that reads:
//! this module stats and hashes files on `load`'s behalf and holds plain values.

use crate::diagnostics::Diagnostics;
use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a reader made of one file: any type, shared with the load that reuses it.
type Value = Arc<dyn Any + Send + Sync>;

/// A file's size, modification time and (on Unix) inode and change time: when all are unchanged
/// the file is taken as unchanged. The inode catches an editor's save that renames a new file over
/// the old one within the file system's timestamp granularity.
type Stamp = (u64, Option<SystemTime>, u64, i64, i64);

/// A file read by [`LoadCache::files`]: the reader's value, its diagnostics, and the file's stamp
/// once read.
type Fresh<T> = (Arc<T>, Diagnostics, Option<Stamp>);

/// One file as a previous load read it.
struct Entry {
    stamp: Stamp,
    /// The hash of the bytes the reader read.
    hash: u64,
    /// What else the reader's result depends on (settings, limits), as a hash.
    params: u64,
    value: Value,
    /// The diagnostics reading the file produced, replayed whenever the value is reused.
    diags: Diagnostics,
}

/// A part of the model computed from several files (e.g. all of `needs/`), with the key of the
/// files it came from and the diagnostics computing it produced.
struct Section {
    key: u64,
    value: Value,
    diags: Diagnostics,
}

/// How the last load came by its input files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileReads {
    /// Files read from disk and given to their reader, in load order.
    pub read: Vec<String>,
    /// Files whose size or modification time moved but whose bytes did not: read only to hash
    /// them; what they gave before was reused.
    pub hashed: Vec<String>,
}

/// The part of a [`LoadCache`] for one folder, loaded beside the rest (see
/// [`LoadCache::split_off`]): the cache it uses, and where its reads go among the others'.
pub(crate) struct CachePart {
    pub(crate) cache: LoadCache,
    at: (usize, usize),
}

/// The per-file memo of loading. `LoadCache::default()` remembers each file from one load to the
/// next; `LoadCache::disabled()` remembers nothing (a `build` or `check` reads every file once).
#[derive(Default)]
pub struct LoadCache {
    disabled: bool,
    files: BTreeMap<String, Entry>,
    sections: BTreeMap<&'static str, Section>,
    reads: FileReads,
    seen: BTreeSet<String>,
}

/// The size and modification time of the file at `path`, following no special case: `None` when
/// it cannot be read (the reader then says why).
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let (inode, ctime, ctime_ns) = {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let (inode, ctime, ctime_ns) = (0, 0, 0);
    meta.is_file()
        .then(|| (meta.len(), meta.modified().ok(), inode, ctime, ctime_ns))
}

/// The hash of a file's bytes.
fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// The hash of the file at `path` as stamped `before`: `None` when it could not be stamped or
/// read, or is larger than `max_hashed` (such a file is not kept).
fn file_hash(path: &Path, before: Option<Stamp>, max_hashed: u64) -> Option<u64> {
    before
        .filter(|(size, ..)| *size <= max_hashed)
        .and_then(|_| std::fs::read(path).ok())
        .map(|bytes| content_hash(&bytes))
}

/// A hash of whatever else a reader depends on (settings it is given), for [`LoadCache::file`].
pub fn params_of(value: &impl std::fmt::Debug) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    format!("{value:?}").hash(&mut hasher);
    hasher.finish()
}

impl LoadCache {
    /// A cache that remembers nothing: every file is read by its reader, and neither hashed nor
    /// kept.
    pub fn disabled() -> Self {
        LoadCache {
            disabled: true,
            ..LoadCache::default()
        }
    }

    /// Starts a load: forgets which files the last one read.
    pub(crate) fn begin(&mut self) {
        self.reads = FileReads::default();
        self.seen.clear();
    }

    /// Ends a load: forgets the files it did not meet (deleted or no longer inputs).
    pub(crate) fn end(&mut self) {
        let seen = std::mem::take(&mut self.seen);
        self.files.retain(|rel, _| seen.contains(rel));
    }

    /// How the last load came by its files.
    pub fn reads(&self) -> &FileReads {
        &self.reads
    }

    /// What `read` makes of the file at `path` (shown as `rel`), with the diagnostics it gave
    /// pushed to `diags`. Reused without reading when the file's size and modification time are
    /// unchanged, or when they moved but its bytes hash the same, and `params` (what else `read`
    /// depends on) is the same; otherwise `read` reads the file. A file that changed while it was
    /// read, or that cannot be hashed (unreadable, or larger than `max_hashed`), is not kept.
    pub(crate) fn file<T: Send + Sync + 'static>(
        &mut self,
        path: &Path,
        rel: &str,
        params: u64,
        max_hashed: u64,
        diags: &mut Diagnostics,
        read: impl FnOnce(&mut Diagnostics) -> T,
    ) -> Arc<T> {
        let mut own = Diagnostics::new();
        if self.disabled {
            let value = Arc::new(read(&mut own));
            diags.extend(own);
            return value;
        }
        self.seen.insert(rel.to_string());
        let before = stamp(path);
        if let Some(value) = self.reuse(rel, params, before, None, diags) {
            return value;
        }
        let hash = file_hash(path, before, max_hashed);
        if let Some(value) = self.reuse(rel, params, before, hash, diags) {
            self.reads.hashed.push(rel.to_string());
            return value;
        }
        let value = Arc::new(read(&mut own));
        self.keep(rel, params, before, stamp(path), hash, &value, &own);
        diags.extend(own);
        value
    }

    /// Records that `rel` was read, and keeps what its reader made of it when the file could be
    /// hashed and did not change while it was read (its stamp `after` is the one from `before`).
    #[allow(clippy::too_many_arguments)]
    fn keep<T: Send + Sync + 'static>(
        &mut self,
        rel: &str,
        params: u64,
        before: Option<Stamp>,
        after: Option<Stamp>,
        hash: Option<u64>,
        value: &Arc<T>,
        own: &Diagnostics,
    ) {
        self.reads.read.push(rel.to_string());
        match (before, hash) {
            (Some(before), Some(hash)) if after == Some(before) => {
                let entry = Entry {
                    stamp: before,
                    hash,
                    params,
                    value: value.clone(),
                    diags: own.clone(),
                };
                self.files.insert(rel.to_string(), entry);
            }
            _ => {
                self.files.remove(rel);
            }
        }
    }

    /// [`LoadCache::file`] for several files with one reader: the files to hash, and those to
    /// read, are hashed and read in parallel. The values, their diagnostics and the reads
    /// recorded come in the order of `files`, as from one [`LoadCache::file`] after another.
    pub(crate) fn files<T: Send + Sync + 'static>(
        &mut self,
        files: &[(PathBuf, String)],
        params: u64,
        max_hashed: u64,
        diags: &mut Diagnostics,
        read: impl Fn(&Path, &str, &mut Diagnostics) -> T + Sync,
    ) -> Vec<Arc<T>> {
        use rayon::prelude::*;
        let keeping = !self.disabled;
        // Each file's value once known (reused by its stamp, then by its hash), the diagnostics
        // to give in its place, and its stamp before it was read.
        let mut known: Vec<(Option<Arc<T>>, Diagnostics, Option<Stamp>)> = Vec::new();
        for (path, rel) in files {
            let mut own = Diagnostics::new();
            let mut before = None;
            let mut value = None;
            if keeping {
                self.seen.insert(rel.clone());
                before = stamp(path);
                value = self.reuse(rel, params, before, None, &mut own);
            }
            known.push((value, own, before));
        }
        let hashes: Vec<Option<u64>> = files
            .par_iter()
            .zip(&known)
            .map(|((path, _), (value, _, before))| {
                let wanted = keeping && value.is_none();
                wanted
                    .then(|| file_hash(path, *before, max_hashed))
                    .flatten()
            })
            .collect();
        let mut hashed = vec![false; files.len()];
        for (i, (_, rel)) in files.iter().enumerate() {
            let (value, own, before) = &mut known[i];
            if keeping && value.is_none() {
                *value = self.reuse(rel, params, *before, hashes[i], own);
                hashed[i] = value.is_some();
            }
        }
        let fresh: Vec<Option<Fresh<T>>> = files
            .par_iter()
            .zip(&known)
            .map(|((path, rel), (value, ..))| {
                value.is_none().then(|| {
                    let mut own = Diagnostics::new();
                    let value = Arc::new(read(path, rel, &mut own));
                    (value, own, stamp(path))
                })
            })
            .collect();
        let mut values = Vec::with_capacity(files.len());
        for (i, fresh) in fresh.into_iter().enumerate() {
            let rel = &files[i].1;
            let (value, own) = match fresh {
                Some((value, own, after)) => {
                    if keeping {
                        self.keep(rel, params, known[i].2, after, hashes[i], &value, &own);
                    }
                    (value, own)
                }
                None => {
                    if hashed[i] {
                        self.reads.hashed.push(rel.clone());
                    }
                    let (value, own, _) = std::mem::take(&mut known[i]);
                    (value.expect("a file not read was reused"), own)
                }
            };
            diags.extend(own);
            values.push(value);
        }
        values
    }

    /// The cached value of `rel` when it is still good: by its stamp when `hash` is `None`, else
    /// by its hash (then the entry takes the new stamp).
    fn reuse<T: Send + Sync + 'static>(
        &mut self,
        rel: &str,
        params: u64,
        now: Option<Stamp>,
        hash: Option<u64>,
        diags: &mut Diagnostics,
    ) -> Option<Arc<T>> {
        let now = now?;
        let entry = self.files.get_mut(rel)?;
        let same = match hash {
            None => entry.stamp == now && now.1.is_some(),
            Some(hash) => entry.hash == hash,
        };
        if !same || entry.params != params {
            return None;
        }
        let value = entry.value.clone().downcast::<T>().ok()?;
        entry.stamp = now;
        diags.extend(entry.diags.clone());
        Some(value)
    }

    /// The content hash of `rel` as this load met it, if it is kept.
    fn hash_of(&self, rel: &str) -> Option<u64> {
        self.files
            .get(rel)
            .filter(|_| self.seen.contains(rel))
            .map(|e| e.hash ^ e.params.rotate_left(1))
    }

    /// A part of the model computed by `compute` from the files `rels` (all of them met by this
    /// load through [`LoadCache::file`]) and `params`: the previous result, with its diagnostics,
    /// when every file and `params` are as they were; otherwise computed again.
    pub(crate) fn section<T: Clone + Send + Sync + 'static>(
        &mut self,
        name: &'static str,
        rels: &[&str],
        params: u64,
        diags: &mut Diagnostics,
        compute: impl FnOnce(&mut Diagnostics) -> T,
    ) -> T {
        let key = (!self.disabled)
            .then(|| self.section_key(rels, params))
            .flatten();
        if let (Some(key), Some(section)) = (key, self.sections.get(name)) {
            if section.key == key {
                if let Some(value) = section.value.downcast_ref::<T>() {
                    diags.extend(section.diags.clone());
                    return value.clone();
                }
            }
        }
        let mut own = Diagnostics::new();
        let value = compute(&mut own);
        match key {
            Some(key) => {
                let section = Section {
                    key,
                    value: Arc::new(value.clone()),
                    diags: own.clone(),
                };
                self.sections.insert(name, section);
            }
            None => {
                self.sections.remove(name);
            }
        }
        diags.extend(own);
        value
    }

    /// The cache of the files under `folder/` and of the section `section`, taken out so that
    /// one folder can be loaded alongside the others; [`LoadCache::rejoin`] puts it back.
    pub(crate) fn split_off(&mut self, folder: &str, section: &'static str) -> CachePart {
        // The keys from `folder/` up to `folder0` (`0` follows `/`) are the folder's files.
        let mut files = self.files.split_off(format!("{folder}/").as_str());
        let mut after = files.split_off(format!("{folder}0").as_str());
        self.files.append(&mut after);
        let sections = self
            .sections
            .remove_entry(section)
            .into_iter()
            .collect::<BTreeMap<_, _>>();
        CachePart {
            cache: LoadCache {
                disabled: self.disabled,
                files,
                sections,
                ..LoadCache::default()
            },
            at: (self.reads.read.len(), self.reads.hashed.len()),
        }
    }

    /// Puts back a part taken by [`LoadCache::split_off`] and used since: its files and
    /// section, the files it met, and its reads, recorded where they would have been had the
    /// folder been loaded at the moment it was split off.
    pub(crate) fn rejoin(&mut self, part: CachePart) {
        let CachePart { cache, at } = part;
        self.files.extend(cache.files);
        self.sections.extend(cache.sections);
        self.seen.extend(cache.seen);
        self.reads.read.splice(at.0..at.0, cache.reads.read);
        self.reads.hashed.splice(at.1..at.1, cache.reads.hashed);
    }

    /// The key of a section's files and parameters; `None` when a file is not kept.
    fn section_key(&self, rels: &[&str], params: u64) -> Option<u64> {
        let mut hasher = std::hash::DefaultHasher::new();
        params.hash(&mut hasher);
        for rel in rels {
            (rel, self.hash_of(rel)?).hash(&mut hasher);
        }
        Some(hasher.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Location};

    /// Reads a file as its text, with a warning naming it: the diagnostics show the order.
    fn read(path: &Path, rel: &str, d: &mut Diagnostics) -> String {
        d.push(Diagnostic::warning(rel, Location::File, "read"));
        std::fs::read_to_string(path).unwrap()
    }

    fn warned(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| d.file.clone()).collect()
    }

    #[test]
    fn files_reads_in_parallel_what_file_by_file_would_read() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(PathBuf, String)> = ["a.csv", "b.csv", "c.csv"]
            .iter()
            .map(|name| {
                let path = dir.path().join(name);
                std::fs::write(&path, format!("{name} 1")).unwrap();
                (path, name.to_string())
            })
            .collect();
        let mut cache = LoadCache::default();
        cache.begin();
        let mut d = Diagnostics::new();
        let first = cache.files(&files, 0, u64::MAX, &mut d, read);
        assert_eq!(*first[2], "c.csv 1");
        assert_eq!(cache.reads().read, ["a.csv", "b.csv", "c.csv"]);
        assert_eq!(warned(&d), ["a.csv", "b.csv", "c.csv"]);
        cache.end();

        // b touched without a change (hashed, reused), c changed (read), a as it was.
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&files[1].0)
            .unwrap()
            .set_modified(later)
            .unwrap();
        std::fs::write(&files[2].0, "c.csv 2").unwrap();
        cache.begin();
        let mut d = Diagnostics::new();
        let second = cache.files(&files, 0, u64::MAX, &mut d, read);
        let texts: Vec<&str> = second.iter().map(|v| v.as_str()).collect();
        assert_eq!(texts, ["a.csv 1", "b.csv 1", "c.csv 2"]);
        assert!(Arc::ptr_eq(&first[0], &second[0]) && Arc::ptr_eq(&first[1], &second[1]));
        assert_eq!(cache.reads().read, ["c.csv"]);
        assert_eq!(cache.reads().hashed, ["b.csv"]);
        // A reused file's warnings are given again, in their place.
        assert_eq!(warned(&d), ["a.csv", "b.csv", "c.csv"]);

        // Without a cache every file is read, and nothing is recorded.
        let mut none = LoadCache::disabled();
        let mut d = Diagnostics::new();
        let read_all = none.files(&files, 0, u64::MAX, &mut d, read);
        assert_eq!(*read_all[2], "c.csv 2");
        assert_eq!(none.reads(), &FileReads::default());
        assert_eq!(warned(&d), ["a.csv", "b.csv", "c.csv"]);
    }

    #[test]
    fn a_folder_split_off_and_rejoined_is_kept_and_recorded_as_if_loaded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("needs")).unwrap();
        let file = |rel: &str| {
            let path = dir.path().join(rel);
            std::fs::write(&path, format!("{rel} 1")).unwrap();
            (path, rel.to_string())
        };
        let (config, needs, needs_too, maps) = (
            file("commission.toml"),
            file("needs/values.csv"),
            file("needs.csv"),
            file("maps.json"),
        );
        let load = |cache: &mut LoadCache, d: &mut Diagnostics| {
            cache.begin();
            cache.file(&config.0, &config.1, 0, u64::MAX, d, |d| {
                read(&config.0, &config.1, d)
            });
            let mut part = cache.split_off("needs", "needs");
            let mut own = Diagnostics::new();
            let from_needs = part
                .cache
                .file(&needs.0, &needs.1, 0, u64::MAX, &mut own, |d| {
                    read(&needs.0, &needs.1, d)
                });
            let rels = [needs.1.as_str()];
            let section = part.cache.section("needs", &rels, 0, &mut own, |_| {
                format!("model of {from_needs}")
            });
            for (path, rel) in [&needs_too, &maps] {
                cache.file(path, rel, 0, u64::MAX, d, |d| read(path, rel, d));
            }
            cache.rejoin(part);
            cache.end();
            section
        };
        let mut cache = LoadCache::default();
        let mut d = Diagnostics::new();
        assert_eq!(load(&mut cache, &mut d), "model of needs/values.csv 1");
        assert_eq!(
            cache.reads().read,
            [
                "commission.toml",
                "needs/values.csv",
                "needs.csv",
                "maps.json"
            ]
        );
        // `needs.csv` (beside the folder, not in it) stayed with the rest.
        assert_eq!(warned(&d), ["commission.toml", "needs.csv", "maps.json"]);

        // Nothing changed: every file, and the section, reused after the rejoin.
        let mut d = Diagnostics::new();
        assert_eq!(load(&mut cache, &mut d), "model of needs/values.csv 1");
        assert!(cache.reads().read.is_empty());
        assert_eq!(warned(&d), ["commission.toml", "needs.csv", "maps.json"]);

        // A file in the folder and one outside it changed: each read again, in its place.
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        for (path, text) in [(&needs.0, "needs/values.csv 2"), (&maps.0, "maps.json 2")] {
            std::fs::write(path, text).unwrap();
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(later).unwrap();
        }
        let mut d = Diagnostics::new();
        assert_eq!(load(&mut cache, &mut d), "model of needs/values.csv 2");
        assert_eq!(cache.reads().read, ["needs/values.csv", "maps.json"]);
    }
}
