//! `kwar review --format markdown|html`: the example's Markdown report, and its HTML report
//! checked for external fetches and then loaded in headless Chromium (DOM and screenshot).
//! Chromium is Debian's `chromium` package, installed by `scripts/test-deps`.

mod common;

use std::path::Path;
use std::process::Command;

use common::kwar;
use regex::Regex;

const EXAMPLE: &[&str] = &[
    "review",
    "examples/shop",
    "--answers",
    "examples/shop/review.yaml",
];
const CHROMIUM: &str = "/usr/bin/chromium";

fn run(extra: &[&str]) -> std::process::Output {
    let mut args = EXAMPLE.to_vec();
    args.extend_from_slice(extra);
    let out = kwar(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "kwar {args:?}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The example's review section, the truth the reports are compared with.
fn review_section() -> serde_json::Value {
    let out = run(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    report["review"].clone()
}

fn items(review: &serde_json::Value) -> Vec<String> {
    let ids: Vec<String> = review["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 186);
    ids
}

/// "35.9", or "–" for a group without a score.
fn score(v: &serde_json::Value) -> String {
    v.as_f64().map_or_else(|| "–".into(), |s| format!("{s:.1}"))
}

fn pillar_name(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[test]
fn markdown_has_every_item_and_every_section() {
    let review = review_section();
    let md = String::from_utf8(run(&["--format", "markdown"]).stdout).expect("UTF-8");
    for id in items(&review) {
        assert!(md.contains(&format!("`{id}`")), "the Markdown misses {id}");
    }
    for section in [
        "# Well-Architected review: shop",
        "## Scores",
        "| Pillar | Score |",
        "| Area | Score |",
        "## Coverage\n",
        "## High risk (",
        "## Medium risk (",
        "## Improvement plan (",
        "## Disagreements: person vs evidence (",
        "## Coverage map (186 items)",
        "**Remediation:**",
        "**References:**",
    ] {
        assert!(md.contains(section), "the Markdown misses {section:?}");
    }
    // The overall and pillar scores are the JSON's.
    assert!(md.contains(&format!("**Overall score {}**", score(&review["score"]))));
    for (id, g) in review["pillars"].as_object().expect("pillars") {
        let row = format!(
            "| {} | {} | {} |",
            pillar_name(id),
            score(&g["score"]),
            g["highRisk"]
        );
        assert!(md.contains(&row), "the Markdown misses the row {row:?}");
    }
    // Coverage counts, the plan's first entry with its remediation and a reference.
    for (status, n) in review["coverage"].as_object().expect("coverage") {
        assert!(md.contains(&format!("| {status} | {n} |")), "{status}");
    }
    let first = &review["improvementPlan"][0];
    assert!(md.contains(&format!(
        "### 1. [{}] {} (`{}`)",
        first["risk"].as_str().unwrap(),
        first["agenda"].as_str().unwrap(),
        first["item"].as_str().unwrap()
    )));
    assert!(md.contains(first["remediation"].as_str().unwrap().trim()));
    assert!(md.contains(&format!("<{}>", first["references"][0].as_str().unwrap())));
    // Each disagreement is listed with both sides.
    for i in review["items"].as_array().unwrap() {
        if i["disagreement"] == true {
            let id = i["id"].as_str().unwrap();
            let row = md
                .lines()
                .find(|l| l.starts_with(&format!("| `{id}` | ")) && l.contains("risk)"))
                .unwrap_or_else(|| panic!("no disagreement row for {id}"));
            assert!(
                row.contains(i["answer"]["choice"].as_str().unwrap()),
                "{row}"
            );
        }
    }
}

#[test]
fn html_is_self_contained_and_renders_in_chromium() {
    let review = review_section();
    let dir = tempfile::tempdir().expect("tempdir");
    let html_path = dir.path().join("review.html");
    run(&["--format", "html", "-o", html_path.to_str().unwrap()]);
    let html = std::fs::read_to_string(&html_path).expect("the HTML report");

    // No external fetch: every src/href is local, except the references' <a href> links.
    let references: Vec<String> = review["improvementPlan"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["references"].as_array().unwrap().iter())
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let attr = Regex::new(r#"<(\w+)[^>]*?\s(src|href)\s*=\s*["']?([^"'\s>]*)"#).unwrap();
    let mut links = 0;
    for c in attr.captures_iter(&html) {
        let (tag, name, url) = (&c[1], &c[2], &c[3]);
        if url.starts_with('#') {
            continue;
        }
        assert!(
            tag == "a" && name == "href" && references.iter().any(|r| r == url),
            "an external {name} on <{tag}>: {url}"
        );
        links += 1;
    }
    assert!(links > 0, "the references are links");
    for forbidden in ["<link", "@import", "url(", "<script src", "<iframe", "<img"] {
        assert!(!html.contains(forbidden), "the HTML has {forbidden}");
    }

    let chromium = Path::new(CHROMIUM);
    assert!(
        chromium.exists(),
        "{CHROMIUM} is missing: run `scripts/test-deps` (as root it installs Debian's chromium package)"
    );
    let profile = dir.path().join("profile");
    let url = format!("file://{}", html_path.display());
    let chromium_run = |extra: &[&str]| {
        let out = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                &format!("--user-data-dir={}", profile.display()),
            ])
            .args(extra)
            .arg(&url)
            .output()
            .expect("chromium runs");
        assert!(
            out.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };

    // The DOM after the page's own script ran.
    let dom = String::from_utf8(chromium_run(&["--dump-dom"]).stdout).expect("UTF-8 DOM");
    assert!(
        dom.contains("<h1>Well-Architected review: shop</h1>"),
        "{dom:.2000}"
    );
    for (id, g) in review["pillars"].as_object().unwrap() {
        let row = format!(
            "<tr class=\"group\" data-group=\"{id}\"><th scope=\"row\">{}</th><td class=\"num score\">{}</td>",
            pillar_name(id),
            score(&g["score"])
        );
        assert!(dom.contains(&row), "the DOM misses the pillar row {row}");
    }
    let first = &review["improvementPlan"][0];
    let entry = format!("id=\"plan-{}\"", first["item"].as_str().unwrap());
    assert!(
        dom.contains(&entry),
        "the DOM misses the plan entry {entry}"
    );
    assert!(dom.contains(first["agenda"].as_str().unwrap()));
    let rows = Regex::new(r#"<tr class="item" id="item-([a-z0-9-]+)""#).unwrap();
    let ids: Vec<&str> = rows
        .captures_iter(&dom)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(
        ids,
        items(&review),
        "one coverage row per item, in catalog order"
    );
    // The filter script ran: the controls are shown and count every row.
    assert!(
        dom.contains("<div class=\"filters\" id=\"filters\">"),
        "the filters stay hidden"
    );
    assert!(dom.contains("186 shown"));

    // A screenshot: a real PNG, large enough to hold a rendered page.
    let png = dir.path().join("review.png");
    chromium_run(&[
        &format!("--screenshot={}", png.display()),
        "--window-size=1280,2000",
    ]);
    let bytes = std::fs::read(&png).expect("the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 50_000,
        "a near-empty screenshot: {} bytes",
        bytes.len()
    );
}

#[test]
fn a_user_template_is_used_and_its_errors_name_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.md.j2");
    std::fs::write(
        &good,
        "{{ workload.name }}: {{ overall.score | score }}\n{% for p in pillars %}{{ p.id }}={{ p.score | score }}\n{% endfor %}",
    )
    .unwrap();
    let out = run(&["--format", "markdown", "--template", good.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("shop: 44.4\nsecurity="), "{text}");

    let bad = dir.path().join("bad.html.j2");
    std::fs::write(
        &bad,
        "<h1>{{ workload.name }}</h1>\n<p>{{ overall.scroe }}</p>\n",
    )
    .unwrap();
    let output = dir.path().join("out.html");
    let mut args = EXAMPLE.to_vec();
    let (bad_s, out_s) = (bad.to_str().unwrap(), output.to_str().unwrap());
    args.extend(["--format", "html", "--template", bad_s, "-o", out_s]);
    let out = kwar(&args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{bad_s}:2: ")), "{stderr}");
    assert!(stderr.contains("docs/review.md"), "{stderr}");
    assert!(!output.exists(), "no half-written report");

    let mut args = EXAMPLE.to_vec();
    args.extend(["--format", "json", "--template", bad_s]);
    assert_eq!(kwar(&args).status.code(), Some(2));
}
