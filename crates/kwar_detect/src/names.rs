//! Workload and namespace name patterns.
//!
//! The catalog writes a name as an alternation (`prometheus-server|^prometheus-.*`). Each
//! alternative is read like this:
//! - a plain name (no regex syntax) matches the whole name (`Exact`), and also as a
//!   dash-separated part of it (`Token`): Helm prefixes the release name
//!   (`kube-prometheus-stack-grafana`) and charts split a component into parts
//!   (`kyverno-admission-controller`), so whole-name matching alone misses most installs;
//! - a regular expression is used as written, its unanchored ends bounded at a dash
//!   (`ack-.*-controller` matches `ack-s3-controller`, not `slack-bot-controller`);
//!   `^name$` is an exact name.
//!
//! A workload that some detector names exactly is not also claimed by another detector through
//! a token or a regular expression: `aws-node-termination-handler` is node termination
//! handling, not the VPC CNI's `aws-node`; `grafana-agent` is a log shipper, not Grafana.

use regex::{Regex, RegexSet, RegexSetBuilder};

/// How closely a pattern names a workload, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    Token,
    Regex,
    Exact,
}

/// One compiled alternative, owned by a workload signal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NamePattern {
    /// Index of the workload signal in the engine.
    pub signal: usize,
    pub strength: Strength,
}

/// Every workload name pattern of every detector in one set, so that a name is tested once.
#[derive(Debug)]
pub(crate) struct NameSet {
    set: RegexSet,
    patterns: Vec<NamePattern>,
}

#[derive(Debug, Default)]
pub(crate) struct NameSetBuilder {
    sources: Vec<String>,
    patterns: Vec<NamePattern>,
}

impl NameSetBuilder {
    /// Adds the alternatives of `name` for workload signal `signal`.
    pub fn add(&mut self, signal: usize, name: &str) -> Result<(), String> {
        for (source, strength) in alternatives(name)? {
            self.sources.push(source);
            self.patterns.push(NamePattern { signal, strength });
        }
        Ok(())
    }

    pub fn build(self) -> NameSet {
        // Case-sensitive over a lowercased name (`hits`): the catalog's name patterns are
        // lowercase, and a case-insensitive set costs ~100 ms to build at every start, most of
        // it spent multiplying the literals' case variants for the prefilter.
        let set = RegexSetBuilder::new(&self.sources)
            .build()
            .expect("every pattern was compiled on its own when added");
        NameSet {
            set,
            patterns: self.patterns,
        }
    }
}

impl NameSet {
    /// The patterns that match `name`.
    pub fn hits(&self, name: &str) -> Vec<NamePattern> {
        let lowered;
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = name.to_ascii_lowercase();
            lowered.as_str()
        } else {
            name
        };
        if !self.set.is_match(name) {
            return Vec::new();
        }
        self.set
            .matches(name)
            .iter()
            .map(|i| self.patterns[i])
            .collect()
    }
}

/// True when the text uses regular-expression syntax (`|` is split off before).
pub(crate) fn is_regex(text: &str) -> bool {
    text.contains([
        '^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '\\',
    ])
}

/// Splits an alternation at its top-level `|`.
pub(crate) fn split_alternation(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '|' if depth == 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out.retain(|a| !a.is_empty());
    out
}

