//! The Markdown and HTML reports of a review, rendered with minijinja templates.
//!
//! The default templates (`templates/review.md.j2`, `templates/review.html.j2`) are embedded
//! in the binary. A user can replace them (`--template FILE`, or `--templates DIR` holding
//! `review.md.j2` / `review.html.j2`), or extend them (`{% extends "kwar/review.html.j2" %}`
//! and override a block). Every template sees the same context, built by [`template_context`]
//! and documented in docs/review.md ("Reports"). HTML templates are auto-escaped.

use std::fmt;
use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde_json::{json, Map, Value as Json};

use crate::json::review_json;
use crate::model::{GroupScore, WorkloadReview};

/// The embedded default templates, under the names user templates can extend or include.
pub const DEFAULT_MARKDOWN_TEMPLATE: (&str, &str) = (
    "kwar/review.md.j2",
    include_str!("../templates/review.md.j2"),
);
pub const DEFAULT_HTML_TEMPLATE: (&str, &str) = (
    "kwar/review.html.j2",
    include_str!("../templates/review.html.j2"),
);

/// A templated report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

impl ReportFormat {
    pub fn id(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
        }
    }

    /// The template file name looked up in a `--templates` directory.
    pub fn template_file(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "review.md.j2",
            ReportFormat::Html => "review.html.j2",
        }
    }

    fn default_template(self) -> (&'static str, &'static str) {
        match self {
            ReportFormat::Markdown => DEFAULT_MARKDOWN_TEMPLATE,
            ReportFormat::Html => DEFAULT_HTML_TEMPLATE,
        }
    }
}

/// Where the report's template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateChoice {
    /// The embedded default of the format.
    Default,
    /// One template file (`--template FILE`); `{% include %}`/`{% extends %}` of other names
    /// are resolved next to it.
    File(PathBuf),
    /// A directory (`--templates DIR`) holding `review.md.j2` / `review.html.j2`; the
    /// embedded default is used when the format's file is not there.
    Dir(PathBuf),
}

/// Facts about the evidence for the report's header (from the scan).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceSummary {
    pub inputs: usize,
    pub objects: usize,
    pub findings: usize,
    /// Input errors: file, line, message.
    pub errors: Vec<(String, Option<u32>, String)>,
}

impl EvidenceSummary {
    pub fn from_scan(scan: &kwar_report::Review) -> EvidenceSummary {
        EvidenceSummary {
            inputs: scan.inputs,
            objects: scan.objects,
            findings: scan.findings.len(),
            errors: scan
                .errors
                .iter()
                .map(|e| (e.file.to_string(), e.line, e.message.to_string()))
                .collect(),
        }
    }
}

/// A report that could not be rendered: a template that does not read, does not parse or
/// fails while rendering. `file` and `line` point into the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReportError {}

const CONTEXT_HINT: &str =
    "the variables available to templates are listed in docs/review.md, section \"Reports\"";

/// Renders the review as Markdown or HTML with the chosen template.
pub fn render_report(
    review: &WorkloadReview,
    evidence: Option<&EvidenceSummary>,
    format: ReportFormat,
    template: &TemplateChoice,
) -> Result<String, ReportError> {
    let (default_name, default_source) = format.default_template();
    let (main_name, main_source, base_dir): (String, String, Option<PathBuf>) = match template {
        TemplateChoice::Default => (default_name.into(), default_source.into(), None),
        TemplateChoice::File(path) => {
            let source = read_template(path)?;
            (
                path.display().to_string(),
                source,
                path.parent().map(Path::to_path_buf),
            )
        }
        TemplateChoice::Dir(dir) => {
            let path = dir.join(format.template_file());
            if path.is_file() {
                (
                    path.display().to_string(),
                    read_template(&path)?,
                    Some(dir.clone()),
                )
            } else if dir.is_dir() {
                (
                    default_name.into(),
                    default_source.into(),
                    Some(dir.clone()),
                )
            } else {
                return Err(ReportError {
                    file: dir.display().to_string(),
                    line: None,
                    message: "the templates directory does not exist".into(),
                    hint: Some(format!(
                        "--templates DIR names a directory holding {} and/or {}",
                        ReportFormat::Markdown.template_file(),
                        ReportFormat::Html.template_file()
                    )),
                });
            }
        }
    };

    let mut env = environment(format);
    env.add_template_owned(DEFAULT_MARKDOWN_TEMPLATE.0, DEFAULT_MARKDOWN_TEMPLATE.1)
        .map_err(|e| template_error(&e, None))?;
    env.add_template_owned(DEFAULT_HTML_TEMPLATE.0, DEFAULT_HTML_TEMPLATE.1)
        .map_err(|e| template_error(&e, None))?;
    if let Some(dir) = base_dir {
        // Other names (includes, imports, a base to extend) are files next to the template;
        // `..` and absolute names are refused so a template reads only its own directory.
        env.set_loader(move |name| {
            let rel = Path::new(name);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Ok(None);
            }
            match std::fs::read_to_string(dir.join(rel)) {
                Ok(source) => Ok(Some(source)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("cannot read template {name}: {e}"),
                )),
            }
        });
    }
    if main_name != default_name {
        env.add_template_owned(main_name.clone(), main_source)
            .map_err(|e| template_error(&e, Some(&main_name)))?;
    }
    let tmpl = env
        .get_template(&main_name)
        .map_err(|e| template_error(&e, Some(&main_name)))?;
    let ctx = Value::from(Serde(template_context(review, evidence, format)));
    tmpl.render(ctx)
        .map_err(|e| template_error(&e, Some(&main_name)))
}

