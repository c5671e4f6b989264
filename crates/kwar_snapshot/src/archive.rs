//! The bundle as a gzip'd tar file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::bundle::parse_header;
use crate::{Bundle, BundleFile, SnapshotError, CLUSTER_FILE, README_FILE};

/// Whether `path` names a snapshot bundle (`.tar.gz` or `.tgz`) rather than manifests.
pub fn is_bundle_path(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

/// Reads a bundle written by [`write_tar_gz`] (or repacked by hand with `tar czf`: a leading
/// `./` and directory entries are accepted). The header must be a kwar Cluster object.
pub fn read_tar_gz(path: &Path) -> Result<Bundle, SnapshotError> {
    let file = File::open(path).map_err(|source| SnapshotError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let format = |e: std::io::Error| SnapshotError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let unsafe_entry = |entry: String, problem: &'static str| SnapshotError::UnsafeEntry {
        path: path.to_path_buf(),
        entry,
        problem,
    };
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let mut bundle = Bundle::default();
    for entry in archive.entries().map_err(format)? {
        let mut entry = entry.map_err(format)?;
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let entry_type = entry.header().entry_type();
        if entry_type.is_dir() {
            continue;
        }
        // pax headers carry metadata for the next entry; the tar crate applies them itself.
        if entry_type.is_pax_global_extensions() || entry_type.is_pax_local_extensions() {
            continue;
        }
        if !entry_type.is_file() {
            return Err(unsafe_entry(raw_name, "is not a regular file"));
        }
        let entry_path = entry.path().map_err(format)?.into_owned();
        let name = relative_name(&entry_path)
            .map_err(|problem| unsafe_entry(raw_name.clone(), problem))?;
        if bundle.files.iter().any(|f| f.path == name) {
            return Err(unsafe_entry(raw_name, "appears twice"));
        }
        let mut bytes = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        entry.read_to_end(&mut bytes).map_err(format)?;
        bundle.files.push(BundleFile { path: name, bytes });
    }
    let Some(header) = bundle.files.iter().position(|f| f.path == CLUSTER_FILE) else {
        return Err(SnapshotError::NotASnapshot {
            path: path.to_path_buf(),
        });
    };
    parse_header(&bundle.files[header].bytes, path)?;
    let header = bundle.files.remove(header);
    bundle.files.insert(0, header);
    Ok(bundle)
}

/// The entry's path as a `/`-separated relative name, or why it is refused: nothing in a
/// bundle may point outside it.
fn relative_name(path: &Path) -> Result<String, &'static str> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                parts.push(part.to_str().ok_or("has a name that is not UTF-8")?)
            }
            Component::CurDir => {}
            Component::ParentDir => return Err("climbs out with `..`"),
            Component::RootDir | Component::Prefix(_) => return Err("has an absolute path"),
        }
    }
    if parts.is_empty() {
        return Err("has an empty name");
    }
    Ok(parts.join("/"))
}

/// Writes the bundle as a gzip'd tar: `cluster.json` first, the resource files in path
/// order, `README.md` last, every entry mode 0644 owned by root and dated at the collection
/// time, so the same snapshot always gives the same bytes. The file appears only when
/// complete (written to a temporary file beside it, then renamed).
pub fn write_tar_gz(bundle: &Bundle, path: &Path) -> Result<(), SnapshotError> {
    let write_error = |source: std::io::Error| SnapshotError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The temporary file is created owner-only (0600) and keeps that mode: the bundle
    // describes the cluster's whole configuration, like a kubeconfig does.
    let temp = tempfile::Builder::new()
        .prefix(".kwar-snapshot-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_error)?;
    let mtime = bundle
        .file(CLUSTER_FILE)
        .and_then(|f| collected_at_seconds(&f.bytes))
        .unwrap_or(0);

    let gz = GzEncoder::new(BufWriter::new(temp.as_file()), Compression::default());
    let mut tar = tar::Builder::new(gz);
    for file in ordered(bundle) {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        header.set_size(file.bytes.len() as u64);
        tar.append_data(&mut header, &file.path, file.bytes.as_slice())
            .map_err(write_error)?;
    }
    let gz = tar.into_inner().map_err(write_error)?;
    let mut buffered = gz.finish().map_err(write_error)?;
    buffered.flush().map_err(write_error)?;
    drop(buffered);
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}

fn ordered(bundle: &Bundle) -> Vec<&BundleFile> {
    let rank = |f: &BundleFile| match f.path.as_str() {
        CLUSTER_FILE => 0,
        README_FILE => 2,
        _ => 1,
    };
    let mut files: Vec<&BundleFile> = bundle.files.iter().collect();
    files.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(&b.path)));
    files
}