/// The regex sources of one name alternation, each with its strength.
fn alternatives(name: &str) -> Result<Vec<(String, Strength)>, String> {
    let mut out = Vec::new();
    for alt in split_alternation(name) {
        let literal_core = alt.strip_prefix('^').and_then(|a| a.strip_suffix('$'));
        match literal_core {
            Some(core) if !is_regex(core) => {
                let core = core.to_ascii_lowercase();
                out.push((format!("^{}$", regex::escape(&core)), Strength::Exact));
            }
            _ if !is_regex(alt) => {
                let escaped = regex::escape(&alt.to_ascii_lowercase());
                out.push((format!("^{escaped}$"), Strength::Exact));
                out.push((format!("(?:^|-){escaped}(?:-|$)"), Strength::Token));
            }
            _ => {
                let start = if alt.starts_with('^') { "" } else { "(?:^|-)" };
                let end = if alt.ends_with('$') { "" } else { "(?:-|$)" };
                // Names are matched lowercased; a pattern written with capitals says so.
                let fold = if alt.bytes().any(|b| b.is_ascii_uppercase()) {
                    "(?i)"
                } else {
                    ""
                };
                out.push((format!("{fold}{start}(?:{alt}){end}"), Strength::Regex));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("empty name pattern `{name}`"));
    }
    for (source, _) in &out {
        Regex::new(source).map_err(|e| format!("name pattern `{name}`: {e}"))?;
    }
    Ok(out)
}

/// A namespace constraint: `*`, or an alternation of names (and regular expressions, matched
/// against the whole name).
#[derive(Debug, Clone)]
pub(crate) enum NamespacePattern {
    Any,
    Names(Vec<String>),
    Regex(Regex),
}

impl NamespacePattern {
    pub fn parse(text: &str) -> Result<NamespacePattern, String> {
        let alts = split_alternation(text);
        if alts.is_empty() {
            return Err("empty namespace".into());
        }
        // `istio-system|*`: the named namespace is only the usual one; any namespace counts.
        if alts.contains(&"*") {
            return Ok(NamespacePattern::Any);
        }
        if alts.iter().any(|a| is_regex(a)) {
            let source = format!("(?i)^(?:{})$", alts.join("|"));
            return Regex::new(&source)
                .map(NamespacePattern::Regex)
                .map_err(|e| format!("namespace pattern `{text}`: {e}"));
        }
        Ok(NamespacePattern::Names(
            alts.iter().map(|a| a.to_ascii_lowercase()).collect(),
        ))
    }

    pub fn matches(&self, namespace: &str) -> bool {
        match self {
            NamespacePattern::Any => true,
            NamespacePattern::Names(names) => {
                names.iter().any(|n| n.eq_ignore_ascii_case(namespace))
            }
            NamespacePattern::Regex(re) => re.is_match(namespace),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strength(pattern: &str, name: &str) -> Option<Strength> {
        let mut b = NameSetBuilder::default();
        b.add(0, pattern).unwrap();
        b.build().hits(name).iter().map(|h| h.strength).max()
    }

    #[test]
    fn plain_names_match_whole_or_as_dash_parts() {
        assert_eq!(strength("grafana", "grafana"), Some(Strength::Exact));
        assert_eq!(
            strength("grafana", "kube-prometheus-stack-grafana"),
            Some(Strength::Token)
        );
        assert_eq!(
            strength("kyverno", "kyverno-admission-controller"),
            Some(Strength::Token)
        );
        assert_eq!(strength("otel", "hotel-api"), None);
        assert_eq!(strength("otel", "otelcol"), None);
        assert_eq!(
            strength("^metrics-server$", "metrics-server"),
            Some(Strength::Exact)
        );
        assert_eq!(strength("^metrics-server$", "metrics-server-v2"), None);
        assert_eq!(strength("^istiod", "istiod-1-22"), Some(Strength::Regex));
        assert_eq!(
            strength("ack-.*-controller", "ack-s3-controller"),
            Some(Strength::Regex)
        );
        assert_eq!(strength("ack-.*-controller", "slack-bot-controller"), None);
        assert_eq!(
            strength("prometheus-server|^prometheus-.*", "prometheus-server"),
            Some(Strength::Exact)
        );
        assert_eq!(strength("METRICS", "metrics"), Some(Strength::Exact));
    }

    #[test]
    fn alternations_split_at_top_level() {
        assert_eq!(split_alternation("a|(b|c)|d"), ["a", "(b|c)", "d"]);
    }

    #[test]
    fn namespaces() {
        assert!(NamespacePattern::parse("istio-system|*")
            .unwrap()
            .matches("x"));
        let p = NamespacePattern::parse("karpenter|kube-system").unwrap();
        assert!(p.matches("kube-system") && !p.matches("kube-public"));
    }
}
