//! Helpers shared by the integration tests: copying the sample project and hashing a built site.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// Copies a project folder (files only, no symlinks) into `to`.
pub fn copy_project(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The sample project shipped with the repository.
pub fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// Every file of a folder: `/`-separated relative path → (hash of bytes, modification time).
pub fn snapshot(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::hash::{Hash, Hasher};
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::fs::read(entry.path()).unwrap().hash(&mut hasher);
        let mtime = entry.metadata().unwrap().modified().unwrap();
        out.insert(rel, (hasher.finish(), mtime));
    }
    out
}