fn read_template(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|e| ReportError {
        file: path.display().to_string(),
        line: None,
        message: format!("cannot read the template: {e}"),
        hint: None,
    })
}

fn template_error(e: &minijinja::Error, main: Option<&str>) -> ReportError {
    // minijinja names the template the error is in (an included one may differ from main).
    let file = e.name().or(main).unwrap_or("<template>").to_string();
    let message = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    let hint = match e.kind() {
        minijinja::ErrorKind::UndefinedError => Some(CONTEXT_HINT.to_string()),
        minijinja::ErrorKind::TemplateNotFound => Some(
            "included or extended templates are read from the template's own directory; \
             the defaults are kwar/review.md.j2 and kwar/review.html.j2"
                .to_string(),
        ),
        _ => None,
    };
    ReportError {
        file,
        line: e.line(),
        message,
        hint,
    }
}

fn environment(format: ReportFormat) -> Environment<'static> {
    let mut env = Environment::new();
    // A typo in a variable name is an error with file:line, not an empty cell.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags on their own lines leave no blank lines behind (Markdown tables need it).
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    // The format decides escaping, whatever the template's file name.
    env.set_auto_escape_callback(move |_| match format {
        ReportFormat::Html => AutoEscape::Html,
        ReportFormat::Markdown => AutoEscape::None,
    });
    // HTML escaping of &, <, >, " and ' only: URLs and paths stay readable in the source
    // (minijinja's default also escapes `/`).
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => out
            .write_str(&html_escape(text))
            .map_err(minijinja::Error::from),
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_filter("score", score_filter);
    env.add_filter("md", md_filter);
    env.add_filter("object", object_filter);
    env.add_filter("label", label_filter);
    env
}

fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `{{ g.score | score }}`: one decimal, `–` when there is no score.
fn score_filter(v: Value) -> String {
    match f64::try_from(v.clone()) {
        Ok(s) if !v.is_none() && !v.is_undefined() => format!("{s:.1}"),
        _ => "–".into(),
    }
}