fn collected_at_seconds(header: &[u8]) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_slice(header).ok()?;
    let text = value.get("spec")?.get("collectedAt")?.as_str()?;
    let time = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    u64::try_from(time.timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{list_document, ClusterObject, ClusterSpec, Source, README};
    use serde_json::json;

    fn sample() -> Bundle {
        let mut spec = ClusterSpec::new(Source::Live, true);
        spec.collected_at = Some("2026-11-28T03:00:00Z".into());
        let pods =
            list_document(&[json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}})]);
        Bundle {
            files: vec![
                BundleFile::new(
                    CLUSTER_FILE,
                    ClusterObject::new("test", spec).to_json_pretty(),
                ),
                BundleFile::new("resources/core/v1/pods.json", pods),
                BundleFile::new(README_FILE, README),
            ],
        }
    }

    #[test]
    fn round_trip_write_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snap.tar.gz");
        let bundle = sample();
        write_tar_gz(&bundle, &path).unwrap();
        let back = read_tar_gz(&path).unwrap();
        assert_eq!(back, bundle);
        assert_eq!(back.cluster(&path).unwrap().metadata.name, "test");
        // Nothing but the bundle is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn writing_is_deterministic_with_mode_0644() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.tgz"), dir.path().join("b.tgz"));
        let mut bundle = sample();
        write_tar_gz(&bundle, &a).unwrap();
        bundle.files.reverse();
        write_tar_gz(&bundle, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

        let mut archive = tar::Archive::new(GzDecoder::new(File::open(&a).unwrap()));
        let mut names = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            assert_eq!(entry.header().mode().unwrap(), 0o644);
            names.push(entry.path().unwrap().display().to_string());
        }
        assert_eq!(
            names,
            [CLUSTER_FILE, "resources/core/v1/pods.json", README_FILE]
        );
    }

    fn raw_tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for (name, bytes) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            // Bypass the builder's path checks, which refuse `..` themselves.
            let raw = header.as_old_mut();
            raw.name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            tar.append(&header, *bytes).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    fn read_bytes(bytes: &[u8]) -> Result<Bundle, SnapshotError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tar.gz");
        std::fs::write(&path, bytes).unwrap();
        read_tar_gz(&path)
    }

    #[test]
    fn refuses_entries_outside_the_bundle() {
        let header = sample().files[0].bytes.clone();
        for (name, problem) in [("../evil.json", "`..`"), ("/etc/passwd", "absolute")] {
            let tar = raw_tar(&[(CLUSTER_FILE, &header), (name, b"{}")]);
            let err = read_bytes(&tar).unwrap_err();
            assert!(matches!(err, SnapshotError::UnsafeEntry { .. }), "{err}");
            assert!(err.to_string().contains(problem), "{err}");
        }
    }

    #[test]
    fn a_tar_without_cluster_json_is_not_a_snapshot() {
        let err = read_bytes(&raw_tar(&[("resources/core/v1/pods.json", b"{}")])).unwrap_err();
        assert!(matches!(err, SnapshotError::NotASnapshot { .. }));
        assert!(err.to_string().contains("is not a kwar snapshot"), "{err}");
    }

    #[test]
    fn hand_repacked_bundles_with_dot_slash_are_read() {
        let header = sample().files[0].bytes.clone();
        let bundle = read_bytes(&raw_tar(&[("./cluster.json", &header)])).unwrap();
        assert_eq!(bundle.files[0].path, CLUSTER_FILE);
    }

    #[test]
    fn other_errors_are_typed_with_the_path() {
        let err = read_bytes(b"not gzip at all").unwrap_err();
        assert!(matches!(err, SnapshotError::Format { .. }), "{err}");
        assert!(err.to_string().contains("x.tar.gz"), "{err}");
        let err = read_bytes(&raw_tar(&[(CLUSTER_FILE, b"{\"kind\":\"Pod\"}")])).unwrap_err();
        assert!(matches!(err, SnapshotError::Header { .. }), "{err}");
        let err = read_tar_gz(Path::new("/nonexistent/snap.tgz")).unwrap_err();
        assert!(matches!(err, SnapshotError::Read { .. }), "{err}");
    }

    #[test]
    fn bundle_paths_are_tar_gz_or_tgz() {
        assert!(is_bundle_path(Path::new("out/snap.tar.gz")));
        assert!(is_bundle_path(Path::new("SNAP.TGZ")));
        assert!(!is_bundle_path(Path::new("deploy.yaml")));
        assert!(!is_bundle_path(Path::new("archive.tar")));
    }
}
