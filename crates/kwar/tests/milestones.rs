//! Milestones and `kwar diff`: two milestones of a copy of the example shop with real
//! changes between them (a fixed privileged Pod, a new readiness probe, a new `:latest`
//! image, a changed answer), compared in JSON, text and Markdown; and the error paths.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_schema_valid, kwar, workspace_root};
use serde_json::Value;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} in {}",
        path.display()
    );
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn run_ok(args: &[&str]) -> std::process::Output {
    let out = kwar(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "kwar {args:?}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A copy of the example shop and a workspace, in a temporary directory.
struct Shop {
    _dir: tempfile::TempDir,
    shop: PathBuf,
    answers: PathBuf,
    ws: PathBuf,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let shop = dir.path().join("shop");
        copy_dir(&workspace_root().join("examples/shop"), &shop);
        let answers = shop.join("review.yaml");
        let ws = dir.path().join("ws");
        Shop {
            _dir: dir,
            shop,
            answers,
            ws,
        }
    }

    fn milestone(&self, name: &str, extra: &[&str]) -> std::process::Output {
        let mut args = vec![
            "review",
            self.shop.to_str().unwrap(),
            "--answers",
            self.answers.to_str().unwrap(),
            "--milestone",
            name,
            "--workspace",
            self.ws.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        kwar(&args)
    }

    fn diff(&self, a: &str, b: &str, format: &str) -> std::process::Output {
        run_ok(&[
            "diff",
            a,
            b,
            "--workspace",
            self.ws.to_str().unwrap(),
            "--format",
            format,
        ])
    }

    fn read(&self, name: &str) -> Value {
        let path = self.ws.join("milestones").join(format!("{name}.json"));
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The two milestones of the scenario: `before` on the example as it is, `after` with
    /// the changes.
    fn before_and_after() -> Shop {
        let s = Shop::new();
        assert_eq!(s.milestone("before", &[]).status.code(), Some(0));
        // Fixed: the legacy Pod no longer runs privileged…
        edit(
            &s.shop.join("legacy/edge-proxy-pod.yaml"),
            "privileged: true",
            "privileged: false",
        );
        // …and inventory-sync gets a readiness probe (4 lines: the findings below it move).
        edit(
            &s.shop.join("legacy/inventory-sync.yaml"),
            "          livenessProbe:\n",
            "          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n          livenessProbe:\n",
        );
        // New problem: cart runs a `:latest` image.
        edit(
            &s.shop.join("storefront/cart.yaml"),
            "shop/cart:7c41e9a",
            "shop/cart:latest",
        );
        // Changed answer: dashboards are now versioned per service.
        edit(
            &s.answers,
            "  app-dashboards:\n    choice: b\n",
            "  app-dashboards:\n    choice: a\n",
        );
        assert_eq!(s.milestone("after", &[]).status.code(), Some(0));
        s
    }
}

fn key(f: &Value) -> (String, String, String) {
    let o = &f["object"];
    (
        f["check"].as_str().unwrap().to_string(),
        o["kind"].as_str().unwrap().to_string(),
        format!(
            "{}/{}",
            o["namespace"].as_str().unwrap_or(""),
            o["name"].as_str().unwrap()
        ),
    )
}

fn keys(findings: &Value) -> BTreeSet<(String, String, String)> {
    findings.as_array().unwrap().iter().map(key).collect()
}

fn set(list: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["review"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
}

#[test]
fn a_milestone_is_the_review_report_with_name_time_and_version() {
    let s = Shop::new();
    let out = s.milestone("2026-q4_baseline.1", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("milestone `2026-q4_baseline.1` saved to"));
    let saved = s.read("2026-q4_baseline.1");
    assert_schema_valid(&saved);
    assert_eq!(saved["milestone"]["name"], "2026-q4_baseline.1");
    assert_eq!(saved["milestone"]["kwarVersion"], env!("CARGO_PKG_VERSION"));
    let created = saved["milestone"]["created"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            .unwrap()
            .is_match(created),
        "{created}"
    );
    // The same report as stdout, plus the milestone object.
    let mut printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    printed["milestone"] = saved["milestone"].clone();
    assert_eq!(printed, saved);
    assert_eq!(saved["review"]["items"].as_array().unwrap().len(), 186);

    // A name is used once, unless --force.
    let again = s.milestone("2026-q4_baseline.1", &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("--force"));
    assert_eq!(
        s.milestone("2026-q4_baseline.1", &["--force"])
            .status
            .code(),
        Some(0)
    );
    // Bad names are refused before anything is reviewed.
    for bad in ["../up", ".hidden", "with space", "x.json", ""] {
        let out = s.milestone(bad, &[]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(
            stderr(&out).contains("invalid milestone name"),
            "{bad:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
    let names: Vec<String> = fs::read_dir(s.ws.join("milestones"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["2026-q4_baseline.1.json"]);
}

#[test]
fn diff_of_two_milestones_shows_exactly_what_changed() {
    let s = Shop::before_and_after();
    let (before, after) = (s.read("before"), s.read("after"));
    let out = s.diff("before", "after", "json");
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();

    assert_eq!(d["from"]["milestone"], "before");
    assert_eq!(d["to"]["milestone"], "after");
    assert_eq!(d["from"]["created"], before["milestone"]["created"]);
    assert_eq!(d["notes"], serde_json::json!([]));

    // Findings, matched by fingerprint.
    assert_eq!(
        keys(&d["findings"]["resolved"]),
        set(&[
            ("not-privileged", "Pod", "legacy/edge-proxy"),
            // These two blamed `privileged: true`; they now point at the missing
            // `capabilities.drop` and `allowPrivilegeEscalation` fields (new, below).
            ("capabilities", "Pod", "legacy/edge-proxy"),
            ("no-privilege-escalation", "Pod", "legacy/edge-proxy"),
            (
                "readiness-probe-defined",
                "Deployment",
                "legacy/inventory-sync"
            ),
        ])
    );
    assert_eq!(
        keys(&d["findings"]["new"]),
        set(&[
            ("no-latest-tag", "Deployment", "storefront/cart"),
            ("traceable-tag", "Deployment", "storefront/cart"),
            ("capabilities", "Pod", "legacy/edge-proxy"),
            ("no-privilege-escalation", "Pod", "legacy/edge-proxy"),
        ])
    );
    assert_eq!(d["findings"]["resolved"].as_array().unwrap().len(), 4);
    assert_eq!(d["findings"]["new"].as_array().unwrap().len(), 4);
    assert_eq!(d["findings"]["changed"], serde_json::json!([]));
    let count = |r: &Value| r["findings"].as_array().unwrap().len() as u64;
    let unchanged = d["findings"]["unchanged"].as_u64().unwrap();
    assert_eq!(unchanged + 4, count(&before));
    assert_eq!(unchanged + 4, count(&after));
    assert_eq!(d["from"]["findings"].as_u64(), Some(count(&before)));

    // Line moves are not changes: inventory-sync's liveness finding moved down 4 lines.
    let liveness = |r: &Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["check"] == "liveness-probe-not-hair-trigger"
                    && f["object"]["name"] == "inventory-sync"
            })
            .cloned()
            .unwrap()
    };
    let (l0, l1) = (liveness(&before), liveness(&after));
    assert_eq!(l0["fingerprint"], l1["fingerprint"]);
    assert_eq!(
        l1["location"]["line"].as_u64().unwrap(),
        l0["location"]["line"].as_u64().unwrap() + 4
    );
    let mentioned: Vec<&Value> = ["resolved", "new"]
        .iter()
        .flat_map(|k| d["findings"][k].as_array().unwrap())
        .map(|f| &f["fingerprint"])
        .collect();
    assert!(!mentioned.contains(&&l0["fingerprint"]));

    // Item risk changes: exactly these, and exactly the ones the two milestones differ in.
    let items: Vec<(String, Value, Value, String)> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["risk"].clone(),
                i["status"].clone(),
                i["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let ft = |a: &str, b: &str| serde_json::json!({"from": a, "to": b});
    assert_eq!(
        items,
        [
            (
                "app-readiness-probes".to_string(),
                ft("high", "none"),
                ft("fail", "pass"),
                "better".to_string()
            ),
            (
                "app-dashboards".to_string(),
                ft("medium", "none"),
                ft("answered", "answered"),
                "better".to_string()
            ),
        ]
    );
    let differing: Vec<String> = before["review"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            let j = item(&after, i["id"].as_str().unwrap());
            i["risk"] != j["risk"] || i["status"] != j["status"]
        })
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let listed: BTreeSet<String> = items.iter().map(|i| i.0.clone()).collect();
    assert_eq!(listed, differing.into_iter().collect());
    // Still failing for other reasons (and other objects): no risk change.
    for id in ["app-runtime-context", "app-image-tags"] {
        assert_eq!(item(&before, id)["risk"], "high");
        assert_eq!(item(&after, id)["risk"], "high");
    }

    // Answers.
    let answers = d["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["item"], "app-dashboards");
    assert_eq!(answers[0]["from"]["choice"], "b");
    assert_eq!(answers[0]["from"]["risk"], "medium");
    assert_eq!(answers[0]["to"]["choice"], "a");
    assert_eq!(answers[0]["to"]["risk"], "none");

    // Scores: the milestones' own, with their difference.
    let check = |diffed: &Value, b: &Value, a: &Value, what: &str| {
        assert_eq!(&diffed["from"], b, "{what}");
        assert_eq!(&diffed["to"], a, "{what}");
        match (b.as_f64(), a.as_f64()) {
            (Some(x), Some(y)) => {
                let delta = diffed["delta"].as_f64().unwrap();
                assert!(
                    (delta - ((y - x) * 10.0).round() / 10.0).abs() < 1e-9,
                    "{what}"
                );
            }
            _ => assert!(diffed["delta"].is_null(), "{what}"),
        }
    };
    check(
        &d["scores"]["overall"],
        &before["review"]["score"],
        &after["review"]["score"],
        "overall",
    );
    assert!(d["scores"]["overall"]["delta"].as_f64().unwrap() > 0.0);
    for group in ["pillars", "areas"] {
        let ids: BTreeMap<&String, &Value> = before["review"][group]
            .as_object()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            d["scores"][group].as_object().unwrap().len(),
            ids.len(),
            "{group}"
        );
        for (id, g) in ids {
            let a = &after["review"][group][id];
            let dg = &d["scores"][group][id];
            check(&dg["score"], &g["score"], &a["score"], id);
            for count in ["highRisk", "mediumRisk", "unanswered"] {
                assert_eq!(dg[count]["from"], g[count], "{id} {count}");
                assert_eq!(dg[count]["to"], a[count], "{id} {count}");
            }
        }
    }
    assert_eq!(
        d["scores"]["pillars"]["reliability"]["highRisk"],
        ft_n(9, 8)
    );
}

fn ft_n(a: u64, b: u64) -> Value {
    serde_json::json!({"from": a, "to": b})
}

#[test]
fn diff_renders_as_text_and_markdown_and_takes_report_files() {
    let s = Shop::before_and_after();
    let text = String::from_utf8(s.diff("before", "after", "text").stdout).unwrap();
    for expected in [
        "Review diff: before (",
        "Findings: 4 resolved, 4 new, 0 changed",
        "- critical not-privileged  Pod legacy/edge-proxy [nginx]",
        "+ high     no-latest-tag  Deployment storefront/cart [cart]",
        "app-readiness-probes",
        "risk high → none, status fail → pass (better)",
        "Answers changed: 1",
        "pillar reliability",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    let md = String::from_utf8(s.diff("before", "after", "markdown").stdout).unwrap();
    for expected in [
        "# Review diff: before (",
        "| group | before | after | delta | high risk | medium risk | unanswered |",
        "| pillar reliability |",
        "| resolved | critical | `not-privileged` | Pod legacy/edge-proxy [nginx]",
        "| new | high | `no-latest-tag` |",
        "| `app-readiness-probes` | high → none | fail → pass | better |",
        "| `app-dashboards` | b: ",
    ] {
        assert!(md.contains(expected), "{expected:?} not in:\n{md}");
    }
    // A milestone against a plain report file, written with -o: same findings diff.
    let report = s.ws.join("now.json");
    run_ok(&[
        "review",
        s.shop.to_str().unwrap(),
        "--answers",
        s.answers.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    let out_file = s.ws.join("diff.json");
    run_ok(&[
        "diff",
        "before",
        report.to_str().unwrap(),
        "--workspace",
        s.ws.to_str().unwrap(),
        "-f",
        "json",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    let d: Value = serde_json::from_str(&fs::read_to_string(out_file).unwrap()).unwrap();
    assert_eq!(d["to"]["milestone"], Value::Null);
    assert_eq!(d["findings"]["resolved"].as_array().unwrap().len(), 4);
    assert_eq!(d["findings"]["new"].as_array().unwrap().len(), 4);
    // Nothing changed between `after` and the same review again.
    let same: Value =
        serde_json::from_slice(&s.diff("after", report.to_str().unwrap(), "json").stdout).unwrap();
    assert_eq!(same["findings"]["resolved"], serde_json::json!([]));
    assert_eq!(same["findings"]["new"], serde_json::json!([]));
    assert_eq!(same["items"], serde_json::json!([]));
    assert_eq!(same["answers"], serde_json::json!([]));
    assert_eq!(same["scores"]["overall"]["delta"], 0.0);
}

#[test]
fn diff_errors_exit_2_with_a_useful_message() {
    let s = Shop::new();
    assert_eq!(s.milestone("before", &[]).status.code(), Some(0));
    assert_eq!(s.milestone("after", &[]).status.code(), Some(0));
    let ws = s.ws.to_str().unwrap();

    let out = kwar(&["diff", "before", "nope", "--workspace", ws]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no milestone `nope`"), "{err}");
    assert!(err.contains("available milestones: after, before"), "{err}");
    assert!(out.stdout.is_empty());

    let empty = s.ws.join("empty");
    let out = kwar(&["diff", "a", "b", "--workspace", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there are no milestones yet"),
        "{}",
        stderr(&out)
    );

    // Broken JSON: file, line and column from serde_json.
    let broken = s.ws.join("broken.json");
    fs::write(&broken, "{\"schemaVersion\": \"1\",\n  \"findings\": [\n").unwrap();
    let out = kwar(&["diff", broken.to_str().unwrap(), "after", "--workspace", ws]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{}:3:", broken.display())),
        "{}",
        stderr(&out)
    );
    // Valid JSON of the wrong shape.
    let shape = s.ws.join("shape.json");
    fs::write(&shape, "{\"schemaVersion\": \"1\",\n  \"findings\": [1]}\n").unwrap();
    let out = kwar(&["diff", shape.to_str().unwrap(), "after", "--workspace", ws]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:2:", shape.display())), "{err}");
    assert!(err.contains("expected a finding"), "{err}");
    // Another schema version: refused, naming the version that wrote it.
    let mut other = s.read("before");
    other["schemaVersion"] = "2".into();
    other["tool"]["version"] = "9.9.9".into();
    let v2 = s.ws.join("milestones/future.json");
    fs::write(&v2, serde_json::to_string(&other).unwrap()).unwrap();
    let out = kwar(&["diff", "future", "after", "--workspace", ws]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("schemaVersion 2, written by kwar 9.9.9 is not supported"),
        "{err}"
    );
    // Extra fields of other versions are ignored.
    let mut extra = s.read("before");
    extra["somethingNew"] = serde_json::json!({"a": 1});
    extra["review"]["items"][0]["newField"] = true.into();
    fs::write(
        s.ws.join("milestones/extra.json"),
        serde_json::to_string(&extra).unwrap(),
    )
    .unwrap();
    let d: Value = serde_json::from_slice(&s.diff("extra", "before", "json").stdout).unwrap();
    assert_eq!(d["items"], serde_json::json!([]));
}
