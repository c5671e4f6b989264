//! Image references and the catalog's image patterns.
//!
//! References are normalised the way the container runtime resolves them: Docker Hub's host
//! names and its `library/` namespace are dropped (`docker.io/library/redis` is `redis`), the
//! tag and digest are split off, and everything is lowercased.
//!
//! A catalog image signal is an alternation (`postgres|bitnami/postgresql`) of:
//! - a repository path (`quay.io/prometheus/prometheus`): that repository or one below it,
//!   also behind a mirror or pull-through cache (`<account>.dkr.ecr.<region>.amazonaws.com/
//!   quay/prometheus/prometheus`), so the registry host is not required; a hyphenated variant
//!   of the last segment (`otel/opentelemetry-collector-contrib`) counts too, except for
//!   forms marked obsolete, which must be named exactly;
//! - an organisation prefix ending in `/` (`jaegertracing/`, `ghcr.io/fluxcd/`);
//! - a registry host (`registry.twistlock.com`): every image pulled from it;
//! - a bare name (`redis`, `mongo`): a path segment with that name, optionally followed by
//!   `db` or an edition suffix (`-server`, `-community-server`, `-cluster`, `-sentinel`, …) —
//!   not `redis-exporter` or `mongo-express`, which are tools around the store.
//!
//! When several forms of one detector match an image, the most specific (longest) decides, so
//! `fluxcd/flux` (Flux v1, obsolete) wins over `fluxcd/` (the Flux v2 organisation).

use regex::{Regex, RegexSet, RegexSetBuilder};

use crate::names::split_alternation;

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Normalised repository, host included unless it is Docker Hub.
    pub repository: String,
    pub tag: Option<&'a str>,
}

const DOCKER_HUB: [&str; 4] = [
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

fn is_host(segment: &str) -> bool {
    segment.contains(['.', ':']) || segment == "localhost"
}

pub(crate) fn parse(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let without_digest = image.split_once('@').map_or(image, |(name, _)| name);
    let (name, tag) = match without_digest.rsplit_once(':') {
        // A colon after the last slash separates the tag; before it, a registry port.
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag).filter(|t| !t.is_empty())),
        _ => (without_digest, None),
    };
    ImageRef {
        repository: normalise(name),
        tag,
    }
}

fn normalise(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let mut rest = lower.as_str();
    if let Some((first, after)) = rest.split_once('/') {
        if DOCKER_HUB.contains(&first) {
            rest = after;
        }
    }
    if let Some((first, after)) = rest.split_once('/') {
        if first == "library" && !after.contains('/') {
            rest = after;
        }
    }
    rest.to_string()
}

/// Strips a registry host from a catalog path: the path is looked for behind any host.
fn without_host(path: &str) -> &str {
    match path.split_once('/') {
        Some((first, after)) if is_host(first) => after,
        _ => path,
    }
}

/// Suffixes of a bare data-store name that still name the store itself.
const EDITIONS: &str =
    "server|community-server|enterprise-server|enterprise|classic|artemis|cluster|sentinel|sharded";

/// The regex source and specificity of one alternative of an image signal.
pub(crate) fn pattern(alt: &str, obsolete: bool) -> Result<(String, usize), String> {
    let alt = alt.trim().to_ascii_lowercase();
    if alt.is_empty() {
        return Err("empty image pattern".into());
    }
    if alt.contains(['^', '$', '*', '+', '?', '(', '[', '{', '\\']) {
        // A regular expression proper: used as written from a segment start.
        Regex::new(&alt).map_err(|e| format!("image pattern `{alt}`: {e}"))?;
        return Ok((format!("(?:^|/)(?:{alt})"), alt.len()));
    }
    if let Some(org) = alt.strip_suffix('/') {
        let org = normalise(without_host(org));
        let org = org.trim_matches('/');
        return Ok((format!("(?:^|/){}/", regex::escape(org)), org.len() + 1));
    }
    if alt.contains('/') {
        let path = normalise(&alt);
        let path = without_host(&path);
        let end = if obsolete { "(?:$|/)" } else { "(?:$|/|-)" };
        return Ok((format!("(?:^|/){}{end}", regex::escape(path)), path.len()));
    }
    if is_host(&alt) {
        return Ok((format!("^{}/", regex::escape(&alt)), alt.len()));
    }
    Ok((
        format!(
            "(?:^|/){}(?:db)?(?:-(?:{EDITIONS}))?(?:$|/)",
            regex::escape(&alt)
        ),
        alt.len(),
    ))
}

