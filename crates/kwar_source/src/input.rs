use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ignore::WalkBuilder;

use crate::InputError;

/// How inputs are gathered.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Render directories holding a `kustomization.yaml` with `kubectl kustomize` or
    /// `kustomize build` instead of reading their files one by one.
    pub kustomize: bool,
}

/// How a text came to be read; decides whether a file without manifests is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Named on the command line (or stdin): it must hold manifests.
    Named,
    /// Met while walking a directory: a file without manifests is skipped.
    Walked,
    /// Output of a kustomize build.
    Rendered,
    /// A resource file of a cluster snapshot or live collection: an empty list is evidence
    /// (nothing of that kind exists), not a mistake.
    Collected,
}

/// One input's text and its display name.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub name: Arc<str>,
    pub text: String,
    pub origin: Origin,
}

/// An input to read: a file is only opened when its turn comes in the parallel read, so the
/// texts of a large tree are never all in memory at once.
#[derive(Debug, Clone)]
pub enum Input {
    File { path: PathBuf, origin: Origin },
    Text(SourceText),
}

impl From<SourceText> for Input {
    fn from(text: SourceText) -> Self {
        Input::Text(text)
    }
}

impl Input {
    /// Reads the input (a no-op for text already read).
    pub fn load(self) -> Result<SourceText, InputError> {
        match self {
            Input::Text(text) => Ok(text),
            Input::File { path, origin } => {
                let name: Arc<str> = path.display().to_string().into();
                let bytes = std::fs::read(&path)
                    .map_err(|e| InputError::new(name.clone(), None, describe_io(&e)))?;
                decode(name, bytes, origin)
            }
        }
    }
}

const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Reads every input: files, directories (recursively; hidden entries skipped; `.kwarignore`
/// honoured) and `-` for stdin.
pub fn collect_inputs(paths: &[String], options: &InputOptions) -> (Vec<Input>, Vec<InputError>) {
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for arg in paths {
        if arg == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => push_text(
                    "<stdin>".into(),
                    bytes,
                    Origin::Named,
                    &mut texts,
                    &mut errors,
                ),
                Err(e) => errors.push(InputError::new(
                    "<stdin>",
                    None,
                    format!("cannot read stdin: {e}"),
                )),
            }
            continue;
        }
        let path = Path::new(arg);
        match std::fs::metadata(path) {
            Err(e) => errors.push(InputError::new(arg.as_str(), None, describe_io(&e))),
            Ok(meta) if meta.is_dir() => walk_directory(path, options, &mut texts, &mut errors),
            Ok(_) if kwar_snapshot::is_bundle_path(path) => {
                match kwar_snapshot::read_tar_gz(path) {
                    Ok(bundle) => {
                        let (bundle_texts, bundle_errors) = bundle_inputs(arg, bundle);
                        texts.extend(bundle_texts);
                        errors.extend(bundle_errors);
                    }
                    Err(e) => errors.push(InputError::new(arg.as_str(), None, e.to_string())),
                }
            }
            Ok(_) => read_file(path, Origin::Named, &mut texts),
        }
    }
    (texts, errors)
}

/// The JSON files of a snapshot bundle (or a live collection) as inputs, named
/// `<bundle>/<path inside>` so that findings point into the bundle.
pub fn bundle_inputs(
    bundle_name: &str,
    bundle: kwar_snapshot::Bundle,
) -> (Vec<Input>, Vec<InputError>) {
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for file in bundle
        .files
        .into_iter()
        .filter(|f| f.path.ends_with(".json"))
    {
        let name: Arc<str> = format!("{bundle_name}/{}", file.path).into();
        push_text(name, file.bytes, Origin::Collected, &mut texts, &mut errors);
    }
    (texts, errors)
}

fn walk_directory(
    root: &Path,
    options: &InputOptions,
    texts: &mut Vec<Input>,
    errors: &mut Vec<InputError>,
) {
    let mut kustomized: Vec<PathBuf> = Vec::new();
    // Inside a git repository, what git ignores (build output, vendored charts, generated
    // files) is not part of the reviewed configuration either, as with ripgrep.
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(false)
        .parents(true)
        .add_custom_ignore_filename(".kwarignore")
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry(|e| e.file_name() != "node_modules")
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(InputError::new(
                    root.display().to_string(),
                    None,
                    e.to_string(),
                ));
                continue;
            }
        };
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            if options.kustomize && KUSTOMIZATION_FILES.iter().any(|f| path.join(f).is_file()) {
                kustomized.push(path.to_path_buf());
                render_kustomization(path, texts, errors);
            }
            continue;
        }
        if kustomized.iter().any(|dir| path.starts_with(dir)) {
            continue;
        }
        let is_manifest_ext = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
        if is_manifest_ext {
            read_file(path, Origin::Walked, texts);
        }
    }
}

fn read_file(path: &Path, origin: Origin, texts: &mut Vec<Input>) {
    texts.push(Input::File {
        path: path.to_path_buf(),
        origin,
    });
}

fn push_text(
    name: Arc<str>,
    bytes: Vec<u8>,
    origin: Origin,
    texts: &mut Vec<Input>,
    errors: &mut Vec<InputError>,
) {
    match decode(name, bytes, origin) {
        Ok(text) => texts.push(Input::Text(text)),
        Err(e) => errors.push(e),
    }
}

fn decode(name: Arc<str>, bytes: Vec<u8>, origin: Origin) -> Result<SourceText, InputError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(SourceText { name, text, origin })
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            Err(InputError::new(
                name,
                Some(line),
                "not UTF-8 text: Kubernetes manifests must be UTF-8 encoded",
            ))
        }
    }
}

fn render_kustomization(dir: &Path, texts: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    let name: Arc<str> = format!("{} (kustomize build)", dir.display()).into();
    let attempts: [(&str, &[&str]); 2] = [("kubectl", &["kustomize"]), ("kustomize", &["build"])];
    let mut missing = 0;
    for (program, args) in attempts {
        match Command::new(program).args(args).arg(dir).output() {
            Ok(out) if out.status.success() => {
                push_text(name, out.stdout, Origin::Rendered, texts, errors);
                return;
            }
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                errors.push(InputError::new(
                    name,
                    None,
                    format!("`{program} {}` failed: {}", args.join(" "), stderr.trim()),
                ));
                return;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing += 1,
            Err(e) => {
                errors.push(InputError::new(
                    name,
                    None,
                    format!("cannot run {program}: {e}"),
                ));
                return;
            }
        }
    }
    if missing == attempts.len() {
        errors.push(InputError::new(
            name,
            None,
            "--kustomize needs `kubectl` or `kustomize` on PATH; neither was found (install one, or render the overlay yourself and pipe it: `kustomize build DIR | kwar scan -`)",
        ));
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}