/// `{{ text | md }}`: safe inside a Markdown table cell (pipes escaped, one line).
fn md_filter(v: Value) -> String {
    if v.is_none() || v.is_undefined() {
        return String::new();
    }
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

/// `{{ o | object }}`: "Deployment legacy/report-worker".
fn object_filter(o: Value) -> String {
    let get = |k: &str| {
        o.get_attr(k)
            .ok()
            .filter(|v| !v.is_none() && !v.is_undefined())
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    let kind = get("kind").unwrap_or_default();
    let name = get("name").unwrap_or_default();
    match get("namespace") {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// `{{ "operational-excellence" | label }}`: "Operational excellence".
fn label_filter(v: Value) -> String {
    label(v.as_str().unwrap_or_default())
}

fn label(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The variables every report template sees (docs/review.md, "Reports"). Item, plan and
/// group objects have the shape of the JSON report's `review` section.
pub fn template_context(
    review: &WorkloadReview,
    evidence: Option<&EvidenceSummary>,
    format: ReportFormat,
) -> Json {
    let section = review_json(review);
    let items: Vec<Json> = section["items"].as_array().cloned().unwrap_or_default();
    let group = |id: &str, g: &GroupScore, extra: Option<Vec<Json>>| {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("name".into(), json!(label(id)));
        m.insert("score".into(), json!(g.score));
        m.insert("highRisk".into(), json!(g.high_risk));
        m.insert("mediumRisk".into(), json!(g.medium_risk));
        m.insert("noRisk".into(), json!(g.no_risk));
        m.insert("notApplicable".into(), json!(g.not_applicable));
        m.insert("unanswered".into(), json!(g.unanswered));
        m.insert("items".into(), json!(g.items));
        if let Some(list) = extra {
            m.insert("itemList".into(), Json::Array(list));
        }
        Json::Object(m)
    };
    let with_risk = |risk: &str| -> Vec<Json> {
        items
            .iter()
            .filter(|i| i["risk"] == risk)
            .cloned()
            .collect()
    };
    json!({
        "kwar": {"version": env!("CARGO_PKG_VERSION")},
        "format": format.id(),
        "workload": section.get("workload").cloned().unwrap_or(Json::Null),
        "answers_file": review.answers_file,
        "evidence": evidence.map(|e| json!({
            "inputs": e.inputs,
            "objects": e.objects,
            "findings": e.findings,
            "errors": e.errors.iter().map(|(file, line, message)| json!({
                "file": file, "line": line, "message": message,
            })).collect::<Vec<_>>(),
        })),
        "overall": group("overall", &review.overall, None),
        "pillars": review.pillars.iter().map(|(p, g)| group(p.id(), g, None)).collect::<Vec<_>>(),
        "areas": review.areas.iter().map(|(a, g)| {
            let list = items.iter().filter(|i| i["area"] == a.as_str()).cloned().collect();
            group(a, g, Some(list))
        }).collect::<Vec<_>>(),
        "coverage": review.coverage().into_iter().map(|(s, n)| json!({
            "status": s.id(), "name": label(s.id()), "count": n,
        })).collect::<Vec<_>>(),
        "high_risk": with_risk("high"),
        "medium_risk": with_risk("medium"),
        "disagreements": items.iter().filter(|i| i["disagreement"] == true).cloned().collect::<Vec<_>>(),
        "plan": section["improvementPlan"].clone(),
        "items": items,
        "review": section,
    })
}

#[cfg(test)]
mod tests {
    use kwar_catalog::Catalog;

    use super::*;
    use crate::{build_from_evidence, Answers, ScanEvidence};

    fn review() -> WorkloadReview {
        let answers = Answers::parse(
            "workload:\n  name: <shop & co>\n  environment: prod\n  owner: o\n  cluster: c\n",
            "review.yaml",
            Catalog::embedded(),
        )
        .expect("answers");
        build_from_evidence(
            Catalog::embedded(),
            &ScanEvidence::default(),
            Some(&answers),
        )
    }

    #[test]
    fn default_templates_render_every_item() {
        let r = review();
        for format in [ReportFormat::Markdown, ReportFormat::Html] {
            let out = render_report(&r, None, format, &TemplateChoice::Default).expect("render");
            for i in &r.items {
                assert!(out.contains(&i.id), "{} misses {}", format.id(), i.id);
            }
        }
    }

    #[test]
    fn html_is_escaped_and_markdown_is_not() {
        let r = review();
        let html = render_report(&r, None, ReportFormat::Html, &TemplateChoice::Default).unwrap();
        assert!(html.contains("&lt;shop &amp; co&gt;"));
        assert!(!html.contains("<shop & co>"));
        let md = render_report(&r, None, ReportFormat::Markdown, &TemplateChoice::Default).unwrap();
        assert!(md.contains("# Well-Architected review: <shop & co>"));
    }

    #[test]
    fn user_template_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.md.j2");
        std::fs::write(
            &bad,
            "# {{ workload.name }}\n\n{% for i in items %}\n{{ i.id }\n",
        )
        .unwrap();
        let e = render_report(
            &review(),
            None,
            ReportFormat::Markdown,
            &TemplateChoice::File(bad.clone()),
        )
        .unwrap_err();
        assert_eq!(e.file, bad.display().to_string());
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e
            .to_string()
            .starts_with(&format!("{}:4: syntax error", bad.display())));

        let typo = dir.path().join("typo.md.j2");
        std::fs::write(&typo, "line 1\n{{ workload.nmae }}\n").unwrap();
        let e = render_report(
            &review(),
            None,
            ReportFormat::Markdown,
            &TemplateChoice::File(typo),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.hint.as_deref().unwrap_or("").contains("docs/review.md"));
    }

    #[test]
    fn templates_dir_overrides_extends_and_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("review.html.j2"),
            "{% extends \"kwar/review.html.j2\" %}{% block plan %}<p id=custom>{% include \"note.html\" %}</p>{% endblock %}",
        )
        .unwrap();
        std::fs::write(dir.path().join("note.html"), "{{ workload.owner }} owns it").unwrap();
        let r = review();
        let choice = TemplateChoice::Dir(dir.path().to_path_buf());
        let html = render_report(&r, None, ReportFormat::Html, &choice).unwrap();
        assert!(html.contains("<p id=custom>o owns it</p>"));
        assert!(html.contains("id=\"coverage-map\""));
        // No review.md.j2 in the directory: the built-in Markdown template.
        let md = render_report(&r, None, ReportFormat::Markdown, &choice).unwrap();
        assert!(md.contains("## Coverage map (186 items)"));
        // Includes cannot leave the directory.
        std::fs::write(dir.path().join("review.md.j2"), "{% include \"../x\" %}").unwrap();
        let e = render_report(&r, None, ReportFormat::Markdown, &choice).unwrap_err();
        assert!(e.message.contains("not found"), "{e}");
        let missing = TemplateChoice::Dir(dir.path().join("nope"));
        assert!(render_report(&r, None, ReportFormat::Html, &missing).is_err());
    }
}