/// One image alternative, owned by an image signal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImagePattern {
    /// Index of the image signal in the engine.
    pub signal: usize,
    pub specificity: usize,
}

#[derive(Debug)]
pub(crate) struct ImageSet {
    set: RegexSet,
    patterns: Vec<ImagePattern>,
}

#[derive(Debug, Default)]
pub(crate) struct ImageSetBuilder {
    sources: Vec<String>,
    patterns: Vec<ImagePattern>,
}

impl ImageSetBuilder {
    pub fn add(&mut self, signal: usize, text: &str, obsolete: bool) -> Result<(), String> {
        for alt in split_alternation(text) {
            let (source, specificity) = pattern(alt, obsolete)?;
            self.sources.push(source);
            self.patterns.push(ImagePattern {
                signal,
                specificity,
            });
        }
        Ok(())
    }

    pub fn build(self) -> ImageSet {
        ImageSet {
            set: RegexSetBuilder::new(&self.sources)
                .build()
                .expect("image patterns are escaped literals"),
            patterns: self.patterns,
        }
    }
}

impl ImageSet {
    /// The patterns matching a normalised repository.
    pub fn hits(&self, repository: &str) -> Vec<ImagePattern> {
        if !self.set.is_match(repository) {
            return Vec::new();
        }
        self.set
            .matches(repository)
            .iter()
            .map(|i| self.patterns[i])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_normalised() {
        let r = parse("docker.io/library/redis:7.2@sha256:abc");
        assert_eq!((r.repository.as_str(), r.tag), ("redis", Some("7.2")));
        let r = parse("localhost:5000/team/app");
        assert_eq!(
            (r.repository.as_str(), r.tag),
            ("localhost:5000/team/app", None)
        );
        let r = parse("Quay.io/Prometheus/Prometheus:v2.54.1");
        assert_eq!(r.repository, "quay.io/prometheus/prometheus");
        assert_eq!(r.tag, Some("v2.54.1"));
    }

    fn matches(pattern_text: &str, obsolete: bool, image: &str) -> bool {
        let mut b = ImageSetBuilder::default();
        b.add(0, pattern_text, obsolete).unwrap();
        !b.build().hits(&parse(image).repository).is_empty()
    }

    #[test]
    fn patterns() {
        assert!(matches(
            "quay.io/prometheus/prometheus",
            false,
            "quay.io/prometheus/prometheus:v2"
        ));
        assert!(matches(
            "quay.io/prometheus/prometheus",
            false,
            "123.dkr.ecr.eu-west-1.amazonaws.com/quay/prometheus/prometheus:v2"
        ));
        assert!(!matches(
            "quay.io/prometheus/prometheus",
            false,
            "quay.io/prometheus/node-exporter"
        ));
        assert!(matches(
            "prom/prometheus",
            false,
            "docker.io/prom/prometheus"
        ));
        assert!(matches(
            "otel/opentelemetry-collector",
            false,
            "otel/opentelemetry-collector-contrib:0.1"
        ));
        assert!(!matches(
            "docker.io/fluxcd/flux",
            true,
            "ghcr.io/fluxcd/flux-cli:v2"
        ));
        assert!(matches("docker.io/fluxcd/flux", true, "fluxcd/flux:1.25.4"));
        assert!(matches(
            "ghcr.io/fluxcd/",
            false,
            "ghcr.io/fluxcd/source-controller:v1"
        ));
        assert!(matches("jaegertracing/", false, "jaegertracing/all-in-one"));
        assert!(matches(
            "registry.twistlock.com",
            false,
            "registry.twistlock.com/x/defender:1"
        ));
        assert!(!matches(
            "registry.twistlock.com",
            false,
            "evil.com/registry.twistlock.com"
        ));
        assert!(matches("postgres|bitnami/postgresql", false, "postgres:16"));
        assert!(matches(
            "postgres|bitnami/postgresql",
            false,
            "bitnami/postgresql-repmgr:16"
        ));
        assert!(!matches(
            "postgres|bitnami/postgresql",
            false,
            "prometheuscommunity/postgres-exporter"
        ));
        assert!(matches(
            "mongo",
            false,
            "mongodb/mongodb-community-server:7"
        ));
        assert!(matches("mongo", false, "bitnami/mongodb:7"));
        assert!(!matches("mongo", false, "mongo-express:1"));
        assert!(!matches("redis|valkey", false, "oliver006/redis_exporter"));
        assert!(matches(
            "redis|valkey",
            false,
            "public.ecr.aws/docker/library/redis:7"
        ));
    }
}
