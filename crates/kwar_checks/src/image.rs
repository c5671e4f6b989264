//! Container image references as the container runtime resolves them.

/// A parsed image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The registry host as written, or `docker.io` when the reference names none.
    pub registry: &'a str,
    /// Whether the registry was written explicitly.
    pub explicit_registry: bool,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(reference: &'a str) -> ImageRef<'a> {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (reference, None),
        };
        // The first component is a registry when it has a dot or a port, or is localhost.
        let (registry, explicit_registry, path) = match rest.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first, true, path)
            }
            _ => ("docker.io", false, rest),
        };
        // A tag is after the last ':' of the last path component.
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(i) => (&path[..last_slash + i], Some(&path[last_slash + i + 1..])),
            None => (path, None),
        };
        ImageRef {
            registry,
            explicit_registry,
            repository,
            tag: tag.filter(|t| !t.is_empty()),
            digest: digest.filter(|d| !d.is_empty()),
        }
    }

    /// Pulled from Docker Hub (no registry, `docker.io`, `index.docker.io`, `registry-1.docker.io`).
    pub fn is_docker_hub(&self) -> bool {
        matches!(
            self.registry,
            "docker.io" | "index.docker.io" | "registry-1.docker.io"
        )
    }

    /// The tag the runtime will pull: an image without tag or digest means `latest`.
    pub fn effective_tag(&self) -> Option<&'a str> {
        match (self.tag, self.digest) {
            (Some(t), _) => Some(t),
            (None, Some(_)) => None,
            (None, None) => Some("latest"),
        }
    }

    /// Pinned to content: a digest makes the tag irrelevant.
    pub fn is_digest_pinned(&self) -> bool {
        self.digest.is_some_and(|d| d.contains(':'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("nginx");
        assert_eq!(
            (r.registry, r.repository, r.tag, r.effective_tag()),
            ("docker.io", "nginx", None, Some("latest"))
        );
        assert!(r.is_docker_hub());
        let r = ImageRef::parse("localhost:5000/team/app:1.2");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("localhost:5000", "team/app", Some("1.2"))
        );
        let r =
            ImageRef::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:abcd");
        assert!(r.is_digest_pinned());
        assert_eq!(r.effective_tag(), None);
        assert!(!r.is_docker_hub());
        let r = ImageRef::parse("bitnami/redis:7.2");
        assert!(r.is_docker_hub());
        assert_eq!(r.tag, Some("7.2"));
    }
}
