//! The memo of loading that `serve` keeps between builds: what each input file gave (its tables,
//! or what its reader made of it) and the diagnostics reading it produced, keyed by the file's
//! size, modification time and content hash, so an unchanged file is not read again and a
//! cached file's warnings still appear in every build. Loading stays the only stage that reads:
//! this module stats and hashes files on `load`'s behalf and holds plain values.

use crate::diagnostics::Diagnostics;
use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

/// What a reader made of one file: any type, shared with the load that reuses it.
type Value = Arc<dyn Any + Send + Sync>;

/// A file's size, modification time and (on Unix) inode and change time: when all are unchanged
/// the file is taken as unchanged. The inode catches an editor's save that renames a new file over
/// the old one within the file system's timestamp granularity.
type Stamp = (u64, Option<SystemTime>, u64, i64, i64);

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
        let hash = before
            .filter(|(size, ..)| *size <= max_hashed)
            .and_then(|_| std::fs::read(path).ok())
            .map(|bytes| content_hash(&bytes));
        if let Some(value) = self.reuse(rel, params, before, hash, diags) {
            self.reads.hashed.push(rel.to_string());
            return value;
        }
        let value = Arc::new(read(&mut own));
        self.reads.read.push(rel.to_string());
        match (before, hash) {
            (Some(before), Some(hash)) if stamp(path) == Some(before) => {
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
        diags.extend(own);
        value
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
